"""TTML writer for the IMSC 1 text profile.

Direction is carried by the document, not by marks in the text: ``xml:lang`` on
``tt`` and ``tts:direction="rtl"`` on every paragraph of a right-to-left track.

Styling and placement, from the cue model (WebVTT terms) to TTML:

* italic, bold, underline → ``<span>`` with ``tts:fontStyle``, ``tts:fontWeight``,
  ``tts:textDecoration``;
* ``align`` → ``tts:textAlign`` on the paragraph (``left``/``right`` as ``start``/``end`` of
  the track's direction, so they are read back as ``start``/``end``);
* ``vertical`` → ``tts:writingMode`` (``rl`` = ``tbrl``, ``lr`` = ``tblr``) on a region;
* a WebVTT region → a TTML region of its width, lines × 6vh high, placed by its
  anchors (read back as ``position``/``size``/``line``, not as a WebVTT region);
* ``line``/``position``/``size`` → a region: ``position`` and ``size`` give
  ``tts:origin`` x and ``tts:extent`` width; a ``line`` percentage gives the region's
  vertical edge and ``tts:displayAlign`` (start → before, end → after, center →
  center); a line number (snap-to-lines) becomes the top (``0`` and up) or bottom
  (negative) of the frame. The TTML reader maps regions back the same way.

Colours use TTML syntax (``#rrggbbaa``, TTML2 §10.3.5), so a re-read of our own
output raises no finding.
"""
import re
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

from ..model import Cue, CueSettings, Span, SubtitleTrack
from .lines import clock, shown_spans, times

_IMSC1_TEXT = "http://www.w3.org/ns/ttml/profile/imsc1/text"
# XML 1.0 cannot carry C0 controls other than tab and newlines: written as U+FFFD.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Text that default whitespace handling would collapse.
_COLLAPSIBLE = re.compile(r"^\s|\s$|\s\s|[\t\r\n]")
# The default region (the reader treats this box, bottom-aligned, as "no placement").
DEFAULT_REGION = ("r1", 10, 10, 80, 80, "after", None)
_WRITING_MODE = {"rl": "tbrl", "lr": "tblr"}


def write_ttml(track: SubtitleTrack) -> str:
    direction = ' tts:direction="rtl"' if track.direction == "rtl" else ""
    regions = {DEFAULT_REGION[1:]: DEFAULT_REGION[0]}
    paragraphs = "\n".join(_paragraph(number, cue, direction, regions)
                           for number, cue in enumerate(track.cues, 1))
    layout = "".join(_region(name, *box) for box, name in regions.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"'
        ' xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ttm="http://www.w3.org/ns/ttml#metadata"'
        f' ttp:profile="{_IMSC1_TEXT}" ttp:timeBase="media"{_frame_rate_attrs(track.frame_rate)}'
        f' xml:lang={quoteattr(track.language)}>\n'
        "<head>\n"
        '<styling><style xml:id="s1" tts:textAlign="center" tts:color="white"'
        ' tts:backgroundColor="#000000cc" tts:fontSize="100%"/></styling>\n'
        f"<layout>{layout}</layout>\n"
        "</head>\n"
        '<body style="s1">\n<div>\n'
        f"{paragraphs}\n"
        "</div>\n</body>\n</tt>\n"
    )


def _region(name: str, x, y, w, h, display: str, writing_mode: str | None) -> str:
    mode = f' tts:writingMode="{writing_mode}"' if writing_mode else ""
    return (f'<region xml:id="{name}" tts:origin="{_pct(x)} {_pct(y)}" tts:extent="{_pct(w)} {_pct(h)}"'
            f' tts:displayAlign="{display}"{mode}/>')


def _pct(value) -> str:
    text = f"{round(float(value), 3):.3f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


def _paragraph(number: int, cue: Cue, direction: str, regions: dict) -> str:
    lines = shown_spans(cue)
    plain = ["".join(span.text for span in line) for line in lines]
    space = ' xml:space="preserve"' if any(_COLLAPSIBLE.search(line) for line in plain) else ""
    start, end = times(cue)
    settings = cue.settings or CueSettings()
    align = f' tts:textAlign="{_text_align(settings.align, direction)}"' if settings.align not in (None, "center") else ""
    box = _box(settings)
    # Every paragraph names its region: a region on <body> or <div> would hide paragraphs
    # placed elsewhere (TTML2 §11.3.1.3: an ancestor's region prunes its descendants).
    region = f' region="{regions.setdefault(box, f"r{len(regions) + 1}")}"'
    content = "<br/>".join("".join(_span(span) for span in line) for line in lines)
    return (f'<p xml:id="c{number}" begin="{clock(start, ".")}" end="{clock(end, ".")}"{region}'
            f'{direction}{align}{space}>{content}</p>')


def _text_align(align: str, direction: str) -> str:
    """left/right as start/end of the paragraph's direction: TTML has left and right, but
    IMSC readers (ttconv among them) resolve them to start/end, which flips on RTL text."""
    if align in ("left", "right"):
        return "start" if (align == "left") != bool(direction) else "end"
    return align


def _span(span: Span) -> str:
    text = escape(_NOT_XML.sub("\ufffd", span.text))
    attrs = ""
    if span.italic:
        attrs += ' tts:fontStyle="italic"'
    if span.bold:
        attrs += ' tts:fontWeight="bold"'
    if span.underline:
        attrs += ' tts:textDecoration="underline"'
    return f"<span{attrs}>{text}</span>" if attrs else text


def _number(value: str) -> float:
    return float(value.rstrip("%"))


def _box(settings: CueSettings) -> tuple:
    """The region (x, y, width, height, displayAlign, writingMode) for a cue's settings."""
    mode = _WRITING_MODE.get(settings.vertical or "")
    if settings.region and not (settings.line or settings.position or settings.size or mode):
        return _region_box(settings.region)
    if not (settings.line or settings.position or settings.size):
        return (*DEFAULT_REGION[1:6], mode)
    width = _number(settings.size) if settings.size else 100.0
    if settings.position or settings.size:
        x = _left_edge(settings, width)
    else:
        x = 0.0
    if not settings.line:
        y, height, display = 10.0, 80.0, "after"
    else:
        value, _, line_align = settings.line.partition(",")
        if not value.endswith("%"):  # a line number counts lines from the top (>= 0) or bottom (< 0)
            y, height, display = 0.0, 100.0, "before" if float(value) >= 0 else "after"
        else:
            line = _number(value)
            if line_align == "end":
                y, height, display = 0.0, line, "after"
            elif line_align == "center":
                half = min(line, 100 - line)
                y, height, display = line - half, 2 * half, "center"
            else:
                y, height, display = line, 100 - line, "before"
    return (x, y, width, height, display, mode)


# W3C WebVTT rendering: a region is as tall as its lines at 6vh each ("lines" × 6vh).
_REGION_LINE_HEIGHT = 6.0


def _region_box(definition: str) -> tuple:
    """A WebVTT region (W3C WebVTT "WebVTT region settings") as a TTML region: width,
    lines × 6vh, and the box placed so its region anchor sits on the viewport anchor.
    Cues fill a WebVTT region from the bottom (it scrolls up), hence ``after``."""
    values = dict(item.split(":", 1) for item in definition.split())
    width = _number(values.get("width", "100%"))
    height = min(100.0, int(values.get("lines", "3")) * _REGION_LINE_HEIGHT)
    anchor_x, anchor_y = (_number(v) for v in values.get("regionanchor", "0%,100%").split(","))
    view_x, view_y = (_number(v) for v in values.get("viewportanchor", "0%,100%").split(","))
    x = view_x - anchor_x * width / 100
    y = view_y - anchor_y * height / 100
    return (round(x, 3), round(y, 3), width, round(height, 3), "after", None)


def _left_edge(settings: CueSettings, width: float) -> float:
    """WebVTT "cue position" and "position alignment" → the box's left edge."""
    value, _, position_align = (settings.position or "").partition(",")
    align = settings.align or "center"
    if not position_align:
        position_align = {"left": "line-left", "start": "line-left", "right": "line-right",
                          "end": "line-right"}.get(align, "center")
    if value:
        position = _number(value)
    else:  # position auto
        position = {"line-left": 0.0, "line-right": 100.0}.get(position_align, 50.0)
    return position - {"line-left": 0.0, "line-right": width}.get(position_align, width / 2)


def _frame_rate_attrs(rate: Fraction | None) -> str:
    if rate is None:
        return ""
    nominal = -(-rate.numerator // rate.denominator)
    multiplier = rate / nominal
    attrs = f' ttp:frameRate="{nominal}"'
    if multiplier != 1:
        attrs += f' ttp:frameRateMultiplier="{multiplier.numerator} {multiplier.denominator}"'
    return attrs
