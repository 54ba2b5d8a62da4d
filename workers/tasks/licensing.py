"""Celery glue for licensing: webhook delivery and the periodic licence state refresh."""

from django.conf import settings

from backend.licensing import services, webhooks
from backend.licensing.models import WebhookDelivery
from workers.celery import app


@app.task(name="licensing.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: str) -> str:
    """One attempt per run; failures come back after an exponential backoff until the limit."""
    delivery = (
        WebhookDelivery.objects.select_related("webhook__partner")
        .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING).first()
    )
    if delivery is None:
        return "done"  # delivered, given up or deleted: a redelivered message is a no-op
    if webhooks.attempt(delivery):
        return WebhookDelivery.State.DELIVERED
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        webhooks.give_up(delivery)
        return WebhookDelivery.State.FAILED
    raise self.retry(countdown=webhooks.backoff(delivery.attempts))


@app.task(name="licensing.refresh_licence_states", acks_late=True)
def refresh_licence_states() -> dict[str, int]:
    return services.refresh_licence_states()
