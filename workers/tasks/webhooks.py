"""Webhook deliveries: one POST per run, retried with exponential backoff until the limit."""

from django.conf import settings

from backend.webhooks import services
from backend.webhooks.models import WebhookDelivery
from workers.celery import app
from workers.retry import backoff


@app.task(name="webhooks.deliver", bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: str) -> str:
    """One attempt per run; failures come back after an exponential backoff until the limit."""
    delivery = (
        WebhookDelivery.objects.select_related("webhook__partner")
        .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING).first()
    )
    if delivery is None:
        return "done"  # delivered, given up or deleted: a redelivered message is a no-op
    if services.attempt(delivery):
        return WebhookDelivery.State.DELIVERED
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        services.give_up(delivery)
        return WebhookDelivery.State.FAILED
    raise self.retry(countdown=backoff(delivery.attempts, base=settings.WEBHOOK_BACKOFF_SECONDS))
