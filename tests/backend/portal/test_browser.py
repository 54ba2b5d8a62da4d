"""The portal end to end in headless Chromium: a real server (pytest-django's live server on a free
port), a real Celery worker process, a master generated with ffmpeg and uploaded by the page, and
people signing in, searching, playing, licensing and downloading as they would.

The browser is Debian's /usr/bin/chromium driven by playwright-core from npm (`npm ci`); the Node
script prints what it saw as JSON, asserted on here. Screenshots land in DATA_DIR/screenshots/.
"""

import datetime
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from backend.licensing.models import Licence
from backend.media.models import Asset
from backend.partners.models import Role
from tests.backend.catalogue.programme_data import KARAKORAM
from tests.backend.media.conftest import fast_media, ffmpeg  # noqa: F401
from tests.backend.portal.conftest import PASSWORD, make_person
from tests.workers.worker import WorkerProcess, wait_for

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
PLAYWRIGHT = ROOT / "node_modules" / "playwright-core"
HLS_JS = ROOT / "backend" / "portal" / "static" / "portal" / "vendor" / "hls.min.js"
SCRIPT = Path(__file__).parent / "browser" / "portal_flow.mjs"
CHINESE_CUE = "喀喇昆仑公路是世界上最高的公路。"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
    pytest.mark.skipif(not PLAYWRIGHT.exists() or shutil.which("node") is None,
                       reason="node_modules is missing: run `npm ci` (or `make install`)"),
]



@pytest.fixture
def master(tmp_path) -> Path:
    """8 s of 640x360 with a tone, at a bitrate that makes several 256 KiB parts."""
    path = tmp_path / "karakoram-master.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=8", "-f", "lavfi", "-i", "sine=f=1000:r=48000:d=8",
           "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1500k", "-g", "25", "-c:a", "aac", "-ac", "2",
           "-metadata:s:a:0", "language=urd", str(path))
    return path


def seed(ptv, cctv) -> dict:
    """PTV's published documentary (indexed by the worker), its offer and Chinese subtitles."""
    editor = ptv.client(Role.EDITOR)
    programme = editor.post("/api/v1/programmes/", KARAKORAM, format="json").json()["id"]
    assert editor.post(f"/api/v1/programmes/{programme}/publish/").status_code == 200
    today = datetime.date.today()
    offer = {"territories": ["SCO", "ARAB_LEAGUE"], "media": ["vod", "linear_tv"], "subtitle_languages": ["zh-Hans", "ar"],
             "dub_languages": ["zh-Hans"], "window_start": today.isoformat(),
             "window_end": (today + datetime.timedelta(days=3 * 365)).isoformat(), "exclusivity_allowed": True}
    assert ptv.client(Role.LICENSING).post(f"/api/v1/programmes/{programme}/offers/", offer,
                                           format="json").status_code == 201
    srt = f"1\n00:00:00,200 --> 00:00:07,800\n{CHINESE_CUE}\n\n".encode("gb18030")
    from django.core.files.uploadedfile import SimpleUploadedFile

    track = editor.post(f"/api/v1/programmes/{programme}/subtitles/",
                        {"file": SimpleUploadedFile("zh.srt", srt), "language": "zh-Hans"})
    assert track.status_code == 201, track.json()
    return {"programme": programme, "window": {"start": today.isoformat(),
                                               "end": (today + datetime.timedelta(days=364)).isoformat()}}


def test_the_portal_in_chromium(live_server, settings, monkeypatch, ptv, cctv, master, fast_media, tmp_path):
    settings.UPLOAD_PART_SIZE = 256 * 1024
    assert master.stat().st_size > 3 * settings.UPLOAD_PART_SIZE, "the master must make several parts"
    assert HLS_JS.exists(), "run `make static` (npm ci and the copy of hls.js)"
    for name, value in fast_media.items():
        monkeypatch.setenv(name, value)
    screenshots = Path(settings.DATA_DIR) / "screenshots"
    shutil.rmtree(screenshots, ignore_errors=True)
    screenshots.mkdir(parents=True)
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        data = seed(ptv, cctv)
        viewer = APIClient()
        viewer.force_authenticate(make_person(cctv, Role.VIEWER))
        wait_for(lambda: viewer.get("/api/v1/search/", {"q": "قراقرم"}).json()["count"], 60, "the worker to index")
        users = {"editor": make_person(ptv, Role.EDITOR), "seller": make_person(ptv, Role.LICENSING),
                 "buyer": make_person(cctv, Role.LICENSING), "dubbing": make_person(cctv, Role.DUBBING)}
        scenario = {
            "base": live_server.url, "password": PASSWORD, "programme": data["programme"], "window": data["window"],
            "users": {role: user.username for role, user in users.items()}, "master": str(master),
            # شاهراه: شاہراہ typed on an Arabic keyboard (ه U+0647 for ہ U+06C1).
            "query": "شاهراه", "screenshots": str(screenshots),
        }
        (tmp_path / "scenario.json").write_text(json.dumps(scenario))
        done = subprocess.run(["node", str(SCRIPT), str(tmp_path / "scenario.json")], cwd=ROOT,
                              capture_output=True, text=True, timeout=540)
        seen = json.loads(done.stdout or "{}")
        assets = list(Asset.objects.values_list("kind", "state", "state_reason"))
        assert done.returncode == 0 and "error" not in seen, f"{seen.get('error')}\n{seen.get('console')}\n{done.stderr}\n{assets}"
    finally:
        worker.stop()
    steps = {step["name"]: step for step in seen["steps"]}
    # Errors in the pages (CSP violations would show here): only the refused request's 409 and the
    # parts cut off by the "dropped link" of the upload step are expected.
    unexpected = [line for line in seen["console"] if "status of 409" not in line and "ERR_FAILED" not in line]
    assert unexpected == [], seen["console"]

    search = steps["search-urdu"]
    assert search["found"] == 1 and search["title"] == "شاہراہ قراقرم" and search["titleLang"] == "ur"
    assert search["layout"]["dir"] == "rtl" and search["layout"]["lang"] == "ur"

    upload = steps["uploaded-and-ready"]
    assert upload["before"]["saved"] == 1 and 0 < upload["before"]["progress"] < 100
    assert any("Resuming the upload begun earlier" in text for text in upload["statusHistory"])
    assert upload["status"] == "Uploaded. Processing has started." and upload["saved"] == 0
    assert ["source", "ready"] in upload["rows"]

    preview = steps["preview-chinese-subtitles"]
    assert "zh-Hans" in preview["subtitleChoices"]
    assert preview["cue"] == {"lang": "zh-Hans", "text": CHINESE_CUE}
    assert preview["currentTime"] > 0

    assert steps["licence-requested"]["result"]["role"] == "status"
    assert steps["licence-approved"]["state"] == "approved"
    licence = Licence.objects.get(programme_id=data["programme"], licensee=cctv.partner)
    conflict = steps["conflict-named"]["result"]
    assert conflict["role"] == "alert" and str(licence.pk) in conflict["text"]
    assert steps["licences-of-the-licensee"]["states"] == ["active"]

    kit = steps["dubbing-kit"]
    assert kit["filename"].endswith(".zip") and "languages=zh-Hans" in kit["url"]
    with zipfile.ZipFile(kit["kit"]) as archive:
        srt = [name for name in archive.namelist() if name.endswith(".srt")]
        assert srt and CHINESE_CUE in archive.read(srt[0]).decode("utf-8-sig")

    for name in ("arabic-programme", "arabic-licensing", "arabic-catalogue-phone"):
        layout = steps[name]["layout"]
        assert layout["dir"] == "rtl" and layout["lang"] == "ar", name
        # Mirrored, not just labelled: the brand's and the heading's text sit nearer the right edge.
        for part in ("brand", "heading"):
            text = layout[part]
            assert layout["width"] - text["right"] < text["left"], f"{name}: {part} is not on the right"
        assert layout["brand"]["left"] > layout["language"]["left"], f"{name}: the bar is not mirrored"
        assert layout["scrollWidth"] <= layout["width"], f"{name}: the page scrolls sideways"
