"""Errors raised when a subtitle file cannot be read at all.

Anything less severe than "nothing usable came out" is reported as a finding
on the track instead (see ``findings.py``), so a partner's file with a few bad
lines is still stored.

Every class carries a stable machine ``code``; callers (the API) map errors by
class and pass ``code`` through. The library knows nothing of HTTP statuses.
"""


class SubtitleError(Exception):
    """Base class: the file was rejected."""

    code = "subtitle_rejected"


class SubtitleEncodingError(SubtitleError):
    """The bytes cannot be decoded (or not with the encoding the caller declared)."""

    code = "subtitle_encoding"

    def __init__(self, message: str, line_number: int | None = None) -> None:
        super().__init__(message if line_number is None else f"line {line_number}: {message}")
        self.line_number = line_number


class SubtitleParseError(SubtitleError):
    """No cue could be read; ``line_number`` says where reading failed."""

    code = "subtitle_unparseable"

    def __init__(self, message: str, line_number: int, findings: list | None = None) -> None:
        super().__init__(f"line {line_number}: {message}")
        self.message = message
        self.line_number = line_number
        self.findings = findings or []


class SubtitleImageError(SubtitleParseError):
    """The document is image subtitles (IMSC image profile, ``smpte:backgroundImage``,
    TTML2 ``<image>``): there is no text to store, convert or give to dubbing."""

    code = "image_subtitles_unsupported"


class SubtitleUnsafeXMLError(SubtitleParseError):
    """The XML declares entities or a DTD, which partner files are not allowed to use
    (no entity expansion, no external resolution)."""

    code = "subtitle_unsafe_xml"
