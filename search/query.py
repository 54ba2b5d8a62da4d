"""What a caller may ask for: a validated, immutable search query and its paging cursor."""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from search.errors import InvalidQuery

MAX_TEXT_LENGTH = 500
MAX_SIZE = 100
MAX_FILTER_VALUES = 50
MAX_LANGUAGES = 10
MAX_IDS = 65_536  # Elasticsearch's default limit for an ids/terms query
SORTS = ("relevance", "-published_at", "published_at", "-production_year")

_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_FILTER_FIELDS = ("genres", "original_languages", "subtitle_languages", "dub_languages", "owners", "exclude_owners")


@dataclass(frozen=True)
class SearchQuery:
    """A catalogue query. Construction validates it and raises InvalidQuery naming the problem.

    `languages` are the user's BCP 47 tags: their analysis subfields are weighted up, all
    others are still searched. Empty `text` browses the catalogue; `relevance` then falls back
    to newest first. `search_after` is the opaque `next_cursor` of the previous page."""

    text: str = ""
    languages: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    original_languages: tuple[str, ...] = ()
    subtitle_languages: tuple[str, ...] = ()
    dub_languages: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    exclude_owners: tuple[str, ...] = ()
    # Only these documents, e.g. what a licensing filter (avails) allows; None: no restriction.
    ids: tuple[str, ...] | None = None
    year_from: int | None = None
    year_to: int | None = None
    duration_from: int | None = None
    duration_to: int | None = None
    sort: str = "relevance"
    size: int = 20
    search_after: str | None = None
    _cursor: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = _clean_text(self.text)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "languages", _tags(self.languages))
        for name in _FILTER_FIELDS:
            object.__setattr__(self, name, _values(name, getattr(self, name)))
        if self.ids is not None:
            if not all(isinstance(doc_id, str) for doc_id in self.ids) or len(self.ids) > MAX_IDS:
                raise InvalidQuery("ids", f"at most {MAX_IDS} document ids")
            object.__setattr__(self, "ids", tuple(self.ids))
        _check_range("year", self.year_from, self.year_to, 0, 9999)
        _check_range("duration", self.duration_from, self.duration_to, 0, 10**7)
        if self.sort not in SORTS:
            raise InvalidQuery("sort", f"must be one of {', '.join(SORTS)}")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 1 <= self.size <= MAX_SIZE:
            raise InvalidQuery("size", f"must be an integer from 1 to {MAX_SIZE}")
        if self.search_after is not None:
            object.__setattr__(self, "_cursor", decode_cursor(self.search_after, self.effective_sort))

    @property
    def effective_sort(self) -> str:
        return "-published_at" if self.sort == "relevance" and not self.text else self.sort

    @property
    def cursor(self) -> tuple[Any, ...] | None:
        """The decoded search_after sort values: (primary sort value, id)."""
        return self._cursor

    def filter_values(self) -> dict[str, tuple[str, ...]]:
        """Facet name -> selected values, for the facet-aware (post) filters."""
        return {
            "genres": self.genres,
            "original_language": self.original_languages,
            "subtitle_languages": self.subtitle_languages,
            "dub_languages": self.dub_languages,
            "owner": self.owners,
        }


def encode_cursor(sort: str, values: tuple[Any, ...]) -> str:
    raw = json.dumps([sort, *values], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, ...]:
    if not isinstance(cursor, str) or len(cursor) > 1000:
        raise InvalidQuery("search_after", "malformed cursor")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        raise InvalidQuery("search_after", "malformed cursor") from None
    if not isinstance(decoded, list) or len(decoded) != 3 or not isinstance(decoded[2], str):
        raise InvalidQuery("search_after", "malformed cursor")
    if decoded[0] != sort:
        raise InvalidQuery("search_after", "cursor belongs to another sort order")
    if decoded[1] is not None and not isinstance(decoded[1], (int, float)):
        raise InvalidQuery("search_after", "malformed cursor")
    return tuple(decoded[1:])


def _clean_text(text: Any) -> str:
    if not isinstance(text, str):
        raise InvalidQuery("text", "must be a string")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidQuery("text", f"at most {MAX_TEXT_LENGTH} characters, got {len(text)}")
    # Control and format characters carry no meaning for search; ZWNJ/ZWJ do for Urdu.
    kept = (c for c in text if unicodedata.category(c)[0] != "C" or c in "\u200c\u200d")
    return " ".join("".join(kept).split())


def _tags(tags: Any) -> tuple[str, ...]:
    tags = _values("languages", tags)
    if len(tags) > MAX_LANGUAGES:
        raise InvalidQuery("languages", f"at most {MAX_LANGUAGES} tags")
    for tag in tags:
        if not _TAG.match(tag):
            raise InvalidQuery("languages", f"{tag!r} is not a BCP 47 language tag")
    return tags


def _values(name: str, values: Any) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
        raise InvalidQuery(name, "must be a list of strings")
    if len(values) > MAX_FILTER_VALUES:
        raise InvalidQuery(name, f"at most {MAX_FILTER_VALUES} values")
    if not all(isinstance(v, str) and 0 < len(v) <= 100 for v in values):
        raise InvalidQuery(name, "values must be non-empty strings of at most 100 characters")
    return tuple(sorted(set(values)))


def _check_range(name: str, low: Any, high: Any, minimum: int, maximum: int) -> None:
    for bound, value in (("from", low), ("to", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum):
            raise InvalidQuery(f"{name}_{bound}", f"must be an integer from {minimum} to {maximum}")
    if low is not None and high is not None and low > high:
        raise InvalidQuery(f"{name}_from", f"must not be greater than {name}_to")
