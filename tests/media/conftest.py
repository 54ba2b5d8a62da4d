"""Clips generated once per session with ffmpeg's lavfi sources (no binary fixtures).

Everything is tiny (2–4 s, small frames) except the 1080p25 clip, which is about
resolution and stays 2 s long.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from media.config import ProxySpec, QcThresholds, Rung, TranscodeConfig

SECRET = "TOP-SECRET-4f1c9e-کلید-密钥"
# -23 dBFS peak sine: in both stereo channels at 1 kHz this reads -23.0 LUFS (BS.1770).
MINUS_23_DBFS = 10 ** (-23 / 20)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True, timeout=60)


def ffprobe_json(path: Path, *args: str) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)],
                          check=True, capture_output=True, timeout=30)
    return json.loads(done.stdout)


def keyframe_times(path: Path) -> list[float]:
    packets = ffprobe_json(path, "-select_streams", "v:0", "-show_entries",
                           "packet=pts_time,flags")["packets"]
    return sorted(round(float(p["pts_time"]), 3) for p in packets if "K" in p["flags"])


@pytest.fixture(scope="session")
def fast_config() -> TranscodeConfig:
    return TranscodeConfig(
        rungs=(Rung("1080p", 1080, 4000), Rung("720p", 720, 2000), Rung("480p", 480, 900),
               Rung("240p", 240, 300)),
        x264_preset="ultrafast",
        keyframe_seconds=1.0,
        segment_seconds=1.0,
        proxy=ProxySpec(size=180, video_kbps=300, audio_kbps=64, preset="ultrafast"),
        qc=QcThresholds(black_min_seconds=0.5, freeze_min_seconds=0.5, silence_min_seconds=0.5),
        threads=2,
    )


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


def _tone(frequency: int, seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=f={frequency}:d={seconds}:sample_rate=48000"]


@pytest.fixture(scope="session")
def hd1080(clips) -> Path:
    path = clips / "hd1080p25.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=2", *_tone(1000, 2),
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2",
           "-metadata:s:a:0", "language=eng", str(path))
    return path


@pytest.fixture(scope="session")
def sd576i(clips) -> Path:
    """PAL 16:9 anamorphic (SAR 64:45), top field first, Urdu and Arabic audio."""
    path = clips / "sd576i25.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=720x576:r=50:d=2,tinterlace=mode=interleave_top,setsar=64/45",
           *_tone(440, 2), *_tone(880, 2), "-map", "0:v", "-map", "1:a", "-map", "2:a",
           "-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1", "-q:v", "5",
           "-c:a", "aac", "-ac", "2", "-metadata:s:a:0", "language=urd",
           "-metadata:s:a:1", "language=ara", str(path))
    return path


@pytest.fixture(scope="session")
def portrait(clips) -> Path:
    path = clips / "portrait.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=360x640:r=25:d=2", *_tone(500, 2),
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path))
    return path


@pytest.fixture(scope="session")
def video_only(clips) -> Path:
    path = clips / "video_only.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
           "-c:v", "libx264", "-preset", "ultrafast", str(path))
    return path


@pytest.fixture(scope="session")
def audio_only(clips) -> Path:
    path = clips / "audio_only.m4a"
    ffmpeg(*_tone(700, 3), "-c:a", "aac", "-ac", "2", "-metadata:s:a:0", "language=aze",
           str(path))
    return path


@pytest.fixture(scope="session")
def qc_clip(clips) -> Path:
    """Known QC content.

    video: black from 1.0 s to 2.0 s (also frozen there) in a 4 s clip;
    audio 0: 1 kHz stereo tone at -23 dBFS throughout (-23 LUFS, -23 dBTP);
    audio 1: near-full-scale tone (peak -0.45 dBFS) then silence from 1.5 s.
    """
    path = clips / "qc.mkv"
    video = ("testsrc2=s=320x240:r=25:d=1[a];color=c=black:s=320x240:r=25:d=1[b];"
             "testsrc2=s=320x240:r=25:d=2[c];[a][b][c]concat=n=3[out0]")
    steady = f"{MINUS_23_DBFS}*sin(2*PI*1000*t)"
    loud = "0.95*sin(2*PI*1000*t)*lt(t\\,1.5)"
    ffmpeg("-f", "lavfi", "-i", video,
           "-f", "lavfi", "-i", f"aevalsrc=exprs={steady}|{steady}:s=48000:d=4",
           "-f", "lavfi", "-i", f"aevalsrc=exprs={loud}|{loud}:s=48000:d=4",
           "-map", "0:v", "-map", "1:a", "-map", "2:a",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac",
           "-metadata:s:a:0", "language=rus", "-metadata:s:a:1", "language=zho", str(path))
    return path


@pytest.fixture(scope="session")
def truncated(clips) -> Path:
    whole = clips / "whole.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-c:v", "libx264",
           "-preset", "ultrafast", str(whole))
    path = clips / "truncated.mp4"
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture(scope="session")
def text_mp4(clips) -> Path:
    path = clips / "notes.mp4"
    path.write_text("Программа: 丝绸之路 — ایک دستاویزی فلم — Azərbaycan\n" * 20, "utf-8")
    return path


@pytest.fixture(scope="session")
def secret_file(clips) -> Path:
    path = clips / "secret.ts"
    path.write_text(SECRET, "utf-8")
    return path


@pytest.fixture(scope="session")
def hls_mp4(clips, secret_file) -> Path:
    """An HLS playlist named .mp4 whose segments are a local secret file."""
    path = clips / "playlist.mp4"
    path.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
        f"#EXTINF:10.0,\n{secret_file}\n#EXTINF:10.0,\nfile://{secret_file}\n"
        f"#EXTINF:10.0,\n{secret_file.name}\n#EXT-X-ENDLIST\n", "utf-8")
    return path


def _assert_secret_absent(root: Path, *texts: str) -> None:
    for text in texts:
        assert SECRET not in text
    for path in root.rglob("*"):
        if path.is_file() and path.name != "secret.ts":
            assert SECRET.encode() not in path.read_bytes(), path


# Helpers handed out as fixtures so test modules need no imports from here.
@pytest.fixture(scope="session")
def probe_json():
    return ffprobe_json


@pytest.fixture(scope="session")
def keyframes():
    return keyframe_times


@pytest.fixture(scope="session")
def assert_secret_absent():
    return _assert_secret_absent


@pytest.fixture(scope="session")
def transcoded(tmp_path_factory, fast_config):
    """Transcode a clip fixture once per session: ``transcoded(path) -> (info, plan, result, progress)``."""
    from media.ladder import plan_ladder
    from media.probe import probe
    from media.transcode import transcode

    done = {}

    def run(source: Path):
        if source not in done:
            info = probe(source)
            plan = plan_ladder(info, fast_config)
            progress: list[float] = []
            out_dir = tmp_path_factory.mktemp(source.stem)
            result = transcode(info, out_dir, plan, fast_config, on_progress=progress.append)
            done[source] = (info, plan, result, progress)
        return done[source]

    return run
