"""Media pipeline fixtures: small generated sources stored as source assets, and a fast ladder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from backend.catalogue.models import Programme
from backend.media.models import Asset
from backend.media.storage import get_storage

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
