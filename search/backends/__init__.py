"""Search backends: `get_backend` picks Elasticsearch when a URL is configured, else the embedded one."""

from __future__ import annotations

from pathlib import Path

from search.backends.base import SearchBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.embedded import EmbeddedBackend


def get_backend(elasticsearch_url: str | None, embedded_path: str | Path, index_prefix: str = "") -> SearchBackend:
    """The backend for this deployment."""
    if elasticsearch_url:
        return ElasticsearchBackend(elasticsearch_url, index_prefix=index_prefix)
    return EmbeddedBackend(embedded_path, index_prefix=index_prefix)
