"""Scenarist SCC (CEA-608 captions as byte pairs), read with ttconv's SCC reader.

Times are SMPTE 12M timecodes at 29.97 fps: ``HH:MM:SS;FF`` is drop-frame (frame
labels ;00 and ;01 skipped every minute except each tenth), ``HH:MM:SS:FF`` is
non-drop. ttconv also counts one frame for each byte pair transmitted after the
line's timecode, as a decoder receives them, so a pop-on caption appears on the
frame of its End Of Caption code. The captions become cues through the same ISD
walk as TTML (``ttml.cues_from_document``); italics and underline are kept.
"""
import re
from fractions import Fraction

from ttconv.scc import reader as scc_reader
from ttconv.time_code import FPS_29_97, SmpteTimeCode

from ..errors import SubtitleParseError
from ..findings import finding
from .parsed import Parsed
from .ttml import cues_from_document, finish_cues, ttconv_errors, ttconv_failures

_TIMECODE_LINE = re.compile(r"^(\d{2}:\d{2}:\d{2}[:;.,]\d{2})\t")


def read_scc(text: str, media_duration_ms: int | None = None) -> Parsed:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines[0].startswith("Scenarist_SCC V1.0"):
        raise SubtitleParseError("an SCC file must start with 'Scenarist_SCC V1.0'", 1)
    starts = []  # (ms, line number) of each timecode line, to point findings at the source
    drop_frame = False
    findings = []
    for number, line in enumerate(lines, 1):
        match = _TIMECODE_LINE.match(line)
        if match:
            timecode = SmpteTimeCode.parse(match.group(1), FPS_29_97)
            drop_frame = drop_frame or timecode.is_drop_frame()
            starts.append((round(timecode.to_temporal_offset() * 1000), number))
        elif line.strip() and number > 1:
            findings.append(finding("unparseable_line", "error", "not an SCC line (timecode, tab, byte pairs): "
                                    f"{line.strip()[:40]!r}", line_number=number))
    with ttconv_errors() as logged, ttconv_failures("SCC file"):
        doc = scc_reader.to_model("\n".join(lines))
        raw_cues = cues_from_document(doc)
    findings += [finding("scc_reader", "warning", message) for message in logged]

    def line_of(raw):
        before = [number for ms, number in starts if ms <= raw.start_ms]
        return before[-1] if before else None

    cues = finish_cues(raw_cues, findings, media_duration_ms, line_of)
    if not cues:
        raise SubtitleParseError(findings[0]["message"] if findings else "no captions in the SCC file",
                                 (findings[0]["line_number"] if findings else None) or 1, findings)
    return Parsed(cues, findings, Fraction(30000, 1001), drop_frame)

