"""A verified source enters the pipeline through Celery, after the transaction that stored it commits."""

from django.dispatch import receiver

from backend.media import signals
from workers.tasks import media as tasks


@receiver(signals.asset_uploaded)
def enqueue_pipeline(sender, asset_id, **kwargs) -> None:
    tasks.process_asset.delay(str(asset_id))
