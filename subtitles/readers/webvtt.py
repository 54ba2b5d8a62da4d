"""WebVTT (.vtt), read as the W3C WebVTT parser does ("WebVTT file parsing", §6.1).

What the algorithm implies and this reader does:

* Before parsing, NUL becomes U+FFFD and CRLF and lone CR become LF: the three line
  terminators are equal. Only LF ends a line: U+2028, U+2029 and form feed are
  ordinary characters of the cue (``str.splitlines`` would split on them).
* The file must start with ``WEBVTT`` followed by space, tab, a line end or
  nothing; otherwise it fails (``SubtitleParseError`` on line 1).
* A block is a cue when its first or second line holds ``-->``; a cue whose timings
  fail "collect a WebVTT timestamp" (exactly 2-digit minutes and seconds, 3-digit
  fraction, ``.`` separator, hours optional) is dropped, as the spec drops it: here
  with a ``bad_timecode`` finding. Blocks that are neither cues nor NOTE, STYLE or
  REGION are ignored by the spec; they get an ``unparseable_line`` finding.
* A file whose result is zero cues is valid: it is accepted with a ``no_cues``
  finding rather than refused.
* Cue settings (``align``, ``line``, ``position``, ``size``, ``vertical``,
  ``region``) are parsed as in "parse the WebVTT cue settings" and kept; invalid
  ones are skipped. REGION blocks ("collect WebVTT region settings") are kept on the
  cues that use them.
"""
import re
from dataclasses import dataclass, field

from ..errors import SubtitleParseError
from ..findings import Finding, finding
from ..markup import VTT_TAGS, styled_lines, unknown_tags, vtt_plain
from ..model import Cue, CueSettings
from .parsed import Parsed

ARROW = "-->"
_WHITESPACE = " \t\n\r\f"  # "ASCII whitespace" in the WebVTT spec (HTML's definition)
_PERCENTAGE = re.compile(r"\d+(?:\.\d+)?%")
_LINE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class _TimestampError(ValueError):
    pass


@dataclass
class _Block:
    line_number: int  # of the timing line for a cue, of the first line otherwise
    lines: list[str] = field(default_factory=list)
    timing: str | None = None
    identifier: str = ""


def normalise(text: str) -> str:
    """The input transformations of WebVTT file parsing step 1."""
    return text.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def read_webvtt(text: str) -> Parsed:
    text = normalise(text)
    first_line = text.split("\n", 1)[0]
    if not (first_line.startswith("WEBVTT") and first_line[6:7] in ("", " ", "\t")):
        raise SubtitleParseError("a WebVTT file must start with 'WEBVTT'", 1)
    lines = text.split("\n")
    findings: list[Finding] = []
    regions: dict[str, str] = {}
    cues: list[Cue] = []
    for block in _blocks(lines):
        if block.timing is None:
            head = block.lines[0]
            if _starts_with_keyword(head, "REGION") and not cues:
                region = _region(block.lines[1:])
                if region:
                    regions[region[0]] = region[1]
            elif _starts_with_keyword(head, "NOTE") or (_starts_with_keyword(head, "STYLE") and not cues):
                continue
            elif _starts_with_keyword(head, ("STYLE", "REGION")):
                findings.append(finding("unparseable_line", "warning", f"{head.split()[0]} block after the first "
                                        "cue is ignored", line_number=block.line_number))
            else:
                findings.append(finding("unparseable_line", "error", f"not part of any cue: {head.strip()[:60]!r}",
                                        line_number=block.line_number))
            continue
        try:
            start, end, rest = _timings(block.timing)
        except _TimestampError as exc:
            findings.append(finding("bad_timecode", "error", f"cue dropped: {exc}", line_number=block.line_number))
            continue
        settings = _cue_settings(rest, regions)
        index = len(cues) + 1
        for tag in sorted({t for line in block.lines for t in unknown_tags(line, VTT_TAGS)}):
            findings.append(finding("unknown_markup", "warning", f"unknown tag <{tag}> removed from the text",
                                    cue_index=index, line_number=block.line_number))
        plain = tuple(vtt_plain(line) for line in block.lines)
        spans = styled_lines(block.lines, vtt_plain)
        if spans and tuple("".join(s.text for s in line) for line in spans) != plain:
            spans = ()
        cues.append(Cue(index, start, end, plain, tuple(block.lines), block.line_number, spans, settings))
    if not cues:
        findings.append(finding("no_cues", "warning", "the file is valid WebVTT with no cues"
                                + (" (every cue was dropped)" if findings else ""), line_number=None))
    return Parsed(cues, findings)


def _starts_with_keyword(line: str, keywords) -> bool:
    for keyword in (keywords,) if isinstance(keywords, str) else keywords:
        if line.startswith(keyword) and line[len(keyword):len(keyword) + 1] in ("", " ", "\t"):
            return True
    return False


def _blocks(lines: list[str]):
    """"Collect a WebVTT block" over the lines after the signature line: the header
    block ends at the first blank line or at a line with ``-->``; a cue is a block
    whose first or second line has ``-->`` (the first line is then its identifier);
    a second ``-->`` line starts a new block."""
    position = 1
    in_header = True
    while position < len(lines):
        if not lines[position]:
            position += 1
            in_header = False
            continue
        block = _Block(position + 1)
        count = 0
        while position < len(lines) and lines[position]:
            line = lines[position]
            count += 1
            if ARROW in line:
                if not in_header and block.timing is None and (count == 1 or (count == 2 and len(block.lines) == 1)):
                    block.identifier = block.lines[0] if block.lines else ""
                    block.lines = []
                    block.timing = line
                    block.line_number = position + 1
                    position += 1
                    continue
                break  # the line begins the next block
            block.lines.append(line)
            position += 1
        if in_header:
            in_header = False  # the header block: WEBVTT's own line and metadata such as Kind:
            continue
        if block.timing is not None or block.lines:
            yield block


def _timings(line: str) -> tuple[int, int, str]:
    """"Collect WebVTT cue timings and settings": start, ``-->``, end, the rest."""
    position = _skip(line, 0)
    start, position = _timestamp(line, position)
    position = _skip(line, position)
    if not line.startswith(ARROW, position):
        raise _TimestampError(f"{line.strip()!r} has no '-->' after the start time")
    position = _skip(line, position + 3)
    end, position = _timestamp(line, position)
    return start, end, line[position:]


def _skip(line: str, position: int) -> int:
    while position < len(line) and line[position] in _WHITESPACE:
        position += 1
    return position


def _digits(line: str, position: int) -> tuple[str, int]:
    end = position
    while end < len(line) and "0" <= line[end] <= "9":
        end += 1
    return line[position:end], end


def _timestamp(line: str, position: int) -> tuple[int, int]:
    """"Collect a WebVTT timestamp": ``[hh+:]mm:ss.ttt`` → ms. Minutes and seconds are
    exactly two digits (0-59), the fraction exactly three; hours, when present, at
    least two (a first field of other than two digits, or above 59, is hours)."""
    begin = position
    first, position = _digits(line, position)
    if not first:
        raise _TimestampError(f"{line[begin:].strip()[:20]!r} is not a WebVTT timestamp")
    hours_first = len(first) != 2 or int(first) > 59

    def fail(why: str):
        token = line[begin:].split()[0] if line[begin:].split() else line[begin:]
        return _TimestampError(f"{token!r} is not a WebVTT timestamp ({why})")

    if position >= len(line) or line[position] != ":":
        raise fail("expected ':'")
    second, position = _digits(line, position + 1)
    if len(second) != 2:
        raise fail("minutes and seconds have two digits")
    if hours_first or (position < len(line) and line[position] == ":"):
        if position >= len(line) or line[position] != ":":
            raise fail("expected ':'")
        third, position = _digits(line, position + 1)
        if len(third) != 2:
            raise fail("minutes and seconds have two digits")
        hours, minutes, seconds = int(first), int(second), int(third)
    else:
        hours, minutes, seconds = 0, int(first), int(second)
    if position >= len(line) or line[position] != ".":
        raise fail("expected '.' and three digits of milliseconds")
    fraction, position = _digits(line, position + 1)
    if len(fraction) != 3:
        raise fail("milliseconds have three digits")
    if minutes > 59 or seconds > 59:
        raise fail("minutes or seconds above 59")
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(fraction), position


def _is_percentage(value: str) -> bool:
    return bool(_PERCENTAGE.fullmatch(value)) and float(value[:-1]) <= 100


def _cue_settings(rest: str, regions: dict[str, str]) -> CueSettings | None:
    """"Parse the WebVTT cue settings": each ``name:value``; invalid settings are skipped."""
    values: dict[str, str] = {}
    for setting in rest.split():
        name, colon, value = setting.partition(":")
        if not colon or not name or not value:
            continue
        if name == "region" and value in regions:
            values["region"] = regions[value]
        elif name == "vertical" and value in ("rl", "lr"):
            values["vertical"] = value
        elif name == "line":
            position, comma, align = value.partition(",")
            if comma and align not in ("start", "center", "end"):
                continue
            if position.endswith("%") and _is_percentage(position) or _LINE_NUMBER.fullmatch(position):
                values["line"] = value
        elif name == "position":
            position, comma, align = value.partition(",")
            if comma and align not in ("line-left", "center", "line-right"):
                continue
            if _is_percentage(position):
                values["position"] = value
        elif name == "size" and _is_percentage(value):
            values["size"] = value
        elif name == "align" and value in ("start", "center", "end", "left", "right"):
            values["align"] = value
    if "region" in values and ("line" in values or "vertical" in values
                               or ("size" in values and float(values["size"][:-1]) != 100)):
        del values["region"]  # a region applies only to horizontal cues of full size and automatic line
    return CueSettings(**values) if values else None


def _region(lines: list[str]) -> tuple[str, str] | None:
    """"Collect WebVTT region settings": the region in canonical form, or None without an id."""
    values: dict[str, str] = {}
    for setting in " ".join(lines).split():
        name, colon, value = setting.partition(":")
        if not colon or not value:
            continue
        if name == "id" and ARROW not in value:
            values["id"] = value
        elif name == "width" and _is_percentage(value):
            values["width"] = value
        elif name == "lines" and value.isdigit():
            values["lines"] = value
        elif name in ("regionanchor", "viewportanchor"):
            x, comma, y = value.partition(",")
            if comma and _is_percentage(x) and _is_percentage(y):
                values[name] = value
        elif name == "scroll" and value == "up":
            values["scroll"] = value
    if "id" not in values:
        return None
    order = ("id", "width", "lines", "regionanchor", "viewportanchor", "scroll")
    return values["id"], " ".join(f"{name}:{values[name]}" for name in order if name in values)
