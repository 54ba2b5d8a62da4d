"""The search API over the real embedded backend, fed by the real indexing task on commit."""

import pytest

from tests.backend.catalogue.programme_data import BAKU_NIGHTS, KARAKORAM, programme

pytestmark = pytest.mark.usefixtures("eager_tasks")
URL = "/api/v1/search/"

HEXI = {"title": {"zh-Hans": "河西走廊的千年历史", "en": "A Thousand Years of the Hexi Corridor"},
        "original_language": "zh-Hans", "genres": ["history"], "production_year": 2013, "countries": ["CN"]}


@pytest.fixture
def catalogue(ptv, cctv, aztv, django_capture_on_commit_callbacks):
    """Published programmes of three partners (indexed by the task the commit enqueues), and one draft."""
    ids = {}
    with django_capture_on_commit_callbacks(execute=True):
        for name, access, data in (("karakoram", ptv, KARAKORAM), ("hexi", cctv, HEXI), ("baku", aztv, BAKU_NIGHTS)):
            ids[name] = access.client().post("/api/v1/programmes/", data, format="json").json()["id"]
            access.client().post(f"/api/v1/programmes/{ids[name]}/publish/")
        ids["draft"] = ptv.client().post("/api/v1/programmes/", programme(
            title={"ur": "شاہراہ قراقرم کا مسودہ"}), format="json").json()["id"]
    return ids


def found(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return [hit["programme"]["id"] for hit in response.json()["results"]]


def test_urdu_typed_on_an_arabic_keyboard_finds_the_urdu_title(catalogue, cctv):
    # شاہراہ قراقرم typed with Arabic letters: ه for ہ.
    assert found(cctv.client(), q="شاهراه", languages="ur") == [catalogue["karakoram"]]


def test_a_chinese_word_inside_a_longer_title_is_found(catalogue, ptv):
    assert found(ptv.client(), q="历史") == [catalogue["hexi"]]


def test_azerbaijani_casing(catalogue, ptv):
    assert found(ptv.client(), q="BAKI") == [catalogue["baku"]]


def test_results_carry_the_programme_highlights_and_facets(catalogue, aztv):
    body = aztv.client().get(URL, {"q": "karakoram", "languages": "en"}).json()
    assert body["count"] == 1
    hit = body["results"][0]
    assert hit["programme"]["title"]["zh-Hans"] == "喀喇昆仑公路"
    assert any("<em>" in fragment for fragments in hit["highlights"].values() for fragment in fragments)
    assert body["facets"]["owner"] == {"PTV": 1}


def test_drafts_are_never_found(catalogue, ptv, cctv):
    for client in (ptv.client(), cctv.client()):
        assert catalogue["draft"] not in found(client, q="مسودہ")


def test_unpublish_and_delete_remove_the_document(catalogue, ptv, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ptv.client().post(f"/api/v1/programmes/{catalogue['karakoram']}/unpublish/")
    assert found(ptv.client(), q="karakoram") == []
    with django_capture_on_commit_callbacks(execute=True):
        ptv.client().post(f"/api/v1/programmes/{catalogue['karakoram']}/publish/")
    assert found(ptv.client(), q="karakoram") == [catalogue["karakoram"]]


def test_filters_and_facet_counts(catalogue, ptv):
    body = ptv.client().get(URL, {"genre": "history"}).json()
    assert {hit["programme"]["id"] for hit in body["results"]} == {catalogue["karakoram"], catalogue["hexi"]}
    assert body["facets"]["genres"]["history"] == 2
    assert found(ptv.client(), genre="history", year_to=2020) == [catalogue["hexi"]]
    assert found(ptv.client(), partner="AZTV") == [catalogue["baku"]]
    assert set(found(ptv.client(), language="ur,az-Latn")) == {catalogue["karakoram"], catalogue["baku"]}


def test_cursor_pages_through_every_hit_once(catalogue, ptv):
    seen, params = [], {"size": 1, "sort": "-published_at"}
    while True:
        body = ptv.client().get(URL, params).json()
        seen += [hit["programme"]["id"] for hit in body["results"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert sorted(seen) == sorted([catalogue["karakoram"], catalogue["hexi"], catalogue["baku"]])


@pytest.mark.parametrize("params, field", [
    ({"q": "x" * 501}, "q"),
    ({"size": 0}, "size"),
    ({"year_from": "nineteen"}, "year_from"),
    ({"sort": "price"}, "sort"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"languages": "xx-??"}, "languages"),
])
def test_bad_queries_are_400_naming_the_parameter(ptv, params, field):
    response = ptv.client().get(URL, params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_query_syntax_is_plain_text(catalogue, ptv):
    for text in ('title:"x" AND (', "*", "~/\\", "<script>"):
        assert ptv.client().get(URL, {"q": text}).status_code == 200


def test_avails_filter_keeps_what_can_still_be_licensed(catalogue, ptv, cctv, aztv):
    import datetime

    from tests.backend.licensing.helpers import offer_rights

    start, end = datetime.date.today(), datetime.date.today() + datetime.timedelta(days=365)
    window = {"window_start": str(start), "window_end": str(end)}
    offer_rights(ptv, catalogue["karakoram"], territories=["CN"], media=["vod"], subtitle_languages=["zh-Hans"],
                 **window)
    offer_rights(aztv, catalogue["baku"], territories=["RU"], media=["vod"], **window)
    terms = {"avail_territory": "CN", "avail_media": "vod", "avail_from": str(start),
             "avail_to": str(end), "avail_language": "zh-Hans", "avail_exclusive": "true"}
    body = cctv.client().get(URL, terms).json()
    assert [hit["programme"]["id"] for hit in body["results"]] == [catalogue["karakoram"]]
    assert body["facets"]["owner"] == {"PTV": 1}
    assert found(cctv.client(), q="BAKI", **terms) == []

    bad = cctv.client().get(URL, {**terms, "avail_territory": "ATLANTIS"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"].startswith("avail_territory")


def test_reindex_command_rebuilds_the_index_from_the_catalogue(catalogue, ptv, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    # An empty index, as after a mapping change (a new file, or a new index name on Elasticsearch).
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "rebuilt.sqlite3"
    settings.SEARCH_INDEX_PREFIX += "-rebuilt"
    assert found(ptv.client(), q="karakoram") == []
    out = StringIO()
    call_command("search_index", "--reindex", verbosity=0, stdout=out)
    assert "Indexed 3 published programmes" in out.getvalue()
    assert found(ptv.client(), q="karakoram") == [catalogue["karakoram"]]
    assert catalogue["draft"] not in found(ptv.client(), q="مسودہ")


def test_subtitle_and_audio_languages_are_searchable(catalogue, ptv, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backend.catalogue.models import Programme
    from backend.media.models import Asset

    programme = Programme.objects.get(pk=catalogue["karakoram"])
    Asset.objects.create(programme=programme, kind=Asset.Kind.RENDITION, storage_key="k/audio_ar", size=1,
                         language="ar", state=Asset.State.READY)
    srt = SimpleUploadedFile("zh.srt", "1\n00:00:01,000 --> 00:00:02,000\n公路\n\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        ptv.client().post(f"/api/v1/programmes/{programme.pk}/subtitles/", {"file": srt, "language": "zh-Hans"},
                          format="multipart")
    assert found(ptv.client(), subtitle_language="zh-Hans") == [catalogue["karakoram"]]
    assert found(ptv.client(), dub_language="ar") == [catalogue["karakoram"]]
