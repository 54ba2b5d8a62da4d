"""The normalised internal form every reader produces and every writer consumes."""
from dataclasses import dataclass, field, replace
from fractions import Fraction

from .scripts import direction_of


@dataclass(frozen=True)
class Cue:
    """One timed cue.

    ``lines`` is the styling-free text, one string per displayed line, exactly as
    authored (bidi control characters included). ``raw_lines`` keeps the source
    markup for reference; writers use ``lines``.
    """

    index: int
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    raw_lines: tuple[str, ...] = ()
    line_number: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass
class SubtitleTrack:
    """A track: cues in file order plus what the format said about timing."""

    language: str
    cues: list[Cue] = field(default_factory=list)
    frame_rate: Fraction | None = None
    drop_frame: bool = False

    @property
    def direction(self) -> str:
        return direction_of(self.language)

    def with_cues(self, cues: list[Cue]) -> "SubtitleTrack":
        return replace(self, cues=cues)
