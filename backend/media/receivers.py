"""Stored sources reach the workers through Celery, after the transaction that recorded them commits."""

from django.dispatch import receiver
from django.utils import timezone

from backend.media import signals
from backend.media.models import Asset
from workers.tasks import media as tasks


@receiver(signals.source_received)
def enqueue_checksum(sender, asset_id, **kwargs) -> None:
    tasks.verify_source_checksum.delay(str(asset_id))


@receiver(signals.asset_uploaded)
def enqueue_pipeline(sender, asset_id, **kwargs) -> None:
    tasks.process_asset.delay(str(asset_id))
    # Sent: the asset shows it waits in the queue (a worker's claim clears it).
    Asset.objects.filter(pk=asset_id, state=Asset.State.UPLOADED).update(queued_at=timezone.now())
