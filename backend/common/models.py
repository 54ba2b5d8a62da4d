"""Which workers are alive and what they consume: the liveness table /readyz reads."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by every Celery worker every few seconds (workers/lifecycle.py); deleted when it stops.

    Works on every broker (the embedded one has no worker events); a row older than a few
    missed heartbeats is a worker that died without saying so.
    """

    hostname = models.CharField(max_length=255, unique=True)
    queues = models.JSONField(default=list)
    pid = models.PositiveIntegerField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname} ({', '.join(self.queues)})"
