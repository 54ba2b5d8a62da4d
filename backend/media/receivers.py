"""Stored sources reach the workers through Celery, after the transaction that recorded them commits."""

from django.dispatch import receiver
from django.utils import timezone

from backend.media import signals
from backend.media.models import Asset, MediaChunk
from workers.tasks import chunked as chunk_tasks
from workers.tasks import media as tasks


@receiver(signals.source_received)
def enqueue_checksum(sender, asset_id, **kwargs) -> None:
    tasks.verify_source_checksum.delay(str(asset_id))


@receiver(signals.asset_uploaded)
def enqueue_pipeline(sender, asset_id, **kwargs) -> None:
    tasks.process_asset.delay(str(asset_id))
    # Sent: the asset shows it waits in the queue (a worker's claim clears it).
    Asset.objects.filter(pk=asset_id, state=Asset.State.UPLOADED).update(queued_at=timezone.now())


@receiver(signals.chunk_tasks_queued)
def enqueue_chunk_tasks(sender, task_ids, **kwargs) -> None:
    for task_id, kind in MediaChunk.objects.filter(pk__in=task_ids).values_list("pk", "kind"):
        chunk_tasks.BY_KIND[kind].delay(task_id)
