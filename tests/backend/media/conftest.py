"""Media fixtures. The pipeline: small generated sources stored as source assets, and a fast ladder.
Uploads: the real API server (pytest-django's live_server) on a filesystem or S3 store (see tests/storage),
a programme of PTV, an editor's token, and helpers to talk to the API over HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from backend.catalogue.models import Programme
from backend.exchange.settings import filesystem_storage
from backend.media.models import Asset
from backend.partners import services as partners
from backend.partners.models import Role
from backend.storage import get_storage
from tests.storage.conftest import (  # noqa: F401  (shared; the hook fails skipped S3 cases under REQUIRE_S3=1)
    make_file,
    pytest_runtest_makereport,
    s3_server,
)

SECRET = "TOP-SECRET-pipeline-کلید-密钥"
FAST_LADDER = [{"name": "360p", "size": 360, "video_kbps": 600}, {"name": "240p", "size": 240, "video_kbps": 300}]
FAST_PROXY = {"size": 180, "video_kbps": 200, "audio_kbps": 64, "preset": "ultrafast"}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def ffprobe_json(target: str, *args: str) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, target],
                          check=True, capture_output=True, timeout=60)
    return json.loads(done.stdout)


@pytest.fixture
def fast_media(settings):
    """A two-rung ladder with the fastest presets: the tests are about the pipeline, not quality."""
    settings.MEDIA_LADDER = FAST_LADDER
    settings.MEDIA_PROXY = FAST_PROXY
    settings.MEDIA_X264_PRESET = "ultrafast"
    settings.MEDIA_X264_THREADS = 2
    settings.MEDIA_THUMBNAILS = 3
    return {"MEDIA_LADDER": json.dumps(FAST_LADDER), "MEDIA_PROXY": json.dumps(FAST_PROXY),
            "MEDIA_X264_PRESET": "ultrafast", "MEDIA_X264_THREADS": "2"}


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pipeline-clips")


@pytest.fixture(scope="session")
def urdu_clip(clip_dir) -> Path:
    """3 s of 640x360 25p with a 1 kHz tone tagged Urdu; the first second is black.

    A sine peaking at -23 dBFS in both stereo channels measures -23 LUFS (ITU-R BS.1770)."""
    path = clip_dir / "karakoram.mp4"
    peak = 10 ** (-23 / 20)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=3",
           "-f", "lavfi", "-i", f"aevalsrc={peak:.6f}*sin(2*PI*1000*t)|{peak:.6f}*sin(2*PI*1000*t):s=48000:d=3",
           "-vf", "drawbox=t=fill:c=black:enable='lt(t,1)'",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-ac", "2",
           "-metadata:s:a:0", "language=urd", str(path))
    return path


def store_source(programme: Programme, path: Path, name: str | None = None) -> Asset:
    key = f"partners/{programme.owner.code}/programmes/{programme.pk}/sources/test/{name or path.name}"
    info = get_storage().put_file(key, path)
    return Asset.objects.create(programme=programme, kind=Asset.Kind.SOURCE, storage_key=key,
                                original_filename=name or path.name, size=info.size, state=Asset.State.UPLOADED)


@pytest.fixture
def documentary(ptv) -> Programme:
    from backend.catalogue import services

    return services.create_programme(ptv.admin, {"title": {"ur": "شاہراہ قراقرم", "en": "The Karakoram Highway"},
                                                 "original_language": "ur"})


# The upload protocol over HTTP

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
    settings.OBJECT_STORAGE = filesystem_storage(tmp_path / "store")
    settings.UPLOAD_PART_SIZE = MiB
    return live_server


@pytest.fixture
def s3_store(settings, s3_server, live_server):  # noqa: F811
    """A fresh bucket on the S3 server; parts of S3's minimum 5 MiB."""
    settings.OBJECT_STORAGE = {"BACKEND": "storage.s3.S3Storage",
                               "OPTIONS": s3_server.storage_options(s3_server.new_bucket())}
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
