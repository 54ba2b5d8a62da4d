import pytest

from backend.audit.models import AuditEvent
from backend.licensing.models import Licence, LicenceRequest, LicenceRight
from backend.partners.models import Role
from tests.backend.licensing.helpers import (
    LICENCES,
    REQUEST,
    REQUESTS,
    approve,
    error_codes,
    offer_rights,
    publish_programme,
    request_licence,
)


def test_request_approve_licence(ptv, cctv, documentary):
    made = request_licence(cctv, documentary)
    assert made["state"] == "requested" and made["requester"] == "CCTV" and made["owner"] == "PTV"
    assert made["requested_by"] == "cctv-licensing" and made["licence"] is None
    assert made["message"] == "用于央视频点播"

    # Both sides see it, from their own point of view.
    assert [r["id"] for r in ptv.client().get(REQUESTS, {"direction": "incoming"}).json()["results"]] == [made["id"]]
    assert ptv.client().get(REQUESTS, {"direction": "outgoing"}).json()["count"] == 0
    assert cctv.client(Role.VIEWER).get(f"{REQUESTS}{made['id']}/").json()["id"] == made["id"]

    decided = approve(ptv, made["id"], reason="欢迎 — خوش آمدید")
    assert decided["state"] == "approved" and decided["decided_by"] == "ptv-licensing"
    licence = cctv.client().get(f"{LICENCES}{decided['licence']}/").json()
    assert licence["licensor"] == "PTV" and licence["licensee"] == "CCTV" and licence["exclusive"] is True
    assert licence["territories"] == ["CN"] and licence["media"] == ["vod"]
    assert licence["subtitle_languages"] == ["zh-Hans"] and licence["terms"] == "free_exchange"
    assert licence["state"] == "scheduled"  # the 2027 window has not started yet
    assert ptv.client().get(LICENCES, {"direction": "outgoing"}).json()["count"] == 1
    assert LicenceRight.objects.filter(licence_id=licence["id"]).count() == 1


def test_groups_in_requests_are_expanded(ptv, cctv, documentary):
    made = request_licence(cctv, documentary, territories=["GCC", "PK"], exclusive=False, media=["vod", "linear_tv"])
    assert made["territories"] == ["AE", "BH", "KW", "OM", "PK", "QA", "SA"] and made["territory_groups"] == ["GCC"]
    licence_id = approve(ptv, made["id"])["licence"]
    assert LicenceRight.objects.filter(licence_id=licence_id).count() == 14


def test_reject_needs_a_reason_and_is_final(ptv, cctv, documentary):
    made = request_licence(cctv, documentary)
    url = f"{REQUESTS}{made['id']}/reject/"
    missing = ptv.client(Role.LICENSING).post(url, {}, format="json")
    assert missing.status_code == 400 and error_codes(missing) == [("reason", "required")]
    rejected = ptv.client(Role.LICENSING).post(url, {"reason": "Права уже обещаны"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert cctv.client().get(f"{REQUESTS}{made['id']}/").json()["reason"] == "Права уже обещаны"
    for action in ("approve", "reject"):
        again = ptv.client().post(f"{REQUESTS}{made['id']}/{action}/", {"reason": "again"}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert not Licence.objects.exists()


def test_approving_twice_is_a_conflict(ptv, cctv, documentary):
    made = request_licence(cctv, documentary)
    approve(ptv, made["id"])
    again = ptv.client().post(f"{REQUESTS}{made['id']}/approve/")
    assert again.status_code == 409 and again.json() == {
        "code": "already_decided", "detail": "The request was already approved.", "state": "approved"}
    assert Licence.objects.count() == 1


def test_only_the_owner_decides_and_nobody_else_sees(ptv, cctv, aztv, documentary):
    made = request_licence(cctv, documentary)
    own = cctv.client().post(f"{REQUESTS}{made['id']}/approve/")
    assert own.status_code == 403 and own.json()["code"] == "not_licensor"
    assert aztv.client().get(f"{REQUESTS}{made['id']}/").status_code == 404
    for action in ("approve", "reject"):
        response = aztv.client().post(f"{REQUESTS}{made['id']}/{action}/", {"reason": "x"}, format="json")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert aztv.client().get(REQUESTS).json()["count"] == 0
    for role in (Role.EDITOR, Role.DUBBING, Role.VIEWER):
        refused = ptv.client(role).post(f"{REQUESTS}{made['id']}/approve/")
        assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    licence_id = approve(ptv, made["id"])["licence"]
    assert aztv.client().get(f"{LICENCES}{licence_id}/").status_code == 404
    assert aztv.client().get(LICENCES).json()["count"] == 0


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"window_start": "2027-06-01", "window_end": "2027-05-31"}, "window_end", "window_end_before_start"),
        ({"window_start": "2026-06-01", "window_end": "2026-07-01"}, "window_end", "window_in_past"),
        ({"window_start": "2026-12-01"}, "window_start", "window_outside_offer"),
        ({"window_end": "2029-01-01"}, "window_end", "window_outside_offer"),
        ({"territories": ["CN", "NARNIA"]}, "territories.1", "unknown_territory"),
        ({"territories": ["CN", "FR"]}, "territories", "territory_not_offered"),
        ({"territories": ["WORLDWIDE"]}, "territories", "territory_not_offered"),
        ({"media": ["radio"]}, "media", "medium_not_offered"),
        ({"media": ["podcast"]}, "media.0", "invalid_choice"),
        ({"subtitle_languages": ["zh-Hans", "ur"]}, "subtitle_languages", "language_not_offered"),
        ({"dub_languages": ["ru"]}, "dub_languages", "language_not_offered"),
        ({"dub_languages": ["zz-top"]}, "dub_languages.0", "invalid_language"),
        ({"programme": "00000000-0000-0000-0000-000000000000"}, "programme", "does_not_exist"),
    ],
)
def test_bad_requests_name_the_field_and_change_nothing(cctv, documentary, overrides, field, code):
    response = cctv.client(Role.LICENSING).post(REQUESTS, {**REQUEST, "programme": documentary, **overrides},
                                                 format="json")
    assert response.status_code == 400, response.json()
    assert (field, code) in error_codes(response), response.json()
    assert not LicenceRequest.objects.exists()


def test_error_names_what_the_offer_lacks(cctv, documentary):
    response = cctv.client(Role.LICENSING).post(
        REQUESTS, {**REQUEST, "programme": documentary, "territories": ["CN", "FR", "DE"]}, format="json")
    assert response.json()["detail"] == "territories: Not offered for territories: DE, FR."


def test_exclusivity_must_be_offered(ptv, cctv):
    programme_id = publish_programme(ptv)
    offer_rights(ptv, programme_id, exclusivity_allowed=False)
    response = cctv.client().post(REQUESTS, {**REQUEST, "programme": programme_id}, format="json")
    assert error_codes(response) == [("exclusive", "exclusivity_not_offered")]
    request_licence(cctv, programme_id, exclusive=False)


def test_own_unoffered_and_unpublished_programmes_cannot_be_requested(ptv, cctv, documentary):
    own = ptv.client().post(REQUESTS, {**REQUEST, "programme": documentary}, format="json")
    assert error_codes(own) == [("programme", "own_programme")]
    bare = publish_programme(ptv)
    assert error_codes(cctv.client().post(REQUESTS, {**REQUEST, "programme": bare}, format="json")) == [
        ("programme", "not_offered")]
    ptv.client().post(f"/api/v1/programmes/{documentary}/unpublish/")
    hidden = cctv.client().post(REQUESTS, {**REQUEST, "programme": documentary}, format="json")
    assert error_codes(hidden) == [("programme", "does_not_exist")]
    assert not LicenceRequest.objects.exists()


def test_one_offer_must_cover_the_whole_request(ptv, cctv):
    programme_id = publish_programme(ptv)
    offer_rights(ptv, programme_id, territories=["CN"], window_start="2027-01-01", window_end="2027-06-30")
    offer_rights(ptv, programme_id, territories=["PK"], window_start="2027-01-01", window_end="2027-12-31")
    response = cctv.client().post(REQUESTS, {**REQUEST, "programme": programme_id, "territories": ["CN", "PK"],
                                             "window_end": "2027-06-30"}, format="json")
    assert error_codes(response) == [("territories", "territory_not_offered")]
    response = cctv.client().post(REQUESTS, {**REQUEST, "programme": programme_id}, format="json")
    assert error_codes(response) == [("territories", "territory_not_offered")]  # CN only until June


@pytest.mark.parametrize(
    "first, second, conflicts",
    [
        ({"exclusive": True}, {"exclusive": True}, True),
        ({"exclusive": True}, {"exclusive": False}, True),
        ({"exclusive": False}, {"exclusive": True}, True),
        ({"exclusive": False}, {"exclusive": False}, False),
        ({"exclusive": True}, {"exclusive": True, "territories": ["PK"]}, False),
        ({"exclusive": True}, {"exclusive": True, "media": ["linear_tv"]}, False),
        ({"exclusive": True, "window_end": "2027-06-30"}, {"exclusive": True, "window_start": "2027-07-01"}, False),
        ({"exclusive": True, "window_end": "2027-07-01"}, {"exclusive": True, "window_start": "2027-07-01"}, True),
        ({"exclusive": True}, {"exclusive": True, "territories": ["SCO"], "media": ["vod", "linear_tv"]}, True),
    ],
)
def test_exclusivity_invariant(ptv, cctv, aztv, documentary, first, second, conflicts):
    granted = approve(ptv, request_licence(cctv, documentary, **first)["id"])["licence"]
    response = aztv.client().post(REQUESTS, {**REQUEST, "programme": documentary, **second}, format="json")
    if not conflicts:
        assert response.status_code == 201, response.json()
        return
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "licence_conflict" and body["conflicting_licence"] == granted
    assert body["conflict"]["territory"] == "CN" and body["conflict"]["medium"] == "vod"
    assert granted in body["detail"]
    assert LicenceRequest.objects.filter(requester=aztv.partner).count() == 0


def test_approval_refuses_a_request_overtaken_by_another_licence(ptv, cctv, aztv, documentary):
    theirs = request_licence(aztv, documentary)
    ours = request_licence(cctv, documentary, exclusive=False)
    granted = approve(ptv, theirs["id"])["licence"]
    refused = ptv.client().post(f"{REQUESTS}{ours['id']}/approve/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "licence_conflict" and refused.json()["conflicting_licence"] == granted
    assert LicenceRequest.objects.get(pk=ours["id"]).state == "requested"
    assert Licence.objects.count() == 1


def test_approval_rechecks_the_offer(ptv, cctv, documentary):
    made = request_licence(cctv, documentary)
    offer_id = made["offer"]
    ptv.client().patch(f"/api/v1/offers/{offer_id}/", {"media": ["linear_tv"]}, format="json")
    refused = ptv.client().post(f"{REQUESTS}{made['id']}/approve/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "no_longer_offered" and refused.json()["reason"] == "medium_not_offered"
    assert not Licence.objects.exists()


def test_decisions_are_audited_for_both_partners(ptv, cctv, documentary):
    made = request_licence(cctv, documentary)
    approve(ptv, made["id"], reason="Approved")
    rejected = request_licence(cctv, documentary, exclusive=False, territories=["PK"])
    ptv.client().post(f"{REQUESTS}{rejected['id']}/reject/", {"reason": "لا"}, format="json")
    for partner in (ptv, cctv):
        events = AuditEvent.objects.filter(partner=partner.partner, action__startswith="licence.")
        assert sorted((e.action, e.actor_username, e.object_id) for e in events) == sorted([
            ("licence.requested", "cctv-licensing", made["id"]),
            ("licence.approved", "ptv-licensing", made["id"]),
            ("licence.requested", "cctv-licensing", rejected["id"]),
            ("licence.rejected", "ptv-admin", rejected["id"]),
        ])
    approved_event = AuditEvent.objects.get(partner=ptv.partner, action="licence.approved")
    assert approved_event.details["licence"] == str(Licence.objects.get().pk)
    assert approved_event.details["reason"] == "Approved"
