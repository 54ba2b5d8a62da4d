"""Which format a subtitle file is in: the content decides, the file name breaks ties."""
import re
from pathlib import PurePath

from .errors import SubtitleParseError

FORMATS = ("srt", "vtt", "ttml", "ass", "scc")  # and "stl", recognised from the bytes (readers/stl.py)
_EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".ttml": "ttml", ".dfxp": "ttml", ".xml": "ttml",
               ".imsc": "ttml", ".ass": "ass", ".ssa": "ass", ".scc": "scc"}
_SRT_TIMING = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->", re.M)
_SSA_SECTIONS = ("[script info]", "[v4+ styles]", "[v4 styles]", "[events]")
_UNSUPPORTED = {"{1}{": "MicroDVD"}


def sniff_format(text: str, filename: str = "") -> str:
    head = text.lstrip()[:2048].replace("\r\n", "\n").replace("\r", "\n")
    lowered = head.lower()
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("Scenarist_SCC"):
        return "scc"
    if head.startswith("<") and ("<tt" in head or "ns/ttml" in head):
        return "ttml"
    if any(section in lowered for section in _SSA_SECTIONS):
        return "ass"
    if _SRT_TIMING.search(head):
        return "srt"
    by_name = _EXTENSIONS.get(PurePath(filename).suffix.lower())
    if by_name:
        return by_name
    for marker, name in _UNSUPPORTED.items():
        if head.startswith(marker):
            raise SubtitleParseError(f"{name} files are not supported; send SRT, WebVTT, TTML, ASS/SSA, SCC or EBU STL", 1)
    raise SubtitleParseError("unrecognised subtitle format (expected SRT, WebVTT, TTML, ASS/SSA, SCC or EBU STL)", 1)
