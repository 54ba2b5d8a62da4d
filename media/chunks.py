"""Chunked transcoding of long programmes: plan, per-chunk video, whole-programme audio, assembly.

A long source is cut, on paper only, into chunks whose boundaries are HLS segment
boundaries of the one-pass ladder (multiples of ``segment_seconds`` on the programme
timeline, which are also keyframe instants: every rung forces a keyframe every
``keyframe_seconds`` and a segment holds a whole number of GOPs).  Each chunk is an
independent task that reads its time range straight from the source (input seeking:
the demuxer jumps to the source keyframe before the range and the decoder discards
up to it; nothing is re-encoded or copied first) and runs the one-pass command of
``transcode`` with video only.  Audio is encoded once for the whole programme by its
own task, which also measures loudness and silence.  ``assemble`` joins the chunks'
fMP4 renditions byte for byte into one ladder laid out exactly as a one-pass run:

    <chunk dir>/hls/<rung>/index.m3u8 + media.mp4    (chunk-relative timeline)
    <chunk dir>/proxy_hls/proxy/index.m3u8 + media.mp4
    <chunk dir>/chunk.json                            (picture QC of the chunk)
    <audio dir>/hls/<audio>/index.m3u8 + media.mp4, proxy_audio.mp4, audio.json
    <out dir>/hls/master.m3u8, hls/<rendition>/..., proxy.mp4   (as ``transcode``)

Every directory name is fixed, so a retried task overwrites its own files.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections import deque
from dataclasses import asdict, dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import ffmpeg

from media import fmp4, qc, safety
from media.config import TranscodeConfig
from media.hls import finish_master_playlist
from media.ladder import LadderPlan, plan_ladder
from media.probe import MediaInfo, probe
from media.progress import CancelHook, ProgressCallback, run_with_progress
from media.safety import Limits, MediaError
from media.transcode import (
    AUDIO_GROUP,
    HLS_DIR,
    MASTER_PLAYLIST,
    PROXY_FILE,
    QC_DIR,
    VARIANT_PLAYLIST,
    Rendition,
    TranscodeResult,
    _audio_options,
    _gop_options,
    _hls_renditions,
    _proxy_options,
    _var_stream_map,
    _video_options,
    compile_command,
    hls_muxer_options,
    source_input,
    video_branches,
)

DEFAULT_THRESHOLD_SECONDS = 600.0
DEFAULT_CHUNK_SECONDS = 120.0
PROXY_HLS_DIR = "proxy_hls"
PROXY_NAME = "proxy"
PROXY_AUDIO_FILE = "proxy_audio.mp4"
CHUNK_MANIFEST = "chunk.json"
AUDIO_MANIFEST = "audio.json"
# The audio work, which a queue may split into separate tasks (``transcode_audio``'s ``parts``).
AUDIO_PARTS = ("hls", "proxy")
# The audio task's share of the job's progress, against the chunks' durations.
AUDIO_PROGRESS_WEIGHT = 0.05


class AssemblyError(MediaError):
    """Chunk outputs do not join into one ladder (a chunk is missing, short or from another encoder)."""


# --- the plan -----------------------------------------------------------------

@dataclass(frozen=True)
class Chunk:
    index: int
    start: Fraction  # programme time of its first frame: a segment boundary
    end: Fraction | None  # the next chunk's start; None: to the end of the source
    first_segment: int

    def duration(self, programme_duration: float) -> float:
        return float(self.end if self.end is not None else programme_duration) - float(self.start)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": str(self.start),
                "end": None if self.end is None else str(self.end), "first_segment": self.first_segment}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chunk:
        end = data["end"]
        return cls(data["index"], Fraction(data["start"]), None if end is None else Fraction(end),
                   data["first_segment"])


@dataclass(frozen=True)
class ChunkPlan:
    """Where a programme is cut; no chunks means: transcode it in one pass."""

    chunks: tuple[Chunk, ...]
    duration: float
    frame_rate: Fraction
    segment_seconds: Fraction
    pad_frames: int  # frames decoded beyond each edge for the deinterlacer's neighbours
    reason: str
    # One pass muxes rungs and audio together: ffmpeg shifts them all by the larger of the
    # video encoder's reordering delay and the AAC priming, which shows in the init segments'
    # edit lists.  Chunks and the audio task mux apart, so each is given that shift.
    mux_offset: Fraction = Fraction(0)
    # The programme's original language (BCP 47): names untagged audio, as in one pass (plan_ladder).
    original_language: str | None = None

    @property
    def chunked(self) -> bool:
        return len(self.chunks) > 1

    def to_dict(self) -> dict[str, Any]:
        return {"chunks": [chunk.to_dict() for chunk in self.chunks], "duration": self.duration,
                "frame_rate": str(self.frame_rate), "segment_seconds": str(self.segment_seconds),
                "pad_frames": self.pad_frames, "reason": self.reason,
                "mux_offset": str(self.mux_offset), "original_language": self.original_language}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChunkPlan:
        return cls(tuple(Chunk.from_dict(c) for c in data["chunks"]), data["duration"],
                   Fraction(data["frame_rate"]), Fraction(data["segment_seconds"]),
                   data["pad_frames"], data["reason"], Fraction(data.get("mux_offset", "0")),
                   data.get("original_language"))


def plan_chunks(info: MediaInfo, config: TranscodeConfig,
                threshold_seconds: float = DEFAULT_THRESHOLD_SECONDS,
                chunk_seconds: float = DEFAULT_CHUNK_SECONDS, limits: Limits = Limits(),
                original_language: str | None = None) -> ChunkPlan:
    """Chunk boundaries for ``info``: every ``chunk_seconds`` rounded to whole segments.

    Chunks only where the result can equal a one-pass ladder exactly: video present,
    fMP4 segments, a segment a whole number of GOPs and of frames (25, 50, 24, 30 fps;
    not 29.97, whose segment boundaries fall between frames).  The last chunk takes the
    remainder, absorbing a tail shorter than half a chunk.
    """
    plan = plan_ladder(info, config, original_language)
    segment = Fraction(config.segment_seconds).limit_denominator(1000)
    keyframe = Fraction(config.keyframe_seconds).limit_denominator(1000)
    frame_rate = plan.frame_rate

    def single(reason: str) -> ChunkPlan:
        return ChunkPlan((Chunk(0, Fraction(0), None, 0),), info.duration, frame_rate, segment, 0, reason)

    if plan.video_index is None:
        return single("audio only: nothing to spread")
    if info.duration <= threshold_seconds:
        return single(f"{info.duration:.0f} s is within the {threshold_seconds:.0f} s threshold")
    if config.hls_segment_type != "fmp4":
        return single("chunks are joined as fMP4; this ladder uses MPEG-TS segments")
    if (segment / keyframe).denominator != 1:
        return single("a segment is not a whole number of GOPs")
    if (segment * frame_rate).denominator != 1:
        return single(f"a {float(segment)} s segment is not a whole number of frames at {frame_rate} fps")
    per_chunk = max(1, round(Fraction(chunk_seconds) / segment))
    length = per_chunk * segment
    starts = [Fraction(0)]
    while info.duration - float(starts[-1] + length) >= float(length) / 2:
        starts.append(starts[-1] + length)
    chunks = tuple(
        Chunk(k, start, starts[k + 1] if k + 1 < len(starts) else None, k * per_chunk)
        for k, start in enumerate(starts)
    )
    return ChunkPlan(chunks, info.duration, frame_rate, segment, 1 if plan.deinterlace else 0,
                     f"{len(chunks)} chunks of {float(length):.0f} s", mux_offset(plan, config, limits),
                     original_language)


def mux_offset(plan: LadderPlan, config: TranscodeConfig, limits: Limits = Limits()) -> Fraction:
    """The shift one pass's HLS muxer gives every stream: the most negative first DTS.

    Measured, not assumed (it depends on the preset's B-frames and the AAC encoder):
    a few frames of a tiny picture and of silence through the ladder's encoders.
    """
    inputs = [ffmpeg.input(f"color=s=64x64:r={plan.frame_rate}:d=0.5", f="lavfi")]
    streams = [inputs[0]["v"]]
    options: dict[str, Any] = {**_gop_options(plan, config), "preset": config.x264_preset,
                               "profile:v": config.h264_profile, "threads": 1}
    if config.video_qp is not None:  # lossless x264 reorders differently (no B-frame delay at qp 0)
        options["qp"] = config.video_qp
    if plan.audio:
        inputs.append(ffmpeg.input(f"anullsrc=r={config.audio_sample_rate}:cl=stereo", f="lavfi"))
        streams.append(inputs[1]["a"])
        options.update({"c:a": config.audio_codec, "ar": config.audio_sample_rate})
    output = ffmpeg.output(*streams, "-", f="framecrc", t=0.5, **options)
    command = ffmpeg.compile(output, cmd=["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"])
    done = safety.run(command, limits, timeout=limits.probe_timeout)
    if done.returncode != 0:
        raise MediaError(f"Could not measure the encoders' delay: {safety.error_summary(done.stderr)}")
    time_bases, first = {}, {}
    for line in done.stdout.decode("ascii", "replace").splitlines():
        if found := re.match(r"#tb (\d+): (\d+)/(\d+)", line):
            time_bases[int(found[1])] = Fraction(int(found[2]), int(found[3]))
        elif line and not line.startswith("#"):
            stream, dts = (int(field) for field in line.split(",")[:2])
            first.setdefault(stream, dts * time_bases[stream])
    return max([Fraction(0), *(-dts for dts in first.values())])


# --- one chunk: video rungs and proxy, picture QC -----------------------------

@dataclass(frozen=True)
class ChunkResult:
    index: int
    out_dir: Path
    black: tuple[qc.Segment, ...]  # chunk-relative seconds, every stretch that may join a neighbour's
    freeze: tuple[qc.Segment, ...]
    fields: qc.FieldDetection | None
    command: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "black": [asdict(s) for s in self.black],
                "freeze": [asdict(s) for s in self.freeze],
                "fields": asdict(self.fields) if self.fields else None, "command": list(self.command)}

    @classmethod
    def load(cls, out_dir: Path) -> ChunkResult:
        data = json.loads((Path(out_dir) / CHUNK_MANIFEST).read_text("utf-8"))
        return cls(data["index"], Path(out_dir), tuple(qc.Segment(**s) for s in data["black"]),
                   tuple(qc.Segment(**s) for s in data["freeze"]),
                   qc.FieldDetection(**data["fields"]) if data["fields"] else None,
                   tuple(data["command"]))


def _seconds(value: Fraction) -> str:
    return f"{float(value):.6f}"


def build_chunk_command(info: MediaInfo, chunk_plan: ChunkPlan, index: int, out_dir: Path,
                        config: TranscodeConfig, limits: Limits = Limits()) -> list[str]:
    """``transcode``'s command, video only, for one chunk's frames on a chunk-relative timeline.

    The input is seeked to half a frame (plus the deinterlacer's pad) before the chunk;
    a ``trim`` at half-frame offsets then keeps exactly the frames whose time lies in
    [start, end) and ``setpts`` puts the first at 0, so the encoders, the forced
    keyframes and the HLS muxer see what they see in one pass from that instant on.
    """
    out_dir = Path(out_dir).resolve()
    plan = plan_ladder(info, config, chunk_plan.original_language)
    video_plan = replace(plan, audio=())
    chunk = chunk_plan.chunks[index]
    frame = 1 / chunk_plan.frame_rate
    pad = chunk_plan.pad_frames * frame
    seek: dict[str, str] = {}
    offset = Fraction(0)
    if chunk.start > 0:
        offset = max(Fraction(0), chunk.start - pad - frame / 2)
        seek["ss"] = _seconds(offset)
    if chunk.end is not None:
        seek["t"] = _seconds(chunk.end + pad + frame / 2 - offset)
    source = source_input(info, limits, **seek, **({"discard:a": "all"} if info.audio else {}))

    def window(video):
        # Times here are source times minus ``offset``; the cut falls midway between frames.
        bounds = {}
        if chunk.start > 0:
            bounds["start"] = _seconds(chunk.start - frame / 2 - offset)
        if chunk.end is not None:
            bounds["end"] = _seconds(chunk.end - frame / 2 - offset)
        video = video.filter("trim", **bounds) if bounds else video
        return video.filter("setpts", "PTS-STARTPTS") if chunk.start > 0 else video

    def edge_picture_filters(stream, thresholds: qc.QcThresholds):
        # Every black stretch, and every freeze of two frames or more: a short one at an
        # edge may continue in the next chunk, so the minimum durations apply after joining.
        return qc.picture_filters(stream, replace(thresholds, black_min_seconds=0.0,
                                                  freeze_min_seconds=float(frame) / 2))

    hls_video, proxy_video = video_branches(source, video_plan, config, window=window,
                                            picture_qc=edge_picture_filters)
    hls = ffmpeg.output(*hls_video, str(out_dir / HLS_DIR / "%v" / VARIANT_PLAYLIST),
                        **hls_muxer_options(config, out_dir / HLS_DIR, _var_stream_map(video_plan)),
                        **_video_options(video_plan, config), **_offset(chunk_plan))
    proxy_options = _proxy_options(video_plan, config)
    for key in ("f", "movflags"):
        proxy_options.pop(key)
    proxy = ffmpeg.output(*proxy_video, str(out_dir / PROXY_HLS_DIR / "%v" / VARIANT_PLAYLIST),
                          **hls_muxer_options(config, out_dir / PROXY_HLS_DIR, f"v:0,name:{PROXY_NAME}"),
                          **proxy_options)
    return compile_command(hls, proxy)


def _offset(chunk_plan: ChunkPlan) -> dict[str, str]:
    return {"output_ts_offset": _seconds(chunk_plan.mux_offset)} if chunk_plan.mux_offset else {}


class _ChunkQcLog(qc.QcLog):
    """Keeps every event line: their number is bounded by the chunk's frames, and none may be lost."""

    def __init__(self) -> None:
        super().__init__()
        self.events = deque()


def transcode_chunk(info: MediaInfo, chunk_plan: ChunkPlan, index: int, out_dir: Path | str,
                    config: TranscodeConfig, limits: Limits = Limits(),
                    on_progress: ProgressCallback | None = None,
                    cancel: CancelHook | None = None) -> ChunkResult:
    """Encode chunk ``index``'s video into every rung and the proxy, in ``out_dir``."""
    out_dir = Path(out_dir).resolve()
    for name in (HLS_DIR, PROXY_HLS_DIR):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    (out_dir / CHUNK_MANIFEST).unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    command = build_chunk_command(info, chunk_plan, index, out_dir, config, limits)
    chunk = chunk_plan.chunks[index]
    duration = chunk.duration(info.duration)
    log = _ChunkQcLog()
    run_with_progress(command, limits, duration, out_dir, on_progress, cancel, log.feed)
    plan = plan_ladder(info, config, chunk_plan.original_language)
    for rendition in [out_dir / HLS_DIR / video.name for video in plan.video] + [
            out_dir / PROXY_HLS_DIR / PROXY_NAME]:
        place_on_timeline(rendition, chunk)
    measured = log.measurements(duration, {})
    frame = float(1 / chunk_plan.frame_rate)
    result = ChunkResult(
        index, out_dir,
        tuple(_keep(measured.black, duration, frame, config.qc.black_min_seconds)),
        tuple(_keep(measured.freeze, duration, frame, config.qc.freeze_min_seconds)),
        measured.fields, tuple(command),
    )
    (out_dir / CHUNK_MANIFEST).write_text(json.dumps(result.to_dict()), "utf-8")
    return result


def place_on_timeline(rendition: Path, chunk: Chunk) -> fmp4.FragmentInfo:
    """Move a chunk rendition's fragments to the chunk's place in the programme, in the file.

    ffmpeg wrote the chunk from time 0 with fragments numbered from 1, one per segment.
    Only the ``sidx``/``moof`` headers are rewritten (``tfdt``, ``sidx`` time, ``mfhd``
    number; sizes unchanged), so the chunk's playlist stays valid and its segments can
    be concatenated as they are.
    """
    listed = _read_playlist(rendition / VARIANT_PLAYLIST)
    with (rendition / "media.mp4").open("r+b") as fh:
        fh.seek(listed.init[1])
        tracks = _single_track(fh.read(listed.init[0]), rendition)
        (track,) = tracks.values()
        ticks = chunk.start * track.timescale
        if ticks.denominator != 1:
            raise MediaError(f"chunk start {chunk.start} s is not a whole number of track ticks")
        held = fmp4.NOTHING
        for number, (_, length, offset) in enumerate(listed.segments):
            part = fmp4.shift_in_file(fh, offset, length, int(ticks), chunk.first_segment + number + 1, tracks)
            if part.fragments != 1:
                raise MediaError(f"{rendition}: {part.fragments} fragments in a segment, expected one")
            held = held + part
    return held


def _single_track(init: bytes, where) -> dict[int, fmp4.Track]:
    tracks = fmp4.init_tracks(init)
    if len(tracks) != 1:
        raise AssemblyError(f"{where}: expected one track, found {len(tracks)}")
    return tracks


def _keep(segments: Iterable[qc.Segment], duration: float, frame: float, minimum: float):
    """Stretches long enough on their own, and any touching an edge (they may join a neighbour's)."""
    for segment in segments:
        if segment.duration >= minimum - 1e-6 or segment.start <= frame / 2 or \
                segment.end >= duration - 1.5 * frame:
            yield segment


# --- the whole programme's audio ----------------------------------------------

@dataclass(frozen=True)
class AudioResult:
    out_dir: Path
    loudness: dict[int, qc.Loudness]
    silence: dict[int, list[qc.Segment]]
    command: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"loudness": {str(k): asdict(v) for k, v in self.loudness.items()},
                "silence": {str(k): [asdict(s) for s in v] for k, v in self.silence.items()},
                "command": list(self.command)}

    @classmethod
    def load(cls, out_dir: Path) -> AudioResult:
        data = json.loads((Path(out_dir) / AUDIO_MANIFEST).read_text("utf-8"))
        return cls(Path(out_dir), {int(k): qc.Loudness(**v) for k, v in data["loudness"].items()},
                   {int(k): [qc.Segment(**s) for s in v] for k, v in data["silence"].items()},
                   tuple(data["command"]))


def build_audio_commands(info: MediaInfo, chunk_plan: ChunkPlan, out_dir: Path, config: TranscodeConfig,
                         limits: Limits = Limits()) -> list[list[str]]:
    """``transcode``'s audio branches, as two commands the audio task runs side by side.

    The HLS audio renditions with the loudness and silence filters, and the proxy's
    audio: each is one AAC encode per track, single-threaded in ffmpeg 5.1, so two
    processes use a worker's cores and halve the audio task, the one task whose length
    grows with the programme.  Video packets are discarded unread.
    """
    out_dir = Path(out_dir).resolve()
    plan = plan_ladder(info, config, chunk_plan.original_language)
    audio_plan = replace(plan, video=(), video_index=None, proxy=None)
    unread = {"discard:v": "all"} if info.video else {}
    source = source_input(info, limits, **unread)
    hls = ffmpeg.output(*_measured_audio(source, audio_plan, config, out_dir), str(out_dir / HLS_DIR / "%v" / VARIANT_PLAYLIST),
                        **hls_muxer_options(config, out_dir / HLS_DIR, _var_stream_map(audio_plan)),
                        **_audio_options(audio_plan, config), **_offset(chunk_plan))
    source = source_input(info, limits, **unread)
    proxy = ffmpeg.output(*(source[str(a.source_index)] for a in audio_plan.audio),
                          str(out_dir / PROXY_AUDIO_FILE), **_proxy_options(audio_plan, config))
    return [compile_command(hls), compile_command(proxy)]


def _measured_audio(source, plan: LadderPlan, config: TranscodeConfig, out_dir: Path):
    for track, rendition in enumerate(plan.audio):
        yield qc.audio_filters(source[str(rendition.source_index)], track,
                               qc.silence_log_path(out_dir / QC_DIR, track), config.qc)


def transcode_audio(info: MediaInfo, chunk_plan: ChunkPlan, out_dir: Path | str, config: TranscodeConfig,
                    limits: Limits = Limits(), on_progress: ProgressCallback | None = None,
                    cancel: CancelHook | None = None, parts: Sequence[str] = AUDIO_PARTS) -> AudioResult | None:
    """Encode every audio track once for the whole programme and measure R128 loudness and silence.

    ``parts`` picks the work: ``hls`` (the audio renditions with loudness and silence, and
    ``audio.json``) and ``proxy`` (``proxy_audio.mp4``), so a queue may run them as separate
    tasks on separate workers; both together (the default) run side by side.  Returns the
    measurements when ``hls`` was among the parts.
    """
    out_dir = Path(out_dir).resolve()
    unknown = set(parts) - set(AUDIO_PARTS)
    if unknown or not parts:
        raise ValueError(f"audio parts are {AUDIO_PARTS}, not {tuple(parts)}")
    if "hls" in parts:
        for name in (HLS_DIR, QC_DIR):
            shutil.rmtree(out_dir / name, ignore_errors=True)
        (out_dir / AUDIO_MANIFEST).unlink(missing_ok=True)
    if "proxy" in parts:
        (out_dir / PROXY_AUDIO_FILE).unlink(missing_ok=True)
    (out_dir / QC_DIR).mkdir(parents=True, exist_ok=True)
    plan = plan_ladder(info, config, chunk_plan.original_language)
    log = qc.QcLog()
    result = AudioResult(out_dir, {}, {}, ())
    if plan.audio:
        hls, proxy = build_audio_commands(info, chunk_plan, out_dir, config, limits)
        chosen = [(command, feed) for part, command, feed in (("hls", hls, log.feed), ("proxy", proxy, None))
                  if part in parts]
        run_side_by_side([c for c, _ in chosen], [f for _, f in chosen], limits, info.duration, out_dir,
                         on_progress, cancel)
        silence_logs = {k: qc.silence_log_path(out_dir / QC_DIR, k) for k in range(len(plan.audio))}
        measured = log.measurements(info.duration, silence_logs)
        result = AudioResult(out_dir, measured.loudness, measured.silence,
                             tuple(" ".join(command) for command, _ in chosen))
    if "hls" not in parts:
        return None
    (out_dir / AUDIO_MANIFEST).write_text(json.dumps(qc.json_safe(result.to_dict())), "utf-8")
    return result


def run_side_by_side(commands: Sequence[list[str]], feeds: Sequence, limits: Limits, duration: float,
                     out_dir: Path, on_progress: ProgressCallback | None = None,
                     cancel: CancelHook | None = None) -> None:
    """``run_with_progress`` for several commands at once; the first failure stops the others."""
    stop = threading.Event()
    asked = (cancel.is_set if isinstance(cancel, threading.Event) else cancel) or (lambda: False)
    percents = [0.0] * len(commands)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def report(index: int, percent: float) -> None:
        with lock:
            percents[index] = percent
            if on_progress:
                on_progress(sum(percents) / len(percents))

    def run(index: int, command: list[str], feed) -> None:
        try:
            run_with_progress(command, limits, duration, out_dir, lambda p: report(index, p),
                              lambda: stop.is_set() or asked(), feed)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            errors.append(error)
            stop.set()

    threads = [threading.Thread(target=run, args=(i, c, f), daemon=True)
               for i, (c, f) in enumerate(zip(commands, feeds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        # The first error is the cause; the others are its cancellations.
        raise errors[0]


# --- progress -----------------------------------------------------------------

def overall_progress(chunk_plan: ChunkPlan, chunk_percent: Mapping[int, float],
                     audio_percent: float = 0.0) -> float:
    """The job's percent: the chunks' percents weighted by their durations, plus the audio task's."""
    weights = {chunk.index: chunk.duration(chunk_plan.duration) for chunk in chunk_plan.chunks}
    audio_weight = AUDIO_PROGRESS_WEIGHT * chunk_plan.duration
    done = sum(weights[k] * min(max(chunk_percent.get(k, 0.0), 0.0), 100.0) for k in weights)
    done += audio_weight * min(max(audio_percent, 0.0), 100.0)
    return done / (sum(weights.values()) + audio_weight)


# --- assembly -----------------------------------------------------------------

@dataclass(frozen=True)
class _Playlist:
    header: list[str]  # lines before the first segment, #EXT-X-MAP included
    init: tuple[int, int]  # length, offset
    segments: list[tuple[str, int, int]]  # EXTINF value, length, offset
    target_duration: int


def _read_playlist(path: Path) -> _Playlist:
    lines = path.read_text("utf-8").splitlines()
    header, segments, init, target = [], [], None, 0
    extinf = None
    for line in lines:
        if line.startswith("#EXTINF:"):
            extinf = line[len("#EXTINF:"):].rstrip(",")
        elif line.startswith("#EXT-X-BYTERANGE:"):
            length, _, offset = line.split(":", 1)[1].partition("@")
            segments.append((extinf, int(length), int(offset)))
        elif extinf is None and line and not line.startswith("#EXT-X-ENDLIST"):
            if line.startswith("#EXT-X-MAP:"):
                found = re.search(r'BYTERANGE="(\d+)@(\d+)"', line)
                if not found:
                    raise AssemblyError(f"{path}: the init segment has no byte range")
                init = (int(found[1]), int(found[2]))
            if line.startswith("#EXT-X-TARGETDURATION:"):
                target = int(line.split(":", 1)[1])
            header.append(line)
    if init is None or not segments:
        raise AssemblyError(f"{path} is not a single-file fMP4 playlist")
    return _Playlist(header, init, segments, target)


@dataclass(frozen=True)
class JoinedRendition:
    media: Path
    playlist: Path
    frames: int
    segments: int


def join_rendition(parts: Sequence[Path], target_dir: Path, chunk_plan: ChunkPlan) -> JoinedRendition:
    """Join one rendition's chunk outputs (``<part>/index.m3u8`` + ``media.mp4``) into ``target_dir``.

    The chunks placed their fragments on the programme timeline themselves, so this is
    a concatenation of their segments' bytes behind one init segment, after checking
    what makes it one rendition: every chunk's init segment byte-identical (same encoder,
    same settings: a worker with another ffmpeg build is refused, not mixed in); each
    chunk starting exactly where the samples before it end, at its planned instant;
    fragment numbers continuous; every segment starting on a keyframe.  Byte ranges
    are recomputed, EXTINFs kept, TARGETDURATION the largest.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    media, playlist = target_dir / "media.mp4", target_dir / VARIANT_PLAYLIST
    lists = [_read_playlist(Path(part) / VARIANT_PLAYLIST) for part in parts]
    entries, sequence, position, ticks, frames = [], 1, 0, 0, 0
    init = tracks = None
    with media.open("wb") as out:
        for k, (part, listed) in enumerate(zip(parts, lists)):
            chunk = chunk_plan.chunks[k]
            with (Path(part) / "media.mp4").open("rb") as source:
                source.seek(listed.init[1])
                chunk_init = source.read(listed.init[0])
                if init is None:
                    init, tracks = chunk_init, _single_track(chunk_init, part)
                    out.write(init)
                    position = len(init)
                elif chunk_init != init:
                    raise AssemblyError(f"chunk {k} was encoded differently (init segments differ)")
                (track,) = tracks.values()
                for number, (extinf, length, offset) in enumerate(listed.segments):
                    source.seek(offset)
                    segment = bytearray(source.read(length))
                    held = fmp4.shift(segment, 0, sequence, tracks)  # reads; rewrites nothing if right
                    if number == 0 and (held.first_decode_time != ticks or
                                        chunk.start * track.timescale != ticks):
                        raise AssemblyError(
                            f"chunk {k} should start at {float(chunk.start):.3f} s; it starts at "
                            f"{(held.first_decode_time or 0) / track.timescale:.3f} s and the chunks "
                            f"before it end at {ticks / track.timescale:.3f} s")
                    if held.sequences != tuple(range(sequence, sequence + held.fragments)):
                        raise AssemblyError(f"chunk {k}: fragments {held.sequences} where "
                                            f"{sequence}… belong (a chunk of another plan?)")
                    if not held.sync_first:
                        raise AssemblyError(f"chunk {k}: a segment does not start with a keyframe")
                    sequence += held.fragments
                    frames += held.samples
                    ticks += held.duration
                    out.write(segment)
                    entries.append((extinf, length, position))
                    position += length
    header = []
    for line in lists[0].header:
        if line.startswith("#EXT-X-TARGETDURATION:"):
            line = f"#EXT-X-TARGETDURATION:{max(listed.target_duration for listed in lists)}"
        elif line.startswith("#EXT-X-MAP:"):
            line = re.sub(r'BYTERANGE="\d+@\d+"', f'BYTERANGE="{len(init)}@0"', line)
        header.append(line)
    body = [f"#EXTINF:{extinf},\n#EXT-X-BYTERANGE:{length}@{offset}\nmedia.mp4"
            for extinf, length, offset in entries]
    playlist.write_text("\n".join([*header, *body, "#EXT-X-ENDLIST"]) + "\n", "utf-8")
    return JoinedRendition(media, playlist, frames, len(entries))


def assemble(info: MediaInfo, chunk_plan: ChunkPlan, chunk_dirs: Sequence[Path | str],
             audio_dir: Path | str, out_dir: Path | str, config: TranscodeConfig,
             limits: Limits = Limits()) -> TranscodeResult:
    """One ladder, proxy and QC measurements from the chunk and audio tasks' directories.

    The layout and the result are those of ``transcode``, so storing and registering
    the outputs is the same code; a rerun overwrites the same names.
    """
    out_dir, audio_dir = Path(out_dir).resolve(), Path(audio_dir).resolve()
    chunk_dirs = [Path(d).resolve() for d in chunk_dirs]
    if len(chunk_dirs) != len(chunk_plan.chunks):
        raise AssemblyError(f"{len(chunk_dirs)} chunk outputs for {len(chunk_plan.chunks)} chunks")
    plan = plan_ladder(info, config, chunk_plan.original_language)
    hls_dir = out_dir / HLS_DIR
    scratch = out_dir / ".assembly"
    for path in (hls_dir, scratch):
        shutil.rmtree(path, ignore_errors=True)
    (out_dir / PROXY_FILE).unlink(missing_ok=True)
    hls_dir.mkdir(parents=True)
    results = [ChunkResult.load(d) for d in chunk_dirs]
    if [r.index for r in results] != list(range(len(chunk_dirs))):
        raise AssemblyError("chunk outputs are not in programme order")
    audio = AudioResult.load(audio_dir)

    for video in plan.video:
        join_rendition([d / HLS_DIR / video.name for d in chunk_dirs], hls_dir / video.name, chunk_plan)
    for rendition in plan.audio:
        shutil.copytree(audio_dir / HLS_DIR / rendition.name, hls_dir / rendition.name)
    _write_master(hls_dir / MASTER_PLAYLIST, chunk_dirs[0] / HLS_DIR / MASTER_PLAYLIST,
                  audio_dir / HLS_DIR / MASTER_PLAYLIST, plan, config.video_qp is not None)
    finish_master_playlist(hls_dir / MASTER_PLAYLIST, plan)

    proxy_video = join_rendition([d / PROXY_HLS_DIR / PROXY_NAME for d in chunk_dirs],
                                 scratch / PROXY_NAME, chunk_plan)
    command = _mux_proxy(proxy_video.media, audio_dir / PROXY_AUDIO_FILE if plan.audio else None,
                         out_dir / PROXY_FILE, limits)
    shutil.rmtree(scratch, ignore_errors=True)

    measurements = merge_measurements(info.duration, chunk_plan, results, audio, config.qc)
    return TranscodeResult(
        out_dir=out_dir,
        master_playlist=hls_dir / MASTER_PLAYLIST,
        renditions=tuple(_hls_renditions(hls_dir, plan, config, limits)),
        proxy=Rendition("proxy", "proxy", out_dir / PROXY_FILE, None, probe(out_dir / PROXY_FILE, limits)),
        measurements=measurements,
        command=command,
    )


def _stream_inf(text: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    return [(line, lines[i + 1]) for i, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF:")]


def _write_master(target: Path, video_master: Path, audio_master: Path, plan: LadderPlan,
                  qp: bool = False) -> None:
    """The master ffmpeg writes in one pass: the audio group's EXT-X-MEDIA, then one entry per rung.

    BANDWIDTH is ffmpeg's: (rung bitrate + the group's highest audio bitrate) plus 10 %.
    """
    video_text = video_master.read_text("utf-8")
    if not plan.audio:
        target.write_text(video_text, "utf-8")
        return
    audio_text = audio_master.read_text("utf-8")
    media = [line for line in audio_text.splitlines() if line.startswith("#EXT-X-MEDIA:")]
    audio_codecs = {re.search(r'CODECS="([^"]*)"', line)[1] for line, _ in _stream_inf(audio_text)}
    if len(audio_codecs) != 1:
        raise AssemblyError("the audio renditions do not share one codec string")
    (audio_codec,) = audio_codecs
    audio_bps = max(audio.kbps for audio in plan.audio) * 1000
    head = [line for line in video_text.splitlines()[:2]]
    out = [*head, *media]
    listed = {uri: line for line, uri in _stream_inf(video_text)}
    for video in plan.video:
        uri = f"{video.name}/{VARIANT_PLAYLIST}"
        video_bps = 0 if qp else video.video_kbps * 1000
        bandwidth = video_bps + audio_bps
        bandwidth += bandwidth // 10
        line = listed.get(uri)
        if line is None:  # ffmpeg lists no video-only rung without a bitrate (constant QP)
            init = (target.parent / video.name / "media.mp4").read_bytes()
            line = (f"#EXT-X-STREAM-INF:BANDWIDTH=0,RESOLUTION={video.width}x{video.height},"
                    f'CODECS="{fmp4.avc_codec_string(init)}"')
        line = re.sub(r"BANDWIDTH=\d+", f"BANDWIDTH={bandwidth}", line)
        line = re.sub(r'CODECS="([^"]*)"', lambda m: f'CODECS="{m[1]},{audio_codec}"', line)
        out += [f'{line},AUDIO="group_{AUDIO_GROUP}"', uri, ""]
    target.write_text("\n".join(out) + "\n", "utf-8")


def _mux_proxy(video: Path, audio: Path | None, target: Path, limits: Limits) -> list[str]:
    """The proxy MP4 (faststart) from the joined proxy video and the programme's proxy audio: a copy."""
    inputs = [ffmpeg.input(safety.input_url(video), **safety.input_options("mov", limits))]
    if audio is not None:
        inputs.append(ffmpeg.input(safety.input_url(audio), **safety.input_options("mov", limits)))
    streams = [inputs[0]["v"]] + ([inputs[1]["a"]] if audio is not None else [])
    output = ffmpeg.output(*streams, str(target), f="mp4", c="copy", movflags="+faststart")
    command = ffmpeg.compile(output, cmd=["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error"])
    done = safety.run(command, limits, timeout=limits.transcode_timeout_base)
    if done.returncode != 0:
        raise AssemblyError(f"Proxy assembly failed: {safety.error_summary(done.stderr)}")
    return command


def merge_measurements(duration: float, chunk_plan: ChunkPlan, results: Sequence[ChunkResult],
                       audio: AudioResult, thresholds: qc.QcThresholds) -> qc.QcMeasurements:
    """The programme's QC: loudness and silence from the audio pass, pictures from the chunks.

    Chunk stretches are moved to programme time, joined where one ends at a boundary
    and the next chunk's starts there, and only then held to the minimum durations
    (as one pass would), so a black or frozen stretch across a boundary is one stretch.
    """
    frame = float(1 / chunk_plan.frame_rate)
    measurements = qc.QcMeasurements(duration=duration)
    measurements.loudness = dict(audio.loudness)
    measurements.silence = {k: list(v) for k, v in audio.silence.items()}
    measurements.black = _join(results, chunk_plan, "black", frame, thresholds.black_min_seconds)
    measurements.freeze = _join(results, chunk_plan, "freeze", frame, thresholds.freeze_min_seconds)
    fields = [r.fields for r in results if r.fields]
    if fields:
        measurements.fields = qc.FieldDetection(*(sum(getattr(f, name) for f in fields) for name in
                                                  ("tff", "bff", "progressive", "undetermined")))
    return measurements


def _join(results, chunk_plan: ChunkPlan, kind: str, frame: float, minimum: float) -> list[qc.Segment]:
    joined: list[qc.Segment] = []
    for result in results:
        chunk = chunk_plan.chunks[result.index]
        start = float(chunk.start)
        end = float(chunk.end) if chunk.end is not None else chunk_plan.duration
        for segment in getattr(result, kind):
            a, b = start + segment.start, start + segment.end
            if kind == "black" and chunk.end is not None and b >= end - 1.5 * frame:
                # blackdetect ends a stretch still open at EOF at the last frame's start: one
                # frame short (a stretch really ending a frame early reads the same: ±1 frame).
                b = end
            if joined and a <= float(chunk.start) + frame / 2 and abs(joined[-1].end - start) < frame / 2:
                a = joined.pop().start
            joined.append(qc.Segment(round(a, 6), round(b, 6)))
    return [s for s in joined if s.end - s.start >= minimum - 1e-6]
