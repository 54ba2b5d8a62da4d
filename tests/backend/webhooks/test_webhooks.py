import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.partners.models import Role
from backend.webhooks import services as webhooks
from backend.webhooks.models import Webhook, WebhookDelivery
from tests.backend.licensing.helpers import request_licence
from workers.retry import MAX_BACKOFF_SECONDS, backoff
from workers.tasks.webhooks import deliver_webhook

URL = "/api/v1/webhooks/"


class Receiver:
    """A partner system on 127.0.0.1 answering with the statuses queued in `replies` (then 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.replies: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.replies.pop(0) if receiver.replies else 200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/exchange/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    server = Receiver()
    yield server
    server.close()


def register(access, url: str, events=None) -> dict:
    data = {"url": url} if events is None else {"url": url, "events": events}
    response = access.client().post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_secret_is_shown_once_and_only_admins_manage_webhooks(ptv, cctv, receiver):
    created = register(ptv, receiver.url, ["licence.requested"])
    assert len(created["secret"]) == 64 and created["events"] == ["licence.requested"]
    listed = ptv.client().get(URL).json()["results"]
    assert listed == [{key: created[key] for key in ("id", "url", "events", "is_active", "created_at")}]
    assert "secret" not in ptv.client().get(f"{URL}{created['id']}/").json()
    assert ptv.client(Role.LICENSING).post(URL, {"url": receiver.url}, format="json").status_code == 403
    assert cctv.client().get(f"{URL}{created['id']}/").status_code == 404
    assert cctv.client().delete(f"{URL}{created['id']}/").status_code == 404
    assert ptv.client().delete(f"{URL}{created['id']}/").status_code == 204
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url, code",
    [
        ("http://127.0.0.1:9/hook", "unsafe_webhook_url"),
        ("http://[::1]/hook", "unsafe_webhook_url"),
        ("http://10.1.2.3/hook", "unsafe_webhook_url"),
        ("ftp://partner.example/hook", "invalid_webhook_url"),
        ("not a url", "invalid"),
    ],
)
def test_private_or_malformed_urls_are_refused(ptv, url, code):
    response = ptv.client().post(URL, {"url": url}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert code in (body["code"], *(e["code"] for e in body.get("errors", []))), body
    assert not Webhook.objects.exists()


def test_licence_request_is_delivered_signed(ptv, cctv, documentary, receiver, django_capture_on_commit_callbacks):
    secret = register(ptv, receiver.url)["secret"]
    register(cctv, receiver.url, ["licence.approved"])  # the requester is not told of its own request
    with django_capture_on_commit_callbacks(execute=False) as queued:
        made = request_licence(cctv, documentary)
    assert len(queued) == 1  # one delivery queued once the request commits
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "licence.requested" and delivery.webhook.partner == ptv.partner

    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "delivered"
    [hit] = receiver.received
    timestamp = hit["headers"]["X-Exchange-Timestamp"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + hit["body"], hashlib.sha256).hexdigest()
    assert hit["headers"]["X-Exchange-Signature"] == f"sha256={expected}"
    assert hit["headers"]["X-Exchange-Event"] == "licence.requested"
    assert hit["headers"]["X-Exchange-Delivery"] == str(delivery.pk)
    event = json.loads(hit["body"].decode("utf-8"))
    assert event["event"] == "licence.requested" and event["partner"] == "PTV" and event["id"] == str(delivery.pk)
    assert event["data"]["request"] == made["id"] and event["data"]["programme"] == documentary
    assert event["data"]["requester"] == "CCTV" and event["data"]["territories"] == ["CN"]
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "done"  # redelivery is a no-op
    assert len(receiver.received) == 1

    log = ptv.client().get(f"{URL}{delivery.webhook_id}/deliveries/").json()["results"]
    assert [(d["event"], d["state"], d["attempts"], d["response_status"]) for d in log] == [
        ("licence.requested", "delivered", 1, 200)]


def test_failures_are_retried_with_backoff_until_delivered(ptv, receiver):
    register(ptv, receiver.url)
    [delivery] = webhooks.emit(ptv.partner, "asset.ready", {"asset": "a1", "title": "شاہراہ قراقرم"})
    receiver.replies = [500, 503]
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "delivered"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert len(receiver.received) == 3
    assert json.loads(receiver.received[-1]["body"])["data"]["title"] == "شاہراہ قراقرم"


def test_delivery_gives_up_after_the_last_attempt(ptv, receiver):
    register(ptv, receiver.url)
    [delivery] = webhooks.emit(ptv.partner, "asset.ready", {"asset": "a1"})
    receiver.replies = [500] * 5
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "failed"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert delivery.error.startswith("HTTP 500") and len(receiver.received) == 3


def test_unreachable_receivers_are_recorded(ptv, receiver, settings):
    register(ptv, receiver.url)
    [delivery] = webhooks.emit(ptv.partner, "asset.ready", {"asset": "a1"})
    receiver.close()
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    assert deliver_webhook.apply(args=[str(delivery.pk)]).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.response_status is None and "ConnectionError" in delivery.error


def test_backoff_doubles_and_is_capped(settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    base = settings.WEBHOOK_BACKOFF_SECONDS
    assert [backoff(n, base=base) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30, base=base) == MAX_BACKOFF_SECONDS


def test_emit_respects_subscriptions_and_known_events(ptv, receiver):
    register(ptv, receiver.url, ["licence.approved"])
    everything = register(ptv, receiver.url)
    assert [d.webhook_id for d in webhooks.emit(ptv.partner, "asset.ready", {})] == [
        Webhook.objects.get(pk=everything["id"]).pk]
    with pytest.raises(ValueError):
        webhooks.emit(ptv.partner, "programme.stolen", {})
