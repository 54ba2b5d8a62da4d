"""TTML writer for the IMSC 1 text profile.

Direction is carried by the document, not by marks in the text: ``xml:lang`` on
``tt`` and ``tts:direction="rtl"`` on every paragraph of a right-to-left track.
"""
import re
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

from ..model import Cue, SubtitleTrack
from .lines import clock

_IMSC1_TEXT = "http://www.w3.org/ns/ttml/profile/imsc1/text"
# XML 1.0 cannot carry C0 controls other than tab and newlines.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text that default whitespace handling would collapse.
_COLLAPSIBLE = re.compile(r"^\s|\s$|\s\s|[\t\r]")


def write_ttml(track: SubtitleTrack) -> str:
    direction = ' tts:direction="rtl"' if track.direction == "rtl" else ""
    paragraphs = "\n".join(_paragraph(number, cue, direction) for number, cue in enumerate(track.cues, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"'
        ' xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ttm="http://www.w3.org/ns/ttml#metadata"'
        f' ttp:profile="{_IMSC1_TEXT}" ttp:timeBase="media"{_frame_rate_attrs(track.frame_rate)}'
        f' xml:lang={quoteattr(track.language)}>\n'
        "<head>\n"
        '<styling><style xml:id="s1" tts:textAlign="center" tts:color="white"'
        ' tts:backgroundColor="rgba(0,0,0,0.8)" tts:fontSize="100%"/></styling>\n'
        '<layout><region xml:id="r1" tts:origin="10% 10%" tts:extent="80% 80%" tts:displayAlign="after"/></layout>\n'
        "</head>\n"
        '<body region="r1" style="s1">\n<div>\n'
        f"{paragraphs}\n"
        "</div>\n</body>\n</tt>\n"
    )


def _paragraph(number: int, cue: Cue, direction: str) -> str:
    lines = [escape(_NOT_XML.sub("", line)) for line in cue.lines]
    space = ' xml:space="preserve"' if any(_COLLAPSIBLE.search(line) for line in cue.lines) else ""
    return (f'<p xml:id="c{number}" begin="{clock(cue.start_ms, ".")}" end="{clock(cue.end_ms, ".")}"'
            f'{direction}{space}>{"<br/>".join(lines)}</p>')


def _frame_rate_attrs(rate: Fraction | None) -> str:
    if rate is None:
        return ""
    nominal = -(-rate.numerator // rate.denominator)
    multiplier = rate / nominal
    attrs = f' ttp:frameRate="{nominal}"'
    if multiplier != 1:
        attrs += f' ttp:frameRateMultiplier="{multiplier.numerator} {multiplier.denominator}"'
    return attrs
