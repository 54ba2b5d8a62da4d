"""The Elasticsearch backend (8.x/9.x with the analysis-icu and analysis-smartcn plugins).

Searches and writes go through an alias; every rebuild loads a new timestamped index and
switches the alias in one `update_aliases` call, so readers never see a half-built index."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping

from elasticsearch import ApiError, BadRequestError, Elasticsearch, TransportError, helpers
from elasticsearch.dsl import Q, Search

from search.backends.base import (
    FACET_SIZE, FIELD_BOOSTS, SYNOPSIS_FRAGMENT, ProgressCallback, SearchBackend, language_boosts,
)
from search.documents import FACETS, prepare
from search.errors import SearchError
from search.languages import LOCALISED_FIELDS
from search.mappings import es_document, programme_index
from search.query import SearchQuery, encode_cursor
from search.results import Hit, SearchResults

BULK_CHUNK = 500
FIRST_VERSION = "00000000000000000000"  # the name of a first version; timestamped ones sort after it

_SORTS = {
    "relevance": [{"_score": {"order": "desc"}}],
    "-published_at": [{"published_at": {"order": "desc", "missing": "_last"}}],
    "published_at": [{"published_at": {"order": "asc", "missing": "_last"}}],
    "-production_year": [{"production_year": {"order": "desc", "missing": "_last"}}],
}


class ElasticsearchBackend(SearchBackend):
    def __init__(self, url: str, index_prefix: str = "", chinese_analyzer: str = "smartcn",
                 replicas: int = 1, client: Elasticsearch | None = None) -> None:
        self.client = client or Elasticsearch(url, request_timeout=30)
        self.alias = f"{index_prefix}programmes".lower()
        self.chinese_analyzer = chinese_analyzer
        self.replicas = replicas
        self._ready = False

    # -- lifecycle ---------------------------------------------------------------

    def create_index(self) -> None:
        """Like the embedded backend, writes and searches call this first (once per instance), so
        a fresh prefix works without a separate setup step.

        Processes that start together (the API, workers) may all find no alias. The first version
        has one fixed name, so Elasticsearch creates it once and answers the others
        resource_already_exists_exception; with timestamped names each would add its own index
        to the alias, and writes to an alias of several indices fail."""
        if self._ready:
            return
        with _errors():
            if not self.client.indices.exists_alias(name=self.alias):
                try:
                    self._create_version(alias=True, name=f"{self.alias}-{FIRST_VERSION}")
                except BadRequestError as error:
                    if error.error != "resource_already_exists_exception":
                        raise
        self._ready = True

    def drop(self) -> None:
        """Delete every version of the index (tests and benchmarks clean up with it). By name:
        Elasticsearch refuses wildcard deletes (action.destructive_requires_name)."""
        with _errors():
            names = self._versions()
            if names:
                self.client.indices.delete(index=",".join(names))
        self._ready = False

    def reset(self) -> None:
        with _errors():
            for name in self._versions():
                self.client.indices.delete(index=name)
            self._create_version(alias=True)
        self._ready = True

    def reindex(self, docs: Iterable[Mapping[str, Any]], progress: ProgressCallback | None = None) -> int:
        with _errors():
            old = self._aliased()
            new = self._create_version(alias=False, refresh_interval="-1")  # no refreshes while loading
            count = 0
            for ok, item in helpers.streaming_bulk(self.client, self._actions(docs, new), chunk_size=BULK_CHUNK,
                                                   raise_on_error=False):
                if not ok:
                    raise SearchError(f"bulk indexing into {new} failed: {item}")
                count += 1
                if progress and count % BULK_CHUNK == 0:
                    progress(count)
            if progress:
                progress(count)
            self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
            self.client.indices.refresh(index=new)
            actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
            self.client.indices.update_aliases(actions=[*actions, {"add": {"index": new, "alias": self.alias}}])
            for name in old:
                self.client.indices.delete(index=name)
            self._ready = True
            return count

    def ping(self) -> bool:
        # The alias check alone: it answers only when the server is up, and says whether the index
        # is there. (HEAD / is served by the rest-root module, which minimal distributions such as
        # the integ-test one used by deploy/engines/elasticsearch.sh do not have: there it is 405.)
        try:
            return bool(self.client.indices.exists_alias(name=self.alias))
        except (ApiError, TransportError):
            return False

    def refresh(self) -> None:
        self.create_index()
        with _errors():
            self.client.indices.refresh(index=self.alias)

    def close(self) -> None:
        self.client.close()

    # -- writes ------------------------------------------------------------------

    def index(self, docs: Iterable[Mapping[str, Any]]) -> int:
        self.create_index()
        with _errors():
            # require_alias: should the alias vanish, fail rather than let Elasticsearch
            # auto-create a plain index under its name with dynamic mappings and no analyzers.
            count, errors = helpers.bulk(self.client, self._actions(docs, self.alias), chunk_size=BULK_CHUNK,
                                         raise_on_error=False, require_alias=True)
            if errors:
                raise SearchError(f"bulk indexing failed for {len(errors)} documents: {errors[:3]}")
            return count

    def delete(self, ids: Iterable[str]) -> None:
        self.create_index()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": doc_id} for doc_id in ids)
        with _errors():
            _, errors = helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False)
        failures = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if failures:
            raise SearchError(f"deleting documents failed: {failures[:3]}")

    # -- search ------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        self.create_index()
        search = self._build(query)
        with _errors():
            response = search.execute()
        hits = [
            Hit(id=hit.meta.id, score=hit.meta.score if query.effective_sort == "relevance" else None,
                highlights=hit.meta.highlight.to_dict() if "highlight" in hit.meta else {})
            for hit in response.hits
        ]
        next_cursor = None
        if len(response.hits) > query.size:
            hits = hits[: query.size]
            next_cursor = encode_cursor(query.effective_sort, tuple(response.hits[query.size - 1].meta.sort))
        facets = {
            name: {b.key: b.doc_count for b in response.aggregations[name]["counts"].buckets} for name in FACETS
        }
        return SearchResults(total=response.hits.total.value, hits=hits, facets=facets, next_cursor=next_cursor)

    def _build(self, query: SearchQuery) -> Search:
        search = Search(using=self.client, index=self.alias).extra(track_total_hits=True, size=query.size + 1)
        search = search.source(False).query(_text_query(query))
        search = search.sort(*_SORTS[query.effective_sort], {"id": {"order": "asc"}})
        if query.cursor:
            search = search.extra(search_after=list(query.cursor))
        facet_filters = {
            name: Q("terms", **{FACETS[name]: list(values)}) for name, values in query.filter_values().items() if values
        }
        if facet_filters:
            # Filters on facetted fields narrow the hits after aggregation, so each facet
            # below can be counted under all the other filters but not its own.
            search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
        for name in FACETS:
            others = [f for other, f in facet_filters.items() if other != name]
            search.aggs.bucket(name, "filter", filter=Q("bool", filter=others)).bucket(
                "counts", "terms", field=FACETS[name], size=FACET_SIZE
            )
        if query.text:
            search = search.highlight_options(encoder="html", pre_tags=["<em>"], post_tags=["</em>"])
            search = search.highlight("title.*", number_of_fragments=0)
            search = search.highlight("synopsis.*", fragment_size=SYNOPSIS_FRAGMENT, number_of_fragments=1)
        return search

    # -- plumbing ----------------------------------------------------------------

    def _actions(self, docs: Iterable[Mapping[str, Any]], index: str) -> Iterator[dict[str, Any]]:
        for doc in docs:
            prepared = prepare(doc)
            yield {"_op_type": "index", "_index": index, "_id": prepared.id, "_source": es_document(prepared)}

    def _create_version(self, alias: bool, name: str | None = None, **settings: Any) -> str:
        name = name or f"{self.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"
        index = programme_index(name, self.chinese_analyzer, replicas=self.replicas)
        if settings:
            index.settings(**settings)
        if alias:
            index.aliases(**{self.alias: {}})
        index.create(using=self.client)
        return name

    def _aliased(self) -> list[str]:
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        return list(self.client.indices.get_alias(name=self.alias).body)

    def _versions(self) -> list[str]:
        return list(self.client.indices.get(index=f"{self.alias}-*", expand_wildcards="all").body)


def _text_query(query: SearchQuery) -> Q:
    filters = []
    if query.year_from is not None or query.year_to is not None:
        filters.append(Q("range", production_year=_bounds(query.year_from, query.year_to)))
    if query.duration_from is not None or query.duration_to is not None:
        filters.append(Q("range", duration_seconds=_bounds(query.duration_from, query.duration_to)))
    if query.ids is not None:
        filters.append(Q("ids", values=list(query.ids)))
    must_not = [Q("terms", owner=list(query.exclude_owners))] if query.exclude_owners else []
    if not query.text:
        return Q("bool", filter=filters, must_not=must_not)
    # Per subfield, every term must occur in title, keywords or synopsis (cross_fields over
    # fields sharing one analyzer); subfields are alternatives, the user's weighted up.
    should = [
        Q("multi_match", query=query.text, type="cross_fields", operator="and",
          fields=[f"{field}.{sub}^{FIELD_BOOSTS[field] * boost:g}" for field in LOCALISED_FIELDS])
        for sub, boost in language_boosts(query.languages).items()
    ]
    return Q("bool", should=should, minimum_should_match=1, filter=filters, must_not=must_not)


def _bounds(low: int | None, high: int | None) -> dict[str, int]:
    return {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except (ApiError, TransportError) as error:
        raise SearchError(f"Elasticsearch: {error}") from error
