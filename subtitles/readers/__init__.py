"""Readers: decoded text in, cues and reader findings out (one module a format)."""
from .parsed import Parsed
from .srt import read_srt
from .ssa import read_ssa
from .ttml import read_ttml
from .webvtt import read_webvtt

_READERS = {"srt": read_srt, "vtt": read_webvtt, "ttml": read_ttml, "ass": read_ssa}


def read(text: str, source_format: str) -> Parsed:
    """Read ``text`` as ``source_format`` (one of ``sniff.FORMATS``)."""
    return _READERS[source_format](text)
