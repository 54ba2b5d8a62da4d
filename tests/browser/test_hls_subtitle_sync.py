"""Subtitles land on the frame they are timed for, in a real web player on another origin.

A source with its frame number burnt in (as black/white blocks a page can read, and as text for
people) goes through the real pipeline with the production encoder preset, whose B-frames start the
ladder's timeline 80 ms late. A page served from a second local server (another origin) plays the
playback URL with hls.js in Debian's headless Chromium, shows a Chinese subtitle track, and reports
the pictures presented (requestVideoFrameCallback, with the frame number read back) and when
each cue became active (cuechange). The cue-to-frame
offset is that picture's source time minus the cue's authored start: within one frame (40 ms).
"""

from __future__ import annotations

import functools
import json
import shutil
import statistics
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from backend.media import pipeline
from backend.media.models import Asset
from tests.backend.media.conftest import (  # noqa: F401  (fixtures)
    clip_dir,
    documentary,
    fast_media,
    ffmpeg,
    fs_store,
    store_source,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
HLS_JS = ROOT / "node_modules/hls.js/dist/hls.min.js"
PLAYWRIGHT = ROOT / "node_modules/playwright-core"
ARTIFACTS = ROOT / "var/browser"
FPS = 25
BITS = 8  # frame numbers up to 255: 10 s at 25 fps
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf")
# Cue starts on frame boundaries (frames 25, 63, 100), in Chinese.
CUES = [(1.000, 2.000, "喀喇昆仑公路"), (2.520, 3.480, "世界上最高的公路"), (4.000, 5.000, "连接中国和巴基斯坦")]


def srt(cues) -> str:
    def stamp(seconds: float) -> str:
        ms = round(seconds * 1000)
        return f"{ms // 3_600_000:02}:{ms // 60_000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"

    return "".join(f"{n}\n{stamp(start)} --> {stamp(end)}\n{text}\n\n" for n, (start, end, text) in enumerate(cues, 1))


def numbered_clip(path: Path) -> Path:
    """6 s of 640x360 at 25 fps; frame n shows n in binary in the top band (white block = 1)."""
    band = "drawbox=x=0:y=0:w=iw:h=ih/9:color=black:t=fill"
    bits = [f"drawbox=x={k}*iw/{BITS}:y=0:w=iw/{BITS}:h=ih/9:color=white:t=fill:enable='mod(floor(n/{2 ** k}),2)'"
            for k in range(BITS)]
    text = ([f"drawtext=fontfile={FONT}:text='frame %{{frame_num}}':x=20:y=h/2:fontsize=40:fontcolor=white"
             ":box=1:boxcolor=black"] if FONT.exists() else [])
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=640x360:r={FPS}:d=6", "-f", "lavfi", "-i", "sine=f=1000:d=6",
           "-vf", ",".join([band, *bits, *text]), "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10",
           "-c:a", "aac", str(path))
    return path


class PageServer:
    """The player page and hls.js on their own local server: a second origin beside the API's."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def run_page(url: str, **options) -> dict:
    """tests/browser/run_page.mjs: the page's JSON report (shared with the other browser tests)."""
    done = subprocess.run(["node", str(HERE / "run_page.mjs"), url, json.dumps(options)], cwd=ROOT,
                          capture_output=True, text=True, timeout=options.get("timeout_ms", 60000) / 1000 + 60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian package chromium)"
    if not HLS_JS.exists() or not PLAYWRIGHT.exists():
        return "node_modules is missing hls.js or playwright-core (run npm ci)"
    if shutil.which("node") is None:
        return "node is missing"
    return None


@pytest.fixture
def page_server(tmp_path):
    folder = tmp_path / "player"
    folder.mkdir()
    shutil.copy(HERE / "hls_subtitle_sync.html", folder / "index.html")
    shutil.copy(HLS_JS, folder / "hls.min.js")  # served by the page's own server: no CDN
    server = PageServer(folder)
    yield server
    server.close()


@pytest.mark.skipif(missing_browser() is not None, reason=missing_browser() or "")
def test_cues_land_on_their_frame_in_hls_js_on_another_origin(fs_store, settings, documentary, ptv, fast_media,
                                                               page_server, clip_dir):
    settings.MEDIA_X264_PRESET = "veryfast"  # production's preset: B-frames, so the ladder starts late
    source = store_source(documentary, numbered_clip(clip_dir / "numbered.mp4"))
    assert pipeline.process(source.pk) == Asset.State.READY, Asset.objects.get(pk=source.pk).state_reason
    hls = Asset.objects.get(parent=source, kind=Asset.Kind.HLS)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {ptv.admin_token}"
    added = api.post(f"{fs_store.url}/api/v1/programmes/{documentary.pk}/subtitles/",
                     files={"file": ("zh.srt", srt(CUES).encode())}, data={"language": "zh-Hans"}, timeout=30)
    assert added.status_code == 201, added.text
    playback = api.get(f"{fs_store.url}/api/v1/assets/{hls.pk}/playback/", timeout=30).json()["url"]
    assert urlsplit(page_server.url).netloc != urlsplit(playback).netloc  # another origin

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = f"{page_server.url}/index.html?" + urlencode({"src": playback, "lang": "zh-Hans", "bits": BITS})
    report = run_page(page, timeout_ms=60_000, screenshot=str(ARTIFACTS / "hls-subtitle-sync.png"),
                      diagnostics="window.progress()", requests=True)
    result = report["result"] or {}
    (ARTIFACTS / "hls-subtitle-sync.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    assert report["ok"] and not result.get("error"), (report["error"], report["diagnostics"], result.get("error"),
                                                      result.get("events"),
                                                      report["failed_requests"], report["console"][-10:])

    # Segments come straight from the store's signed URLs: no redirect through the API per segment.
    api_paths = [urlsplit(r["url"]).path for r in report["requests"]]
    assert not [r for r in report["requests"] if 300 <= r["status"] < 400], report["requests"]
    assert all(path.endswith((".m3u8", ".vtt")) for path in api_paths if path.startswith("/api/v1/playback/"))
    media_fetches = sum(path.startswith("/api/v1/storage/objects/") for path in api_paths)
    assert media_fetches >= 2

    # The burnt-in numbers read back consistently: picture n is shown at one fixed offset from n / 25.
    pictures = [p for p in result["frames"] if p["mediaTime"] > 0]
    timeline = statistics.median(p["frame"] / FPS - p["mediaTime"] for p in pictures)
    assert sum(abs(p["frame"] / FPS - p["mediaTime"] - timeline) < 0.005 for p in pictures) >= 0.9 * len(pictures)

    offsets = {}
    for start, _, text in CUES:
        active = result["activations"].get(text)
        assert active, f"the cue {text!r} never became active: {result['events']}"
        # The picture on screen when the cue appeared: the last one presented at or before that moment.
        shown = max((p for p in pictures if p["mediaTime"] <= active["currentTime"] + 1e-6),
                    key=lambda p: p["mediaTime"])
        first = result["firstPictures"][text]
        offsets[text] = {
            # What the viewer sees: that picture's source time against the cue's authored start.
            "cue_to_frame_ms": round((shown["frame"] / FPS - start) * 1000, 1),
            # Where the player put the cue on the media timeline, against the picture it lands on.
            "cue_timeline_ms": round((active["startTime"] + timeline - start) * 1000, 1),
            # The first picture a frame callback saw with the cue active (lags by up to a frame).
            "first_picture_with_cue_ms": round((first["frame"] / FPS - start) * 1000, 1),
            "cue_start_time": active["startTime"], "active_at": active["currentTime"],
            "presented_media_time": shown["mediaTime"],
        }
    (ARTIFACTS / "hls-subtitle-sync-offsets.json").write_text(json.dumps(offsets, ensure_ascii=False, indent=1))
    print(json.dumps({"ladder_timeline_offset_s": round(-timeline, 4), "offsets": offsets, "requests": {
        "playlists": sum(p.startswith("/api/v1/playback/") for p in api_paths), "media": media_fetches,
        "redirects": sum(300 <= r["status"] < 400 for r in report["requests"])}}, ensure_ascii=False))
    for text, measured in offsets.items():
        assert abs(measured["cue_timeline_ms"]) <= 1000 / FPS, (text, offsets)
        assert abs(measured["cue_to_frame_ms"]) <= 1000 / FPS, (text, offsets)
