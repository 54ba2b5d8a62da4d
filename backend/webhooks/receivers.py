"""Events of the exchange become webhook deliveries; committed deliveries go to the workers."""

from django.dispatch import receiver

from backend.licensing.signals import licensing_event
from backend.media.signals import asset_ready
from backend.webhooks import services, signals
from workers.tasks import webhooks as tasks


@receiver(licensing_event)
def notify_licensing_event(sender, partner, event, payload, **kwargs) -> None:
    services.emit(partner, event, payload)


@receiver(asset_ready)
def notify_asset_ready(sender, asset, **kwargs) -> None:
    services.emit(asset.programme.owner, "asset.ready", {
        "asset": str(asset.pk), "programme": str(asset.programme_id), "qc_status": asset.qc_report.get("status"),
    })


@receiver(signals.deliveries_created)
def enqueue_deliveries(sender, delivery_ids, **kwargs) -> None:
    for delivery_id in delivery_ids:
        tasks.deliver_webhook.delay(str(delivery_id))
