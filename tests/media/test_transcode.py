"""One-pass ladder: checked with ffprobe on the real outputs."""

import re
import threading
from fractions import Fraction
from pathlib import Path

import pytest

from media.ladder import plan_ladder
from media.probe import probe
from media.progress import TranscodeCancelled, TranscodeFailed
from media.transcode import transcode


def media_lines(master_text):
    return [line for line in master_text.splitlines() if line.startswith("#EXT-X-MEDIA:")]


def test_1080p_ladder_resolutions_keyframes_and_durations(hd1080, transcoded, keyframes):
    info, plan, result, _ = transcoded(hd1080)
    videos = [r for r in result.renditions if r.kind == "video"]
    assert [(r.info.video[0].width, r.info.video[0].height) for r in videos] == [
        (1920, 1080), (1280, 720), (854, 480), (426, 240)]
    frame = 1 / Fraction(25)
    for rendition in [*videos, result.proxy]:
        assert rendition.info.video[0].codec == "h264"
        assert rendition.info.video[0].frame_rate == Fraction(25)
        assert abs(rendition.info.duration - info.duration) <= frame
    # Keyframes every second (the test config), at the same instants on every rung.
    (rung_times,) = {tuple(keyframes(r.path)) for r in videos}
    assert len(rung_times) == 2 and rung_times[1] - rung_times[0] == pytest.approx(1.0)
    proxy_times = keyframes(result.proxy.path)
    assert [t - proxy_times[0] for t in proxy_times] == pytest.approx([t - rung_times[0] for t in rung_times])


def test_1080p_hls_playlists(hd1080, transcoded):
    _, plan, result, _ = transcoded(hd1080)
    master = result.master_playlist.read_text("utf-8")
    assert master.startswith("#EXTM3U")
    inf = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", master)
    assert [uri for _, uri in inf] == [f"{name}/index.m3u8" for name in ("1080p", "720p", "480p", "240p")]
    assert 'RESOLUTION=1920x1080' in inf[0][0] and 'AUDIO="group_aud"' in inf[0][0]
    (audio,) = media_lines(master)
    assert 'LANGUAGE="en"' in audio and 'NAME="English"' in audio and "DEFAULT=YES" in audio
    for rendition in result.renditions:
        variant = rendition.playlist.read_text("utf-8")
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in variant and variant.rstrip().endswith("#EXT-X-ENDLIST")
        assert '#EXT-X-MAP:URI="media.mp4"' in variant
        segments = [float(s) for s in re.findall(r"#EXTINF:([\d.]+),", variant)]
        # Video: two 1 s segments; audio may add a sliver for the AAC priming frame.
        assert sum(segments) == pytest.approx(2.0, abs=0.04 if rendition.kind == "video" else 0.05)
        assert len(segments) == 2 or rendition.kind == "audio"


def test_progress_is_monotonic_and_finishes_at_100(hd1080, transcoded):
    *_, progress = transcoded(hd1080)
    assert progress[-1] == 100.0 and len(progress) >= 2
    assert progress == sorted(progress) and all(0 <= p <= 100 for p in progress)


def test_interlaced_source_is_deinterlaced_and_keeps_both_languages(sd576i, transcoded):
    info, plan, result, _ = transcoded(sd576i)
    videos = [r.info.video[0] for r in result.renditions if r.kind == "video"]
    assert [(v.width, v.height) for v in videos] == [(854, 480), (426, 240)]
    assert all(v.field_order == "progressive" and v.frame_rate == Fraction(25) for v in videos)
    audio = [r for r in result.renditions if r.kind == "audio"]
    assert [r.info.audio[0].language for r in audio] == ["urd", "ara"]
    assert all(r.info.audio[0].channels == 2 for r in audio)
    master = result.master_playlist.read_text("utf-8")
    urdu, arabic = media_lines(master)
    assert 'LANGUAGE="ur"' in urdu and 'NAME="اردو"' in urdu and "DEFAULT=YES" in urdu
    assert 'LANGUAGE="ar"' in arabic and 'NAME="العربية"' in arabic and "DEFAULT=NO" in arabic
    assert [a.language for a in result.proxy.info.audio] == ["urd", "ara"]
    proxy_video = result.proxy.info.video[0]
    assert (proxy_video.width, proxy_video.height) == (320, 180)


def test_portrait_keeps_its_orientation(portrait, transcoded):
    _, _, result, _ = transcoded(portrait)
    (video,) = [r for r in result.renditions if r.kind == "video"]
    assert (video.info.video[0].width, video.info.video[0].height) == (240, 426)
    assert (result.proxy.info.video[0].width, result.proxy.info.video[0].height) == (180, 320)


def test_video_without_audio(video_only, transcoded):
    _, _, result, _ = transcoded(video_only)
    master = result.master_playlist.read_text("utf-8")
    assert "#EXT-X-MEDIA" not in master and "AUDIO=" not in master
    assert [r.kind for r in result.renditions] == ["video"]
    assert not result.proxy.info.audio


def test_audio_only(audio_only, transcoded):
    info, _, result, _ = transcoded(audio_only)
    (audio,) = result.renditions
    assert audio.kind == "audio" and audio.info.audio[0].language == "aze"
    assert 'LANGUAGE="az"' in result.master_playlist.read_text("utf-8")
    assert not result.proxy.info.video
    assert abs(result.proxy.info.duration - info.duration) < 0.05


def test_renditions_describe_storage_keys(sd576i, transcoded):
    _, _, result, _ = transcoded(sd576i)
    described = [r.to_dict(result.out_dir) for r in [*result.renditions, result.proxy]]
    assert [d["path"] for d in described] == [
        "hls/480p/media.mp4", "hls/240p/media.mp4", "hls/audio_ur/media.mp4", "hls/audio_ar/media.mp4", "proxy.mp4"]
    assert described[0]["playlist"] == "hls/480p/index.m3u8" and described[0]["size"] > 0


def test_cancel_kills_ffmpeg(hd1080, tmp_path, fast_config):
    info = probe(hd1080)
    cancel = threading.Event()
    with pytest.raises(TranscodeCancelled):
        transcode(info, tmp_path, plan_ladder(info, fast_config), fast_config,
                  on_progress=lambda percent: cancel.set(), cancel=cancel)
    assert not running_ffmpeg_writing_to(tmp_path)


def running_ffmpeg_writing_to(directory):
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[0].endswith(b"ffmpeg") and any(str(directory).encode() in a for a in args):
            found.append(cmdline.parent.name)
    return found


def test_rerun_is_idempotent(video_only, tmp_path, fast_config):
    info = probe(video_only)
    plan = plan_ladder(info, fast_config)
    first = transcode(info, tmp_path, plan, fast_config)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    second = transcode(info, tmp_path, plan, fast_config)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == files
    assert [r.path for r in second.renditions] == [r.path for r in first.renditions]


def test_ffmpeg_failure_is_reported_with_its_reason(video_only, tmp_path, fast_config):
    source = tmp_path / "gone.mp4"
    source.write_bytes(video_only.read_bytes())
    info = probe(source)
    source.unlink()
    with pytest.raises(TranscodeFailed, match="No such file"):
        transcode(info, tmp_path / "out", plan_ladder(info, fast_config), fast_config)
