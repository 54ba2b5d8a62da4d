"""The master playlist players read: ffmpeg's, completed with what the HLS specs ask of it.

ffmpeg's master lacks what Apple's HLS authoring specification requires of a VOD ladder and
RFC 8216 section 4.3.4 defines: measured BANDWIDTH and AVERAGE-BANDWIDTH, FRAME-RATE on video
variants, CHANNELS on audio renditions, a master-level EXT-X-INDEPENDENT-SEGMENTS, and NAME and
LANGUAGE that a listener recognises. Everything is measured from the variant playlists written
beside it (segment sizes from EXT-X-BYTERANGE, or the segment files, over EXTINF durations).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from media.ladder import LadderPlan

_EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")
_BYTERANGE = re.compile(r"^#EXT-X-BYTERANGE:(\d+)")
_URI = re.compile(r'URI="([^"]+)"')


@dataclass(frozen=True)
class BitRates:
    """A media playlist's peak and average segment bit rates (bits/s, RFC 8216 section 4.3.4.2)."""

    peak: int
    average: int


def finish_master_playlist(master: Path, plan: LadderPlan) -> None:
    """Rewrite ``master`` (written by ffmpeg, or by chunk assembly in ffmpeg's form) in place."""
    text = master.read_text("utf-8")
    rates = {uri: measure(master.parent / uri) for uri in _variant_uris(text)}
    audio_groups: dict[str, list[BitRates]] = {}
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA:") and _attribute(line, "TYPE") == "AUDIO" and _URI.search(line):
            audio_groups.setdefault(_attribute(line, "GROUP-ID"), []).append(rates[_URI.search(line)[1]])

    renditions = {audio.name: audio for audio in plan.audio}
    rungs = {video.name for video in plan.video}
    lines = text.splitlines()
    out: list[str] = []
    for number, line in enumerate(lines):
        if line.startswith("#EXT-X-MEDIA:") and _attribute(line, "TYPE") == "AUDIO":
            audio = renditions.get(_folder(_URI.search(line)[1])) if _URI.search(line) else None
            line = _audio_media(line, audio) if audio else line
        elif line.startswith("#EXT-X-STREAM-INF:"):
            uri = lines[number + 1]
            group = audio_groups.get(_attribute(line, "AUDIO") or "", [])
            peak = rates[uri].peak + max((r.peak for r in group), default=0)
            average = rates[uri].average + max((r.average for r in group), default=0)
            line = _set(line, "BANDWIDTH", str(peak))
            line = _set(line, "AVERAGE-BANDWIDTH", str(average))
            if _folder(uri) in rungs:
                line = _set(line, "FRAME-RATE", f"{float(plan.frame_rate):.3f}")
        out.append(line)
        if line.startswith("#EXT-X-VERSION:") and "#EXT-X-INDEPENDENT-SEGMENTS" not in lines:
            # Every segment of every rung starts with a keyframe (forced GOPs), and AAC frames stand alone.
            out.append("#EXT-X-INDEPENDENT-SEGMENTS")
    master.write_text("\n".join(out) + "\n", "utf-8")


def measure(playlist: Path) -> BitRates:
    """Peak: the highest bit rate of any run of consecutive segments lasting 0.5 to 1.5 target
    durations; average: all segments' bits over the playlist's duration (RFC 8216 4.3.4.2)."""
    segments = _segments(playlist)
    duration = sum(seconds for seconds, _ in segments)
    if not segments or duration <= 0:
        return BitRates(0, 0)
    target = math.ceil(max(seconds for seconds, _ in segments))
    peak = 0.0
    for first in range(len(segments)):
        seconds = bits = 0.0
        for length, size in segments[first:]:
            seconds, bits = seconds + length, bits + size * 8
            if seconds > 1.5 * target:
                break
            if seconds >= 0.5 * target:
                peak = max(peak, bits / seconds)
    if not peak:  # segments too short to make a run of half the target duration
        peak = max(size * 8 / length for length, size in segments if length > 0)
    average = sum(size for _, size in segments) * 8 / duration
    return BitRates(math.ceil(peak), math.ceil(average))


def _segments(playlist: Path) -> list[tuple[float, int]]:
    """(duration, bytes) of each media segment: the byte range's length, or the file's size."""
    segments, duration, length = [], None, None
    for line in playlist.read_text("utf-8").splitlines():
        if match := _EXTINF.match(line):
            duration = float(match[1])
        elif match := _BYTERANGE.match(line):
            length = int(match[1])
        elif line and not line.startswith("#") and duration is not None:
            segments.append((duration, length if length is not None else (playlist.parent / line).stat().st_size))
            duration = length = None
    return segments


def _audio_media(line: str, audio) -> str:
    """ffmpeg names audio renditions "audio_N"; players show NAME, so use the language's own name."""
    line = _set(line, "NAME", f'"{audio.display_name}"')
    if audio.hls_language:
        line = _set(line, "LANGUAGE", f'"{audio.hls_language}"')
    line = _set(line, "AUTOSELECT", "YES")
    return _set(line, "CHANNELS", f'"{audio.channels}"')  # a decimal count, quoted (RFC 8216 4.3.4.1)


def _variant_uris(text: str) -> list[str]:
    lines = text.splitlines()
    uris = [lines[i + 1] for i, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF:")]
    uris += [match[1] for line in lines if line.startswith("#EXT-X-MEDIA:") and (match := _URI.search(line))]
    return uris


def _folder(uri: str) -> str:
    return uri.split("/", 1)[0]


def _attribute_pattern(name: str) -> re.Pattern:
    return re.compile(rf'(?<=[:,]){re.escape(name)}=("[^"]*"|[^,]*)')


def _attribute(line: str, name: str) -> str | None:
    match = _attribute_pattern(name).search(line)
    return match[1].strip('"') if match else None


def _set(line: str, name: str, value: str) -> str:
    """``line`` with attribute ``name`` set to ``value`` (already quoted where the spec quotes it)."""
    pattern = _attribute_pattern(name)
    if pattern.search(line):
        return pattern.sub(lambda _: f"{name}={value}", line, count=1)
    return f"{line},{name}={value}"
