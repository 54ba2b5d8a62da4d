"""Inline markup in SRT and WebVTT cue text: what is known, and the styling-free text."""
import html
import re

from .model import CueSettings, Span, simplify_spans

TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)((?:\.[\w-]+)*)([^>]*)>")
VTT_TIMESTAMP_TAG = re.compile(r"<\d{1,}(?::\d{2}){1,2}\.\d{3}>")
VTT_RUBY_TEXT = re.compile(r"<rt(?:\.[\w-]+)*>.*?(?:</rt>|(?=</ruby>)|$)", re.S)
# ASS override blocks such as {\an8} are common in SRT files made by fansub tools.
ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")
# The numpad position of an ASS override ({\an8}: top centre), also used in SRT.
ASS_AN = re.compile(r"\{[^}]*\\an([1-9])")
# Numpad rows (1-3 bottom, 4-6 middle, 7-9 top) and columns (left, centre, right) in WebVTT terms.
_NUMPAD_ALIGN = {0: "left", 1: None, 2: "right"}
_NUMPAD_LINE = {0: None, 1: "50%,center", 2: "0"}  # bottom is the default; top is line 0

SRT_TAGS = frozenset({"i", "b", "u", "s", "font"})
VTT_TAGS = frozenset({"c", "i", "b", "u", "v", "lang", "ruby", "rt"})


def unknown_tags(line: str, known: frozenset[str]) -> list[str]:
    return sorted({m.group(2) for m in TAG.finditer(line) if m.group(2).lower() not in known})


def srt_plain(line: str) -> str:
    return ASS_OVERRIDE.sub("", TAG.sub("", line))


def vtt_plain(line: str) -> str:
    line = VTT_RUBY_TEXT.sub("", line)
    line = VTT_TIMESTAMP_TAG.sub("", line)
    return html.unescape(TAG.sub("", line))


def vtt_escape(text: str) -> str:
    """WebVTT cue text is HTML-like: & and < must be escaped, > for safety."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def numpad_settings(position: int):
    """ASS/SRT ``{\anN}`` → WebVTT-style settings (None for 2, bottom centre: the default)."""

    row, column = divmod(position - 1, 3)
    settings = CueSettings(align=_NUMPAD_ALIGN[column], line=_NUMPAD_LINE[row])
    return settings or None


def settings_numpad(settings) -> int | None:
    """The ``{\anN}`` that says exactly ``settings``, if there is one (N other than 2)."""
    if not settings or set(settings.as_dict()) - {"align", "line"}:
        return None
    for position in (1, 3, 4, 5, 6, 7, 8, 9):
        if numpad_settings(position) == settings:
            return position
    return None


_STYLE_TAGS = {"i": "italic", "b": "bold", "u": "underline"}


def styled_lines(raw_lines: list[str], plain) -> tuple[tuple["Span", ...], ...]:
    """Italic, bold and underline runs of a cue's raw lines (SRT and WebVTT share
    ``<i>``, ``<b>``, ``<u>``; a tag opened on one line may close on a later one).
    Text between tags is made plain with ``plain`` (entities, other tags, ruby text);
    () when nothing is styled."""

    open_tags = {"italic": 0, "bold": 0, "underline": 0}
    lines: list[list[Span]] = []
    for raw in raw_lines:
        runs: list[Span] = []
        position = 0
        for match in TAG.finditer(raw):
            name = match.group(2).lower()
            if name not in _STYLE_TAGS:
                continue
            runs.append(_span(plain(raw[position:match.start()]), open_tags))
            open_tags[_STYLE_TAGS[name]] += -1 if match.group(1) else 1
            open_tags[_STYLE_TAGS[name]] = max(0, open_tags[_STYLE_TAGS[name]])
            position = match.end()
        runs.append(_span(plain(raw[position:]), open_tags))
        lines.append(runs)
    return simplify_spans(lines)


def _span(text: str, open_tags: dict[str, int]):

    return Span(text, open_tags["italic"] > 0, open_tags["bold"] > 0, open_tags["underline"] > 0)


def tagged(spans, escape=lambda text: text) -> str:
    """One line of spans as ``<i>``/``<b>``/``<u>`` markup (SRT and WebVTT)."""
    out = []
    for span in spans:
        text = escape(span.text)
        for flag, tag in (("u", "u"), ("b", "b"), ("i", "i")):
            if flag in span.flags:
                text = f"<{tag}>{text}</{tag}>"
        out.append(text)
    return "".join(out)
