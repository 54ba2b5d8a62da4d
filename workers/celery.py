"""The Celery application: every task the workers run is in ``workers.tasks``, routed by ``workers.queues``."""

import os

from celery import Celery

from workers import broker  # noqa: F401  registers the embedded broker (sqlite://)
from workers.queues import DEFAULT, route_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.exchange.settings")

app = Celery("exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # A task is acknowledged only when done, so a crashed worker's job is redelivered where the
    # broker can (Redis); everywhere, the asset's own heartbeat lets the sweeper take it up again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    task_routes=(route_task,),
    task_default_queue=DEFAULT,
)
app.conf.include = ["workers.tasks", "workers.tasks.licensing", "workers.tasks.media", "workers.tasks.search",
                    "workers.tasks.webhooks", "workers.lifecycle", "workers.tasks.chunked"]
