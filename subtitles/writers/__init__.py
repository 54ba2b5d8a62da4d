"""Writers: the internal form out as SRT, WebVTT or TTML (IMSC 1 text profile).

All writers emit styling-free text, every character kept (bidi controls
included), and times to the millisecond. See ``bidi.py`` for how right-to-left
lines are anchored in the formats without a direction attribute.
"""
from ..model import SubtitleTrack
from .srt import write_srt
from .ttml import write_ttml
from .webvtt import write_webvtt

_WRITERS = {"srt": write_srt, "vtt": write_webvtt, "ttml": write_ttml}
OUTPUT_FORMATS = tuple(_WRITERS)


def render(track: SubtitleTrack, format: str) -> str:
    """``format`` is ``"srt"``, ``"vtt"`` or ``"ttml"``."""
    try:
        writer = _WRITERS[format]
    except KeyError:
        raise ValueError(f"unknown output format {format!r}; expected one of {', '.join(OUTPUT_FORMATS)}") from None
    return writer(track)
