"""The embedded search backend: one SQLite file, no server.

Text is analysed in Python (search.textanalysis, mirroring the Elasticsearch analyzers)
and the resulting terms are stored in an FTS5 table, one column per field x subfield.
Searching runs in memory on per-process views that follow the file: the postings of
the query's terms (embedded_terms) for matching and BM25, and a column view
(embedded_columns) for filters, facets and sorts; filters apply before ranking, so only
surviving documents are scored. The file is shared by every process (API, Celery
workers) through SQLite's WAL mode.

Versioned table sets stand in for Elasticsearch's versioned indices; the `meta` table
holds the alias, switched in one transaction by `reindex`."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from search import highlight
from search.backends.base import (
    FACET_SIZE, SYNOPSIS_FRAGMENT, ProgressCallback, SearchBackend, language_boosts,
)
from search.backends.embedded_columns import Columns, Tables, mask_of, sort_key
from search.backends.embedded_terms import COLUMNS, Match, TermIndex, rowids_of
from search.documents import FACETS, PreparedDocument, prepare
from search.languages import LOCALISED_FIELDS, SUBFIELDS, subfield_for
from search.query import SearchQuery, encode_cursor
from search.results import Hit, SearchResults
from search.textanalysis import terms

BATCH = 500
JOURNAL_KEEP = 20_000  # journal rows kept; a process further behind reloads its view


class EmbeddedBackend(SearchBackend):
    def __init__(self, path: str | Path, index_prefix: str = "") -> None:
        self.path = str(path)
        self.prefix = re.sub(r"[^a-z0-9_]", "_", f"{index_prefix}programmes".lower())
        self._local = threading.local()
        self._lock = threading.Lock()
        self._columns: tuple[str, Columns] | None = None
        self._terms: TermIndex | None = None
        self._ready = False
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)

    # -- lifecycle ---------------------------------------------------------------

    def create_index(self) -> None:
        if self._ready:
            return
        with self._write() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.prefix}_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            if self._alias(conn) is None:
                version = self._new_version(conn)
                conn.execute(f"INSERT INTO {self.prefix}_meta VALUES ('alias', ?)", (version.version,))
        self._ready = True

    def reset(self) -> None:
        self.create_index()
        with self._write() as conn:
            old = self._versions(conn)
            version = self._new_version(conn)
            conn.execute(f"UPDATE {self.prefix}_meta SET value = ? WHERE key = 'alias'", (version.version,))
            for stale in old:
                _drop(conn, stale)

    def reindex(self, docs: Iterable[Mapping[str, Any]], progress: ProgressCallback | None = None) -> int:
        self.create_index()
        with self._write() as conn:
            version = self._new_version(conn)
        count = 0
        for batch in _batches(docs, BATCH):
            count += self._write_batch(version, batch, journal=False)
            if progress:
                progress(count)
        with self._write() as conn:
            old = [v for v in self._versions(conn) if v != version]
            conn.execute(f"UPDATE {self.prefix}_meta SET value = ? WHERE key = 'alias'", (version.version,))
            for stale in old:
                _drop(conn, stale)
        return count

    def ping(self) -> bool:
        try:
            with self._read() as conn:
                return self._alias(conn) is not None
        except sqlite3.Error:
            return False

    def refresh(self) -> None:
        """Nothing to do: a committed write is visible to every reader."""

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writes ------------------------------------------------------------------

    def index(self, docs: Iterable[Mapping[str, Any]]) -> int:
        self.create_index()
        count = 0
        for batch in _batches(docs, BATCH):
            with self._read() as conn:
                version = self._current(conn)
            count += self._write_batch(version, batch, journal=True)
        return count

    def delete(self, ids: Iterable[str]) -> None:
        self.create_index()
        ids = list(ids)
        with self._write() as conn:
            tables = self._current(conn)
            for doc_id in ids:
                row = conn.execute(f"SELECT rowid FROM {tables.docs} WHERE id = ?", (doc_id,)).fetchone()
                if row:
                    _delete_row(conn, tables, row[0])
                    conn.execute(f"INSERT INTO {tables.journal}(doc) VALUES (?)", row)

    def _write_batch(self, tables: Tables, batch: list[Mapping[str, Any]], journal: bool) -> int:
        # Analysis is the slow part: do it before taking SQLite's write lock.
        prepared = [(doc, _fts_row(doc)) for doc in map(prepare, batch)]
        with self._write() as conn:
            for doc, fts_row in prepared:
                rowid = _upsert(conn, tables, doc, fts_row)
                if journal:
                    conn.execute(f"INSERT INTO {tables.journal}(doc) VALUES (?)", (rowid,))
            if journal:
                conn.execute(
                    f"DELETE FROM {tables.journal} WHERE seq <= (SELECT max(seq) FROM {tables.journal}) - ?",
                    (JOURNAL_KEEP,),
                )
        return len(prepared)

    # -- search ------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        self.create_index()
        groups = _query_groups(query) if query.text else {}
        if query.text and not groups:  # only stop words: nothing to match, as in Elasticsearch
            return SearchResults(total=0, hits=[], facets={name: {} for name in FACETS}, next_cursor=None)
        with self._read() as conn:
            tables = self._current(conn)
            # The views are patched in place: one search at a time per process uses them.
            with self._lock:
                columns = self._column_view(conn, tables)
                terms_view = self._term_view(conn, tables) if groups else None
                match = terms_view.match(conn, groups) if terms_view else None
                return _SearchRun(query, columns, terms_view, match, groups).results(conn, tables)

    # -- plumbing ----------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _write(self) -> "_Transaction":
        return _Transaction(self._connection(), "BEGIN IMMEDIATE")

    def _read(self) -> "_Transaction":
        return _Transaction(self._connection(), "BEGIN")

    def _alias(self, conn: sqlite3.Connection) -> str | None:
        try:
            row = conn.execute(f"SELECT value FROM {self.prefix}_meta WHERE key = 'alias'").fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def _current(self, conn: sqlite3.Connection) -> Tables:
        alias = self._alias(conn)
        if alias is None:
            raise sqlite3.OperationalError("search index missing: call create_index()")
        return Tables(alias)

    def _versions(self, conn: sqlite3.Connection) -> list[Tables]:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?", (f"{self.prefix}_v*_docs",)
        )
        return [Tables(name[: -len("_docs")]) for (name,) in rows]

    def _new_version(self, conn: sqlite3.Connection) -> Tables:
        numbers = [int(t.version.rsplit("_v", 1)[1]) for t in self._versions(conn)]
        tables = Tables(f"{self.prefix}_v{max(numbers, default=0) + 1}")
        _create(conn, tables)
        return tables

    def _column_view(self, conn: sqlite3.Connection, tables: Tables) -> Columns:
        if self._columns is None or self._columns[0] != tables.version:
            self._columns = (tables.version, Columns.load(conn, tables))
        else:
            self._columns = (tables.version, self._columns[1].catch_up(conn, tables))
        return self._columns[1]

    def _term_view(self, conn: sqlite3.Connection, tables: Tables) -> TermIndex:
        if self._terms is None or self._terms.tables != tables:
            self._terms = TermIndex(conn, tables)
        else:
            self._terms = self._terms.catch_up(conn)
        return self._terms


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, begin: str) -> None:
        self.conn, self.begin = conn, begin

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute(self.begin)
        return self.conn

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


class _SearchRun:
    """One query over the column view and the text match: filters, facets, the page of hits and highlights."""

    def __init__(self, query: SearchQuery, columns: Columns, terms_view: TermIndex | None, match: Match | None,
                 groups: dict[str, tuple[float, frozenset[str]]]) -> None:
        self.query, self.columns, self.terms_view, self.match, self.groups = query, columns, terms_view, match, groups
        self.sort = query.effective_sort
        self.scores: dict[int, float] = {}
        self.base = self._base_mask()
        self.facet_filters = {
            name: columns.values_mask(name, values) for name, values in query.filter_values().items() if values
        }
        self.final = self.base
        for mask in self.facet_filters.values():
            self.final &= mask

    def results(self, conn: sqlite3.Connection, tables: Tables) -> SearchResults:
        page, more = self._page()
        relevance = self.sort == "relevance"
        hits = [Hit(id=self.columns.ids[r], score=self.scores[r] if relevance else None, highlights={}) for r in page]
        if self.groups and page:
            hits = self._highlighted(conn, tables, page, hits)
        next_cursor = None
        if more:
            last = page[-1]
            primary = self.scores[last] if self.sort == "relevance" else self.columns.primary(self.sort, last)
            next_cursor = encode_cursor(self.sort, (primary, self.columns.ids[last]))
        return SearchResults(total=self.final.bit_count(), hits=hits, facets=self._facets(), next_cursor=next_cursor)

    def _base_mask(self) -> int:
        q, columns = self.query, self.columns
        base = columns.all_mask if self.match is None else self.match.mask & columns.all_mask
        if q.year_from is not None or q.year_to is not None:
            base &= columns.range_mask("year", q.year_from, q.year_to)
        if q.duration_from is not None or q.duration_to is not None:
            base &= columns.range_mask("duration", q.duration_from, q.duration_to)
        if q.exclude_owners:
            base &= ~columns.values_mask("owner", q.exclude_owners)
        if q.ids is not None:
            wanted = set(q.ids)
            base &= mask_of(rowid for rowid, doc_id in columns.ids.items() if doc_id in wanted)
        return base

    def _facets(self) -> dict[str, dict[str, int]]:
        facets = {}
        for name in FACETS:
            scope = self.base
            for other, mask in self.facet_filters.items():
                if other != name:
                    scope &= mask
            counts = [(value, (scope & mask).bit_count()) for value, mask in self.columns.masks.get(name, {}).items()]
            top = sorted((c for c in counts if c[1]), key=lambda c: (-c[1], c[0]))[:FACET_SIZE]
            facets[name] = dict(top)
        return facets

    def _page(self) -> tuple[list[int], bool]:
        size, cursor = self.query.size, self.query.cursor
        after = sort_key(self.sort, cursor[0], cursor[1]) if cursor else None
        if self.match is None:
            return self._browsed(after, size)
        rowids = rowids_of(self.final)
        if self.sort == "relevance":
            return self._ranked(rowids, after, size)
        keyed = sorted((self._key(r), r) for r in rowids.tolist())
        ordered = [r for key, r in keyed if after is None or key > after]
        return ordered[:size], len(ordered) > size

    def _browsed(self, after: tuple[float, str] | None, size: int) -> tuple[list[int], bool]:
        selected = self.final.to_bytes((self.final.bit_length() + 7) // 8, "little")

        def wanted(r: int) -> bool:
            return (r >> 3) < len(selected) and bool(selected[r >> 3] >> (r & 7) & 1)

        page = list(islice((r for r in self.columns.ordered(self.sort, after) if wanted(r)), size + 1))
        return page[:size], len(page) > size

    def _ranked(self, rowids: np.ndarray, after: tuple[float, str] | None, size: int) -> tuple[list[int], bool]:
        # Score every filtered match, keep those past the cursor, then order only the best few.
        scores = self.terms_view.scores(self.match, rowids)
        if after is not None:
            keep = -scores > after[0]
            ties = np.flatnonzero(-scores == after[0])
            keep[ties] = [self.columns.ids[r] > after[1] for r in rowids[ties].tolist()]
            rowids, scores = rowids[keep], scores[keep]
        more = len(rowids) > size
        if more:
            threshold = np.partition(scores, len(scores) - size - 1)[len(scores) - size - 1]
            best = scores >= threshold
            rowids, scores = rowids[best], scores[best]
        ordered = sorted(zip(rowids.tolist(), scores.tolist()), key=lambda p: (-p[1], self.columns.ids[p[0]]))[:size]
        self.scores = dict(ordered)
        return [r for r, _ in ordered], more

    def _key(self, rowid: int) -> tuple[float, str]:
        return sort_key(self.sort, self.columns.primary(self.sort, rowid), self.columns.ids[rowid])

    def _highlighted(self, conn: sqlite3.Connection, tables: Tables, page: list[int], hits: list[Hit]) -> list[Hit]:
        marks = ",".join("?" * len(page))
        sources = dict(conn.execute(f"SELECT rowid, source FROM {tables.docs} WHERE rowid IN ({marks})", page))
        matched = self.terms_view.matched_columns(self.match, page)
        return [Hit(hit.id, hit.score, _highlights(json.loads(sources[r]), self.groups, matched[r]))
                for r, hit in zip(page, hits)]


def _highlights(source: Mapping[str, Any], groups: dict[str, tuple[float, frozenset[str]]],
                matched: set[str]) -> dict[str, list[str]]:
    # Analysing text is the costly part: only texts whose column holds a query term are marked.
    found: dict[str, list[str]] = {}
    for field, fragment_size in (("title", None), ("synopsis", SYNOPSIS_FRAGMENT)):
        for tag, text in (source.get(field) or {}).items():
            for sub in (subfield_for(tag), "neutral"):
                if sub in groups and f"{field}_{sub}" in matched and isinstance(text, str):
                    marked = highlight.mark(sub, text, groups[sub][1], fragment_size)
                    if marked:
                        found.setdefault(f"{field}.{sub}", []).append(marked)
    return found


def _query_groups(query: SearchQuery) -> dict[str, tuple[float, frozenset[str]]]:
    """Subfield -> (boost, analysed query terms); a subfield whose analysis leaves no term is skipped."""
    groups = {}
    for sub, boost in language_boosts(query.languages).items():
        sub_terms = frozenset(terms(sub, query.text))
        if sub_terms:
            groups[sub] = (boost, sub_terms)
    return groups


def _fts_row(doc: PreparedDocument) -> tuple[list[str], int]:
    """The FTS columns' analysed terms, and how many there are (BM25's document length)."""
    column_terms = [[t for text in doc.texts[field][sub] for t in terms(sub, text)]
                    for field in LOCALISED_FIELDS for sub in SUBFIELDS]
    return [" ".join(ts) for ts in column_terms], sum(map(len, column_terms))


def _upsert(conn: sqlite3.Connection, tables: Tables, doc: PreparedDocument, fts: tuple[list[str], int]) -> int:
    published = doc.published_at.timestamp() if doc.published_at else None
    fts_row, tokens = fts
    (rowid,) = conn.execute(
        f"INSERT INTO {tables.docs}(id, year, duration, published, tokens, source) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET year = excluded.year, duration = excluded.duration, "
        "published = excluded.published, tokens = excluded.tokens, source = excluded.source RETURNING rowid",
        (doc.id, doc.production_year, doc.duration_seconds, published, tokens,
         json.dumps(doc.source, ensure_ascii=False)),
    ).fetchone()
    conn.execute(f"DELETE FROM {tables.fts} WHERE rowid = ?", (rowid,))
    conn.execute(f"INSERT INTO {tables.fts}(rowid, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                 (rowid, *fts_row))
    conn.execute(f"DELETE FROM {tables.facets} WHERE doc = ?", (rowid,))
    conn.executemany(f"INSERT INTO {tables.facets} VALUES (?, ?, ?)",
                     [(rowid, name, value) for name, values in doc.facets.items() for value in values])
    return rowid


def _delete_row(conn: sqlite3.Connection, tables: Tables, rowid: int) -> None:
    for table, column in ((tables.docs, "rowid"), (tables.fts, "rowid"), (tables.facets, "doc")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (rowid,))


def _create(conn: sqlite3.Connection, tables: Tables) -> None:
    conn.execute(f"CREATE TABLE {tables.docs} (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                 "year INTEGER, duration INTEGER, published REAL, tokens INTEGER NOT NULL, source TEXT NOT NULL)")
    conn.execute(f"CREATE TABLE {tables.facets} (doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, "
                 "PRIMARY KEY (doc, facet, value)) WITHOUT ROWID")
    conn.execute(f"CREATE TABLE {tables.journal} (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL)")
    # Terms arrive analysed and space-separated; 'ascii' keeps any non-ASCII character inside
    # a term. detail=full: term frequencies per column come from its fts5vocab instance table.
    conn.execute(f"CREATE VIRTUAL TABLE {tables.fts} USING fts5({', '.join(COLUMNS)}, tokenize='ascii')")


def _drop(conn: sqlite3.Connection, tables: Tables) -> None:
    for table in (tables.fts, tables.docs, tables.facets, tables.journal):
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
