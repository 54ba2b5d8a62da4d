"""Issue #11: inputs the fuzzer found answered with 500; each is a 400 naming what is wrong."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.common.parsers import MAX_JSON_DEPTH
from backend.partners.models import Role
from tests.backend.licensing.helpers import publish_programme

URDU_SRT = "1\n00:00:01,000 --> 00:00:03,500\nشاہراہ قراقرم دنیا کی بلند ترین سڑک ہے۔\n\n"
# Text with %-format directives, as a user may type them (Urdu and Chinese around them).
PERCENT_TEXT = ["%", "%s", "%(x)s", "100%", "اردو %d", "中文%"]
# Every text filter of every list endpoint: each reaches a form field's error message.
TEXT_FILTERS = [
    ("/api/v1/programmes/", name) for name in ("language", "genre", "partner", "year", "state", "kind", "parent")
] + [
    ("/api/v1/offers/", name) for name in ("programme", "owner", "terms", "exclusivity_allowed")
] + [
    ("/api/v1/licence-requests/", name) for name in ("programme", "state", "exclusive", "direction")
] + [
    ("/api/v1/licences/", name) for name in ("programme", "state", "exclusive", "direction")
] + [
    ("/api/v1/audit-events/", name) for name in ("action", "object_type", "object_id", "since", "until")
] + [
    ("/api/v1/assets/", name) for name in ("programme", "kind", "state", "parent")
]


@pytest.mark.parametrize("url, name", TEXT_FILTERS)
def test_percent_signs_in_filters_are_never_a_server_error(ptv, url, name):
    client = ptv.client(Role.ADMIN)
    for value in PERCENT_TEXT:
        response = client.get(url, {name: value})
        assert response.status_code in (200, 400), (value, response.status_code, response.content[:300])
        assert response["Content-Type"] == "application/json"


def test_an_invalid_language_filter_names_the_value_with_its_percent_sign(ptv):
    response = ptv.client().get("/api/v1/programmes/", {"language": "%"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("language", "invalid_language")
    assert error["detail"].startswith("'%' is not a valid BCP 47 language tag")


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_400_json_too_deep(ptv, depth):
    body = "[" * depth + "]" * depth
    response = ptv.client().post("/api/v1/programmes/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "json_too_deep"


def test_json_nested_as_deep_as_allowed_is_parsed_and_validated(ptv):
    title = {"ur": "شاہراہ قراقرم"}
    nested = title
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = [nested]
    response = ptv.client().post("/api/v1/programmes/", json.dumps({"title": nested}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "title"  # parsed, then refused by the field


@pytest.fixture
def documentary(ptv):
    return publish_programme(ptv)


@pytest.mark.parametrize("field", ["frame_rate", "target_frame_rate"])
@pytest.mark.parametrize("rate", ["1/0", "0", "0/1", "-25", "1e999", "100000", "25/0", "abc"])
def test_an_impossible_frame_rate_is_400_naming_the_field(ptv, documentary, field, rate):
    fields = {"frame_rate": "25", field: rate}
    response = ptv.client(Role.EDITOR).post(
        f"/api/v1/programmes/{documentary}/subtitles/",
        {"file": SimpleUploadedFile("track.srt", URDU_SRT.encode()), "language": "ur", **fields},
        format="multipart",
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["errors"][0]["code"] == "invalid_frame_rate"


def test_a_broadcast_frame_rate_is_accepted(ptv, documentary):
    response = ptv.client(Role.EDITOR).post(
        f"/api/v1/programmes/{documentary}/subtitles/",
        {"file": SimpleUploadedFile("track.srt", URDU_SRT.encode()), "language": "ur", "frame_rate": "29.97",
         "target_frame_rate": "25"},
        format="multipart",
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["frame_rate"] == "25"
