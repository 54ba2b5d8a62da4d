"""``deliveries_created`` is sent once the transaction that recorded deliveries commits, with their
``delivery_ids``; the receiver queues them for sending."""

import uuid

from django.db import transaction
from django.dispatch import Signal

from backend.webhooks.models import WebhookDelivery

deliveries_created = Signal()


def notify_created(delivery_ids: list[uuid.UUID]) -> None:
    transaction.on_commit(
        lambda: deliveries_created.send_robust(sender=WebhookDelivery, delivery_ids=delivery_ids)
    )
