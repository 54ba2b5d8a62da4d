"""TTML: IMSC 1, EBU-TT-D, DFXP.

Timing is resolved by ttconv's IMSC reader, which understands every TTML time
expression (frames with ``ttp:frameRate``/``frameRateMultiplier``, ticks, offsets,
``dur``). ttconv reports problems through logging rather than exceptions, and
ElementTree keeps no line numbers, so a light expat pass records where each ``<p>``
is and what the root declares; the two are matched in document order.
"""
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from xml.parsers import expat

from ttconv import model
from ttconv.imsc import reader as imsc_reader

from ..errors import SubtitleParseError
from ..findings import finding
from ..model import Cue
from .parsed import Parsed

TT_NS = "http://www.w3.org/ns/ttml"
TTP_NS = "http://www.w3.org/ns/ttml#parameter"
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_BAD_TIMING = re.compile(r"Bad (begin|end|dur) attribute value: (.*)")


@dataclass
class _SourceP:
    line_number: int
    timing_attrs: dict[str, str]


def read_ttml(text: str) -> Parsed:
    root_attrs, paragraphs = _scan(text)
    with _ttconv_errors() as logged:
        doc = imsc_reader.to_model(ET.ElementTree(ET.fromstring(text)))
    if doc is None or doc.get_body() is None:
        raise SubtitleParseError("not a TTML document with a <body>", 1)
    bad_timing = {m.groups() for m in map(_BAD_TIMING.match, logged) if m}
    findings = [finding("ttml_reader", "warning", message) for message in logged if not _BAD_TIMING.match(message)]
    model_ps = list(_timed_paragraphs(doc.get_body(), Fraction(0), None))
    sources: list[_SourceP | None] = list(paragraphs) if len(paragraphs) == len(model_ps) else [None] * len(model_ps)
    cues: list[Cue] = []
    for (p, begin, end), source in zip(model_ps, sources):
        line_number = source.line_number if source else None
        problem = _timing_problem(end, source, bad_timing)
        if problem:
            findings.append(finding("bad_timecode", "error", f"cue dropped: {problem}", line_number=line_number))
            continue
        lines = tuple(_paragraph_lines(p))
        cues.append(Cue(len(cues) + 1, _to_ms(begin), _to_ms(end), lines, lines, line_number))
    if not cues:
        first = next((f for f in findings if f["line_number"]), None)
        raise SubtitleParseError(first["message"] if first else "no timed <p> elements found",
                                 first["line_number"] if first else 1, findings)
    frame_rate, drop_frame = _frame_rate(root_attrs)
    return Parsed(cues, findings, frame_rate, drop_frame)


def _scan(text: str) -> tuple[dict[str, str], list[_SourceP]]:
    parser = expat.ParserCreate(namespace_separator=" ")
    root: dict[str, str] = {}
    paragraphs: list[_SourceP] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if not root:
            root.update(attrs or {"": ""})
        if name == f"{TT_NS} p":
            timing = {k: v for k, v in attrs.items() if k in ("begin", "end", "dur")}
            paragraphs.append(_SourceP(parser.CurrentLineNumber, timing))

    parser.StartElementHandler = start
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise SubtitleParseError(f"malformed XML: {expat.ErrorString(exc.code)}", exc.lineno) from None
    return root, paragraphs


@contextmanager
def _ttconv_errors() -> Iterator[list[str]]:
    """Collect what ttconv logs at ERROR and above while it reads."""
    messages: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("ttconv")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _timed_paragraphs(element: model.ContentElement, parent_begin: Fraction, parent_end: Fraction | None):
    """(p, absolute begin, absolute end) in document order; TTML times are relative
    to the parent's begin in the default ``par`` time container."""
    begin = parent_begin + (element.get_begin() or 0)
    end = parent_begin + element.get_end() if element.get_end() is not None else parent_end
    if isinstance(element, model.P):
        yield element, begin, end
        return
    for child in element:
        yield from _timed_paragraphs(child, begin, end)


def _timing_problem(end: Fraction | None, source: _SourceP | None, bad_timing: set[tuple[str, str]]) -> str | None:
    for attr, value in (source.timing_attrs.items() if source else ()):
        if (attr, value) in bad_timing:
            return f'{attr}="{value}" is not a TTML time expression'
    if end is None:
        return "the paragraph has no end time"
    return None


def _paragraph_lines(p: model.P) -> list[str]:
    lines = [""]
    _collect_text(p, lines)
    if p.get_space() is model.WhiteSpaceHandling.PRESERVE:
        return lines
    return [_WHITESPACE.sub(" ", line).strip(" ") for line in lines]


def _collect_text(element: model.ContentElement, lines: list[str]) -> None:
    for child in element:
        if isinstance(child, model.Text):
            lines[-1] += child.get_text()
        elif isinstance(child, model.Br):
            lines.append("")
        elif isinstance(child, (model.Rt, model.Rp, model.Rtc)):
            continue  # ruby annotations are not part of the reading text
        else:
            _collect_text(child, lines)


def _frame_rate(root_attrs: dict[str, str]) -> tuple[Fraction | None, bool]:
    rate = root_attrs.get(f"{TTP_NS} frameRate")
    if not rate:
        return None, False
    try:
        numerator, denominator = root_attrs.get(f"{TTP_NS} frameRateMultiplier", "1 1").split()
        value = Fraction(int(rate)) * Fraction(int(numerator), int(denominator))
    except (ValueError, ZeroDivisionError):
        return None, False  # ttconv has already reported the bad parameter
    return value, root_attrs.get(f"{TTP_NS} dropMode", "nonDrop") != "nonDrop"


def _to_ms(seconds: Fraction) -> int:
    return round(seconds * 1000)
