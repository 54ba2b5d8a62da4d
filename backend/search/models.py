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
