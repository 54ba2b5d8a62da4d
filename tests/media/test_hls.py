"""The master playlist of a real ladder carries what RFC 8216 4.3.4 and Apple's HLS authoring
specification ask for: measured bandwidths, FRAME-RATE, CHANNELS, EXT-X-INDEPENDENT-SEGMENTS,
and untagged audio named for the programme's original language."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from media.ladder import plan_ladder
from media.probe import probe
from media.transcode import transcode
from tests.media.conftest import ffmpeg


@pytest.fixture(scope="module")
def untagged(clips) -> Path:
    """5 s of 25p with a mono and a stereo track, neither tagged with a language."""
    path = clips / "untagged.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=5", "-f", "lavfi", "-i", "sine=f=440:d=5:sample_rate=48000",
           "-f", "lavfi", "-i", "sine=f=880:d=5:sample_rate=48000", "-map", "0", "-map", "1", "-map", "2",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac:a:0", "1", "-ac:a:1", "2",
           "-metadata:s:a:0", "language=und", str(path))
    return path


@pytest.fixture(scope="module")
def ladder(untagged, fast_config, tmp_path_factory):
    """Transcoded for a programme whose original language is Urdu."""
    config = replace(fast_config, segment_seconds=2.0)
    info = probe(untagged)
    plan = plan_ladder(info, config, original_language="ur")
    return plan, transcode(info, tmp_path_factory.mktemp("hls"), plan, config)


def attributes(line: str) -> dict[str, str]:
    return {name: value.strip('"') for name, value in re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1])}


def segment_bits(playlist: Path) -> tuple[list[float], list[int]]:
    """Each segment's duration and size, read independently of the code under test: the sizes are
    the distances between successive byte-range offsets in the one media file."""
    text = playlist.read_text("utf-8")
    durations = [float(value) for value in re.findall(r"#EXTINF:([0-9.]+)", text)]
    ranges = [(int(length), int(offset)) for length, offset in re.findall(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", text)]
    ends = [offset for _, offset in ranges[1:]] + [(playlist.parent / "media.mp4").stat().st_size]
    return durations, [end - offset for (_, offset), end in zip(ranges, ends)]


def average_bps(playlist: Path) -> float:
    durations, sizes = segment_bits(playlist)
    return sum(sizes) * 8 / sum(durations)


def test_variants_carry_measured_bandwidths_and_the_frame_rate(ladder):
    plan, result = ladder
    master = result.master_playlist.read_text("utf-8")
    hls_dir = result.master_playlist.parent
    audio_average = max(average_bps(hls_dir / audio.name / "index.m3u8") for audio in plan.audio)
    variants = re.findall(r"(#EXT-X-STREAM-INF:.*)\n(.*)", master)
    assert [uri for _, uri in variants] == [f"{video.name}/index.m3u8" for video in plan.video]
    for line, uri in variants:
        found = attributes(line)
        assert found["FRAME-RATE"] == "25.000"
        expected = average_bps(hls_dir / uri) + audio_average  # the rung with its heaviest audio
        assert abs(int(found["AVERAGE-BANDWIDTH"]) - expected) <= 2
        durations, sizes = segment_bits(hls_dir / uri)
        assert int(found["BANDWIDTH"]) >= int(found["AVERAGE-BANDWIDTH"])
        # Peak: no lower than any whole segment's rate (a run of one segment counts, RFC 8216 4.3.4.2).
        whole = [size * 8 / seconds for size, seconds in zip(sizes, durations) if seconds >= 1.0]
        assert int(found["BANDWIDTH"]) >= max(whole)


def test_independent_segments_is_declared_for_the_whole_master(ladder):
    _, result = ladder
    lines = result.master_playlist.read_text("utf-8").splitlines()
    assert "#EXT-X-INDEPENDENT-SEGMENTS" in lines
    assert lines.index("#EXT-X-INDEPENDENT-SEGMENTS") < min(
        i for i, line in enumerate(lines) if line.startswith(("#EXT-X-MEDIA:", "#EXT-X-STREAM-INF:")))


def test_untagged_audio_takes_the_original_language_and_its_channels(ladder):
    _, result = ladder
    media = [attributes(line) for line in result.master_playlist.read_text("utf-8").splitlines()
             if line.startswith("#EXT-X-MEDIA:TYPE=AUDIO")]
    assert [(m["NAME"], m["LANGUAGE"], m["CHANNELS"]) for m in media] == [("اردو", "ur", "1"), ("اردو", "ur", "2")]
    assert [m["DEFAULT"] for m in media] == ["YES", "NO"]


def test_untagged_audio_of_a_programme_without_a_language_is_numbered(untagged, fast_config):
    plan = plan_ladder(probe(untagged), fast_config)
    assert [(a.display_name, a.hls_language) for a in plan.audio] == [("Audio 1", None), ("Audio 2", None)]
