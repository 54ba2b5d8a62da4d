"""ffprobe an untrusted file into a ``MediaInfo`` (raw JSON kept for storage)."""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass, field, fields, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from media import safety
from media.safety import Limits, NotMedia

FFPROBE = "ffprobe"
INTERLACED_FIELD_ORDERS = frozenset({"tt", "bb", "tb", "bt"})


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    width: int
    height: int
    frame_rate: Fraction
    sample_aspect_ratio: Fraction = Fraction(1)
    field_order: str = "unknown"
    rotation: int = 0
    pix_fmt: str | None = None
    profile: str | None = None
    bit_rate: int | None = None
    language: str | None = None

    @property
    def interlaced(self) -> bool:
        return self.field_order in INTERLACED_FIELD_ORDERS

    @property
    def display_size(self) -> tuple[float, float]:
        """Width and height as shown: non-square pixels stretched, rotation applied."""
        width, height = self.width * self.sample_aspect_ratio, Fraction(self.height)
        if self.rotation % 180:
            width, height = height, width
        return float(width), float(height)


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    channel_layout: str | None
    sample_rate: int
    language: str | None = None
    bit_rate: int | None = None


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str
    language: str | None = None


@dataclass(frozen=True)
class MediaInfo:
    path: Path | safety.RemoteSource
    container: str
    demuxer: str
    duration: float
    size: int
    bit_rate: int | None
    video: tuple[VideoStream, ...] = ()
    audio: tuple[AudioStream, ...] = ()
    subtitles: tuple[SubtitleStream, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (fractions as "num/den") plus the raw ffprobe output."""
        data = asdict(self)
        data["path"] = str(self.path)
        return json.loads(json.dumps(data, default=str))

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | safety.RemoteSource) -> MediaInfo:
        """``to_dict``'s output read back, for the file at ``path``: what a worker needs that
        did not probe the file itself (a chunk task elsewhere, reading the source remotely)."""

        def streams(kind, key):
            return tuple(kind(**_known(kind, stream)) for stream in data.get(key, ()))

        video = tuple(
            replace(stream, frame_rate=Fraction(stream.frame_rate),
                    sample_aspect_ratio=Fraction(stream.sample_aspect_ratio))
            for stream in streams(VideoStream, "video"))
        return cls(path=path, container=data["container"], demuxer=data["demuxer"], duration=data["duration"],
                   size=data["size"], bit_rate=data.get("bit_rate"), video=video,
                   audio=streams(AudioStream, "audio"), subtitles=streams(SubtitleStream, "subtitles"),
                   raw=data.get("raw", {}))


def _known(kind, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {key: value for key, value in data.items() if key in names}


def probe(path: Path | str, limits: Limits = Limits()) -> MediaInfo:
    """Probe ``path``; raise NotMedia/UnsafeMedia/MediaLimitExceeded if it is not usable media."""
    path = Path(path)
    safety.check_size(path, limits)
    demuxer = safety.sniff(path)
    if demuxer == "mov":
        _check_mov_boxes(path)
    raw = run_ffprobe(path, demuxer, limits)
    info = _media_info(path, demuxer, raw)
    if not info.video and not info.audio:
        raise NotMedia("The file has no audio or video streams.")
    if info.duration <= 0:
        raise NotMedia("The file has no measurable duration.")
    return info


def run_ffprobe(path: Path, demuxer: str, limits: Limits) -> dict[str, Any]:
    args = [FFPROBE, "-hide_banner", "-v", "error"]
    args += safety.flatten(safety.input_options(demuxer, limits))
    args += ["-show_format", "-show_streams", "-of", "json", safety.input_url(path)]
    done = safety.run(args, limits, timeout=limits.probe_timeout)
    if done.returncode != 0:
        raise NotMedia(f"Not playable media: {safety.error_summary(done.stderr)}")
    return json.loads(done.stdout)


def _check_mov_boxes(path: Path) -> None:
    """A truncated MP4/MOV has a top-level box that runs past the end of the file."""
    size = path.stat().st_size
    offset = 0
    with path.open("rb") as fh:
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                raise NotMedia("The file is truncated (incomplete MP4 box header).")
            box_size, box_type = struct.unpack(">I4s", header[:8])
            if box_size == 1 and len(header) == 16:
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:
                return
            if box_size < 8 or offset + box_size > size:
                name = box_type.decode("latin-1")
                raise NotMedia(
                    f"The file is truncated: MP4 box '{name}' needs {offset + box_size} bytes "
                    f"but the file has {size}."
                )
            offset += box_size


def _media_info(path: Path, demuxer: str, raw: dict[str, Any]) -> MediaInfo:
    fmt = raw.get("format", {})
    video, audio, subtitles = [], [], []
    for stream in raw.get("streams", []):
        kind = stream.get("codec_type")
        if kind == "video" and not stream.get("disposition", {}).get("attached_pic"):
            video.append(_video_stream(stream))
        elif kind == "audio" and stream.get("channels"):
            audio.append(_audio_stream(stream))
        elif kind == "subtitle":
            subtitles.append(
                SubtitleStream(stream["index"], stream.get("codec_name", "unknown"), _language(stream))
            )
    return MediaInfo(
        path=path,
        container=fmt.get("format_name", demuxer),
        demuxer=demuxer,
        duration=_float(fmt.get("duration")) or max(
            (_float(s.get("duration")) or 0.0 for s in raw.get("streams", [])), default=0.0
        ),
        size=int(fmt.get("size") or path.stat().st_size),
        bit_rate=_int(fmt.get("bit_rate")),
        video=tuple(video),
        audio=tuple(audio),
        subtitles=tuple(subtitles),
        raw=raw,
    )


def _video_stream(stream: dict[str, Any]) -> VideoStream:
    return VideoStream(
        index=stream["index"],
        codec=stream.get("codec_name", "unknown"),
        width=int(stream.get("width") or 0),
        height=int(stream.get("height") or 0),
        frame_rate=_frame_rate(stream),
        sample_aspect_ratio=_ratio(stream.get("sample_aspect_ratio")),
        field_order=stream.get("field_order", "unknown"),
        rotation=_rotation(stream),
        pix_fmt=stream.get("pix_fmt"),
        profile=stream.get("profile"),
        bit_rate=_int(stream.get("bit_rate")),
        language=_language(stream),
    )


def _audio_stream(stream: dict[str, Any]) -> AudioStream:
    return AudioStream(
        index=stream["index"],
        codec=stream.get("codec_name", "unknown"),
        channels=int(stream["channels"]),
        channel_layout=stream.get("channel_layout"),
        sample_rate=int(stream.get("sample_rate") or 0),
        language=_language(stream),
        bit_rate=_int(stream.get("bit_rate")),
    )


def _frame_rate(stream: dict[str, Any]) -> Fraction:
    # avg_frame_rate counts frames (25 for 1080i25); r_frame_rate may count fields.
    for key in ("avg_frame_rate", "r_frame_rate"):
        rate = _ratio(stream.get(key), default=Fraction(0))
        if rate > 0:
            return rate
    return Fraction(0)


def _ratio(text: str | None, default: Fraction = Fraction(1)) -> Fraction:
    try:
        num, den = (int(part) for part in str(text).replace(":", "/").split("/"))
    except ValueError:
        return default
    return Fraction(num, den) if num > 0 and den > 0 else default


def _rotation(stream: dict[str, Any]) -> int:
    for side_data in stream.get("side_data_list", []):
        if "rotation" in side_data:
            return int(side_data["rotation"]) % 360
    return int(stream.get("tags", {}).get("rotate", 0)) % 360


def _language(stream: dict[str, Any]) -> str | None:
    language = stream.get("tags", {}).get("language")
    return None if language in (None, "", "und") else language


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
