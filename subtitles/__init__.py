"""Subtitle tracks without Django: decode, read, validate, convert.

Supported input: SRT, WebVTT, TTML (IMSC 1, EBU-TT-D, DFXP), ASS/SSA and SCC in
UTF-8, UTF-16/32 with BOM, GB18030 (GB2312/GBK), Big5 and the single-byte code pages
of each script (chosen by the track's language), and binary EBU STL (which names its
own code table). Output: SRT, WebVTT, TTML (IMSC 1 text profile),
and a dialogue-script CSV for dubbing.
"""
from .dialogue import dialogue_csv
from .encoding import Decoded, decode_subtitle
from .errors import (SubtitleEncodingError, SubtitleError, SubtitleImageError, SubtitleParseError,
                     SubtitleUnsafeXMLError)
from .findings import Finding
from .ingest import IngestResult, ingest
from .model import Cue, CueSettings, Span, SubtitleTrack, cue_from_json, cue_to_json
from .retime import rescale, shift
from .sniff import sniff_format
from .timecode import ms_to_timecode, parse_frame_rate
from .validate import DEFAULT_LIMITS, Limits, validate_track
from .writers import OUTPUT_FORMATS, render

__all__ = [
    "Cue", "CueSettings", "DEFAULT_LIMITS", "Decoded", "Finding", "IngestResult", "Limits", "OUTPUT_FORMATS",
    "SubtitleEncodingError", "SubtitleError", "SubtitleImageError", "SubtitleParseError", "SubtitleUnsafeXMLError", "SubtitleTrack",
    "decode_subtitle", "dialogue_csv", "ingest", "ms_to_timecode", "parse_frame_rate",
    "cue_from_json", "cue_to_json", "render", "rescale", "shift", "Span", "sniff_format", "validate_track",
]
