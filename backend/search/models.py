"""Programmes whose search document is out of date, waiting for the next bulk indexing run."""

from django.db import models


class PendingIndex(models.Model):
    """One row per programme to (re)index or remove: repeated edits before a run mark it once.

    The indexing task takes every row, sends one bulk request and deletes the rows it took
    (those not marked again meanwhile, compared by ``marked_at``).
    """

    programme_id = models.UUIDField(unique=True)
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"pending index of {self.programme_id}"


class IndexRun(models.Model):
    """One row: whether an indexing run is queued and not yet started.

    A change that marks a programme queues a run only when it flips ``scheduled`` to true; a
    run flips it back before it takes the marked rows. However many changes arrive at once,
    at most one run waits in the queue, and no mark is left without a run after it.
    """

    scheduled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return "indexing run " + ("queued" if self.scheduled else "idle")
