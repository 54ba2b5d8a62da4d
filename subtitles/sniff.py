"""Which format a subtitle file is in: the content decides, the file name breaks ties."""
import re
from pathlib import PurePath

from .errors import SubtitleParseError

FORMATS = ("srt", "vtt", "ttml", "ass")
_EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".ttml": "ttml", ".dfxp": "ttml", ".xml": "ttml",
               ".imsc": "ttml", ".ass": "ass", ".ssa": "ass"}
_SRT_TIMING = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->", re.M)
_SSA_SECTIONS = ("[script info]", "[v4+ styles]", "[v4 styles]", "[events]")
_UNSUPPORTED = {"Scenarist_SCC": "SCC", "{1}{": "MicroDVD"}


def sniff_format(text: str, filename: str = "") -> str:
    head = text.lstrip()[:2048]
    lowered = head.lower()
    if head.startswith("WEBVTT"):
        return "vtt"
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
            raise SubtitleParseError(f"{name} files are not supported; send SRT, WebVTT, TTML or ASS/SSA", 1)
    raise SubtitleParseError("unrecognised subtitle format (expected SRT, WebVTT, TTML or ASS/SSA)", 1)
