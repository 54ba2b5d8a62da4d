import pytest

from backend.licensing import territories
from backend.licensing.models import OfferLanguage, OfferRight, RightsOffer
from backend.partners.models import Role
from tests.backend.licensing.helpers import OFFER, PROGRAMMES, error_codes, offer_rights, publish_programme

OFFERS = "/api/v1/offers/"


def test_offer_expands_groups_and_normalises_languages(ptv):
    programme_id = publish_programme(ptv)
    body = offer_rights(ptv, programme_id, subtitle_languages=["zh_hans", "AR", "ar", "ur-Arab"])
    assert body["programme"] == programme_id and body["owner"] == "PTV"
    assert body["territory_groups"] == ["SCO", "ARAB_LEAGUE"]
    assert set(body["territories"]) == territories.SCO | territories.ARAB_LEAGUE
    assert body["subtitle_languages"] == ["zh-Hans", "ar", "ur"]
    assert body["notes"] == OFFER["notes"]
    # One row per territory x medium backs the avails query.
    assert OfferRight.objects.filter(offer_id=body["id"]).count() == len(body["territories"]) * 2
    assert set(OfferLanguage.objects.filter(offer_id=body["id"], kind="dub").values_list("language", flat=True)) == {
        "zh-Hans", "ar"}


def test_offers_are_listed_nested_and_flat(ptv, cctv):
    programme_id = publish_programme(ptv)
    first = offer_rights(ptv, programme_id)
    second = offer_rights(ptv, programme_id, territories=["AZ"], media=["radio"], window_start="2029-01-01",
                          window_end="2029-06-30")
    nested = cctv.client().get(f"{PROGRAMMES}{programme_id}/offers/").json()["results"]
    assert [o["id"] for o in nested] == [first["id"], second["id"]]
    assert cctv.client().get(f"{OFFERS}{second['id']}/").json()["territories"] == ["AZ"]
    assert cctv.client().get(OFFERS, {"owner": "PTV", "programme": programme_id}).json()["count"] == 2


def test_update_rebuilds_the_rights_rows(ptv):
    offer = offer_rights(ptv, publish_programme(ptv))
    response = ptv.client(Role.LICENSING).patch(f"{OFFERS}{offer['id']}/", {"territories": ["pk", "CN"]},
                                                 format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["territories"] == ["CN", "PK"] and response.json()["territory_groups"] == []
    assert set(OfferRight.objects.filter(offer_id=offer["id"]).values_list("territory", flat=True)) == {"CN", "PK"}
    assert ptv.client(Role.LICENSING).delete(f"{OFFERS}{offer['id']}/").status_code == 204
    assert not OfferRight.objects.exists()


def test_only_the_owners_licensing_team_offers_rights(ptv, cctv):
    programme_id = publish_programme(ptv)
    url = f"{PROGRAMMES}{programme_id}/offers/"
    for client, code in ((ptv.client(Role.EDITOR), "role_not_allowed"), (ptv.client(Role.VIEWER), "role_not_allowed"),
                         (cctv.client(Role.LICENSING), "not_owner")):
        response = client.post(url, OFFER, format="json")
        assert response.status_code == 403 and response.json()["code"] == code
    offer = offer_rights(ptv, programme_id)
    refused = cctv.client().patch(f"{OFFERS}{offer['id']}/", {"notes": "ours"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_owner"
    assert cctv.client().delete(f"{OFFERS}{offer['id']}/").status_code == 403
    assert RightsOffer.objects.get().notes == OFFER["notes"]


def test_offers_on_drafts_are_invisible_to_others(ptv, cctv):
    created = ptv.client().post(PROGRAMMES, {"title": {"ur": "مسودہ"}, "original_language": "ur"}, format="json")
    draft_id = created.json()["id"]
    offer = offer_rights(ptv, draft_id)
    assert cctv.client().get(f"{PROGRAMMES}{draft_id}/offers/").status_code == 404
    assert cctv.client().post(f"{PROGRAMMES}{draft_id}/offers/", OFFER, format="json").status_code == 404
    assert cctv.client().get(f"{OFFERS}{offer['id']}/").status_code == 404
    assert cctv.client().get(OFFERS).json()["count"] == 0


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"territories": ["PK", "ATLANTIS"]}, "territories.1", "unknown_territory"),
        ({"territories": ["XX"]}, "territories.0", "unknown_territory"),
        ({"territories": []}, "territories", "min_length"),
        ({"media": ["cinema"]}, "media.0", "invalid_choice"),
        ({"subtitle_languages": ["zh", "not a tag"]}, "subtitle_languages.1", "invalid_language"),
        ({"dub_languages": ["xx"]}, "dub_languages.0", "invalid_language"),
        ({"window_start": "2028-01-01", "window_end": "2027-12-31"}, "window_end", "window_end_before_start"),
        ({"terms": "gift"}, "terms", "invalid_choice"),
    ],
)
def test_bad_offers_name_the_field_and_change_nothing(ptv, overrides, field, code):
    programme_id = publish_programme(ptv)
    response = ptv.client(Role.LICENSING).post(f"{PROGRAMMES}{programme_id}/offers/", {**OFFER, **overrides},
                                                format="json")
    assert response.status_code == 400
    assert (field, code) in error_codes(response), response.json()
    assert not RightsOffer.objects.exists()


def test_partial_update_cannot_invert_the_window(ptv):
    offer = offer_rights(ptv, publish_programme(ptv))
    response = ptv.client().patch(f"{OFFERS}{offer['id']}/", {"window_end": "2026-12-31"}, format="json")
    assert response.status_code == 400 and error_codes(response) == [("window_end", "window_end_before_start")]


def test_unknown_or_malformed_programme_is_404(ptv):
    for programme_id in ("00000000-0000-0000-0000-000000000000",):
        assert ptv.client().get(f"{PROGRAMMES}{programme_id}/offers/").status_code == 404
    assert ptv.client().get(f"{PROGRAMMES}not-a-uuid/offers/").status_code == 404
