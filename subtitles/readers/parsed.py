"""What every reader returns."""
from dataclasses import dataclass, field
from fractions import Fraction

from ..findings import Finding
from ..model import Cue


@dataclass
class Parsed:
    cues: list[Cue]
    findings: list[Finding] = field(default_factory=list)
    frame_rate: Fraction | None = None
    drop_frame: bool = False
