"""In-memory term postings for the embedded backend: matching and BM25 ranking without FTS5's MATCH.

SQLite's FTS5 table stays the persistent, shared store of analysed terms; this module
reads a query term's postings from it once (through an `fts5vocab` instance table), keeps
them per process as sorted numpy arrays and then answers from memory (loading costs about
0.5 µs per occurrence of the term: tens of milliseconds for a frequent one, once per
process, until evicted). Matching becomes
a few boolean array operations, filters are applied before ranking, and BM25 is
computed only for the documents that survive the filters.

The score is FTS5's bm25() (k1=1.2, b=0.75, one phrase per query term and subfield,
column weights as term-frequency multipliers, document length over all columns), summed
over the subfields whose terms all match, as Elasticsearch sums its matching clauses.

Other processes write to the same file: every write adds its rowid to the version's
journal. A process catching up marks those documents dirty, drops them from the cached
postings and serves their current terms from a small overlay read from the FTS rows,
so a write costs the next search a re-read of the changed rows, not a reload."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from search.backends.base import FIELD_BOOSTS
from search.backends.embedded_columns import FULL_RELOAD_AFTER, Tables, journal_changes, journal_head
from search.languages import LOCALISED_FIELDS, SUBFIELDS

K1, B = 1.2, 0.75  # FTS5's bm25() constants
CACHE_POSTINGS = 12_000_000  # postings kept per process (8 bytes each); least recently used terms go first
COLUMNS = [f"{field}_{sub}" for field in LOCALISED_FIELDS for sub in SUBFIELDS]
# Instances come back as one string of doc * 32 + column index: parsing it in numpy is
# three times faster than fetching a Python row per instance.
_COLUMN_BITS = 5
_INSTANCE = "doc * %d + CASE col %s END" % (
    1 << _COLUMN_BITS, " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(COLUMNS)))
_SUB_COLUMNS = {sub: [(COLUMNS.index(f"{field}_{sub}"), FIELD_BOOSTS[field]) for field in LOCALISED_FIELDS]
                for sub in SUBFIELDS}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))

Groups = dict[str, tuple[float, frozenset[str]]]  # subfield -> (boost, analysed query terms)
Postings = tuple[np.ndarray, np.ndarray]  # sorted rowids, term frequencies


def fts_term(term: str) -> str:
    """A term as FTS5's ascii tokenizer stored it (ASCII letters lowercased)."""
    return term.translate(_ASCII_LOWER)


@dataclass
class Match:
    """The documents a text query matches, and what ranking them needs."""

    mask: int  # bitmap of matching rowids, like the column view's filters
    groups: list[tuple[np.ndarray, list[tuple[float, list[tuple[int, Postings, float]]]]]]
    # per subfield: its match array, then per term: (idf, [(column, postings, column weight)]);
    # a subfield matching nothing still has its terms highlighted, as Elasticsearch does


class TermIndex:
    """Cached postings of one index version, following the file through its journal."""

    def __init__(self, conn: sqlite3.Connection, tables: Tables) -> None:
        self.tables = tables
        self.seq = journal_head(conn, tables)
        rows = np.array(conn.execute(f"SELECT rowid, tokens FROM {tables.docs}").fetchall(), np.int64).reshape(-1, 2)
        size = int(rows[:, 0].max()) + 1 if len(rows) else 1
        self.lengths = np.zeros(size, np.float64)
        self.live = np.zeros(size, bool)
        self.lengths[rows[:, 0]] = rows[:, 1]
        self.live[rows[:, 0]] = True
        self.dirty = np.zeros(size, bool)
        self._dirty_any = False
        self._cache: OrderedDict[str, dict[int, Postings]] = OrderedDict()
        self._cached_postings = 0
        self._overlay: dict[tuple[str, int], dict[int, int]] = {}
        self._overlay_keys: dict[int, list[tuple[str, int]]] = {}
        self._patched: dict[tuple[str, int], Postings] = {}

    def catch_up(self, conn: sqlite3.Connection) -> "TermIndex":
        """This index brought up to the journal head: patched through the overlay, or reloaded."""
        head = journal_head(conn, self.tables)
        if head == self.seq:
            return self
        changed = journal_changes(conn, self.tables, self.seq, head)
        if changed is None or len(self._overlay_keys) + len(changed) > FULL_RELOAD_AFTER:
            return TermIndex(conn, self.tables)
        marks = ",".join("?" * len(changed))
        self._grow(max(changed) + 1)
        self.live[changed] = False
        self.dirty[changed] = True
        self._dirty_any = True
        for rowid in changed:
            for key in self._overlay_keys.pop(rowid, ()):
                del self._overlay[key][rowid]
        for rowid, tokens in conn.execute(f"SELECT rowid, tokens FROM {self.tables.docs} WHERE rowid IN ({marks})", changed):
            self.live[rowid], self.lengths[rowid] = True, tokens
        for rowid, *texts in conn.execute(
            f"SELECT rowid, {', '.join(COLUMNS)} FROM {self.tables.fts} WHERE rowid IN ({marks})", changed
        ):
            keys = self._overlay_keys[rowid] = []
            for column, text in enumerate(texts):
                for term, tf in Counter(fts_term(text or "").split()).items():
                    self._overlay.setdefault((term, column), {})[rowid] = tf
                    keys.append((term, column))
        self._patched.clear()
        self.seq = head
        return self

    def match(self, conn: sqlite3.Connection, groups: Groups) -> Match:
        """Documents where every term of some subfield's group occurs in that subfield's columns."""
        self._load(conn, {fts_term(t) for _, group_terms in groups.values() for t in group_terms})
        total = int(self.live.sum())
        matched = np.zeros(len(self.live), bool)
        ranked = []
        for sub, (boost, group_terms) in groups.items():
            in_group, phrases = None, []
            for term in sorted({fts_term(t) for t in group_terms}):
                postings = [(column, self._postings(term, column), weight * boost)
                            for column, weight in _SUB_COLUMNS[sub]]
                postings = [p for p in postings if len(p[1][0])]
                with_term = np.zeros(len(self.live), bool)
                for _column, (rowids, _), _weight in postings:
                    with_term[rowids] = True
                hits = int(with_term.sum())
                idf = max(math.log((total - hits + 0.5) / (hits + 0.5)), 1e-6)
                phrases.append((idf, postings))
                in_group = with_term if in_group is None else in_group & with_term
            if in_group is not None:
                matched |= in_group
                ranked.append((in_group, phrases))
        self._evict()
        return Match(mask=int.from_bytes(np.packbits(matched, bitorder="little").tobytes(), "little"), groups=ranked)

    def scores(self, match: Match, rowids: np.ndarray) -> np.ndarray:
        """BM25 of each of `rowids` (matching documents that passed the filters) as FTS5 computes it."""
        live = self.live.sum()
        average = self.lengths[self.live].sum() / live if live else 1.0
        norm = K1 * (1 - B + B * self.lengths[rowids] / (average or 1.0))
        total = np.zeros(len(rowids), np.float64)
        for in_group, phrases in match.groups:
            selected = in_group[rowids]
            if not selected.any():  # kept in the match for highlighting only
                continue
            for idf, postings in phrases:
                frequency = np.zeros(len(rowids), np.float64)
                for _column, (posted, tfs), weight in postings:
                    frequency += weight * _frequencies(posted, tfs, rowids)
                total += np.where(selected, idf * frequency * (K1 + 1) / (frequency + norm), 0.0)
        return total

    def matched_columns(self, match: Match, rowids: list[int]) -> dict[int, set[str]]:
        """Per document, the FTS columns (e.g. "title_ar") holding a query term: only those need highlighting."""
        found: dict[int, set[str]] = {r: set() for r in rowids}
        wanted = np.array(rowids, np.int64)
        for _in_group, phrases in match.groups:
            for _idf, postings in phrases:
                for column, (posted, tfs), _weight in postings:
                    for r in wanted[_frequencies(posted, tfs, wanted) > 0].tolist():
                        found[r].add(COLUMNS[column])
        return found

    def _postings(self, term: str, column: int) -> Postings:
        base = self._cache[term].get(column, _EMPTY)
        if not self._dirty_any:
            return base
        key = (term, column)
        if key not in self._patched:
            rowids, tfs = base
            keep = ~self.dirty[rowids]
            extra = self._overlay.get(key, {})
            rowids = np.concatenate([rowids[keep], np.fromiter(extra.keys(), np.int32, len(extra))])
            tfs = np.concatenate([tfs[keep], np.fromiter(extra.values(), np.float32, len(extra))])
            order = np.argsort(rowids, kind="stable")
            self._patched[key] = (rowids[order], tfs[order])
        return self._patched[key]

    def _load(self, conn: sqlite3.Connection, wanted: set[str]) -> None:
        missing = [t for t in wanted if t not in self._cache]
        for term in wanted - set(missing):
            self._cache.move_to_end(term)
        if not missing:
            return
        vocab = f"temp.{self.tables.version}_vocab"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {self.tables.fts}, instance)")
        for term in missing:
            (instances,) = conn.execute(f"SELECT group_concat({_INSTANCE}) FROM {vocab} WHERE term = ?", (term,)).fetchone()
            self._cache[term] = _postings_by_column(instances or "")
            self._grow(max((int(r[-1]) + 1 for r, _ in self._cache[term].values()), default=0))
            self._cached_postings += sum(len(r) for r, _ in self._cache[term].values())

    def _evict(self) -> None:
        while self._cached_postings > CACHE_POSTINGS and len(self._cache) > 1:
            term, columns = self._cache.popitem(last=False)
            self._cached_postings -= sum(len(r) for r, _ in columns.values())
            for column in columns:
                self._patched.pop((term, column), None)

    def _grow(self, size: int) -> None:
        if size > len(self.live):
            extra = size - len(self.live)
            self.lengths = np.concatenate([self.lengths, np.zeros(extra, np.float64)])
            self.live = np.concatenate([self.live, np.zeros(extra, bool)])
            self.dirty = np.concatenate([self.dirty, np.zeros(extra, bool)])


def _postings_by_column(instances: str) -> dict[int, Postings]:
    """Comma-separated instances (doc * 32 + column) -> column -> (sorted distinct rowids, occurrences)."""
    if not instances:
        return {}
    keys, counts = np.unique(np.fromstring(instances, np.int64, sep=","), return_counts=True)
    columns = keys & ((1 << _COLUMN_BITS) - 1)
    return {int(column): ((keys[columns == column] >> _COLUMN_BITS).astype(np.int32),
                          counts[columns == column].astype(np.float32))
            for column in np.unique(columns)}


def _frequencies(posted: np.ndarray, tfs: np.ndarray, rowids: np.ndarray) -> np.ndarray:
    """The term frequency of each of `rowids` in one posting list (0 where absent)."""
    at = np.minimum(np.searchsorted(posted, rowids), len(posted) - 1)
    return np.where(posted[at] == rowids, tfs[at], 0.0)


def rowids_of(mask: int) -> np.ndarray:
    """The set bits of a bitmap, ascending."""
    raw = np.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")).astype(np.int64)
