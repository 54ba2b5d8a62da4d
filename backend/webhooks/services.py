"""Signed event notifications to partner systems.

`emit` records one delivery per subscribed webhook (an outbox row) and announces them once the
transaction commits; a Celery task POSTs each, retrying with exponential backoff.
Receivers verify `X-Exchange-Signature: sha256=<hex>`, an HMAC-SHA256 with the webhook's
secret over `<X-Exchange-Timestamp>.<body>`, and should refuse old timestamps (replays).
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from backend.audit import services as audit
from backend.common.errors import DomainError
from backend.partners.models import Partner, User
from backend.webhooks import signals
from backend.webhooks.models import Webhook, WebhookDelivery

SIGNATURE_HEADER = "X-Exchange-Signature"
TIMESTAMP_HEADER = "X-Exchange-Timestamp"


class UnsafeDestination(DomainError):
    default_code = "unsafe_webhook_url"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_destination(url: str) -> None:
    """Refuse URLs that would make the exchange call into its own network (SSRF).

    Checked at registration and again before each delivery, as DNS answers can change.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("A webhook URL is an http or https URL.", code="invalid_webhook_url")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError):
        raise UnsafeDestination(f"The host {parts.hostname!r} does not resolve.", code="unresolvable_webhook_host")
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise UnsafeDestination(f"{parts.hostname!r} resolves to a non-public address ({address}).")


def register(actor: User, *, url: str, events: list[str]) -> tuple[Webhook, str]:
    """A webhook for the actor's partner; the secret is returned here and never shown again."""
    check_destination(url)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            partner=actor.partner, url=url, events=events, secret=secrets.token_hex(32), created_by=actor
        )
        audit.record(actor=actor, partner=actor.partner, action="webhook.registered", obj=webhook, url=url)
    return webhook, webhook.secret


def unregister(actor: User, webhook: Webhook) -> None:
    with transaction.atomic():
        audit.record(actor=actor, partner=actor.partner, action="webhook.deleted", obj=webhook, url=webhook.url)
        webhook.delete()


def emit(partner: Partner, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Notify the partner's webhooks of `event`. Call inside the transaction of the change.

    Deliveries are queued only once that transaction commits, so a rolled-back change
    notifies nobody.
    """
    if event not in Webhook.Event.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    hooks = [hook for hook in Webhook.objects.filter(partner=partner, is_active=True) if hook.wants(event)]
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=hook, event=event, payload=data) for hook in hooks
    )
    if deliveries:
        signals.notify_created([delivery.pk for delivery in deliveries])
    return deliveries


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.pk),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "partner": delivery.webhook.partner.code,
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def attempt(delivery: WebhookDelivery) -> bool:
    """POST the delivery once and record the outcome; True when the receiver answered 2xx."""
    webhook = delivery.webhook
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    status, error = None, ""
    try:
        check_destination(webhook.url)
        response = requests.post(
            webhook.url, data=body, timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "exchange-webhooks/1",
                "X-Exchange-Event": delivery.event,
                "X-Exchange-Delivery": str(delivery.pk),
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
            },
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}: {response.text[:500]}"
    except (requests.RequestException, UnsafeDestination) as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    delivery.attempts += 1
    delivery.response_status = status
    delivery.error = error
    delivery.last_attempt_at = timezone.now()
    if not error:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = delivery.last_attempt_at
    delivery.save(update_fields=["attempts", "response_status", "error", "last_attempt_at", "state", "delivered_at"])
    return not error


def give_up(delivery: WebhookDelivery) -> None:
    delivery.state = WebhookDelivery.State.FAILED
    delivery.save(update_fields=["state"])
