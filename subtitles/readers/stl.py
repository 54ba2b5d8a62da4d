"""EBU STL (EBU Tech 3264), the binary exchange format, read with ttconv's STL reader.

The 1024-byte GSI block says the frame rate (DFC ``STL25.01``, ``STL30.01``...) and
the character code table of the text (CCT ``00`` Latin ISO 6937, ``01`` Cyrillic
8859-5, ``02`` Arabic 8859-6, ``03`` Greek 8859-7, ``04`` Hebrew 8859-8); each
128-byte TTI block has timecodes in and out as hours, minutes, seconds, frames of
that rate. So no encoding is guessed: the file names its own, and times are exact
frames. Times are taken relative to the GSI "Time Code: Start-of-Programme" (TCP,
often 10:00:00:00), as cue times here are relative to the start of the media.
Cues come out through the same ISD walk as TTML.
"""
import io
import re
from fractions import Fraction

from ttconv.stl import reader as stl_reader
from ttconv.stl.config import STLReaderConfiguration

from ..errors import SubtitleParseError
from ..findings import finding
from .parsed import Parsed
from .ttml import cues_from_document, finish_cues, ttconv_errors, ttconv_failures

GSI_SIZE, TTI_SIZE = 1024, 128
_DFC = re.compile(rb"STL(\d\d)\.01")
_RATES = {b"23": Fraction(24000, 1001), b"24": Fraction(24), b"25": Fraction(25), b"30": Fraction(30000, 1001),
          b"50": Fraction(50)}
CODE_TABLES = {b"00": "iso6937", b"01": "iso8859-5", b"02": "iso8859-6", b"03": "iso8859-7", b"04": "iso8859-8"}


def is_stl(raw: bytes) -> bool:
    """A GSI block: a 3-digit code page number, then the disk format code ``STLxx.01``
    (only ``STL`` is required here, so a wrong rate gets its own error, not an encoding one)."""
    return len(raw) >= GSI_SIZE and raw[:3].isdigit() and raw[3:6] == b"STL"


def code_table(raw: bytes) -> str:
    return CODE_TABLES.get(raw[12:14], f"cct-{raw[12:14].decode('latin-1')}")


def read_stl(raw: bytes, media_duration_ms: int | None = None) -> Parsed:
    rate = _RATES.get(raw[6:8]) if _DFC.fullmatch(raw[3:11]) else None
    if rate is None:
        raise SubtitleParseError(f"unknown EBU STL frame rate {raw[3:11].decode('latin-1')!r}", 1)
    if raw[12:14] not in CODE_TABLES:
        raise SubtitleParseError(f"unknown EBU STL character code table {raw[12:14].decode('latin-1')!r}", 1)
    if (len(raw) - GSI_SIZE) % TTI_SIZE:
        raise SubtitleParseError(f"the file is {len(raw)} bytes: not a 1024-byte GSI block and whole "
                                 "128-byte TTI blocks", 1)
    with ttconv_errors() as logged, ttconv_failures("EBU STL file"):
        doc = stl_reader.to_model(io.BytesIO(raw), STLReaderConfiguration(program_start_tc="TCP"))
        raw_cues = cues_from_document(doc)
    findings = [finding("stl_reader", "warning", message) for message in logged]
    cues = finish_cues(raw_cues, findings, media_duration_ms)
    if not cues:
        raise SubtitleParseError("no subtitles in the EBU STL file", 1, findings)
    return Parsed(cues, findings, rate, rate.denominator == 1001)
