"""Findings: problems kept on a track rather than rejecting the file.

Plain dicts (a ``TypedDict``) so they store as JSON on the track unchanged.
Severity ``error`` means content was lost or cannot play as authored;
``warning`` means a house-style or QC guideline is broken.
"""
from typing import Literal, TypedDict

Severity = Literal["error", "warning"]


class Finding(TypedDict):
    code: str
    severity: Severity
    cue_index: int | None
    line_number: int | None
    message: str


def finding(
    code: str,
    severity: Severity,
    message: str,
    *,
    cue_index: int | None = None,
    line_number: int | None = None,
) -> Finding:
    return Finding(code=code, severity=severity, cue_index=cue_index, line_number=line_number, message=message)
