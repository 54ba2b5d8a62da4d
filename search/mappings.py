"""The programme index: settings and mappings, built with elasticsearch.dsl."""

from __future__ import annotations

from typing import Any

from elasticsearch.dsl import Date, Index, Integer, Keyword, Mapping, Object, Text

from search.analysis import subfield_analyzers
from search.documents import FACETS, PreparedDocument
from search.languages import LOCALISED_FIELDS

# Highlights are computed on stored text; offsets make them cheap on long synopses.
_TEXT_OPTIONS = {"index_options": "offsets"}


def programme_mapping(chinese_analyzer: str = "smartcn") -> Mapping:
    analyzers = subfield_analyzers(chinese_analyzer)
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("id", Keyword())
    for key in dict.fromkeys(FACETS.values()):
        mapping.field(key, Keyword())
    mapping.field("countries", Keyword())
    mapping.field("production_year", Integer())
    mapping.field("duration_seconds", Integer())
    mapping.field("published_at", Date())
    for name in LOCALISED_FIELDS:
        properties = {sub: Text(analyzer=a, **_TEXT_OPTIONS) for sub, a in analyzers.items()}
        mapping.field(name, Object(properties=properties))
    return mapping


def programme_index(
    name: str, chinese_analyzer: str = "smartcn", shards: int = 1, replicas: int = 1
) -> Index:
    """A versioned programme index; analyzers used by the mapping are added to its settings."""
    index = Index(name)
    index.settings(number_of_shards=shards, number_of_replicas=replicas)
    index.mapping(programme_mapping(chinese_analyzer))
    return index


def es_document(doc: PreparedDocument) -> dict[str, Any]:
    """The _source stored for a prepared programme."""
    body: dict[str, Any] = {"id": doc.id, "countries": doc.countries}
    for name, key in FACETS.items():
        values = doc.facets[name]
        body[key] = values[0] if key in ("owner", "original_language") and values else values or None
    body["production_year"] = doc.production_year
    body["duration_seconds"] = doc.duration_seconds
    body["published_at"] = doc.published_at.isoformat() if doc.published_at else None
    for name in LOCALISED_FIELDS:
        body[name] = {sub: texts for sub, texts in doc.texts[name].items() if texts}
    return body
