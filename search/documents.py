"""The plain-document contract: programme dicts in, per-subfield texts and facet values out.

Both backends index what `prepare` returns, so they see the same document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from search.errors import InvalidDocument
from search.languages import LOCALISED_FIELDS, NEUTRAL, SUBFIELDS, subfield_for

# Facet name -> document key. Single-valued keys are facetted like one-element lists.
FACETS = {
    "genres": "genres",
    "original_language": "original_language",
    "subtitle_languages": "subtitle_languages",
    "dub_languages": "dub_languages",
    "owner": "owner",
}


@dataclass(frozen=True)
class PreparedDocument:
    id: str
    # field -> subfield -> texts, e.g. texts["title"]["zh"] holds the zh-Hans and zh-Hant titles
    texts: dict[str, dict[str, list[str]]]
    facets: dict[str, list[str]]
    countries: list[str]
    production_year: int | None
    duration_seconds: int | None
    published_at: datetime | None
    source: Mapping[str, Any]


def prepare(doc: Mapping[str, Any]) -> PreparedDocument:
    """Validate one programme document and split its localised text by analysis subfield."""
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > 128:
        raise InvalidDocument(f"id: expected a non-empty string of at most 128 characters, got {doc_id!r}")
    return PreparedDocument(
        id=doc_id,
        texts={field: _localised(doc_id, field, doc.get(field)) for field in LOCALISED_FIELDS},
        facets={name: _strings(doc_id, key, doc.get(key)) for name, key in FACETS.items()},
        countries=_strings(doc_id, "countries", doc.get("countries")),
        production_year=_optional_int(doc_id, "production_year", doc.get("production_year")),
        duration_seconds=_optional_int(doc_id, "duration_seconds", doc.get("duration_seconds")),
        published_at=_optional_datetime(doc_id, doc.get("published_at")),
        source=doc,
    )


def _localised(doc_id: str, field: str, value: Any) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {subfield: [] for subfield in SUBFIELDS}
    if value is None:
        return texts
    if not isinstance(value, Mapping):
        raise InvalidDocument(f"{doc_id}: {field}: expected a mapping of language tag to text")
    for tag, text in value.items():
        items = [text] if isinstance(text, str) else text
        if not isinstance(tag, str) or not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise InvalidDocument(f"{doc_id}: {field}.{tag}: expected text or a list of texts")
        subfield = subfield_for(tag)
        if subfield:
            texts[subfield].extend(items)
        texts[NEUTRAL].extend(items)
    return texts


def _strings(doc_id: str, key: str, value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise InvalidDocument(f"{doc_id}: {key}: expected a string or a list of strings")
    return sorted(set(items))


def _optional_int(doc_id: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidDocument(f"{doc_id}: {key}: expected an integer, got {value!r}")
    return value


def _optional_datetime(doc_id: str, value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDocument(f"{doc_id}: published_at: expected an ISO 8601 timestamp, got {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidDocument(f"{doc_id}: published_at: timestamp needs a UTC offset")
    return parsed.astimezone(timezone.utc)
