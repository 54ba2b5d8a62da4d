"""Fixtures: the real API server (pytest-django's live_server) on a filesystem or S3 (moto) store,
a programme of PTV, an editor's token, and helpers to talk to the API over HTTP."""

from __future__ import annotations

import base64
import hashlib
import uuid

import boto3
import pytest
import requests

from backend.catalogue.models import Programme
from backend.partners import services as partners
from backend.partners.models import Role
from tests.storage.conftest import make_file, moto_endpoint  # noqa: F401  (shared fixtures)

MiB = 1024 * 1024


class Api:
    """Plain HTTP calls to the live server with a token, as a partner's script would make them."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def __call__(self, method: str, path: str, json: dict | None = None) -> requests.Response:
        return self.session.request(method, self.base_url + path, json=json, timeout=60)

    def start(self, programme: Programme, path, **overrides) -> requests.Response:
        body = {"filename": path.name, "size": path.stat().st_size, "content_type": "application/mxf", **overrides}
        return self("POST", f"/api/v1/programmes/{programme.pk}/uploads/", body)


def part_bytes(path, upload: dict, number: int) -> bytes:
    with open(path, "rb") as source:
        source.seek((number - 1) * upload["part_size"])
        return source.read(upload["part_size"])


def put_part(target: dict, data: bytes) -> requests.Response:
    """PUT one part to its signed URL with Content-MD5, as the CLI does."""
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    return requests.put(target["url"], data=data, headers={**target.get("headers", {}), "Content-MD5": md5}, timeout=60)


def md5s(path, upload: dict) -> list[dict]:
    return [{"number": n, "md5": hashlib.md5(part_bytes(path, upload, n)).hexdigest()}
            for n in range(1, upload["part_count"] + 1)]


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fs_store(settings, tmp_path, live_server):
    """The embedded filesystem store, with 1 MiB parts so a few MiB make a multi-part upload."""
    settings.STORAGE_BACKEND = "filesystem"
    settings.STORAGE_ROOT = tmp_path / "store"
    settings.UPLOAD_PART_SIZE = MiB
    settings.UPLOAD_PUBLIC_API_URL = ""
    return live_server


@pytest.fixture
def s3_store(settings, moto_endpoint, live_server):  # noqa: F811
    """A fresh bucket on the moto S3 server process; parts of S3's minimum 5 MiB."""
    bucket = f"masters-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=bucket)
    settings.STORAGE_BACKEND = "s3"
    settings.S3_ENDPOINT_URL = settings.S3_PUBLIC_ENDPOINT_URL = moto_endpoint
    settings.S3_BUCKET = bucket
    settings.S3_ACCESS_KEY_ID = settings.S3_SECRET_ACCESS_KEY = "testing"
    settings.S3_ADDRESSING_STYLE = "path"
    settings.UPLOAD_PART_SIZE = 5 * MiB
    return live_server


@pytest.fixture
def programme(ptv) -> Programme:
    return Programme.objects.create(
        owner=ptv.partner, original_language="ur",
        title={"ur": "شاہراہ قراقرم", "zh-Hans": "喀喇昆仑公路", "en": "The Karakoram Highway"},
    )


def token_for(access, role: str) -> str:
    _, token = partners.create_user(access.partner, username=f"{access.partner.code.lower()}-{role}-{uuid.uuid4().hex[:6]}",
                                    role=role, actor=access.admin)
    return token


@pytest.fixture
def editor(ptv, live_server) -> Api:
    return Api(live_server.url, token_for(ptv, Role.EDITOR))


@pytest.fixture
def api_as(live_server):
    """An Api for a role of a partner: ``api_as(cctv, "admin")``."""

    def make(access, role: str = Role.ADMIN) -> Api:
        return Api(live_server.url, access.admin_token if role == Role.ADMIN else token_for(access, role))

    return make
