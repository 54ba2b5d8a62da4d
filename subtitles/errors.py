"""Errors raised when a subtitle file cannot be read at all.

Anything less severe than "nothing usable came out" is reported as a finding
on the track instead (see ``findings.py``), so a partner's file with a few bad
lines is still stored.
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
