"""QC rules applied to a whole track.

Default limits (per script family of the track's language; override with ``Limits``):

=========  ===============  ==============
family     reading speed    line length
=========  ===============  ==============
latin      17 chars/s       42 chars       Latin and Cyrillic (EBU-TT/BBC-style guidance)
arabic     15 chars/s       42 chars       Arabic, Urdu, Persian: denser script, slower reading
cjk        9 chars/s        16 chars       Chinese, Japanese, Korean (common streaming guidance)
=========  ===============  ==============

Characters are counted as ``scripts.visible_length`` does: spaces count,
bidi controls and combining marks (harakat) do not.
"""
from dataclasses import dataclass

from .findings import Finding, finding
from .model import Cue, SubtitleTrack
from .scripts import script_class, visible_length


@dataclass(frozen=True)
class Limits:
    max_chars_per_second: float
    max_chars_per_line: int


DEFAULT_LIMITS = {
    "latin": Limits(17, 42),
    "arabic": Limits(15, 42),
    "cjk": Limits(9, 16),
}


def limits_for(language: str) -> Limits:
    return DEFAULT_LIMITS[script_class(language)]


def validate_track(
    track: SubtitleTrack, media_duration_ms: int | None = None, limits: Limits | None = None
) -> list[Finding]:
    limits = limits or limits_for(track.language)
    findings: list[Finding] = []
    latest_end: Cue | None = None
    for cue in track.cues:
        findings += _cue_findings(cue, limits, media_duration_ms)
        if latest_end is not None and cue.start_ms < latest_end.end_ms:
            findings.append(_at(cue, "overlap", "warning",
                                f"starts {latest_end.end_ms - cue.start_ms} ms before cue {latest_end.index} ends"))
        if latest_end is None or cue.end_ms > latest_end.end_ms:
            latest_end = cue
    return findings


def _cue_findings(cue: Cue, limits: Limits, media_duration_ms: int | None) -> list[Finding]:
    found: list[Finding] = []
    if cue.end_ms <= cue.start_ms:
        found.append(_at(cue, "non_positive_duration", "error", f"duration is {cue.duration_ms} ms"))
    if media_duration_ms is not None and cue.end_ms > media_duration_ms:
        severity = "error" if cue.start_ms >= media_duration_ms else "warning"
        found.append(_at(cue, "past_media_end", severity,
                         f"ends at {cue.end_ms} ms, the media lasts {media_duration_ms} ms"))
    if not cue.text.strip():
        found.append(_at(cue, "empty_cue", "warning", "the cue has no text"))
        return found
    chars = visible_length(cue.text)
    if cue.duration_ms > 0 and chars * 1000 / cue.duration_ms > limits.max_chars_per_second:
        speed = chars * 1000 / cue.duration_ms
        found.append(_at(cue, "reading_speed", "warning",
                         f"{speed:.1f} characters per second (limit {limits.max_chars_per_second:g})"))
    for number, line in enumerate(cue.lines, 1):
        if visible_length(line) > limits.max_chars_per_line:
            found.append(_at(cue, "line_too_long", "warning",
                             f"line {number} has {visible_length(line)} characters "
                             f"(limit {limits.max_chars_per_line})"))
    return found


def _at(cue: Cue, code: str, severity: str, message: str) -> Finding:
    return finding(code, severity, message, cue_index=cue.index, line_number=cue.line_number)  # type: ignore[arg-type]
