"""Cue text for the line-based formats (SRT, WebVTT)."""
from ..bidi import anchor_rtl_line
from ..model import Cue, SubtitleTrack


def display_lines(cue: Cue, track: SubtitleTrack) -> list[str]:
    """A blank line would end the cue in SRT/WebVTT, so blank lines are left out."""
    lines = [line for line in cue.lines if line.strip()]
    if track.direction == "rtl":
        lines = [anchor_rtl_line(line) for line in lines]
    return lines


def clock(ms: int, decimal_separator: str) -> str:
    ms = max(0, ms)
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{decimal_separator}{millis:03d}"
