"""What every writer shares: which lines a cue shows, and how times are written.

One rule for all formats: a blank (empty or whitespace-only) line inside a cue is
not written. SRT and WebVTT cannot carry one (a blank line ends the cue), so TTML
leaves it out too, and a track converts to every format with the same lines.
NUL is written as U+FFFD, as a WebVTT parser would read it.
"""
from ..bidi import anchor_rtl_line
from ..model import Cue, Span, SubtitleTrack


def shown_spans(cue: Cue) -> list[tuple[Span, ...]]:
    """The cue's styled lines without the blank ones, NUL replaced."""
    out = []
    for line in cue.styled_lines():
        if not "".join(span.text for span in line).strip():
            continue
        out.append(tuple(Span(span.text.replace("\x00", "\ufffd"), span.italic, span.bold, span.underline)
                         for span in line))
    return out


def anchored(spans: tuple[Span, ...], track: SubtitleTrack) -> tuple[Span, ...]:
    """On right-to-left tracks, RLM at an edge of the line that is not RTL-strong (see bidi.py)."""
    if track.direction != "rtl" or not spans:
        return spans
    text = "".join(span.text for span in spans)
    line = anchor_rtl_line(text)
    if line == text:
        return spans
    spans = list(spans)
    if line.startswith("\u200f") and not text.startswith("\u200f"):
        spans[0] = Span("\u200f" + spans[0].text, spans[0].italic, spans[0].bold, spans[0].underline)
    if line.endswith("\u200f") and not text.endswith("\u200f"):
        spans[-1] = Span(spans[-1].text + "\u200f", spans[-1].italic, spans[-1].bold, spans[-1].underline)
    return tuple(spans)


def display_lines(cue: Cue, track: SubtitleTrack) -> list[str]:
    return ["".join(span.text for span in anchored(line, track)) for line in shown_spans(cue)]


def times(cue: Cue) -> tuple[int, int]:
    """Start and end as written: never negative, and the end never before the start
    (a negative duration is flagged at ingest, ``non_positive_duration``)."""
    start = max(0, cue.start_ms)
    return start, max(start, cue.end_ms)


def clock(ms: int, decimal_separator: str) -> str:
    ms = max(0, ms)
    seconds, millis = divmod(ms, 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{decimal_separator}{millis:03d}"
