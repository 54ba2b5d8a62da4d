"""Readers: decoded text in, cues and reader findings out (one module a format)."""
from .parsed import Parsed
from .scc import read_scc
from .srt import read_srt
from .ssa import read_ssa
from .ttml import read_ttml
from .webvtt import read_webvtt

_READERS = {"srt": read_srt, "vtt": read_webvtt, "ass": read_ssa}


def read(text: str, source_format: str, media_duration_ms: int | None = None) -> Parsed:
    """Read ``text`` as ``source_format`` (one of ``sniff.FORMATS``). ``media_duration_ms``
    ends TTML paragraphs whose end is indefinite (no end on them or their parents)."""
    if source_format == "ttml":
        return read_ttml(text, media_duration_ms)
    if source_format == "scc":
        return read_scc(text, media_duration_ms)
    return _READERS[source_format](text)
