from datetime import date

import pytest

from backend.catalogue.models import Programme
from backend.licensing.selectors import available_programme_ids
from tests.backend.catalogue.programme_data import BAKU_NIGHTS
from tests.backend.licensing.helpers import PROGRAMMES, approve, offer_rights, publish_programme, request_licence

URL = "/api/v1/avails/"
YEAR_2027 = {"from": "2027-01-01", "to": "2027-12-31"}


@pytest.fixture
def catalogue(ptv, cctv, aztv, documentary):
    """Four published programmes with offers, one draft, and one exclusive licence in Pakistan."""
    baku = publish_programme(aztv, **BAKU_NIGHTS)
    offer_rights(aztv, baku, territories=["WORLDWIDE"], media=["vod", "online"], subtitle_languages=["en", "ru", "ur"],
                 dub_languages=[], window_start="2027-01-01", window_end="2027-12-31", exclusivity_allowed=False)
    river = publish_programme(cctv, title={"zh-Hans": "长江"}, original_language="zh-Hans")
    offer_rights(cctv, river, territories=["CN", "PK"], media=["vod"], subtitle_languages=["ur"])
    licensed = publish_programme(ptv, title={"ur": "لاہور کی راتیں", "en": "Lahore Nights"})
    offer_rights(ptv, licensed)
    approve(ptv, request_licence(aztv, licensed, territories=["PK"], window_start="2027-03-01",
                                 window_end="2027-03-31")["id"])
    draft = ptv.client().post(PROGRAMMES, {"title": {"en": "Draft"}, "original_language": "en"}, format="json")
    offer_rights(ptv, draft.json()["id"])
    return {"documentary": documentary, "baku": baku, "river": river, "licensed": licensed}


def avails(access, **params) -> set[str]:
    response = access.client().get(URL, {**YEAR_2027, **params})
    assert response.status_code == 200, response.json()
    return {programme["id"] for programme in response.json()["results"]}


def test_avails_match_offers_and_licences(cctv, catalogue):
    c = catalogue
    assert avails(cctv, territory="PK", media="vod") == {c["documentary"], c["baku"], c["river"]}
    assert avails(cctv, territory="CN", media="vod") == {c["documentary"], c["baku"], c["river"], c["licensed"]}
    assert avails(cctv, territory="PK", media="vod", language="ur") == {c["baku"], c["river"]}
    assert avails(cctv, territory="PK", media="vod", language="ur-Arab", localization="dub") == set()
    assert avails(cctv, territory="SA", media="linear_tv", language="zh_hans", localization="dub") == {
        c["documentary"], c["licensed"]}
    # Baku Nights is not offered exclusively; Lahore Nights is licensed in Pakistan in March.
    assert avails(cctv, territory="PK", media="vod", exclusive="true") == {c["documentary"], c["river"]}
    assert avails(cctv, territory="PK", media="vod", exclusive="true", **{"from": "2027-04-01"}) == {
        c["documentary"], c["river"], c["licensed"]}
    # Every territory x medium asked must be covered by one offer.
    assert avails(cctv, territory="ARAB_LEAGUE,PK", media="vod,linear_tv") == {c["documentary"]}
    assert avails(cctv, territory="PK", media=["vod", "online"]) == {c["baku"]}
    assert avails(cctv, territory="FR", media="vod") == {c["baku"]}
    # The whole window must be offered.
    assert avails(cctv, territory="PK", media="vod", to="2028-06-30") == {c["documentary"], c["river"]}
    assert avails(cctv, territory="PK", media="vod", **{"from": "2026-12-31"}) == set()


def test_non_exclusive_licences_only_block_exclusive_avails(ptv, cctv, aztv, catalogue):
    c = catalogue
    approve(ptv, request_licence(aztv, c["documentary"], territories=["KZ"], exclusive=False,
                                 window_start="2027-12-01", window_end="2027-12-31")["id"])
    assert c["documentary"] in avails(cctv, territory="KZ", media="vod")
    assert c["documentary"] not in avails(cctv, territory="KZ", media="vod", exclusive="true")
    assert c["documentary"] in avails(cctv, territory="KZ", media="vod", exclusive="true", to="2027-11-30")


def test_avails_are_paginated_programmes(cctv, catalogue):
    body = cctv.client().get(URL, {**YEAR_2027, "territory": "CN", "media": "vod", "page_size": 3}).json()
    assert body["count"] == 4 and len(body["results"]) == 3 and body["next"]
    second = cctv.client().get(body["next"]).json()["results"]
    assert len({p["id"] for p in body["results"] + second}) == 4


def test_available_programme_ids_composes_with_catalogue_querysets(catalogue):
    ids = available_programme_ids(territories=["PK"], media=["vod"], start=date(2027, 1, 1), end=date(2027, 12, 31),
                                  language="ur", localization="subtitle")
    assert set(map(str, Programme.objects.filter(pk__in=ids).values_list("pk", flat=True))) == {
        catalogue["baku"], catalogue["river"]}


@pytest.mark.parametrize(
    "params, field, code",
    [
        ({"territory": "XX", "media": "vod"}, "territory.0", "unknown_territory"),
        ({"media": "vod"}, "territory", "required"),
        ({"territory": "PK", "media": "cinema"}, "media.0", "invalid_choice"),
        ({"territory": "PK", "media": "vod", "from": "2027-13-01"}, "from", "invalid"),
        ({"territory": "PK", "media": "vod", "to": "2026-12-31"}, "to", "window_end_before_start"),
        ({"territory": "PK", "media": "vod", "language": "xx-nonsense"}, "language", "invalid_language"),
        ({"territory": "PK", "media": "vod", "exclusive": "perhaps"}, "exclusive", "invalid"),
        ({"territory": "PK", "media": "vod", "localization": "dub"}, "language", "required"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(cctv, params, field, code):
    query = {**YEAR_2027, **params}
    response = cctv.client().get(URL, query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field and response.json()["errors"][0]["code"] == code

