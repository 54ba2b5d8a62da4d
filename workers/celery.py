"""The Celery application: every task the workers run is in ``workers.tasks``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.exchange.settings")

app = Celery("exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # A task is acknowledged only when done, so a crashed worker's job is redelivered.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
)
app.conf.include = ["workers.tasks", "workers.tasks.licensing", "workers.tasks.media", "workers.tasks.search",
                    "workers.tasks.webhooks"]
# Chunked runs of long programmes (task names media.chunk.*; long media work).
app.conf.include.append("workers.tasks.chunked")
