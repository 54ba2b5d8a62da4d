"""Choose the H.264/AAC ladder for a probed source.

Rules: never upscale; keep the display aspect ratio (non-square pixels and
rotation included) with square-pixel, even-sized outputs; deinterlace interlaced
sources; one fixed GOP for every rung so keyframes line up across the ladder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import langcodes

from media.config import Rung, TranscodeConfig
from media.probe import AudioStream, MediaInfo, VideoStream


@dataclass(frozen=True)
class VideoRendition:
    name: str
    width: int
    height: int
    video_kbps: int
    maxrate_kbps: int
    bufsize_kbps: int


@dataclass(frozen=True)
class AudioRendition:
    name: str
    source_index: int
    language: str | None  # ISO 639-2 as in the source, for container metadata
    hls_language: str | None  # BCP 47 for EXT-X-MEDIA LANGUAGE
    display_name: str
    channels: int
    kbps: int
    default: bool


@dataclass(frozen=True)
class LadderPlan:
    video_index: int | None
    video: tuple[VideoRendition, ...]
    audio: tuple[AudioRendition, ...]
    proxy: VideoRendition | None
    deinterlace: bool
    frame_rate: Fraction
    gop_frames: int
    keyframe_seconds: float


def plan_ladder(info: MediaInfo, config: TranscodeConfig, original_language: str | None = None) -> LadderPlan:
    """The renditions to produce from ``info`` under ``config``.

    ``original_language`` (BCP 47, the programme's) names audio tracks the source leaves untagged:
    a listener looks for "اردو", not "Audio 1".
    """
    source = info.video[0] if info.video else None
    audio = tuple(_audio_renditions(info.audio, config, original_language))
    if source is None:
        return LadderPlan(None, (), audio, None, False, Fraction(0), 0, config.keyframe_seconds)
    frame_rate = source.frame_rate or Fraction(25)
    proxy_rung = Rung("proxy", config.proxy.size, config.proxy.video_kbps)
    return LadderPlan(
        video_index=source.index,
        video=tuple(_video_renditions(source, config.rungs)),
        audio=audio,
        proxy=_fit(source, [proxy_rung])[0],
        deinterlace=source.interlaced,
        frame_rate=frame_rate,
        gop_frames=max(1, math.ceil(frame_rate * Fraction(config.keyframe_seconds))),
        keyframe_seconds=config.keyframe_seconds,
    )


def _video_renditions(source: VideoStream, rungs: tuple[Rung, ...]) -> list[VideoRendition]:
    short_side = min(source.display_size)
    fitting = [rung for rung in rungs if rung.size <= short_side + 1]
    if not fitting:
        # Source smaller than every rung: one rendition at source size, smallest rung's rates.
        smallest = min(rungs, key=lambda rung: rung.size)
        fitting = [Rung(f"{_even(short_side)}p", _even(short_side), smallest.video_kbps,
                        smallest.max_kbps, smallest.buffer_kbps)]
    return _fit(source, sorted(fitting, key=lambda rung: -rung.size))


def _fit(source: VideoStream, rungs: list[Rung]) -> list[VideoRendition]:
    return [
        VideoRendition(rung.name, *fit_size(source, rung.size), rung.video_kbps, rung.maxrate,
                       rung.bufsize)
        for rung in rungs
    ]


def fit_size(source: VideoStream, short_side: int) -> tuple[int, int]:
    """Even square-pixel width/height showing ``source`` with at most ``short_side`` (no upscale)."""
    display_width, display_height = source.display_size
    source_short = min(display_width, display_height)
    scale = min(short_side, _even(source_short)) / source_short
    return _even(display_width * scale), _even(display_height * scale)


def _even(value: float) -> int:
    return max(2, 2 * round(value / 2))


def _audio_renditions(streams: tuple[AudioStream, ...], config: TranscodeConfig, original_language: str | None):
    seen: dict[str, int] = {}
    for position, stream in enumerate(streams):
        tag = _bcp47(stream.language) or _bcp47(original_language)
        base = f"audio_{tag or 'und'}"
        seen[base] = seen.get(base, 0) + 1
        yield AudioRendition(
            name=base if seen[base] == 1 else f"{base}_{seen[base]}",
            source_index=stream.index,
            language=stream.language,
            hls_language=tag,
            display_name=_display_name(tag, position),
            channels=min(stream.channels, config.max_audio_channels),
            kbps=config.audio_kbps,
            default=position == 0,
        )


def _bcp47(language: str | None) -> str | None:
    """'urd' -> 'ur', 'ara' -> 'ar': HLS LANGUAGE wants RFC 5646 tags. None when untagged ('und')."""
    if not language or language == "und":
        return None
    try:
        return langcodes.standardize_tag(language)
    except (ValueError, langcodes.LanguageTagError):
        return None


def _display_name(tag: str | None, position: int) -> str:
    """The language's own name ("اردو", "العربية"): what a listener looks for in a menu."""
    if tag:
        language = langcodes.Language.get(tag)
        if language.is_valid():
            return language.autonym().replace('"', "")
    return f"Audio {position + 1}"
