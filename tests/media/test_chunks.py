"""Chunked transcoding: the plan, and a chunked ladder checked against a one-pass ladder of the same source.

The sources are a few seconds long; the threshold is lowered so they are chunked, with
chunk boundaries every one or two seconds, so every check crosses several boundaries.
"""

from __future__ import annotations

import re
import struct
import subprocess
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from media import fmp4
from media.chunks import (
    AssemblyError,
    AudioResult,
    ChunkPlan,
    assemble,
    overall_progress,
    plan_chunks,
    transcode_audio,
    transcode_chunk,
)
from media.config import ProxySpec, QcThresholds, Rung, TranscodeConfig
from media.probe import AudioStream, MediaInfo, VideoStream, probe
from media.progress import TranscodeCancelled
from media.transcode import transcode

CONFIG = TranscodeConfig(
    rungs=(Rung("180p", 180, 400), Rung("90p", 90, 150)),
    x264_preset="veryfast",  # B-frames: reordering across boundaries is part of what is checked
    keyframe_seconds=1.0,
    segment_seconds=2.0,  # two GOPs a segment
    proxy=ProxySpec(size=90, video_kbps=100, audio_kbps=64, preset="veryfast"),
    qc=QcThresholds(black_min_seconds=0.5, freeze_min_seconds=0.5, silence_min_seconds=0.5),
    threads=2,
)
# Lossless rungs: decoded pictures must then equal the one-pass run's bit for bit.
LOSSLESS = replace(CONFIG, video_qp=0, h264_profile="high444", segment_seconds=1.0)
FPS = 25
SECONDS = 9
BOUNDARY_FLASHES = (2, 6)  # chunk boundaries (of 2, 4, 6, 8) with a white flash and a beep across them


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-y", *args], check=True,
                          capture_output=True, timeout=120)


def generate(path: Path, *args: str) -> Path:
    run("-loglevel", "error", *args, str(path))
    return path


# --- sources --------------------------------------------------------------------

@pytest.fixture(scope="module")
def flashes(tmp_path_factory) -> Path:
    """Black 320x180p25 with two-frame white flashes astride some boundaries, a beep exactly with each."""
    frames = [n for b in BOUNDARY_FLASHES for n in (b * FPS - 1, b * FPS)]
    video_on = "+".join(f"eq(n\\,{n})" for n in frames)
    audio_on = "+".join(f"between(t\\,{(b * FPS - 1) / FPS}\\,{(b * FPS + 1) / FPS})" for b in BOUNDARY_FLASHES)
    return generate(
        tmp_path_factory.mktemp("src") / "flashes.mkv",
        "-f", "lavfi", "-i", f"color=c=black:s=320x180:r={FPS}:d={SECONDS},"
                             f"drawbox=c=white:t=fill:enable='{video_on}'",
        "-f", "lavfi", "-i", f"aevalsrc=exprs=0.5*sin(2*PI*1000*t)*({audio_on}):s=48000:d={SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "100", "-c:a", "flac", "-ac", "1",
        "-metadata:s:a:0", "language=eng")


@pytest.fixture(scope="module")
def moving(tmp_path_factory) -> Path:
    """testsrc2 (every frame differs) with source GOPs that do not line up with the chunks."""
    return generate(tmp_path_factory.mktemp("src") / "moving.mp4",
                    "-f", "lavfi", "-i", f"testsrc2=s=320x180:r={FPS}:d=5",
                    "-f", "lavfi", "-i", "sine=f=500:d=5:sample_rate=48000",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "37", "-c:a", "aac")


@pytest.fixture(scope="module")
def interlaced(tmp_path_factory) -> Path:
    """576i-style top-field-first MPEG-2: chunks must give the deinterlacer its neighbours."""
    return generate(tmp_path_factory.mktemp("src") / "interlaced.mkv",
                    "-f", "lavfi", "-i", "testsrc2=s=320x180:r=50:d=4,tinterlace=mode=interleave_top",
                    "-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1", "-q:v", "4", "-an")


def run_chunked(source: Path, work: Path, config: TranscodeConfig, chunk_seconds: float,
                original_language: str | None = None):
    info = probe(source)
    chunk_plan = plan_chunks(info, config, threshold_seconds=1, chunk_seconds=chunk_seconds,
                             original_language=original_language)
    assert chunk_plan.chunked, chunk_plan.reason
    dirs = [work / "chunks" / f"{c.index:04d}" for c in chunk_plan.chunks]
    for chunk, directory in zip(chunk_plan.chunks, dirs):
        transcode_chunk(info, chunk_plan, chunk.index, directory, config)
    transcode_audio(info, chunk_plan, work / "audio", config)
    return info, chunk_plan, dirs, assemble(info, chunk_plan, dirs, work / "audio", work / "out", config)


@pytest.fixture(scope="module")
def pair(flashes, tmp_path_factory):
    """(info, chunk plan, one-pass result, chunked result) of the flash source, chunks of 2 s."""
    work = tmp_path_factory.mktemp("pair")
    info, chunk_plan, dirs, chunked = run_chunked(flashes, work / "chunked", CONFIG, chunk_seconds=2)
    from media.ladder import plan_ladder

    one = transcode(info, work / "one", plan_ladder(info, CONFIG), CONFIG)
    return info, chunk_plan, dirs, one, chunked


# --- helpers --------------------------------------------------------------------

def frames(path: Path, *, decode: str = "") -> list[tuple[float, str]]:
    """(pts_time, md5) of every decoded frame (framemd5), optionally through a playlist."""
    done = run("-loglevel", "error", "-protocol_whitelist", "file", "-i", str(path), "-map", "0:v:0",
               *(("-vf", decode) if decode else ()), "-f", "framemd5", "-")
    assert not done.stderr, done.stderr
    rows, time_base = [], None
    for line in done.stdout.decode().splitlines():
        if line.startswith("#tb 0:"):
            num, den = line.split(":")[1].strip().split("/")
            time_base = Fraction(int(num), int(den))
        elif line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            rows.append((round(float(int(fields[2]) * time_base), 4), fields[5]))
    return rows


def source_frame_count(path: Path, probe_json) -> int:
    stream = probe_json(path, "-count_frames", "-select_streams", "v:0",
                        "-show_entries", "stream=nb_read_frames")["streams"][0]
    return int(stream["nb_read_frames"])


def extinfs(playlist: Path) -> list[str]:
    return re.findall(r"#EXTINF:([\d.]+),", playlist.read_text("utf-8"))


def fragments(media: Path):
    """(sequence number, tfdt, sample durations summed) of every fragment in a joined rendition."""
    data = media.read_bytes()
    tracks = fmp4.init_tracks(data[:fmp4.split_init(data)])
    out = []
    for box in fmp4.boxes(data):
        if box.type == b"moof":
            copy = bytearray(data[box.start:box.end])
            sequence = struct.unpack_from(">I", copy, 20)[0]  # moof header, mfhd header, version
            held = fmp4.shift(copy, 0, sequence, tracks)
            out.append((sequence, held.first_decode_time, held.duration))
    return out


# --- the plan -------------------------------------------------------------------

def info_of(duration: float, frame_rate=Fraction(25), audio=True, field_order="progressive") -> MediaInfo:
    video = (VideoStream(0, "h264", 1920, 1080, frame_rate, field_order=field_order),)
    sound = (AudioStream(1, "aac", 2, "stereo", 48000, "eng"),) if audio else ()
    return MediaInfo(Path("/nonexistent.mp4"), "mov", "mov", duration, 1, None, video, sound)


def test_plan_cuts_on_segment_boundaries_and_absorbs_a_short_tail():
    config = TranscodeConfig()  # 2 s GOPs, 4 s segments
    chunk_plan = plan_chunks(info_of(52 * 60 + 10.5), config, chunk_seconds=118)
    starts = [chunk.start for chunk in chunk_plan.chunks]
    assert starts[:3] == [0, 120, 240] and all(s % 4 == 0 for s in starts)  # 118 s -> 30 segments
    assert [c.end for c in chunk_plan.chunks[:-1]] == starts[1:] and chunk_plan.chunks[-1].end is None
    assert chunk_plan.chunks[-1].start == 3000  # 130.5 s left: one chunk, not 120 + 10.5
    assert [c.first_segment for c in chunk_plan.chunks[:3]] == [0, 30, 60]
    assert chunk_plan.mux_offset == Fraction(2, 25)  # veryfast: two frames of B-frame delay
    assert ChunkPlan.from_dict(chunk_plan.to_dict()) == chunk_plan


@pytest.mark.parametrize("info, config, why", [
    (info_of(9 * 60), TranscodeConfig(), "threshold"),
    (replace(info_of(3600), video=()), TranscodeConfig(), "audio only"),
    (info_of(3600, Fraction(30000, 1001)), TranscodeConfig(), "whole number of frames"),
    (info_of(3600), TranscodeConfig(segment_seconds=3.0), "whole number of GOPs"),
    (info_of(3600), TranscodeConfig(hls_segment_type="mpegts"), "MPEG-TS"),
])
def test_plan_leaves_to_one_pass_what_cannot_be_joined_exactly(info, config, why):
    chunk_plan = plan_chunks(info, config)
    assert not chunk_plan.chunked and why in chunk_plan.reason


def test_interlaced_chunks_decode_a_neighbour_frame_each_side():
    assert plan_chunks(info_of(3600, field_order="tt"), TranscodeConfig()).pad_frames == 1


def test_progress_is_the_chunks_weighted_by_duration():
    chunk_plan = plan_chunks(info_of(1250), TranscodeConfig(), chunk_seconds=600)
    assert [float(c.duration(1250)) for c in chunk_plan.chunks] == [600, 650]
    assert overall_progress(chunk_plan, {}) == 0
    half = overall_progress(chunk_plan, {0: 100.0})
    assert half == pytest.approx(100 * 600 / (1250 * 1.05))
    assert overall_progress(chunk_plan, {0: 100.0, 1: 100.0}, audio_percent=100.0) == pytest.approx(100)


# --- the ladder, against one pass -----------------------------------------------

def test_every_source_frame_once_in_order_on_every_rung(pair, probe_json, flashes):
    info, _, _, one, chunked = pair
    count = source_frame_count(flashes, probe_json)
    assert count == SECONDS * FPS
    for a, b in zip(one.renditions, chunked.renditions):
        if a.kind != "video":
            continue
        one_frames, chunk_frames = frames(a.path), frames(b.path)
        assert len(chunk_frames) == count
        assert [t for t, _ in chunk_frames] == [t for t, _ in one_frames]  # same timestamps, no gap or repeat
    # Through the playlists too (what a player reads).
    assert len(frames(chunked.renditions[0].playlist)) == count
    assert len(frames(chunked.master_playlist)) == count


def test_playlists_match_one_pass(pair):
    _, _, _, one, chunked = pair
    # The master's shape is one pass's; its bandwidths are measured from the segments, whose sizes
    # differ (rate control starts afresh in every chunk): close, not equal (lossless: within 1 %,
    # tests/workers/test_chunked_pipeline.py).
    mine, theirs = chunked.master_playlist.read_text("utf-8"), one.master_playlist.read_text("utf-8")
    assert re.sub(r"BANDWIDTH=\d+", "", mine) == re.sub(r"BANDWIDTH=\d+", "", theirs)
    for a, b in zip(*(map(int, re.findall(r"BANDWIDTH=(\d+)", text)) for text in (mine, theirs))):
        assert b / 2 <= a <= b * 2
    for a, b in zip(one.renditions, chunked.renditions):
        assert (a.kind, a.name) == (b.kind, b.name)
        assert extinfs(b.playlist) == extinfs(a.playlist)
        mine, theirs = b.playlist.read_text("utf-8"), a.playlist.read_text("utf-8")
        strip = lambda text: re.sub(r"(BYTERANGE[:=]\"?)\d+@\d+", r"\1", text)  # noqa: E731
        assert strip(mine) == strip(theirs)  # TARGETDURATION, MEDIA-SEQUENCE, MAP, tags: all equal
        ranges = [tuple(map(int, m)) for m in re.findall(r"#EXT-X-BYTERANGE:(\d+)@(\d+)", mine)]
        (init,) = re.findall(r'BYTERANGE="(\d+)@0"', mine)
        position = int(init)
        for length, offset in ranges:  # contiguous, covering the whole file
            assert offset == position
            position += length
        assert position == b.path.stat().st_size
    audio = [(a, b) for a, b in zip(one.renditions, chunked.renditions) if a.kind == "audio"]
    assert audio and all(a.path.read_bytes() == b.path.read_bytes() for a, b in audio)


def test_one_init_segment_continuous_fragments_and_keyframes_on_segment_starts(pair, keyframes):
    _, chunk_plan, dirs, one, chunked = pair
    videos = [r for r in chunked.renditions if r.kind == "video"]
    for rendition, reference in zip(videos, one.renditions):
        data = rendition.path.read_bytes()
        assert data.count(b"moov") == 1 and data.count(b"ftyp") == 1
        init_length = fmp4.split_init(data)
        assert data[:init_length] == reference.path.read_bytes()[:init_length]
        found = fragments(rendition.path)
        assert [seq for seq, _, _ in found] == list(range(1, len(found) + 1))
        for (_, time, duration), (_, next_time, _) in zip(found, found[1:]):
            assert next_time == time + duration
    # Each chunk's own rendition is already on the programme timeline, numbered in the programme.
    data = videos[0].path.read_bytes()
    (track,) = fmp4.init_tracks(data[:fmp4.split_init(data)]).values()
    timescale = track.timescale
    for chunk, directory in zip(chunk_plan.chunks, dirs):
        own = fragments(directory / "hls" / videos[0].name / "media.mp4")
        assert own[0][:2] == (chunk.first_segment + 1, chunk.start * timescale)
    # Keyframes every GOP, at the same instants on every rung and in one pass.
    (times,) = {tuple(keyframes(r.path)) for r in videos}
    assert times == tuple(keyframes(one.renditions[0].path))
    assert [round(t - times[0], 3) for t in times] == [float(k) for k in range(SECONDS)]


def test_ffmpeg_plays_every_playlist_through_every_boundary(pair):
    _, _, _, _, chunked = pair
    for playlist in [chunked.master_playlist, *(r.playlist for r in chunked.renditions)]:
        done = run("-loglevel", "error", "-protocol_whitelist", "file", "-i", str(playlist),
                   "-map", "0", "-f", "null", "-")
        assert done.stderr == b"", (playlist, done.stderr)


def flash_times(playlist: Path, work: Path) -> tuple[list[float], list[float]]:
    """Start times of white pictures (video) and of tone bursts (audio) as ffmpeg plays the master."""
    luma, tone = work / "luma.txt", work / "tone.txt"
    run("-loglevel", "error", "-protocol_whitelist", "file", "-i", str(playlist),
        "-filter_complex",
        f"[0:v:0]signalstats,metadata=print:key=lavfi.signalstats.YAVG:file={luma}[v];"
        f"[0:a:0]silencedetect=n=-30dB:d=0.01,ametadata=print:file={tone}[a]",
        "-map", "[v]", "-map", "[a]", "-f", "null", "-")
    pictures, lit = [], False
    time = None
    for line in luma.read_text().splitlines():
        if found := re.search(r"pts_time:([\d.]+)", line):
            time = float(found[1])
        elif "YAVG=" in line:
            bright = float(line.split("=")[1]) > 128
            if bright and not lit:
                pictures.append(time)
            lit = bright
    bursts = [float(v) for k, v in (line.split("=", 1) for line in tone.read_text().splitlines() if "=" in line)
              if k == "lavfi.silence_end"]
    return pictures, bursts


def test_audio_and_video_in_sync_across_boundaries(pair, tmp_path):
    _, _, _, one, chunked = pair
    frame = 1 / FPS
    for result in (chunked, one):
        pictures, bursts = flash_times(result.master_playlist, tmp_path)
        assert len(pictures) == len(BOUNDARY_FLASHES) and len(bursts) == len(BOUNDARY_FLASHES)
        for picture, burst in zip(pictures, bursts):
            assert abs(picture - burst) < frame, (result.out_dir, pictures, bursts)
    # And the chunked ladder puts them where one pass does.
    assert flash_times(chunked.master_playlist, tmp_path) == flash_times(one.master_playlist, tmp_path)


def test_proxy_matches_one_pass(pair, probe_json):
    _, _, _, one, chunked = pair
    streams = lambda path: probe_json(path, "-count_frames", "-show_entries",  # noqa: E731
                                      "stream=codec_type,start_time,nb_read_frames,width,height")["streams"]
    mine, theirs = streams(chunked.proxy.path), streams(one.proxy.path)
    assert [s["codec_type"] for s in mine] == [s["codec_type"] for s in theirs] == ["video", "audio"]
    for a, b in zip(mine, theirs):
        assert a["nb_read_frames"] == b["nb_read_frames"]
        assert abs(float(a["start_time"]) - float(b["start_time"])) < 1 / FPS / 2
    assert int(mine[0]["nb_read_frames"]) == SECONDS * FPS
    assert chunked.proxy.info.audio[0].language == "eng"


def test_qc_measurements_merge_across_boundaries(pair):
    _, chunk_plan, _, one, chunked = pair
    mine, theirs = chunked.measurements, one.measurements
    assert mine.loudness == theirs.loudness and mine.silence == theirs.silence  # the same audio pass
    frame = 1 / FPS
    for kind in ("black", "freeze"):
        a, b = getattr(mine, kind), getattr(theirs, kind)
        assert len(a) == len(b) == 3, (kind, a, b)  # the stretch across the 4 s boundary is one
        for x, y in zip(a, b):
            assert abs(x.start - y.start) <= frame + 1e-6 and abs(x.end - y.end) <= frame + 1e-6, (kind, a, b)
    # idet's counts add up over the chunks; its multi-frame detector flushes a frame at each end.
    total = lambda f: f.tff + f.bff + f.progressive + f.undetermined  # noqa: E731
    assert abs(total(mine.fields) - total(theirs.fields)) <= len(chunk_plan.chunks)


@pytest.mark.parametrize("source_name, chunk_seconds", [("moving", 1), ("interlaced", 1)])
def test_lossless_chunked_pictures_equal_one_pass_frame_by_frame(source_name, chunk_seconds, request,
                                                                 tmp_path, probe_json):
    """With lossless rungs the encoder cannot hide anything: every decoded picture, with its
    timestamp, must be the one-pass picture, so no frame is lost, repeated or changed at any
    boundary (interlaced: the deinterlacer saw the same neighbours)."""
    source = request.getfixturevalue(source_name)
    info, chunk_plan, _, chunked = run_chunked(source, tmp_path / "chunked", LOSSLESS, chunk_seconds)
    from media.ladder import plan_ladder

    one = transcode(info, tmp_path / "one", plan_ladder(info, LOSSLESS), LOSSLESS)
    assert len(chunk_plan.chunks) >= 4
    count = source_frame_count(source, probe_json)
    for a, b in zip(one.renditions, chunked.renditions):
        if a.kind == "video":
            reference = frames(a.path)
            assert len(reference) == count
            assert frames(b.path) == reference
    # Field detection adds up over the chunks to the same verdict (interlaced: top field first).
    assert chunked.measurements.fields.verdict == one.measurements.fields.verdict


# --- faults and reruns ----------------------------------------------------------

def test_a_retried_chunk_and_a_rerun_assembly_overwrite_to_the_same_ladder(pair, flashes, tmp_path):
    info, chunk_plan, dirs, _, chunked = pair
    before = {p.relative_to(chunked.out_dir): p.read_bytes() for p in chunked.out_dir.rglob("*") if p.is_file()}
    transcode_chunk(info, chunk_plan, 1, dirs[1], CONFIG)  # as a retry would, over its own files
    again = assemble(info, chunk_plan, dirs, dirs[0].parents[1] / "audio", chunked.out_dir, CONFIG)
    after = {p.relative_to(again.out_dir): p.read_bytes() for p in again.out_dir.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert all(after[k] == before[k] for k in after if k.name != "proxy.mp4")  # proxy: mux time stamps


def test_assembly_refuses_chunks_that_do_not_join(pair, tmp_path):
    info, chunk_plan, dirs, _, _ = pair
    audio = dirs[0].parents[1] / "audio"
    with pytest.raises(AssemblyError, match="chunk outputs"):
        assemble(info, chunk_plan, dirs[:-1], audio, tmp_path / "a", CONFIG)
    other = replace(CONFIG, x264_preset="ultrafast")  # a worker with other encoder settings
    odd = tmp_path / "odd"
    transcode_chunk(info, chunk_plan, 2, odd, other)
    with pytest.raises(AssemblyError, match="encoded differently"):
        assemble(info, chunk_plan, [*dirs[:2], odd, *dirs[3:]], audio, tmp_path / "b", CONFIG)
    with pytest.raises(AssemblyError, match="programme order"):
        assemble(info, chunk_plan, [dirs[0], dirs[0], *dirs[2:]], audio, tmp_path / "c", CONFIG)
    longer = plan_chunks(info, CONFIG, threshold_seconds=1, chunk_seconds=4)  # a chunk of another plan
    transcode_chunk(info, longer, 0, tmp_path / "long", CONFIG)
    with pytest.raises(AssemblyError, match="should start at 2.000 s"):
        assemble(info, chunk_plan, [tmp_path / "long", *dirs[1:]], audio, tmp_path / "d", CONFIG)


def test_cancel_stops_a_chunk(flashes, tmp_path):
    info = probe(flashes)
    chunk_plan = plan_chunks(info, CONFIG, threshold_seconds=1, chunk_seconds=4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(TranscodeCancelled):
        transcode_chunk(info, chunk_plan, 0, tmp_path / "chunk", CONFIG, cancel=cancel)
    with pytest.raises(TranscodeCancelled):  # both of the audio task's processes
        transcode_audio(info, chunk_plan, tmp_path / "audio", CONFIG, cancel=cancel)
    done = run("-loglevel", "error", "-f", "lavfi", "-i", "anullsrc", "-t", "0.1", "-f", "null", "-")
    assert not [line for line in Path("/proc").glob("[0-9]*/cmdline")
                if str(tmp_path).encode() in _read(line)], done


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_audio_parts_run_as_separate_tasks_give_the_same_files(pair, tmp_path):
    info, chunk_plan, _, _, chunked = pair
    together = chunked.out_dir.parent / "audio"
    apart = tmp_path / "audio"
    assert transcode_audio(info, chunk_plan, apart, CONFIG, parts=("proxy",)) is None
    measured = transcode_audio(info, chunk_plan, apart, CONFIG, parts=("hls",))
    assert (apart / "proxy_audio.mp4").read_bytes() == (together / "proxy_audio.mp4").read_bytes()
    for rendition in (together / "hls").iterdir():
        if rendition.is_dir():
            assert (apart / "hls" / rendition.name / "media.mp4").read_bytes() == \
                (rendition / "media.mp4").read_bytes()
    assert measured.loudness == AudioResult.load(together).loudness
    with pytest.raises(ValueError):
        transcode_audio(info, chunk_plan, apart, CONFIG, parts=("video",))


def test_untagged_audio_takes_the_programmes_language_as_in_one_pass(moving, tmp_path):
    """The source's audio has no language tag: the master names it after the programme's original
    language (Urdu) in a chunked run exactly as one pass does."""
    from media.ladder import plan_ladder

    info, chunk_plan, _, chunked = run_chunked(moving, tmp_path / "chunked", CONFIG, 2, original_language="ur")
    one = transcode(info, tmp_path / "one", plan_ladder(info, CONFIG, "ur"), CONFIG)
    media_lines = [[line for line in result.master_playlist.read_text("utf-8").splitlines()
                    if line.startswith("#EXT-X-MEDIA:TYPE=AUDIO")] for result in (one, chunked)]
    assert media_lines[0] and media_lines[1] == media_lines[0]
    assert all('LANGUAGE="ur"' in line for line in media_lines[1])
    assert type(chunk_plan).from_dict(chunk_plan.to_dict()).original_language == "ur"  # kept on the asset
