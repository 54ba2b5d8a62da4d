import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalogue.models import Programme
from backend.partners.models import Role
from tests.backend.catalogue.programme_data import BAKU_NIGHTS, KARAKORAM, programme

URL = "/api/v1/programmes/"


def create(access, data=None, role=Role.EDITOR) -> dict:
    response = access.client(role).post(URL, data or KARAKORAM, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_keeps_every_language_and_script(ptv):
    body = create(ptv)
    assert body["owner"] == "PTV"
    assert body["state"] == "draft"
    assert body["title"] == KARAKORAM["title"]
    assert body["keywords"]["zh-Hans"] == ["丝绸之路"]
    assert body["genres"] == ["documentary", "history"]
    stored = Programme.objects.get(pk=body["id"])
    assert stored.title["ur"] == "شاہراہ قراقرم"
    assert ptv.client().get(f"{URL}{body['id']}/").json() == body


def test_language_tags_and_country_codes_are_normalised(ptv):
    body = create(ptv, programme(
        title={"zh_hans": "喀喇昆仑公路", "UR-Arab": "شاہراہ قراقرم"}, original_language="az-latn", countries=["pk", "PK", "cn"]
    ))
    assert body["title"] == {"zh-Hans": "喀喇昆仑公路", "ur": "شاہراہ قراقرم"}
    assert body["original_language"] == "az-Latn"
    assert body["countries"] == ["PK", "CN"]


def test_text_is_stored_in_nfc(ptv):
    decomposed = "Qaraqorum s\u0327osesi"  # ş typed as s + combining cedilla
    body = create(ptv, programme(title={"az-Latn": decomposed}))
    assert body["title"]["az-Latn"] == "Qaraqorum şosesi"


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"title": {"xx": "Unknown language"}}, "title.xx", "invalid_language"),
        ({"title": {"en": "Fine", "zh-": "坏"}}, "title.zh-", "invalid_language"),
        ({"title": {"en": "A", "EN": "B"}}, "title.EN", "duplicate_language"),
        ({"title": {}}, "title", "required"),
        ({"title": {"en": "   ", "ar": ""}}, "title", "required"),
        ({"title": {"en": "x" * 501}}, "title.en", "max_length"),
        ({"original_language": "klingon-please"}, "original_language", "invalid_language"),
        ({"countries": ["PK", "XX"]}, "countries.1", "invalid_country"),
        ({"countries": ["PAK"]}, "countries.0", "invalid_country"),
        ({"genres": ["soap"]}, "genres", "does_not_exist"),
        ({"production_year": 1700}, "production_year", "min_value"),
        ({"coproducers": [{"partner": "PTV", "share": "60"}, {"partner": "CCTV", "share": "40.01"}]},
         "coproducers", "shares_over_100"),
        ({"coproducers": [{"partner": "PTV", "share": "10"}, {"partner": "PTV", "share": "10"}]},
         "coproducers", "duplicate_partner"),
        ({"coproducers": [{"partner": "NOPE", "share": "10"}]}, "coproducers.0.partner", "does_not_exist"),
        ({"credits": [{"role": "director", "name": {}}]}, "credits.0.name", "required"),
        ({"kind": "episode"}, "parent", "parent_required"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(ptv, cctv, overrides, field, code):
    response = ptv.client().post(URL, programme(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in body["errors"]], body
    assert body["detail"].startswith(body["errors"][0]["field"])
    assert not Programme.objects.exists()


def test_oversized_synopsis_is_rejected(ptv):
    response = ptv.client().post(URL, programme(synopsis={"ar": "ب" * 10_001}), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "synopsis.ar"


def test_series_season_episode_hierarchy(ptv):
    series = create(ptv, programme(kind="series", title={"zh-Hans": "美丽中国", "en": "Wild China"}))
    season = create(ptv, programme(kind="season", parent=series["id"], number=1, title={"en": "Season 1"}))
    episode = create(ptv, programme(kind="episode", parent=season["id"], number=3, title={"en": "Tibet"}))
    assert episode["parent"] == season["id"]
    children = ptv.client().get(URL, {"parent": season["id"]}).json()["results"]
    assert [c["id"] for c in children] == [episode["id"]]

    one_off = create(ptv)
    bad = ptv.client().post(URL, programme(kind="season", parent=one_off["id"]), format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "invalid_parent"
    orphaned = ptv.client().patch(f"{URL}{series['id']}/", {"kind": "one_off"}, format="json")
    assert orphaned.status_code == 400 and orphaned.json()["errors"][0]["code"] == "has_children"
    assert ptv.client().delete(f"{URL}{season['id']}/").json()["code"] == "has_children"


def test_another_partners_programme_cannot_be_a_parent(ptv, cctv):
    theirs = create(cctv, programme(kind="series"))
    response = ptv.client().post(URL, programme(kind="season", parent=theirs["id"]), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "parent", "code": "does_not_exist",
        "detail": f'Invalid pk "{theirs["id"]}" - object does not exist.'}


def test_drafts_are_invisible_to_other_partners(ptv, cctv):
    draft = create(ptv)
    assert cctv.client().get(f"{URL}{draft['id']}/").status_code == 404
    assert cctv.client().get(URL).json()["count"] == 0
    assert cctv.client().post(f"{URL}{draft['id']}/publish/").status_code == 404


def test_published_programmes_are_visible_read_only(ptv, cctv):
    draft = create(ptv)
    published = ptv.client().post(f"{URL}{draft['id']}/publish/")
    assert published.status_code == 200 and published.json()["state"] == "published"

    theirs = cctv.client()
    assert theirs.get(f"{URL}{draft['id']}/").json()["title"]["zh-Hans"] == "喀喇昆仑公路"
    assert [p["id"] for p in theirs.get(URL).json()["results"]] == [draft["id"]]
    for response in (
        theirs.patch(f"{URL}{draft['id']}/", {"title": {"en": "Mine now"}}, format="json"),
        theirs.delete(f"{URL}{draft['id']}/"),
        theirs.post(f"{URL}{draft['id']}/unpublish/"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "not_owner"
    assert Programme.objects.get(pk=draft["id"]).title == KARAKORAM["title"]

    assert ptv.client().post(f"{URL}{draft['id']}/unpublish/").status_code == 200
    assert theirs.get(f"{URL}{draft['id']}/").status_code == 404


def test_coproducers_see_the_draft_they_share_in(ptv, cctv, aztv):
    draft = create(ptv, programme(coproducers=[{"partner": "PTV", "share": "60"}, {"partner": "CCTV", "share": "40"}]))
    assert cctv.client().get(f"{URL}{draft['id']}/").json()["coproducers"] == [
        {"partner": "PTV", "share": "60.00"}, {"partner": "CCTV", "share": "40.00"}]
    assert cctv.client().patch(f"{URL}{draft['id']}/", {"number": 2}, format="json").status_code == 403
    assert aztv.client().get(f"{URL}{draft['id']}/").status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LICENSING, Role.DUBBING])
def test_read_only_roles_cannot_write(ptv, role):
    existing = create(ptv)
    client = ptv.client(role)
    assert client.get(f"{URL}{existing['id']}/").status_code == 200
    response = client.post(URL, KARAKORAM, format="json")
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    assert client.patch(f"{URL}{existing['id']}/", {"number": 1}, format="json").status_code == 403
    assert client.post(f"{URL}{existing['id']}/publish/").status_code == 403
    assert Programme.objects.count() == 1


def test_update_replaces_localised_fields_and_coproducers(ptv, cctv):
    body = create(ptv)
    response = ptv.client().patch(f"{URL}{body['id']}/", {
        "title": {**KARAKORAM["title"], "ru": "Каракорумское шоссе"},
        "coproducers": [{"partner": "CCTV", "share": "35.5"}],
    }, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"]["ru"] == "Каракорумское шоссе"
    assert response.json()["coproducers"] == [{"partner": "CCTV", "share": "35.50"}]


def test_publish_twice_is_a_conflict(ptv):
    body = create(ptv)
    ptv.client().post(f"{URL}{body['id']}/publish/")
    again = ptv.client().post(f"{URL}{body['id']}/publish/")
    assert again.status_code == 409 and again.json()["code"] == "already_published"


def test_only_drafts_can_be_deleted(ptv):
    body = create(ptv)
    ptv.client().post(f"{URL}{body['id']}/publish/")
    refused = ptv.client().delete(f"{URL}{body['id']}/")
    assert refused.status_code == 409 and refused.json()["code"] == "programme_published"
    ptv.client().post(f"{URL}{body['id']}/unpublish/")
    assert ptv.client().delete(f"{URL}{body['id']}/").status_code == 204
    assert not Programme.objects.exists()


def test_filters_and_ordering(ptv, cctv, aztv):
    karakoram = create(ptv)
    baku = create(aztv, BAKU_NIGHTS)
    silk = create(cctv, programme(title={"zh-Hans": "河西走廊"}, original_language="zh-Hans", production_year=2013,
                                  genres=["history"]))
    for access, item in ((aztv, baku), (cctv, silk)):
        access.client().post(f"{URL}{item['id']}/publish/")
    client = ptv.client()

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [p["id"] for p in response.json()["results"]]

    assert set(ids()) == {karakoram["id"], baku["id"], silk["id"]}
    assert set(ids(genre="history")) == {karakoram["id"], silk["id"]}
    assert ids(language="az-latn") == [baku["id"]]
    assert ids(language="zh-Hans") == [silk["id"]]
    assert ids(partner="CCTV") == [silk["id"]]
    assert ids(year=2021) == [baku["id"]]
    assert set(ids(year_from=2014)) == {karakoram["id"], baku["id"]}
    assert ids(state="draft") == [karakoram["id"]]
    assert ids(ordering="production_year") == [silk["id"], baku["id"], karakoram["id"]]
    assert ids(ordering="-production_year", page_size=1) == [karakoram["id"]]


def test_bad_filter_values_are_400_naming_the_parameter(ptv):
    for params, field in (({"language": "not a tag"}, "language"), ({"state": "secret"}, "state"),
                          ({"year": "MMXX"}, "year")):
        response = ptv.client().get(URL, params)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["field"] == field


def test_another_partners_id_or_a_malformed_id_is_404(ptv, cctv):
    theirs = create(cctv)
    for path in (f"{URL}{theirs['id']}/", f"{URL}not-a-uuid/", f"{URL}00000000-0000-0000-0000-000000000000/"):
        response = ptv.client().get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_list_query_count_does_not_grow_with_page_size(ptv, cctv):
    for year in range(2000, 2030):
        create(ptv, programme(production_year=year, coproducers=[{"partner": "CCTV", "share": "50"}]))
    client = ptv.client()

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(2) == queries(30)
