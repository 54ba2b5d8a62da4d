"""One ffmpeg process, one decode pass: HLS ladder + MP4 proxy + QC measurements.

The source is decoded once; ``split``/``asplit`` feed every rung's encoder, the
proxy's encoder and the QC filters.  Output layout under ``out_dir`` (stable
names, so a retried job overwrites its own files and storage keys stay the same):

    hls/master.m3u8
    hls/<rendition>/index.m3u8 + media.mp4   (single-file fMP4, byte-range segments)
    proxy.mp4
    qc/silence_a<N>.txt                       (silencedetect events per audio track)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

from media import qc, safety
from media.config import TranscodeConfig
from media.hls import finish_master_playlist
from media.ladder import LadderPlan, VideoRendition
from media.probe import MediaInfo, probe
from media.progress import PROGRESS_ARGS, CancelHook, ProgressCallback, run_with_progress
from media.safety import Limits

FFMPEG = "ffmpeg"
HLS_DIR = "hls"
MASTER_PLAYLIST = "master.m3u8"
VARIANT_PLAYLIST = "index.m3u8"
PROXY_FILE = "proxy.mp4"
QC_DIR = "qc"
AUDIO_GROUP = "aud"


@dataclass(frozen=True)
class Rendition:
    kind: str  # "video" | "audio" | "proxy"
    name: str
    path: Path
    playlist: Path | None
    info: MediaInfo

    def to_dict(self, root: Path) -> dict[str, Any]:
        """Technical metadata with paths relative to the output root (storage keys)."""
        video = self.info.video[0] if self.info.video else None
        audio = self.info.audio[0] if self.info.audio else None
        return {
            "kind": self.kind,
            "name": self.name,
            "path": str(self.path.relative_to(root)),
            "playlist": str(self.playlist.relative_to(root)) if self.playlist else None,
            "size": self.info.size,
            "duration": self.info.duration,
            "bit_rate": self.info.bit_rate,
            "width": video.width if video else None,
            "height": video.height if video else None,
            "frame_rate": str(video.frame_rate) if video else None,
            "video_codec": video.codec if video else None,
            "audio_codec": audio.codec if audio else None,
            "channels": audio.channels if audio else None,
            "languages": [stream.language for stream in self.info.audio],
            # The first presentation time (B-frame delay, AAC priming): subtitles are mapped to it.
            "start_time": _start_time(self.info),
        }


def _start_time(info: MediaInfo) -> float | None:
    start = info.raw.get("format", {}).get("start_time")
    return float(start) if start is not None else None


@dataclass(frozen=True)
class TranscodeResult:
    out_dir: Path
    master_playlist: Path
    renditions: tuple[Rendition, ...]
    proxy: Rendition
    measurements: qc.QcMeasurements
    command: list[str]


def build_command(info: MediaInfo, out_dir: Path, plan: LadderPlan, config: TranscodeConfig,
                  limits: Limits = Limits()) -> list[str]:
    """The complete ffmpeg argument list (also used by the benchmark to run it by hand)."""
    out_dir = Path(out_dir).resolve()
    source = source_input(info, limits)
    hls_video, proxy_video = video_branches(source, plan, config)
    hls_audio, proxy_audio = audio_branches(source, plan, config, out_dir / QC_DIR)
    hls = ffmpeg.output(*hls_video, *hls_audio, str(out_dir / HLS_DIR / "%v" / VARIANT_PLAYLIST),
                        **_hls_options(plan, config, out_dir), **_video_options(plan, config),
                        **_audio_options(plan, config))
    proxy = ffmpeg.output(*proxy_video, *proxy_audio, str(out_dir / PROXY_FILE),
                          **_proxy_options(plan, config))
    return compile_command(hls, proxy)


def source_input(info: MediaInfo, limits: Limits, **seek: Any):
    """The source as an ffmpeg input: pinned demuxer, ``file`` protocol only, or the remote
    source's own (``seek``: -ss/-t)."""
    return ffmpeg.input(safety.input_url(info.path), **seek,
                        **safety.input_options(info.demuxer, limits, info.path))


def compile_command(*outputs) -> list[str]:
    globals_ = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "info", *PROGRESS_ARGS]
    return ffmpeg.compile(ffmpeg.merge_outputs(*outputs), cmd=globals_)


def transcode(info: MediaInfo, out_dir: Path | str, plan: LadderPlan, config: TranscodeConfig,
              limits: Limits = Limits(), on_progress: ProgressCallback | None = None,
              cancel: CancelHook | None = None) -> TranscodeResult:
    """Produce the ladder, proxy and QC measurements for ``info`` into ``out_dir``."""
    out_dir = Path(out_dir).resolve()
    _prepare(out_dir)
    command = build_command(info, out_dir, plan, config, limits)
    log = qc.QcLog()
    run_with_progress(command, limits, info.duration, out_dir, on_progress, cancel, log.feed)
    hls_dir = out_dir / HLS_DIR
    finish_master_playlist(hls_dir / MASTER_PLAYLIST, plan)
    silence_logs = {k: qc.silence_log_path(out_dir / QC_DIR, k) for k in range(len(plan.audio))}
    return TranscodeResult(
        out_dir=out_dir,
        master_playlist=hls_dir / MASTER_PLAYLIST,
        renditions=tuple(_hls_renditions(hls_dir, plan, config, limits)),
        proxy=Rendition("proxy", "proxy", out_dir / PROXY_FILE, None,
                        probe(out_dir / PROXY_FILE, limits)),
        measurements=log.measurements(info.duration, silence_logs),
        command=command,
    )


def _prepare(out_dir: Path) -> None:
    # Only our own deterministic names are cleared, so a retry starts clean.
    for name in (HLS_DIR, QC_DIR):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    (out_dir / PROXY_FILE).unlink(missing_ok=True)
    (out_dir / QC_DIR).mkdir(parents=True)


def video_branches(source, plan: LadderPlan, config: TranscodeConfig, window=None, picture_qc=None):
    """Scaled streams for every rung, and the proxy's (through the picture QC filters).

    ``window`` (chunks) cuts the deinterlaced pictures to a time range; ``picture_qc``
    replaces the QC filters on the proxy branch.
    """
    if plan.video_index is None:
        return [], []
    video = qc.field_filter(source[str(plan.video_index)])
    if plan.deinterlace:
        video = video.filter(config.deinterlace_filter, **dict(config.deinterlace_options))
    if window is not None:
        video = window(video)
    branches = video.split()
    renditions = [*plan.video, plan.proxy]
    scaled = [_scale(branches[i], rendition) for i, rendition in enumerate(renditions)]
    return scaled[:-1], [(picture_qc or qc.picture_filters)(scaled[-1], config.qc)]


def _scale(stream, rendition: VideoRendition):
    return stream.filter("scale", rendition.width, rendition.height, flags="bicubic").filter("setsar", 1)


def audio_branches(source, plan: LadderPlan, config: TranscodeConfig, qc_dir: Path):
    hls, proxy = [], []
    for track, rendition in enumerate(plan.audio):
        measured = qc.audio_filters(source[str(rendition.source_index)], track,
                                    qc.silence_log_path(qc_dir, track), config.qc)
        copies = measured.asplit()
        hls.append(copies[0])
        proxy.append(copies[1])
    return hls, proxy


def _segment_extension(config: TranscodeConfig) -> str:
    return "mp4" if config.hls_segment_type == "fmp4" else "ts"


def _hls_options(plan: LadderPlan, config: TranscodeConfig, out_dir: Path) -> dict[str, Any]:
    return hls_muxer_options(config, out_dir / HLS_DIR, _var_stream_map(plan))


def hls_muxer_options(config: TranscodeConfig, hls_dir: Path, var_stream_map: str) -> dict[str, Any]:
    media = hls_dir / "%v" / f"media.{_segment_extension(config)}"
    return {
        "f": "hls",
        "hls_time": config.segment_seconds,
        "hls_playlist_type": "vod",
        "hls_segment_type": config.hls_segment_type,
        "hls_flags": "independent_segments+single_file",
        "hls_segment_filename": str(media),
        "master_pl_name": MASTER_PLAYLIST,
        "var_stream_map": var_stream_map,
    }


def _var_stream_map(plan: LadderPlan) -> str:
    group = f",agroup:{AUDIO_GROUP}" if plan.audio else ""
    entries = [f"v:{i}{group},name:{video.name}" for i, video in enumerate(plan.video)]
    for k, audio in enumerate(plan.audio):
        entry = f"a:{k}{group},name:{audio.name}"
        entry += f",language:{audio.hls_language}" if audio.hls_language else ""
        entry += ",default:yes" if audio.default else ""
        entries.append(entry)
    return " ".join(entries)


def _gop_options(plan: LadderPlan, config: TranscodeConfig) -> dict[str, Any]:
    # Same GOP on every encoder and no scene-cut keyframes: segments align across rungs.
    return {
        "c:v": config.video_codec,
        "pix_fmt": config.pix_fmt,
        "g": plan.gop_frames,
        "keyint_min": plan.gop_frames,
        "sc_threshold": 0,
        "force_key_frames": f"expr:gte(t,n_forced*{plan.keyframe_seconds})",
        **({"threads": config.threads} if config.threads else {}),
    }


def _video_options(plan: LadderPlan, config: TranscodeConfig) -> dict[str, Any]:
    if not plan.video:
        return {}
    options = {**_gop_options(plan, config), "preset": config.x264_preset,
               "profile:v": config.h264_profile}
    if config.video_qp is not None:
        return {**options, "qp": config.video_qp}
    for i, video in enumerate(plan.video):
        options[f"b:v:{i}"] = f"{video.video_kbps}k"
        options[f"maxrate:v:{i}"] = f"{video.maxrate_kbps}k"
        options[f"bufsize:v:{i}"] = f"{video.bufsize_kbps}k"
    return options


def _audio_options(plan: LadderPlan, config: TranscodeConfig,
                   kbps: int | None = None) -> dict[str, Any]:
    if not plan.audio:
        return {}
    options = {"c:a": config.audio_codec, "ar": config.audio_sample_rate}
    for k, audio in enumerate(plan.audio):
        options[f"b:a:{k}"] = f"{kbps or audio.kbps}k"
        options[f"ac:a:{k}"] = audio.channels
        options[f"metadata:s:a:{k}"] = f"language={audio.language or 'und'}"
    return options


def _proxy_options(plan: LadderPlan, config: TranscodeConfig) -> dict[str, Any]:
    options = {"f": "mp4", "movflags": "+faststart",
               **_audio_options(plan, config, kbps=config.proxy.audio_kbps)}
    if plan.proxy:
        options.update(_gop_options(plan, config))
        options.update({"preset": config.proxy.preset, "profile:v": "main",
                        "b:v": f"{plan.proxy.video_kbps}k",
                        "maxrate": f"{plan.proxy.maxrate_kbps}k",
                        "bufsize": f"{plan.proxy.bufsize_kbps}k"})
    return options


def _hls_renditions(hls_dir: Path, plan: LadderPlan, config: TranscodeConfig, limits: Limits):
    extension = _segment_extension(config)
    entries = [("video", video.name) for video in plan.video]
    entries += [("audio", audio.name) for audio in plan.audio]
    for kind, name in entries:
        media = hls_dir / name / f"media.{extension}"
        yield Rendition(kind, name, media, hls_dir / name / VARIANT_PLAYLIST, probe(media, limits))
