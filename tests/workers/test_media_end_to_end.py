"""A master uploaded with the CLI ends, through a real worker process, as an HLS ladder that a
standard player (ffprobe) opens over HTTP with its audio and the programme's subtitle tracks."""

import json
import re
import subprocess
from urllib.parse import urljoin

import pytest
import requests

from client import cli
from tests.backend.media.conftest import clip_dir, documentary, fast_media, ffprobe_json, urdu_clip  # noqa: F401
from tests.workers.worker import WorkerProcess, wait_for

pytestmark = pytest.mark.slow

URDU_SRT = "1\n00:00:00,500 --> 00:00:02,000\nشاہراہ قراقرم\n\n"
CHINESE_SRT = "1\n00:00:00,500 --> 00:00:02,000\n喀喇昆仑公路\n\n"



def test_upload_to_playable_hls_with_subtitles(live_server, settings, monkeypatch, ptv, cctv, documentary,
                                               urdu_clip, fast_media, tmp_path, capsys):
    settings.UPLOAD_PART_SIZE = 256 * 1024  # a multi-part upload of the small clip
    for name, value in fast_media.items():
        monkeypatch.setenv(name, value)
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Token {ptv.admin_token}"
        code = cli.main(["upload", str(urdu_clip), "--programme", str(documentary.pk), "--api", live_server.url,
                         "--token", ptv.admin_token, "--state-dir", str(tmp_path / "state"), "--quiet"])
        assert code == 0
        source_id = json.loads(capsys.readouterr().out)["asset"]["id"]

        def ready():
            asset = api.get(f"{live_server.url}/api/v1/assets/{source_id}/").json()
            assert asset["state"] not in ("failed", "cancelled"), asset["state_reason"]
            return asset if asset["state"] == "ready" else None

        asset = wait_for(ready, 180, "the pipeline")
        assert asset["progress"] == 100 and asset["qc_report"]["status"] in ("pass", "fail")
        worker.wait_for_log("media.process_asset[")

        for language, text in (("ur", URDU_SRT), ("zh-Hans", CHINESE_SRT)):
            response = api.post(f"{live_server.url}/api/v1/programmes/{documentary.pk}/subtitles/",
                                files={"file": ("track.srt", text.encode())}, data={"language": language})
            assert response.status_code == 201, response.text

        hls = api.get(f"{live_server.url}/api/v1/assets/", params={"parent": source_id, "kind": "hls"}).json()
        hls_id = hls["results"][0]["id"]
        playback = api.get(f"{live_server.url}/api/v1/assets/{hls_id}/playback/").json()["url"]
        master = requests.get(playback, timeout=30).text
        assert 'TYPE=SUBTITLES' in master and 'LANGUAGE="ur"' in master and 'LANGUAGE="zh-Hans"' in master

        streams = ffprobe_json(playback, "-protocol_whitelist", "http,tcp", "-show_streams")["streams"]
        assert {"video", "audio"} <= {stream["codec_type"] for stream in streams}
        assert "ur" in {stream.get("tags", {}).get("language") for stream in streams if stream["codec_type"] == "audio"}

        # Debian's ffmpeg 5.1 skips subtitle renditions of a master playlist (later versions read
        # them), so follow each one's URI as a player does and let ffmpeg decode its cues.
        renditions = dict(re.findall(r'TYPE=SUBTITLES,.*?LANGUAGE="([^"]+)".*?URI="([^"]+)"', master))
        assert set(renditions) == {"ur", "zh-Hans"}
        for language, expected in (("ur", "شاہراہ قراقرم"), ("zh-Hans", "喀喇昆仑公路")):
            decoded = subprocess.run(
                ["ffmpeg", "-v", "error", "-protocol_whitelist", "http,tcp", "-i", urljoin(playback, renditions[language]),
                 "-f", "srt", "-"], capture_output=True, timeout=60, check=True).stdout.decode()
            assert "00:00:00,500 --> 00:00:02,000" in decoded and expected in decoded

        # A partner with no licence gets nothing from the same link.
        cctv_api = requests.Session()
        cctv_api.headers["Authorization"] = f"Token {cctv.admin_token}"
        assert cctv_api.get(f"{live_server.url}/api/v1/assets/{hls_id}/playback/").status_code == 404
    finally:
        worker.stop()


# A worker killed or stopped mid-transcode: tests/workers/test_recovery.py.
