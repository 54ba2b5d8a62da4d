"""The normalised internal form every reader produces and every writer consumes."""
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction

from .scripts import direction_of


@dataclass(frozen=True)
class Span:
    """A run of text in one style, as far as every output format can express it."""

    text: str
    italic: bool = False
    bold: bool = False
    underline: bool = False

    @property
    def flags(self) -> str:
        return "i" * self.italic + "b" * self.bold + "u" * self.underline


@dataclass(frozen=True)
class CueSettings:
    """Placement of a cue, in WebVTT terms (W3C WebVTT "parse the WebVTT cue settings"),
    each value in its canonical WebVTT syntax: ``align`` start|center|end|left|right,
    ``vertical`` rl|lr, ``line`` ``-1``/``10%``/``10%,end``, ``position`` ``20%`` or
    ``20%,line-left``, ``size`` ``80%``; ``region`` is the whole WebVTT region
    definition (``id:r1 width:40% lines:3 ...``) so a cue carries it on its own.
    TTML writers and readers translate to and from ``tts:textAlign``,
    ``tts:writingMode``, ``tts:origin``/``tts:extent`` and ``tts:displayAlign``."""

    align: str | None = None
    vertical: str | None = None
    line: str | None = None
    position: str | None = None
    size: str | None = None
    region: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    def __bool__(self) -> bool:
        return bool(self.as_dict())


@dataclass(frozen=True)
class Cue:
    """One timed cue.

    ``lines`` is the styling-free text, one string per displayed line, exactly as
    authored (bidi control characters included). ``raw_lines`` keeps the source
    markup for reference. ``spans`` (optional) is the same text split into styled
    runs, one tuple a line; ``settings`` (optional) is where the cue is placed.
    Writers use ``lines``, and ``spans``/``settings`` where their format can say it.
    """

    index: int
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    raw_lines: tuple[str, ...] = ()
    line_number: int | None = None
    spans: tuple[tuple[Span, ...], ...] = ()
    settings: CueSettings | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def styled_lines(self) -> tuple[tuple[Span, ...], ...]:
        """``spans`` when the cue has styling, else every line as one plain span."""
        if self.spans and len(self.spans) == len(self.lines):
            return self.spans
        return tuple((Span(line),) for line in self.lines)

    def extras(self) -> dict:
        """Styling and placement as JSON (the Django app stores it beside the times and
        lines): ``{"spans": [[[text, "ib"], ...], ...], "settings": {...}}``, empty when plain."""
        out: dict = {}
        if self.spans and any(span.flags for line in self.spans for span in line):
            out["spans"] = [[[span.text, span.flags] for span in line] for line in self.spans]
        if self.settings:
            out["settings"] = self.settings.as_dict()
        return out


def spans_from_json(value) -> tuple[tuple[Span, ...], ...]:
    return tuple(tuple(Span(text, "i" in flags, "b" in flags, "u" in flags) for text, flags in line)
                 for line in value or ())


def cue_from_json(index: int, row: list) -> Cue:
    """A stored ``[start_ms, end_ms, lines]`` row, or ``[start_ms, end_ms, lines, extras]``."""
    start, end, lines = row[0], row[1], tuple(row[2])
    extras = row[3] if len(row) > 3 else {}
    settings = CueSettings(**extras["settings"]) if extras.get("settings") else None
    return Cue(index, start, end, lines, spans=spans_from_json(extras.get("spans")), settings=settings)


def cue_to_json(cue: Cue) -> list:
    extras = cue.extras()
    row = [cue.start_ms, cue.end_ms, list(cue.lines)]
    return row + [extras] if extras else row


def simplify_spans(spans: list[list[Span]]) -> tuple[tuple[Span, ...], ...]:
    """Merge neighbouring runs of the same style, drop empty runs; () when nothing is styled."""
    merged: list[tuple[Span, ...]] = []
    for line in spans:
        out: list[Span] = []
        for span in line:
            if not span.text:
                continue
            if out and out[-1].flags == span.flags:
                out[-1] = replace(out[-1], text=out[-1].text + span.text)
            else:
                out.append(span)
        merged.append(tuple(out) or (Span(""),))
    if not any(span.flags for line in merged for span in line):
        return ()
    return tuple(merged)


@dataclass
class SubtitleTrack:
    """A track: cues in file order plus what the format said about timing."""

    language: str
    cues: list[Cue] = field(default_factory=list)
    frame_rate: Fraction | None = None
    drop_frame: bool = False

    @property
    def direction(self) -> str:
        return direction_of(self.language)

    def with_cues(self, cues: list[Cue]) -> "SubtitleTrack":
        return replace(self, cues=cues)
