"""Moving cues in time: a fixed offset, or a frame-rate change (PAL speed-up)."""
from dataclasses import replace
from fractions import Fraction

from .model import SubtitleTrack


def shift(track: SubtitleTrack, offset_ms: int) -> SubtitleTrack:
    """Add ``offset_ms`` (may be negative) to every cue; times never go below zero."""
    if not offset_ms:
        return track
    return track.with_cues([
        replace(c, start_ms=max(0, c.start_ms + offset_ms), end_ms=max(0, c.end_ms + offset_ms)) for c in track.cues
    ])


def rescale(track: SubtitleTrack, from_rate: Fraction, to_rate: Fraction) -> SubtitleTrack:
    """Re-time a track authored for ``from_rate`` to a video played at ``to_rate``.

    23.976 → 25 (PAL speed-up) plays every frame sooner: a cue at frame N moves
    from N/23.976 s to N/25 s, so times scale by from_rate/to_rate (≈ 0.959).
    """
    factor = Fraction(from_rate) / Fraction(to_rate)
    cues = [replace(c, start_ms=round(c.start_ms * factor), end_ms=round(c.end_ms * factor)) for c in track.cues]
    return replace(track, cues=cues, frame_rate=Fraction(to_rate))
