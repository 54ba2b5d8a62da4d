"""The search backend interface: one contract, several engines (after Wagtail's search backends).

Documents are plain dicts (see search.documents); callers index only published
programmes and delete a document when its programme is unpublished or deleted."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable, Mapping

from search.languages import ANALYSED, NEUTRAL, subfield_for
from search.query import SearchQuery
from search.results import SearchResults

ProgressCallback = Callable[[int], None]

FACET_SIZE = 50  # values returned per facet, most frequent first
TITLE_BOOST, KEYWORDS_BOOST, SYNOPSIS_BOOST = 3.0, 2.0, 1.0
USER_LANGUAGE_BOOST, OTHER_LANGUAGE_BOOST, NEUTRAL_BOOST = 2.0, 1.0, 0.5
SYNOPSIS_FRAGMENT = 150  # characters of synopsis shown around a highlighted match


class SearchBackend(ABC):
    """A programme index behind a stable name (an alias), rebuilt without downtime by `reindex`."""

    @abstractmethod
    def create_index(self) -> None:
        """Create the index and its alias if missing; safe to call on every start."""

    @abstractmethod
    def reset(self) -> None:
        """Drop every version of the index and create an empty one."""

    @abstractmethod
    def index(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Add or replace documents by id; returns how many were written."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    @abstractmethod
    def refresh(self) -> None:
        """Make every write so far visible to searches."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Run a validated query: hits, total, facets under the active filters, next cursor."""

    @abstractmethod
    def ping(self) -> bool:
        """Whether the index can be reached now (for health checks)."""

    @abstractmethod
    def reindex(self, docs: Iterable[Mapping[str, Any]], progress: ProgressCallback | None = None) -> int:
        """Load `docs` into a new index version, switch the alias to it atomically and drop the
        old versions. Searches keep answering from the old version until the switch; writes
        made during the load go to the old version, so re-index anything changed meanwhile."""

    def close(self) -> None:
        """Release connections."""


def language_boosts(languages: Iterable[str]) -> dict[str, float]:
    """Boost per analysis subfield: the user's languages first, the others, then neutral."""
    preferred = {subfield_for(tag) for tag in languages}
    boosts = {sub: USER_LANGUAGE_BOOST if sub in preferred else OTHER_LANGUAGE_BOOST for sub in ANALYSED}
    boosts[NEUTRAL] = NEUTRAL_BOOST
    return boosts


FIELD_BOOSTS = {"title": TITLE_BOOST, "keywords": KEYWORDS_BOOST, "synopsis": SYNOPSIS_BOOST}
