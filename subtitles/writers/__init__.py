"""Writers: the internal form out as SRT, WebVTT or TTML (IMSC 1 text profile).

All writers keep every character (bidi controls included; NUL as U+FFFD), write
times to the millisecond, never an end before its start, and leave blank lines out
of cues (``lines.py``). Italic, bold and underline are written in every format;
placement (WebVTT cue settings and regions) in WebVTT and TTML, which SRT cannot
express. See ``bidi.py`` for how right-to-left lines are anchored in the formats
without a direction attribute.
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
