"""What a search returns, the same from every backend."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hit:
    id: str
    score: float | None
    # "title.en" / "synopsis.ur" / "title.neutral" -> HTML-escaped fragments with <em> marks
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[Hit]
    # facet name -> {value: count}, most frequent first; each facet is counted under every
    # active filter except its own, so a UI can offer the other values of a selected facet.
    facets: dict[str, dict[str, int]]
    next_cursor: str | None
