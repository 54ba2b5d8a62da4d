"""What every worker does besides its tasks: say it is alive and which queues it consumes,
clear the scratch folders of killed workers when it starts, and hand its running transcode
back to the queue when it is stopped (SIGTERM, remapped to a cold shutdown: see
deploy/run-embedded.sh), instead of letting the job wait for the heartbeat rule."""

from __future__ import annotations

import logging
import os

from celery import bootsteps, signals
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from backend.common.models import WorkerHeartbeat
from backend.media import pipeline
from workers.celery import app

log = logging.getLogger(__name__)


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    """Writes this worker's row in the heartbeat table every WORKER_HEARTBEAT_SECONDS."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, consumer, **kwargs):
        super().__init__(consumer, **kwargs)
        self.timer_entry = None

    def start(self, consumer) -> None:
        self.beat(consumer)
        self.timer_entry = consumer.timer.call_repeatedly(settings.WORKER_HEARTBEAT_SECONDS, self.beat, (consumer,))

    def stop(self, consumer) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
        try:
            WorkerHeartbeat.objects.filter(hostname=consumer.hostname).delete()
        except Exception:  # the database is away: the row goes stale on its own
            log.exception("could not remove this worker's heartbeat")

    def beat(self, consumer) -> None:
        queues = sorted(queue.name for queue in consumer.task_consumer.queues) if consumer.task_consumer else []
        try:
            WorkerHeartbeat.objects.update_or_create(
                hostname=consumer.hostname,
                defaults={"queues": queues, "pid": os.getpid(), "seen_at": timezone.now()},
            )
        except Exception:
            close_old_connections()
            log.exception("could not write this worker's heartbeat")


app.steps["consumer"].add(WorkerHeartbeatStep)


@signals.worker_init.connect
def clear_scratch(**kwargs) -> None:
    removed = pipeline.sweep_scratch(settings.MEDIA_WORK_DIR)
    if removed:
        log.info("removed %d scratch folder(s) left by workers that are gone", removed)


@signals.worker_shutting_down.connect
def hand_back_running_jobs(sender=None, how=None, **kwargs) -> None:
    """On a cold shutdown the pool is killed with its ffmpeg: put its assets back in the queue first."""
    if how != "Cold":
        return
    try:
        handed_back = pipeline.hand_back_worker(sender)
    except Exception:  # the database is away: the heartbeat rule takes them up instead
        log.exception("could not hand this worker's jobs back to the queue")
        return
    if handed_back:
        log.info("handed %d running job(s) back to the queue", handed_back)
