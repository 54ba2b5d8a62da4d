"""Issue #11 item 17: the schema at /api/schema/ says what the API does, and the API refuses
what the schema does not declare instead of quietly ignoring it."""

import re

import pytest
import yaml
from rest_framework.test import APIClient

from backend.partners.models import Role
from tests.backend.catalogue.programme_data import BAKU_NIGHTS, KARAKORAM, programme

PROGRAMMES = "/api/v1/programmes/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(APIClient().get("/api/schema/").content)


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_declares_its_errors_in_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    for path, method, operation in operations(schema):
        for status in ("400", "401", "403"):
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        if "{" in path:
            assert "404" in operation["responses"], (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= set(operation["responses"]), (method, path)


def test_response_fields_that_can_be_empty_say_so(schema):
    asset = schema["components"]["schemas"]["Asset"]["properties"]
    assert asset["created_by"]["nullable"] is True
    roles = [resolve(schema, choice) for choice in asset["role"]["oneOf"]]
    assert [""] in [choice["enum"] for choice in roles]
    request = schema["components"]["schemas"]["LicenceRequest"]["properties"]
    assert request["decided_by"]["nullable"] is True and request["requested_by"]["nullable"] is True
    assert resolve(schema, request["state"]["allOf"][0])["enum"] == ["requested", "approved", "rejected"]
    licence = schema["components"]["schemas"]["Licence"]["properties"]
    assert resolve(schema, licence["state"]["allOf"][0])["enum"] == ["scheduled", "active", "expired"]


def test_the_schema_refuses_what_the_api_refuses_in_a_programme(schema, ptv):
    body = schema["components"]["schemas"]["ProgrammeRequest"]["properties"]
    assert body["title"]["minProperties"] == 1
    assert re.search(body["title"]["additionalProperties"]["pattern"], "   ") is None
    assert re.search(body["title"]["additionalProperties"]["pattern"], "喀喇昆仑公路")
    credit_name = schema["components"]["schemas"]["CreditRequest"]["properties"]["name"]
    assert credit_name["minProperties"] == 1
    editor = ptv.client(Role.EDITOR)
    for title in ({}, {"ur": "  ", "ar": ""}):
        response = editor.post(PROGRAMMES, programme(title=title), format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0] == {"field": "title", "code": "required",
                                                "detail": "Give it in at least one language."}
    credits = [{"role": "director", "name": {}}]
    response = editor.post(PROGRAMMES, programme(credits=credits), format="json")
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == ("credits.0.name",
                                                                                             "required")


def test_territories_are_an_enum_of_groups_and_countries(schema):
    territory = resolve(schema, schema["components"]["schemas"]["OfferRequest"]["properties"]["territories"]["items"]
                        ["allOf"][0])
    assert {"ARAB_LEAGUE", "SCO", "PK", "CN", "AZ"} <= set(territory["enum"])
    assert "0" not in territory["enum"]
    language = schema["components"]["schemas"]["ProgrammeRequest"]["properties"]["original_language"]
    assert all(re.fullmatch(language["pattern"], tag) for tag in ("ur", "zh-Hans", "az-Latn", "ar", "ru", "zh_hans"))
    assert not any(re.fullmatch(language["pattern"], tag) for tag in ("", "0", "zh-", "-ur"))


def test_dubbing_kit_languages_cannot_be_empty_in_the_schema(schema):
    languages = next(p for p in schema["paths"]["/api/v1/programmes/{programme_pk}/dubbing-kit/"]["get"]["parameters"]
                     if p["name"] == "languages")
    assert re.fullmatch(languages["schema"]["pattern"], "ur,ar,zh-Hans")
    assert not re.fullmatch(languages["schema"]["pattern"], "")


@pytest.mark.parametrize("query, field, code", [
    ({"sort_by": "title"}, "sort_by", "unknown_parameter"),
    ({"langauge": "ur"}, "langauge", "unknown_parameter"),  # a typo is not "no filter"
    ({"page_size": "null"}, "page_size", "invalid"),
    ({"page_size": "0"}, "page_size", "min_value"),
    ({"page_size": "1000"}, "page_size", "max_value"),
    ({"page": ""}, "page", "invalid"),
    ({"page": "0"}, "page", "min_value"),
    ({"year": "٢٠٢٤"}, "year", "invalid"),  # Arabic-Indic digits: not what the schema's integer means
    ({"ordering": "title"}, "ordering", "invalid_ordering"),
    ({"ordering": "-production_year,owner__code"}, "ordering", "invalid_ordering"),
])
def test_query_parameters_the_schema_does_not_allow_are_400(ptv, query, field, code):
    response = ptv.client().get(PROGRAMMES, query)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)


def test_declared_parameters_still_work(ptv):
    editor = ptv.client(Role.EDITOR)
    for data in (KARAKORAM, BAKU_NIGHTS):
        assert editor.post(PROGRAMMES, data, format="json").status_code == 201
    response = editor.get(PROGRAMMES, {"ordering": "-production_year,created_at", "page": "1", "page_size": "1"})
    assert response.status_code == 200, response.content
    assert [p["production_year"] for p in response.json()["results"]] == [2024]
    response = editor.get(PROGRAMMES, {"ordering": "production_year", "language": "az-Latn"})
    assert [p["title"]["az-Latn"] for p in response.json()["results"]] == ["Bakı gecələri"]


def test_a_list_without_ordering_fields_offers_no_ordering(ptv, schema):
    parameters = schema["paths"]["/api/v1/users/"]["get"].get("parameters", [])
    assert "ordering" not in [p["name"] for p in parameters]
    response = ptv.client().get("/api/v1/users/", {"ordering": "username"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unknown_parameter"


def test_a_subtitle_id_that_is_no_uuid_is_404(ptv):
    for path in ("/api/v1/subtitles/Ø/", "/api/v1/subtitles/شاہراہ/download/"):
        response = ptv.client().get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
