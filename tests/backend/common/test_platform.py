"""Schema, docs, health and the error shape for unknown URLs."""

import re

import pytest
import yaml
from django.core.management import call_command

from backend.common.errors import library_error
from backend.search.engine import search_backend
from search.errors import SearchError
from storage import errors as storage_errors
from subtitles import SubtitleParseError


def test_openapi_schema_lists_the_catalogue(anonymous, db):
    response = anonymous.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/programmes/", "/api/v1/programmes/{id}/publish/", "/api/v1/partners/", "/api/v1/me/"):
        assert path in schema["paths"], path


def test_interactive_docs_page_is_served_without_a_cdn(anonymous, db):
    response = anonymous.get("/api/docs/")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    assert all(asset.startswith("/static/") for asset in assets), assets
    bundle = next(asset for asset in assets if asset.endswith(".js"))
    assert anonymous.get(bundle).status_code == 200


def test_healthz_needs_no_auth(anonymous):
    assert anonymous.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_every_dependency_and_is_503_while_no_worker_runs(anonymous, db):
    search_backend().create_index()  # as `manage.py search_index` does on deployment
    response = anonymous.get("/readyz")
    body = response.json()
    assert response.status_code == 503, body
    assert all(body["checks"][name]["status"] == "ok" for name in ("database", "broker", "storage", "search"))
    assert set(body["queues"]) == {"media.long", "media.short", "index", "notify", "maintenance"}
    assert all(queue["workers"] == [] and queue["depth"] >= 0 for queue in body["queues"].values())
    assert body["checks"]["workers"]["status"] == "error" and "media.long" in body["checks"]["workers"]["detail"]


def test_readyz_is_503_until_the_search_index_exists(anonymous, db):
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"] == {
        "status": "error", "detail": "RuntimeError: the search index cannot be reached"}


def test_readyz_is_503_naming_the_broken_dependency(anonymous, db):
    from workers import app

    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = anonymous.get("/readyz")
    finally:
        app.conf.broker_write_url = None
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"


def test_unknown_url_is_a_json_404(anonymous, db, settings):
    settings.DEBUG = False
    response = anonymous.get("/no/such/page")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_schema_is_valid_openapi_without_generator_warnings(db, tmp_path):
    # --fail-on-warn turns any view the generator cannot describe into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert schema["components"]["securitySchemes"]["partnerToken"]["in"] == "header"


@pytest.mark.parametrize("error, status, code", [
    (storage_errors.NoSuchKey("gone"), 404, "not_found"),
    (storage_errors.InvalidKey("a\\b"), 400, "invalid_key"),
    (storage_errors.MissingParts("parts 3 of 4"), 409, "parts_missing"),
    (storage_errors.SignatureExpired(), 403, "signature_expired"),
    (storage_errors.FileTooLarge("too big"), 400, "file_too_large"),
    (storage_errors.StorageError("http://minio:9000 refused the connection"), 503, "storage_error"),
    (SearchError("http://elasticsearch:9200 timed out"), 503, "search_unavailable"),
    (SubtitleParseError("no cue", 3), 400, "subtitle_unparseable"),
])
def test_library_errors_are_answered_by_class(error, status, code):
    answer = library_error(error)
    assert (answer.status_code, answer.get_codes()) == (status, code)
    if status >= 500:  # the internal message (hosts, paths) stays in the log
        assert "http://" not in str(answer.detail)
