"""Untrusted uploads: playlists, references and limits are refused before ffmpeg follows anything."""

import pytest

from media import safety
from media.config import TranscodeConfig
from media.ladder import plan_ladder
from media.probe import probe, run_ffprobe
from media.safety import Limits, MediaLimitExceeded, NotMedia, UnsafeMedia
from media.transcode import transcode


def test_hls_playlist_named_mp4_is_rejected_and_never_read(hls_mp4, clips, assert_secret_absent):
    with pytest.raises(UnsafeMedia) as caught:
        probe(hls_mp4)
    assert "HLS" in caught.value.reason
    assert_secret_absent(clips, str(caught.value), caught.value.reason)


def test_ffprobe_itself_cannot_be_made_to_follow_the_playlist(hls_mp4, clips, assert_secret_absent):
    """Defence in depth: even past the sniffer, the pinned demuxer refuses the playlist."""
    for demuxer in ("mov", "matroska", "mpegts"):
        with pytest.raises(NotMedia) as caught:
            run_ffprobe(hls_mp4, demuxer, Limits())
        assert_secret_absent(clips, caught.value.reason)


@pytest.mark.parametrize("content, what", [
    ("ffconcat version 1.0\nfile '{secret}'\n", "ffconcat"),
    ("# list\nfile '{secret}'\n", "concat"),
    ("v=0\no=- 0 0 IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n", "SDP"),
    ("<?xml version='1.0'?><MPD><BaseURL>file://{secret}</BaseURL></MPD>", "XML"),
    ("\ufeff  #EXTM3U\n{secret}\n", "HLS"),
    ("see http://example.org/{secret} — 见附件\n", "references"),
])
def test_text_that_references_files_is_unsafe(tmp_path, secret_file, content, what):
    upload = tmp_path / "upload.mov"
    upload.write_text(content.format(secret=secret_file), "utf-8")
    with pytest.raises(UnsafeMedia, match=what):
        safety.sniff(upload)


def test_plain_text_named_mp4_is_not_media(text_mp4):
    with pytest.raises(NotMedia, match="text"):
        probe(text_mp4)


def test_unknown_binary_is_not_media(tmp_path):
    upload = tmp_path / "blob.mp4"
    upload.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(NotMedia, match="recognised"):
        probe(upload)


def test_empty_file_is_not_media(tmp_path):
    upload = tmp_path / "empty.mp4"
    upload.touch()
    with pytest.raises(NotMedia, match="empty"):
        probe(upload)


@pytest.mark.parametrize("fixture, demuxer", [
    ("hd1080", "mov"), ("sd576i", "matroska"), ("audio_only", "mov"), ("qc_clip", "matroska"),
])
def test_known_containers_map_to_one_demuxer(request, fixture, demuxer):
    assert safety.sniff(request.getfixturevalue(fixture)) == demuxer


def test_url_like_file_name_stays_a_local_path(tmp_path, video_only):
    weird = tmp_path / "http:example.org.mp4"
    weird.write_bytes(video_only.read_bytes())
    assert probe(weird).video[0].width == 320


def test_input_size_limit(video_only):
    with pytest.raises(MediaLimitExceeded, match="limit"):
        probe(video_only, Limits(max_input_bytes=1000))


def test_output_file_size_limit_kills_ffmpeg(video_only, tmp_path, fast_config):
    info = probe(video_only)
    limits = Limits(max_output_file_bytes=20_000)
    with pytest.raises(MediaLimitExceeded, match="size limit"):
        transcode(info, tmp_path, plan_ladder(info, fast_config), fast_config, limits)


def test_time_limit_kills_ffmpeg(video_only, tmp_path):
    info = probe(video_only)
    config = TranscodeConfig(x264_preset="veryslow")
    limits = Limits(transcode_timeout_base=0.3, transcode_timeout_per_second=0.0)
    with pytest.raises(MediaLimitExceeded, match="time limit"):
        transcode(info, tmp_path, plan_ladder(info, config), config, limits)


def test_a_remote_source_may_use_its_own_scheme_and_nothing_else():
    url = "https://store.example/bucket/source.mxf?X-Amz-Signature=deadbeef"
    remote = safety.RemoteSource(url)
    assert safety.input_url(remote) == url
    assert safety.input_options("mxf", Limits(), remote)["protocol_whitelist"] == "https,tls,tcp"
    assert safety.input_options("mov", Limits(), safety.RemoteSource("http://minio:9000/b/k"))[
        "protocol_whitelist"] == "http,tcp"
    assert safety.input_options("mov", Limits())["protocol_whitelist"] == "file"
    assert "deadbeef" not in str(remote)  # what reaches logs and technical metadata
    for other in ("file:/etc/passwd", "concat:a|b", "subfile,,start,0,end,0,,:x", "ftp://host/x"):
        with pytest.raises(UnsafeMedia):
            safety.RemoteSource(other)


def test_a_presigned_url_in_an_ffmpeg_error_is_not_shown():
    stderr = (b"[https @ 0x55] HTTP error 403 Forbidden\n"
              b"https://store.example/b/k.mxf?X-Amz-Credential=AKIA&X-Amz-Signature=deadbeef: Server returned 403\n")
    summary = safety.error_summary(stderr)
    assert "403" in summary and "deadbeef" not in summary and "AKIA" not in summary
