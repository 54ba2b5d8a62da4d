"""TTML: IMSC 1, EBU-TT-D, DFXP — and, through the same model, SCC and EBU STL.

Timing is hierarchical (TTML2 §12): a ``<p>`` may inherit ``begin``/``end``/``dur``
from its ``<div>`` and ``<body>``, have only ``begin`` (then it lasts as long as its
parent), or carry no timing at all while its ``<span>`` children do. So cues are not
read from ``<p>`` attributes: ttconv builds its model of the document and computes
the sequence of intermediate synchronic documents (ISDs, TTML2 §11.3.1.3), the
snapshots of what is on screen between two significant times; a cue is a paragraph
shown with the same text from one significant time to another. Styles come from
the ISD too, computed and inherited: italic, bold, underline, text alignment,
region placement and writing mode are kept.

ttconv reports problems through logging rather than exceptions, and ElementTree
keeps no line numbers, so a light expat pass records where each ``<p>`` is and what
the root declares; the two are matched in document order.

Partners' XML is parsed with defusedxml: a DTD, an entity declaration or an
external reference is refused (``SubtitleUnsafeXMLError``), never expanded or
fetched; an undefined entity is malformed XML (``SubtitleParseError``).
"""
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET
from ttconv import model
from ttconv import style_properties as styles
from ttconv.imsc import attributes as imsc_attr
from ttconv.imsc import reader as imsc_reader
from ttconv.isd import ISD

from ..errors import SubtitleImageError, SubtitleParseError, SubtitleUnsafeXMLError
from ..findings import finding
from ..model import Cue, CueSettings, Span, simplify_spans
from .parsed import Parsed

TT_NS = "http://www.w3.org/ns/ttml"
TTP_NS = "http://www.w3.org/ns/ttml#parameter"
SMPTE_NS = "http://www.smpte-ra.org/schemas/2052-1/2010/smpte"
_BAD_TIMING = re.compile(r"Bad (begin|end|dur) attribute value: (.*)")
_P_ID = "__exchange_p{}"  # ids given to paragraphs so each ISD copy can be traced to its source line
_STYLE = styles.StyleProperties


@dataclass
class _SourceP:
    line_number: int
    timing_attrs: dict[str, str]


@dataclass
class _Scan:
    root_attrs: dict[str, str]
    paragraphs: list[_SourceP]
    images: int = 0
    text_chars: int = 0


def read_ttml(text: str, media_duration_ms: int | None = None) -> Parsed:
    scan = _scan(text)
    try:
        tree = SafeET.fromstring(text, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise SubtitleUnsafeXMLError(f"DTDs and entity declarations are not accepted in subtitle XML ({exc})",
                                     1) from None
    except ET.ParseError as exc:
        raise SubtitleParseError(f"malformed XML: {exc}", exc.position[0]) from None
    if scan.images and not scan.text_chars:
        raise SubtitleImageError("image subtitles are not supported: the document has images and no text; "
                                 "send the text version (IMSC text profile, EBU-TT-D, SRT, WebVTT)", 1)
    with ttconv_errors() as logged, ttconv_failures("TTML document"):
        _make_implicit_durations_explicit(tree)
        doc = imsc_reader.to_model(ET.ElementTree(tree))
    if doc is None or doc.get_body() is None:
        raise SubtitleParseError("not a TTML document with a <body>", 1)
    bad_timing = {m.groups() for m in map(_BAD_TIMING.match, logged) if m}
    findings = [finding("ttml_reader", "warning", message) for message in logged if not _BAD_TIMING.match(message)]
    model_ps = [p for p in _iter_elements(doc.get_body()) if isinstance(p, model.P)]
    sources: list[_SourceP | None] = (list(scan.paragraphs) if len(scan.paragraphs) == len(model_ps)
                                      else [None] * len(model_ps))
    line_numbers: dict[str, int | None] = {}
    for number, (p, source) in enumerate(zip(model_ps, sources)):
        key = _P_ID.format(number)
        line_numbers[key] = source.line_number if source else None
        for attr, value in (source.timing_attrs.items() if source else ()):
            if (attr, value) in bad_timing:
                findings.append(finding("bad_timecode", "error",
                                        f'cue dropped: {attr}="{value}" is not a TTML time expression',
                                        line_number=source.line_number))
                p.remove()
                break
        else:
            p.set_id(key)
    order = {key: i for i, key in enumerate(line_numbers)}
    with ttconv_failures("TTML document"):
        raw_cues = cues_from_document(doc, lambda key: order.get(key, len(order)))
    cue_list = finish_cues(raw_cues, findings, media_duration_ms, lambda raw: line_numbers.get(raw.key))
    if not cue_list:
        first = next((f for f in findings if f["line_number"]), None)
        raise SubtitleParseError(first["message"] if first else "no timed <p> elements found",
                                 first["line_number"] if first else 1, findings)
    frame_rate, drop_frame = _frame_rate(scan.root_attrs)
    return Parsed(cue_list, findings, frame_rate, drop_frame)


_TIMED = frozenset({"body", "div", "p", "span"})
_INDEFINITE_IN_PAR = frozenset({"br", "set"})  # as ttconv reads them (TTML2 §12.3: indefinite in par)
_MIXED = frozenset({"p", "span"})


def _make_implicit_durations_explicit(root: ET.Element) -> None:
    """Work around ttconv 1.2.3's implicit duration of an element that has a ``begin``
    but no ``end``/``dur``: it takes the latest end of the children, which are relative
    to the element's begin, as if relative to the parent, so ``<div begin="20s"><p
    dur="1.5s">`` ends at 20 s and shows nothing. TTML2 §12.4 (par container): the
    implicit duration is the latest child end, counted from the element's begin. Where
    that duration is definite, it is written as an explicit ``dur`` before ttconv reads
    the document; everything else (seq containers, indefinite content) is left to ttconv."""
    context = imsc_attr.TemporalAttributeParsingContext(
        frame_rate=imsc_attr.FrameRateAttribute.extract(root),
        tick_rate=imsc_attr.TickRateAttribute.extract(root),
        time_base=imsc_attr.TimeBaseAttribute.extract(root),
        drop_mode=imsc_attr.DropModeAttribute.extract(root),
    )

    def time(element: ET.Element, name: str) -> Fraction | None:
        value = element.get(name)
        try:
            return imsc_attr.parse_time_expression(context, value, False) if value is not None else None
        except ValueError:
            return None  # ttconv reports it

    def local(element: ET.Element) -> str:
        return element.tag.rsplit("}", 1)[-1] if element.tag.startswith(f"{{{TT_NS}}}") else ""

    def end_of(element: ET.Element) -> Fraction | None:
        """The element's end relative to its parent's begin (None: indefinite or unknown)."""
        name = local(element)
        if name in _INDEFINITE_IN_PAR:
            return None
        begin = time(element, "begin") or Fraction(0)
        end, dur = time(element, "end"), time(element, "dur")
        implicit: Fraction | None = Fraction(0)
        if element.get("timeContainer", "par") != "par" or (name in _MIXED and element.text is not None):
            implicit = None
        for child in element:
            child_name = local(child)
            if child_name in _TIMED or child_name in _INDEFINITE_IN_PAR:
                child_end = end_of(child)
                implicit = None if implicit is None or child_end is None else max(implicit, child_end)
            if name in _MIXED and child.tail is not None:
                implicit = None
        if end is not None or dur is not None:
            candidates = [value for value in (end, begin + dur if dur is not None else None) if value is not None]
            return min(candidates)
        if implicit is None:
            return None
        if begin:
            element.set("dur", f"{float(implicit):.9f}s")
        return begin + implicit

    for element in root:
        if local(element) == "body":
            end_of(element)


@dataclass
class RawCue:
    key: str | None
    start_ms: int
    end_ms: int | None
    lines: tuple[str, ...]
    spans: tuple[tuple[Span, ...], ...]
    settings: CueSettings | None


def cues_from_document(doc: model.ContentDocument, order: Callable[[str], int] | None = None) -> list[RawCue]:
    """Cues of a ttconv document: a paragraph shown unchanged across consecutive ISDs is one cue.
    Shared by the TTML, SCC and STL readers. ``order`` ranks paragraph keys (document order);
    paragraphs without an id get one, so a caption is followed from one ISD to the next
    even when others appear or disappear beside it."""
    unnamed = [p for p in _iter_elements(doc.get_body()) if isinstance(p, model.P) and p.get_id() is None]
    for number, p in enumerate(unnamed):
        p.set_id(f"__exchange_anonymous{number:08d}")
    if order is None:
        ranks = {p.get_id(): i for i, p in enumerate(e for e in _iter_elements(doc.get_body())
                                                     if isinstance(e, model.P))}

        def order(key: str) -> int:
            return ranks.get(key, len(ranks))
    sequence = _isd_sequence(doc)
    shown: dict[tuple, tuple[Fraction, tuple]] = {}  # (key, content) -> since
    done: list[tuple[Fraction, Fraction | None, tuple, tuple]] = []
    for time, isd in sequence:
        now: dict[tuple, tuple] = {}
        for position, (p, region) in enumerate(_isd_paragraphs(isd)):
            content = _content(p, region)
            if not any(content[0]):
                continue
            ident = (p.get_id() or f"anonymous{position}", content)
            now[ident] = content
        for ident in [i for i in shown if i not in now]:
            since, content = shown.pop(ident)
            done.append((since, time, ident, content))
        for ident, content in now.items():
            shown.setdefault(ident, (time, content))
    done += [(since, None, ident, content) for ident, (since, content) in shown.items()]
    done.sort(key=lambda item: (item[0], order(item[2][0])))
    cues = []
    for since, until, (key, _), (lines, spans, settings) in done:
        cues.append(RawCue(key, _to_ms(since), None if until is None else _to_ms(until), lines, spans, settings))
    return cues


def finish_cues(raw_cues: list["RawCue"], findings: list, media_duration_ms: int | None,
                line_of=lambda raw: None) -> list[Cue]:
    """Cues from ``cues_from_document``: an indefinite end (TTML2 §12.4: no end on the
    element or any ancestor; an SCC caption never erased) ends with the programme when
    its duration is known; otherwise the cue is dropped with a finding."""
    cues: list[Cue] = []
    for raw in raw_cues:
        line_number = line_of(raw)
        end_ms = raw.end_ms
        if end_ms is None:
            if media_duration_ms is None or media_duration_ms <= raw.start_ms:
                findings.append(finding("open_ended_cue", "error", "cue dropped: it has no end time "
                                        "(none on it or its parents) and the programme's duration is unknown",
                                        line_number=line_number))
                continue
            end_ms = media_duration_ms
            findings.append(finding("open_ended_cue", "warning", "the cue has no end time (none on it or "
                                    "its parents): it ends with the programme", line_number=line_number))
        cues.append(Cue(len(cues) + 1, raw.start_ms, end_ms, raw.lines, raw.lines, line_number,
                        raw.spans, raw.settings))
    return cues


def _isd_sequence(doc: model.ContentDocument) -> Iterator[tuple[Fraction, ISD | None]]:
    """``ISD.generate_isd_sequence``, made linear: ttconv visits every paragraph for each
    significant time (an hour of 1,500 cues took 11 s), so before each snapshot only the
    paragraphs active at that time are left in their containers. An inactive paragraph
    contributes nothing to an ISD, so the snapshots are the same."""
    sig_times = ISD.significant_times(doc)
    containers: dict[int, tuple[model.ContentElement, list, dict]] = {}
    events: dict[Fraction, list] = {}
    for cached in sig_times.cache():
        if cached.doc.get_body() is None:
            continue  # a region that nothing is shown in
        paragraphs = [e for e in _iter_elements(cached.doc.get_body())
                      if isinstance(e, model.P) and e.parent() is not None]
        positions: dict[int, int] = {}
        for p in paragraphs:
            parent = p.parent()
            if id(parent) not in containers:
                children = list(parent)
                positions.update((id(child), i) for i, child in enumerate(children))
                others = [(i, c) for i, c in enumerate(children) if not isinstance(c, model.P)]
                containers[id(parent)] = (parent, others, {})
        for p in paragraphs:
            begin, end = cached.interval_cache.get(p, (Fraction(0), None))
            if end is not None and end <= begin:
                continue
            entry = (id(p.parent()), positions[id(p)], p)
            events.setdefault(begin, []).append((*entry, True))
            if end is not None:
                events.setdefault(end, []).append((*entry, False))
    for container, others, _ in containers.values():
        container.remove_children()
        for _, child in others:
            container.push_child(child)
    for time in sig_times:
        changed = set()
        for parent_id, index, element, starts in events.get(time, ()):
            active = containers[parent_id][2]
            if starts:
                active[index] = element
            else:
                active.pop(index, None)
            changed.add(parent_id)
        for parent_id in changed:
            container, others, active = containers[parent_id]
            container.remove_children()
            for _, child in sorted([*others, *active.items()], key=lambda item: item[0]):
                container.push_child(child)
        if any(active for _, _, active in containers.values()):
            yield time, ISD.from_model(doc, time, sig_times)
        else:
            yield time, None  # nothing to show: the gap between two cues


def _isd_paragraphs(isd: ISD | None) -> Iterator[tuple[model.P, ISD.Region]]:
    if isd is None:
        return
    for region in isd.iter_regions():
        for element in _iter_elements(region):
            if isinstance(element, model.P):
                yield element, region


def _iter_elements(element: model.ContentElement) -> Iterator[model.ContentElement]:
    yield element
    if isinstance(element, model.P):
        return
    for child in element:
        yield from _iter_elements(child)


def _content(p: model.P, region: ISD.Region) -> tuple:
    lines: list[list[Span]] = [[]]
    _collect_spans(p, lines)
    plain = tuple("".join(span.text for span in line) for line in lines)
    spans = simplify_spans(lines)
    return plain, spans, _settings(p, region)


def _collect_spans(element: model.ContentElement, lines: list[list[Span]]) -> None:
    for child in element:
        if isinstance(child, model.Text):
            # In an ISD, whitespace is already handled (xml:space, TTML2 §7.2.3).
            lines[-1].append(Span(child.get_text(), *_flags(element)))
        elif isinstance(child, model.Br):
            lines.append([])
        elif isinstance(child, (model.Rt, model.Rp, model.Rtc)):
            continue  # ruby annotations are not part of the reading text
        else:
            _collect_spans(child, lines)


def _flags(element: model.ContentElement) -> tuple[bool, bool, bool]:
    style = element.get_style(_STYLE.FontStyle)
    weight = element.get_style(_STYLE.FontWeight)
    decoration = element.get_style(_STYLE.TextDecoration)
    return (style in (styles.FontStyleType.italic, styles.FontStyleType.oblique),
            weight is styles.FontWeightType.bold,
            bool(decoration and decoration.underline))


# TTML's default alignment is start, the writer's (and WebVTT's) center: center is "no setting".
_ALIGN = {styles.TextAlignType.start: "start", styles.TextAlignType.end: "end"}
_VERTICAL = {styles.WritingModeType.tbrl: "rl", styles.WritingModeType.tblr: "lr"}


def _settings(p: model.P, region: ISD.Region) -> CueSettings | None:
    """WebVTT settings for what the ISD says of the paragraph and its region: the
    inverse of the TTML writer's placement (see ``writers/ttml.py``)."""
    align = _ALIGN.get(p.get_style(_STYLE.TextAlign))
    vertical = _VERTICAL.get(region.get_style(_STYLE.WritingMode))
    line = position = size = None
    box = _region_box(region)
    display = region.get_style(_STYLE.DisplayAlign)
    if box is not None and not (box == DEFAULT_BOX and display is styles.DisplayAlignType.after):
        x, y, w, h = box
        if (x, w) != (0, 100):
            position, size = f"{fmt(x)}%,line-left", f"{fmt(w)}%"
        if display is styles.DisplayAlignType.before:
            line = f"{fmt(y)}%"
        elif display is styles.DisplayAlignType.center:
            line = f"{fmt(y + h / 2)}%,center"
        elif (y, h) not in ((10, 80), (0, 100)):  # bottom of the writer's default region or of the frame
            line = f"{fmt(y + h)}%,end"
    settings = CueSettings(align=align, vertical=vertical, line=line, position=position, size=size)
    return settings or None


DEFAULT_BOX = (10, 10, 80, 80)  # the TTML writer's default region, bottom-aligned: no placement


def _region_box(region: ISD.Region) -> tuple[float, float, float, float] | None:
    if region.get_id() == ISD.DEFAULT_REGION_ID:
        return None
    origin, extent = region.get_style(_STYLE.Origin), region.get_style(_STYLE.Extent)
    if origin is None or extent is None:
        return None
    units = {origin.x.units, origin.y.units, extent.width.units, extent.height.units}
    if not units <= {styles.LengthType.Units.rw, styles.LengthType.Units.rh, styles.LengthType.Units.pct}:
        return None
    return tuple(round(v, 3) for v in (origin.x.value, origin.y.value, extent.width.value,  # type: ignore
                                       extent.height.value))


def fmt(value: float) -> str:
    """A percentage as WebVTT writes it: no exponent, no trailing zeros."""
    text = f"{round(value, 3):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _scan(text: str) -> _Scan:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    scan = _Scan({}, [])
    depth_in_p = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        if not scan.root_attrs:
            scan.root_attrs.update(attrs or {"": ""})
        if name == f"{TT_NS} p":
            timing = {k: v for k, v in attrs.items() if k in ("begin", "end", "dur")}
            scan.paragraphs.append(_SourceP(parser.CurrentLineNumber, timing))
        if depth_in_p[0] or name == f"{TT_NS} p":
            depth_in_p[0] += 1
        if (name in (f"{TT_NS} image", f"{SMPTE_NS} image")
                or f"{SMPTE_NS} backgroundImage" in attrs or "backgroundImage" in attrs):
            scan.images += 1

    def end(name: str) -> None:
        if depth_in_p[0]:
            depth_in_p[0] -= 1

    def characters(data: str) -> None:
        if depth_in_p[0]:
            scan.text_chars += len(data.strip())

    def entity_declaration(*_args) -> None:
        raise SubtitleUnsafeXMLError("entity declarations are not accepted in subtitle XML",
                                     parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.EntityDeclHandler = entity_declaration
    parser.ExternalEntityRefHandler = lambda *_args: entity_declaration()
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise SubtitleParseError(f"malformed XML: {expat.ErrorString(exc.code)}", exc.lineno) from None
    return scan


@contextmanager
def ttconv_errors() -> Iterator[list[str]]:
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


@contextmanager
def ttconv_failures(what: str) -> Iterator[None]:
    """ttconv signals some malformed input with bare ValueError/TypeError/assertions:
    that is the partner's file, so it is a parse error (a 4xx), not a server error."""
    try:
        yield
    except SubtitleParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside ttconv is about the input
        raise SubtitleParseError(f"the {what} cannot be read: {type(exc).__name__}: {exc}", 1) from None


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

