"""Catalogue changes reach the search index through Celery, after the transaction commits.

A change marks the programme (backend.search.indexing) and queues a run unless one is queued
already; the run takes everything marked in bulk.
"""

from django.dispatch import receiver

from backend.catalogue import signals
from backend.search import indexing
from workers.tasks import search as tasks


@receiver(signals.programme_changed)
def index_changed_programme(sender, programme_id, **kwargs) -> None:
    if indexing.needs_indexing(programme_id) and indexing.mark(programme_id):
        tasks.index_pending.delay()


@receiver(signals.programme_deleted)
def remove_deleted_programme(sender, programme_id, **kwargs) -> None:
    if indexing.mark(programme_id):  # deleted rows cannot say whether they were published: remove anyway
        tasks.index_pending.delay()
