"""Catalogue changes reach the search index through Celery, after the transaction commits."""

from django.dispatch import receiver

from backend.catalogue import signals
from workers.tasks import search as tasks


@receiver(signals.programme_changed)
def index_changed_programme(sender, programme_id, **kwargs) -> None:
    tasks.index_programme.delay(str(programme_id))


@receiver(signals.programme_deleted)
def remove_deleted_programme(sender, programme_id, **kwargs) -> None:
    tasks.remove_programme.delay(str(programme_id))
