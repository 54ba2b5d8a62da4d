"""Search backends: `get_backend` picks Elasticsearch when a URL is configured, else the embedded one."""

from __future__ import annotations

from pathlib import Path

from search.backends.base import SearchBackend


def get_backend(elasticsearch_url: str | None, embedded_path: str | Path, index_prefix: str = "") -> SearchBackend:
    """The backend for this deployment; imports Elasticsearch's client only when it is used."""
    if elasticsearch_url:
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(elasticsearch_url, index_prefix=index_prefix)
    from search.backends.embedded import EmbeddedBackend

    return EmbeddedBackend(embedded_path, index_prefix=index_prefix)
