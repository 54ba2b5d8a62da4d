"""Every error a client meets is the JSON error shape, also those Django and gunicorn answer
themselves: checked against the real gunicorn (deploy/gunicorn.conf.py) on a real socket."""

import json
from urllib.parse import quote

import pytest
import requests
from django.core.exceptions import DisallowedHost, PermissionDenied, RequestDataTooBig
from django.test import RequestFactory
from django.urls import get_resolver

from tests.backend.common.gunicorn_server import GunicornServer

pytestmark = pytest.mark.slow
# Words a partner may search for in Chinese, Urdu, Arabic, Russian and Azerbaijani: percent-encoded,
# each of their letters takes 6 or 9 bytes of the request line.
WORDS = "喀喇昆仑公路 شاہراہ قراقرم طريق قراقرم السريع Каракорумское шоссе Qaraqorum şosesi "
# The longest query search takes (search.query.MAX_TEXT_LENGTH letters), in Chinese: 9 bytes a letter.
LONGEST_QUERY = ("喀喇昆仑公路是世界上最高的公路，工程师们在这里工作了二十年。" * 20)[:500]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = GunicornServer(tmp_path_factory.mktemp("gunicorn")).start()
    token = server.manage("create_partner", "PTV", "--name", "Pakistan Television Corporation", "--country", "PK",
                          "--admin", "ptv-admin").strip()
    server.session = requests.Session()
    server.session.headers["Authorization"] = f"Token {token}"
    yield server
    server.stop()


def error_of(response: requests.Response) -> dict:
    assert response.headers["Content-Type"] == "application/json", (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) >= {"code", "detail"}, body
    return body


def parse_raw(answer: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


def test_an_unknown_url_is_json_404(server):
    response = requests.get(f"{server.base_url}/api/v1/no-such-thing/", timeout=10)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_disallowed_host_is_json_400(server):
    response = requests.get(f"{server.base_url}/api/v1/programmes/", headers={"Host": "evil.example"}, timeout=10)
    assert response.status_code == 400
    assert error_of(response)["code"] == "disallowed_host"


def test_a_body_over_the_limit_is_json_413_naming_the_limit(server):
    synopsis = "انجینئر اور دیہاتی پاکستان اور چین کے درمیان سڑک کی تعمیر کو یاد کرتے ہیں۔ " * 40_000  # ~5 MB
    response = server.session.post(f"{server.base_url}/api/v1/programmes/", timeout=30,
                                   json={"title": {"ur": "شاہراہ قراقرم"}, "synopsis": {"ur": synopsis}})
    assert response.status_code == 413
    body = error_of(response)
    assert (body["code"], body["limit"]) == ("request_too_large", 2_621_440)
    assert "2,621,440" in body["detail"]


def test_the_longest_multilingual_search_fits_in_the_request_line(server):
    request_line = f"GET /api/v1/search/?q={quote(LONGEST_QUERY)} HTTP/1.1"
    assert 4094 < len(request_line) < 8190  # over gunicorn's default limit, under ours
    response = server.session.get(f"{server.base_url}/api/v1/search/", params={"q": LONGEST_QUERY}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert response.json()["count"] == 0


def test_a_request_line_over_the_limit_is_json_414(server):
    response = server.session.get(f"{server.base_url}/api/v1/search/", params={"q": WORDS * 25}, timeout=30)
    assert response.status_code == 414
    assert error_of(response)["code"] == "request_line_too_long"


@pytest.mark.parametrize("request_bytes", [
    b"GET /api/v1/search/?q=\xff\xfe\xc3 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    b"GET /api/v1/search/?q=%FF%FE HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    b"HELLO\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-\xff: 1\r\n\r\n",
    b"POST /api/v1/programmes/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n",
], ids=["raw-invalid-utf8-query", "encoded-invalid-utf8-query", "not-http", "bad-version", "header-without-colon",
        "header-name-not-ascii", "unsupported-transfer-coding"])
def test_what_gunicorn_refuses_is_json_too(server, request_bytes):
    status, headers, body = parse_raw(server.raw(request_bytes))
    assert 400 <= status < 600
    assert headers["content-type"] == "application/json"
    assert set(body) == {"code", "detail"}
    assert body["code"] in ("bad_request", "not_implemented", "not_authenticated"), body


@pytest.mark.parametrize("status, exception, code", [
    (400, DisallowedHost("evil.example"), "disallowed_host"),
    (400, RequestDataTooBig("over"), "request_too_large"),
    (403, PermissionDenied(), "permission_denied"),
    (404, None, "not_found"),
    (500, None, "server_error"),
])
def test_djangos_error_views_answer_json(db, status, exception, code):
    handler = get_resolver().resolve_error_handler(status)
    request = RequestFactory().get("/")
    response = handler(request) if status == 500 else handler(request, exception)
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == code
    assert response.status_code == (413 if code == "request_too_large" else status)
