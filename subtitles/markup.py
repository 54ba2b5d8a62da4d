"""Inline markup in SRT and WebVTT cue text: what is known, and the styling-free text."""
import html
import re

TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)((?:\.[\w-]+)*)([^>]*)>")
VTT_TIMESTAMP_TAG = re.compile(r"<\d{1,}(?::\d{2}){1,2}\.\d{3}>")
VTT_RUBY_TEXT = re.compile(r"<rt(?:\.[\w-]+)*>.*?(?:</rt>|(?=</ruby>)|$)", re.S)
# ASS override blocks such as {\an8} are common in SRT files made by fansub tools.
ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")

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
