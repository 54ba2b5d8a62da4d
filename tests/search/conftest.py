"""Backends for the contract suite: the embedded one always, Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import os
import uuid
from typing import Callable, Iterator

import pytest

from search.backends.base import SearchBackend
from search.backends.embedded import EmbeddedBackend

ES_URL = os.environ.get("ELASTICSEARCH_URL")
# CI sets REQUIRE_ELASTICSEARCH=1 with ELASTICSEARCH_URL: then a skipped Elasticsearch case fails
# (no server, a skip added later...), so the Elasticsearch leg cannot pass by running nothing.
REQUIRE_ES = os.environ.get("REQUIRE_ELASTICSEARCH") == "1"

BACKENDS = [
    "embedded",
    pytest.param("elasticsearch", marks=pytest.mark.skipif(
        not ES_URL, reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to run the contract against")),
]

BackendFactory = Callable[[], SearchBackend]


def _factory(kind: str, tmp_path) -> tuple[BackendFactory, Callable[[], None]]:
    """A maker of backend instances sharing one storage (like an API and a worker process)."""
    if kind == "embedded":
        path = tmp_path / "search.sqlite3"
        return (lambda: EmbeddedBackend(path, index_prefix="test_")), lambda: None
    from search.backends.elasticsearch import ElasticsearchBackend

    prefix = f"test_{uuid.uuid4().hex[:8]}_"
    make = lambda: ElasticsearchBackend(ES_URL, index_prefix=prefix, replicas=0)  # noqa: E731

    def cleanup() -> None:
        backend = make()
        backend.drop()
        backend.close()

    return make, cleanup


@pytest.fixture(params=BACKENDS)
def make_backend(request, tmp_path) -> Iterator[BackendFactory]:
    make, cleanup = _factory(request.param, tmp_path)
    make().reset()
    yield make
    cleanup()


@pytest.fixture(params=BACKENDS)
def make_unused_backend(request, tmp_path) -> Iterator[BackendFactory]:
    """Like make_backend, with nothing created yet: the first use creates the index."""
    make, cleanup = _factory(request.param, tmp_path)
    yield make
    cleanup()


@pytest.fixture(params=BACKENDS, scope="module")
def catalogue(request, tmp_path_factory) -> Iterator[SearchBackend]:
    """One backend loaded with the shared corpus, for the read-only contract cases."""
    from tests.search.search_corpus import CORPUS

    make, cleanup = _factory(request.param, tmp_path_factory.mktemp("catalogue"))
    backend = make()
    backend.reset()
    backend.index(CORPUS)
    backend.refresh()
    yield backend
    backend.close()
    cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    callspec = getattr(item, "callspec", None)
    on_es = callspec is not None and "elasticsearch" in callspec.params.values()
    if REQUIRE_ES and on_es and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_ELASTICSEARCH=1, yet this Elasticsearch case was skipped: {reason}"
