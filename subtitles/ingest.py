"""The entry point for a delivered subtitle file: bytes in, a checked track out."""
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePath

from .encoding import Decoded, decode_subtitle
from .findings import Finding, finding
from .model import SubtitleTrack
from .readers import read
from .readers.stl import code_table, is_stl, read_stl
from .retime import rescale, shift
from .sniff import sniff_format
from .timecode import is_drop_frame_rate, parse_frame_rate
from .validate import validate_track
from .writers import render

FrameRate = Fraction | float | str | None


@dataclass
class IngestResult:
    track: SubtitleTrack
    text: str  # the decoded file (BOM removed): store it as the normalised UTF-8 form
    encoding: str
    encoding_confidence: float
    source_format: str  # "srt", "vtt", "ttml", "ass", "scc" or "stl"
    findings: list[Finding]

    @property
    def normalised_format(self) -> str:
        """The format ``text`` is in: the source format, except TTML for binary EBU STL."""
        return "ttml" if self.source_format == "stl" else self.source_format


def ingest(
    raw: bytes,
    *,
    filename: str,
    language: str,
    declared_encoding: str | None = None,
    frame_rate: FrameRate = None,
    target_frame_rate: FrameRate = None,
    offset_ms: int = 0,
    media_duration_ms: int | None = None,
) -> IngestResult:
    """Decode, parse, re-time and validate one subtitle file.

    ``frame_rate`` is the rate the file was timed against (a TTML file's own
    ``ttp:frameRate`` is used when not given); with ``target_frame_rate`` the cues
    are rescaled to it (23.976 ↔ 25). ``offset_ms`` is then added to every cue.
    Raises ``SubtitleEncodingError`` or ``SubtitleParseError`` (with a line number)
    when nothing usable can be read; everything else is a finding.
    """
    if is_stl(raw):
        # Binary EBU STL names its own code table; there is no text to decode first.
        parsed = read_stl(raw, media_duration_ms)
        decoded = Decoded("", code_table(raw), 1.0)
        source_format = "stl"
    else:
        decoded = decode_subtitle(raw, declared_encoding, language)
        source_format = sniff_format(decoded.text, filename)
        parsed = read(decoded.text, source_format, media_duration_ms)
    if source_format == "srt" and PurePath(filename).suffix.lower() in (".vtt", ".webvtt"):
        # W3C WebVTT file parsing fails without the signature; the content is SubRip,
        # so it is read as that, and the partner is told.
        parsed.findings.insert(0, finding(
            "missing_webvtt_signature", "warning",
            "the file is named .vtt but does not start with 'WEBVTT', so it is not WebVTT "
            "(a WebVTT player rejects it); it was read as SRT", line_number=1))
    rate = parse_frame_rate(frame_rate) if frame_rate is not None else parsed.frame_rate
    drop_frame = parsed.drop_frame if frame_rate is None else bool(rate and is_drop_frame_rate(rate))
    track = SubtitleTrack(language=language, cues=parsed.cues, frame_rate=rate, drop_frame=drop_frame)
    if target_frame_rate is not None:
        if rate is None:
            raise ValueError("target_frame_rate needs the frame rate the file was timed at (frame_rate)")
        track = rescale(track, rate, parse_frame_rate(target_frame_rate))
    track = shift(track, offset_ms)
    findings = parsed.findings + validate_track(track, media_duration_ms)
    text = decoded.text
    if source_format == "stl":
        text = render(track, "ttml")  # the binary file's normalised UTF-8 form is its TTML
    if decoded.candidates:
        findings.insert(0, finding(
            "encoding_uncertain", "warning",
            f"the character encoding was guessed as {decoded.encoding} with low confidence "
            f"({decoded.confidence:.2f}); candidates: {', '.join(decoded.candidates)}. "
            "If the text looks wrong, upload again with the encoding given", line_number=None))
    return IngestResult(track, text, decoded.encoding, decoded.confidence, source_format, findings)
