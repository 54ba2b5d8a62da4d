import datetime

from django.utils import timezone

from backend.catalogue.models import Programme
from backend.licensing import selectors
from backend.licensing.models import Licence, LicenceRight
from backend.webhooks.models import Webhook, WebhookDelivery
from tests.backend.licensing.helpers import LICENCES, approve, offer_rights, publish_programme, request_licence
from workers.tasks.licensing import refresh_licence_states


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def grant_current_licence(ptv, cctv, **overrides) -> tuple[Programme, str]:
    """A licence whose window runs from a month ago to two months ahead."""
    programme_id = publish_programme(ptv)
    offer_rights(ptv, programme_id, window_start=days(-365), window_end=days(365))
    terms = {"window_start": days(-30), "window_end": days(60), "exclusive": False,
             "subtitle_languages": ["zh-Hans", "ru"], "dub_languages": ["ar"], **overrides}
    licence_id = approve(ptv, request_licence(cctv, programme_id, **terms)["id"])["licence"]
    return Programme.objects.get(pk=programme_id), licence_id


def move_window(licence_id: str, start: int, end: int) -> None:
    """Let time pass: shift the licence's window relative to today."""
    window = {"window_start": timezone.localdate() + datetime.timedelta(days=start),
              "window_end": timezone.localdate() + datetime.timedelta(days=end)}
    Licence.objects.filter(pk=licence_id).update(**window)
    LicenceRight.objects.filter(licence_id=licence_id).update(**window)


def test_state_is_computed_on_read_before_the_task_runs(ptv, cctv):
    _, licence_id = grant_current_licence(ptv, cctv)
    assert cctv.client().get(f"{LICENCES}{licence_id}/").json()["state"] == "active"
    move_window(licence_id, -100, -1)
    assert Licence.objects.get(pk=licence_id).state == "active"  # stored, stale
    assert cctv.client().get(f"{LICENCES}{licence_id}/").json()["state"] == "expired"
    assert [item["id"] for item in cctv.client().get(LICENCES, {"state": "expired"}).json()["results"]] == [licence_id]
    assert cctv.client().get(LICENCES, {"state": "active"}).json()["count"] == 0

    assert refresh_licence_states.apply().get() == {"scheduled": 0, "active": 0, "expired": 1, "expiry_notices": 0}
    assert Licence.objects.get(pk=licence_id).state == "expired"
    assert refresh_licence_states.apply().get()["expired"] == 0


def test_licensed_delivery_selectors(ptv, cctv, aztv):
    programme, licence_id = grant_current_licence(ptv, cctv)
    assert selectors.has_active_licence(cctv.partner, programme)
    assert selectors.licensed_languages(cctv.partner, programme) == {"zh-Hans", "ru", "ar"}
    assert selectors.licensed_languages(cctv.partner, programme, kind="dub") == {"ar"}
    assert selectors.has_active_licence(cctv.partner, programme, language="zh-Hans", kind="subtitle")
    assert not selectors.has_active_licence(cctv.partner, programme, language="zh-Hans", kind="dub")
    assert selectors.has_active_licence(cctv.partner, programme, language="ar")
    assert not selectors.has_active_licence(cctv.partner, programme, language="ur")
    assert not selectors.has_active_licence(aztv.partner, programme)
    assert not selectors.has_active_licence(ptv.partner, programme)  # owners are not licensees

    move_window(licence_id, 5, 30)
    assert not selectors.has_active_licence(cctv.partner, programme)
    assert cctv.client().get(f"{LICENCES}{licence_id}/").json()["state"] == "scheduled"
    move_window(licence_id, -30, -1)
    assert selectors.licensed_languages(cctv.partner, programme) == set()


def test_expiring_licences_are_notified_once_to_both_parties(ptv, cctv, settings):
    settings.LICENSING_EXPIRY_NOTICE_DAYS = 14
    hooks = [Webhook.objects.create(partner=p.partner, url="https://partner.example/hook", secret="s")
             for p in (ptv, cctv)]
    _, licence_id = grant_current_licence(ptv, cctv)
    assert refresh_licence_states.apply().get()["expiry_notices"] == 0  # ends in 60 days
    move_window(licence_id, -30, 10)
    assert refresh_licence_states.apply().get()["expiry_notices"] == 1
    assert refresh_licence_states.apply().get()["expiry_notices"] == 0
    notices = WebhookDelivery.objects.filter(event="licence.expiring")
    assert sorted(d.webhook_id for d in notices) == sorted(h.pk for h in hooks)
    assert notices[0].payload["licence"] == licence_id and notices[0].payload["days_left"] == 10
