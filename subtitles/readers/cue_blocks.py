"""What SRT and WebVTT share: blank-line separated blocks, and timing lines.

Both are read here rather than with pysubs2 because a reader for partner files
must say *which line* is wrong: pysubs2 silently folds a line with a broken
timecode into the previous cue's text.
"""
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import SubtitleParseError
from ..findings import Finding, finding
from ..markup import styled_lines, unknown_tags
from ..model import Cue
from .parsed import Parsed

ARROW = "-->"
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:([.,])(\d{1,3}))?$")
_DIGITS = re.compile(r"^\s*\d+\s*$")

Line = tuple[int, str]  # (1-based line number, text)


@dataclass
class RawCue:
    line_number: int
    start_ms: int
    end_ms: int
    settings: str
    lines: list[str]


class BadTiming(ValueError):
    pass


def split_lines(text: str) -> list[str]:
    """Lines ended by CRLF, CR or LF, and by nothing else: ``str.splitlines`` would also
    split on form feed, U+2028, U+2029 and other characters that are cue text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def blocks(text: str) -> Iterator[list[Line]]:
    """Runs of non-blank lines with their line numbers."""
    block: list[Line] = []
    for number, line in enumerate(split_lines(text), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def parse_clock(value: str, separators: str) -> int:
    """``[H:]MM:SS<sep>mmm`` → ms; fractions shorter than 3 digits are decimals (``,5`` = 500 ms)."""
    m = _CLOCK.match(value.strip())
    if not m or (m.group(4) and m.group(4) not in separators):
        raise BadTiming(f"{value.strip()!r} is not a timecode")
    hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    if minutes > 59 or seconds > 59:
        raise BadTiming(f"{value.strip()!r} has minutes or seconds above 59")
    millis = int((m.group(5) or "0").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def parse_timing(line: str, separators: str) -> tuple[int, int, str]:
    """``start --> end [settings]`` → (start_ms, end_ms, settings)."""
    left, _, right = line.partition(ARROW)
    end, _, settings = right.strip().partition(" ")
    return parse_clock(left, separators), parse_clock(end, separators), settings.strip()


def _has_milliseconds(timing_line: str) -> bool:
    left, _, right = timing_line.partition(ARROW)
    return all(_CLOCK.match(value.strip()).group(4) for value in (left, right.split()[0]))


def read_cue_block(block: list[Line], separators: str, allow_identifier: bool) -> tuple[list[RawCue], list[Finding]]:
    """Cues in one block. A block may hold several cues when blank lines between them
    are missing; lines that belong to no cue become ``unparseable_line`` findings."""
    cues: list[RawCue] = []
    findings: list[Finding] = []
    broken = False  # text under a broken timing line is reported with it, not line by line
    timing_at = [i for i, (_, line) in enumerate(block) if ARROW in line]
    for position, (number, line) in enumerate(block):
        if position in timing_at:
            try:
                start, end, settings = parse_timing(line, separators)
            except BadTiming as exc:
                findings.append(finding("bad_timecode", "error", f"cue dropped: {exc}", line_number=number))
                broken = True
                continue
            cues.append(RawCue(number, start, end, settings, []))
            broken = False
            if not _has_milliseconds(line):
                findings.append(finding("timecode_without_milliseconds", "warning",
                                        "timecode without milliseconds (SRT times are HH:MM:SS,mmm): read as ,000",
                                        line_number=number))
        elif position + 1 in timing_at and (_DIGITS.match(line) or (allow_identifier and position == 0)):
            continue  # cue number (SRT) or cue identifier (WebVTT)
        elif cues and not broken:
            cues[-1].lines.append(line)
        elif not broken:
            findings.append(finding("unparseable_line", "error", f"not part of any cue: {line.strip()[:60]!r}",
                                    line_number=number))
    return cues, findings


def require_cues(cues: list, findings: list[Finding], text: str) -> None:
    """A file with no readable cue at all is rejected, pointing at the first problem."""
    if cues:
        return
    if findings:
        first = min(findings, key=lambda f: f["line_number"] or 0)
        raise SubtitleParseError(first["message"], first["line_number"] or 1, findings)
    raise SubtitleParseError("no cues found", max(1, len(split_lines(text.rstrip("\r\n")))), findings)


def cues_from_blocks(
    text: str,
    cue_blocks: Iterable[list[Line]],
    *,
    separators: str,
    allow_identifier: bool,
    known_tags: frozenset[str],
    plain: Callable[[str], str],
) -> Parsed:
    raw_cues: list[RawCue] = []
    findings: list[Finding] = []
    for block in cue_blocks:
        cues, block_findings = read_cue_block(block, separators, allow_identifier)
        raw_cues += cues
        findings += block_findings
    require_cues(raw_cues, findings, text)
    cues = []
    for index, raw in enumerate(raw_cues, 1):
        for tag in sorted({t for line in raw.lines for t in unknown_tags(line, known_tags)}):
            findings.append(finding("unknown_markup", "warning", f"unknown tag <{tag}> removed from the text",
                                    cue_index=index, line_number=raw.line_number))
        lines = tuple(plain(line) for line in raw.lines)
        spans = styled_lines(raw.lines, plain)
        if spans and tuple("".join(s.text for s in line) for line in spans) != lines:
            spans = ()
        cues.append(Cue(index, raw.start_ms, raw.end_ms, lines, tuple(raw.lines), raw.line_number, spans))
    return Parsed(cues, findings)
