"""SubStation Alpha / Advanced SubStation Alpha (.ssa, .ass), read with pysubs2.

pysubs2 aborts the whole file on one bad timestamp and reports no line, so the
[Events] section is checked first with pysubs2's own timestamp patterns: bad
lines become findings with their line numbers and are blanked before parsing.
Italic/bold/underline (style and override tags) and the numpad alignment (style or
``{\\anN}``) are kept as spans and WebVTT-style settings.
"""
import pysubs2
from pysubs2.formats.substation import parse_tags
from pysubs2.time import TIMESTAMP, TIMESTAMP_SHORT

from ..errors import SubtitleParseError
from ..findings import Finding, finding
from ..markup import ASS_AN, numpad_settings
from ..model import Cue, CueSettings, Span, simplify_spans
from .parsed import Parsed

_DEFAULT_FORMAT = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
_EVENT_KINDS = ("dialogue:", "comment:")


def read_ssa(text: str) -> Parsed:
    lines = text.splitlines()
    findings: list[Finding] = []
    event_lines: list[int] = []  # line numbers of the events pysubs2 will see, in order
    in_events, fields = False, _DEFAULT_FORMAT
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        lowered = stripped.lower()
        if stripped.startswith("[") and stripped.endswith("]"):
            in_events = lowered == "[events]"
        elif in_events and lowered.startswith("format:"):
            fields = [f.strip().lower() for f in stripped[7:].split(",")]
        elif in_events and lowered.startswith(_EVENT_KINDS):
            problem = _event_problem(stripped, fields)
            if problem:
                findings.append(finding("bad_timecode", "error", f"event dropped: {problem}", line_number=number))
                lines[number - 1] = ""
            else:
                event_lines.append(number)
    if not event_lines:
        first = findings[0] if findings else None
        raise SubtitleParseError(first["message"] if first else "no Dialogue lines in an [Events] section",
                                 first["line_number"] if first else 1, findings)
    try:
        subs = pysubs2.SSAFile.from_string("\n".join(lines), format_=_dialect(text))
    except Exception as exc:  # pysubs2 raises bare ValueError/KeyError on broken headers
        raise SubtitleParseError(f"unreadable SubStation file: {exc}", 1, findings) from None
    cues: list[Cue] = []
    for event, line_number in zip(subs.events, event_lines):
        if event.is_comment:
            continue
        raw = tuple(event.text.replace("\\n", "\\N").split("\\N"))
        lines = tuple(event.plaintext.split("\n"))
        style = subs.styles.get(event.style, pysubs2.SSAStyle.DEFAULT_STYLE)
        cues.append(Cue(len(cues) + 1, event.start, event.end, lines, raw, line_number,
                        _spans(event.text, style, subs.styles, lines), _placement(event.text, style)))
    return Parsed(cues, findings)


def _spans(text: str, style: pysubs2.SSAStyle, styles: dict, lines: tuple[str, ...]):
    """Italic, bold and underline of each fragment, from the event's style and its
    override tags ({\\i1}, {\\b1}, {\\u1}, {\\r}), as pysubs2 computes them."""
    runs: list[list[Span]] = [[]]
    for fragment, computed in parse_tags(text, style, styles):
        pieces = fragment.replace("\\h", " ").replace("\\n", "\\N").split("\\N")
        for number, piece in enumerate(pieces):
            if number:
                runs.append([])
            runs[-1].append(Span(piece, bool(computed.italic), bool(computed.bold), bool(computed.underline)))
    spans = simplify_spans(runs)
    if spans and tuple("".join(span.text for span in line) for line in spans) != lines:
        return ()
    return spans


def _placement(text: str, style: pysubs2.SSAStyle) -> CueSettings | None:
    """ASS alignment is a numpad position (style, or a ``{\\anN}`` override)."""
    override = ASS_AN.search(text)
    return numpad_settings(int(override.group(1)) if override else int(style.alignment))


def _event_problem(line: str, fields: list[str]) -> str | None:
    values = line.split(":", 1)[1].split(",", len(fields) - 1)
    if len(values) < len(fields):
        return f"{len(values)} fields where the Format line declares {len(fields)}"
    for name in ("start", "end"):
        if name in fields:
            value = values[fields.index(name)].strip().lstrip("-")
            if not (TIMESTAMP.fullmatch(value) or TIMESTAMP_SHORT.fullmatch(value)):
                return f"{name} {value!r} is not a timestamp"
    return None


def _dialect(text: str) -> str:
    """SSA v4 and ASS (v4+) differ in how alignment numbers are read."""
    return "ssa" if "[v4 styles]" in text.lower() else "ass"
