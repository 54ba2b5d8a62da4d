"""An in-memory column view of one embedded index version, for filters, facets and sorts.

Facet values are kept as bitmaps (Python ints, bit n = SQLite rowid n): a filter is an OR
of value bitmaps, a facet count is a popcount of an AND, so facets over 100,000 programmes
cost well under a millisecond. The view follows the SQLite file through a write journal:
each process applies only the rows changed since it last looked, and reloads in full
after a reindex or when it has fallen too far behind."""

from __future__ import annotations

import math
import sqlite3
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable

FULL_RELOAD_AFTER = 5000  # journal rows; beyond this a reload is cheaper than patching


def mask_of(rowids: Iterable[int]) -> int:
    rowids = list(rowids)
    if not rowids:
        return 0
    bits = bytearray((max(rowids) >> 3) + 1)
    for rowid in rowids:
        bits[rowid >> 3] |= 1 << (rowid & 7)
    return int.from_bytes(bits, "little")


def sort_key(sort: str, primary: float | int | None, doc_id: str) -> tuple[float, str]:
    """Order of hits for a sort: ascending on this key; missing values last, id breaks ties."""
    if primary is None:
        return (math.inf, doc_id)
    return (primary, doc_id) if sort == "published_at" else (-primary, doc_id)


@dataclass
class Columns:
    seq: int = 0
    ids: dict[int, str] = field(default_factory=dict)
    year: dict[int, int | None] = field(default_factory=dict)
    duration: dict[int, int | None] = field(default_factory=dict)
    published: dict[int, float | None] = field(default_factory=dict)
    values: dict[int, list[tuple[str, Any]]] = field(default_factory=dict)
    masks: dict[str, dict[str, int]] = field(default_factory=dict)
    all_mask: int = 0
    _orders: dict[str, tuple[list[tuple[float, str]], list[int]]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection, tables: "Tables") -> "Columns":
        columns = cls(seq=journal_head(conn, tables))
        by_value: dict[tuple[str, Any], list[int]] = {}
        for rowid, doc_id, year, duration, published in conn.execute(
            f"SELECT rowid, id, year, duration, published FROM {tables.docs}"
        ):
            columns._set_row(rowid, doc_id, year, duration, published)
            for key in _range_keys(year, duration):
                by_value.setdefault(key, []).append(rowid)
                columns.values.setdefault(rowid, []).append(key)
        for doc, facet, value in conn.execute(f"SELECT doc, facet, value FROM {tables.facets}"):
            by_value.setdefault((facet, value), []).append(doc)
            columns.values.setdefault(doc, []).append((facet, value))
        for (facet, value), rowids in by_value.items():
            columns.masks.setdefault(facet, {})[value] = mask_of(rowids)
        columns.all_mask = mask_of(columns.ids)
        return columns

    def catch_up(self, conn: sqlite3.Connection, tables: "Tables") -> "Columns":
        """This view brought up to the journal head, patched in place or reloaded."""
        head = journal_head(conn, tables)
        if head == self.seq:
            return self
        changed = journal_changes(conn, tables, self.seq, head)
        if changed is None:
            return Columns.load(conn, tables)
        for rowid in changed:
            self._clear(rowid)
        marks = ",".join("?" * len(changed))
        for row in conn.execute(
            f"SELECT rowid, id, year, duration, published FROM {tables.docs} WHERE rowid IN ({marks})", tuple(changed)
        ):
            self._set_row(*row)
            self.all_mask |= 1 << row[0]
            for facet, value in _range_keys(row[2], row[3]):
                self._add(row[0], facet, value)
        for doc, facet, value in conn.execute(
            f"SELECT doc, facet, value FROM {tables.facets} WHERE doc IN ({marks})", tuple(changed)
        ):
            self._add(doc, facet, value)
        self._orders.clear()
        self.seq = head
        return self

    def values_mask(self, facet: str, values: Iterable[str]) -> int:
        masks = self.masks.get(facet, {})
        result = 0
        for value in values:
            result |= masks.get(value, 0)
        return result

    def range_mask(self, column: str, low: int | None, high: int | None) -> int:
        """Documents whose year or duration lies in [low, high]: an OR over its distinct values."""
        result = 0
        for value, mask in self.masks.get(f"_{column}", {}).items():
            if (low is None or value >= low) and (high is None or value <= high):
                result |= mask
        return result

    def primary(self, sort: str, rowid: int) -> float | int | None:
        return self.year[rowid] if sort == "-production_year" else self.published[rowid]

    def ordered(self, sort: str, after: tuple[float, str] | None) -> Iterable[int]:
        """Every rowid in `sort` order, starting after the cursor key."""
        if sort not in self._orders:
            keyed = sorted((sort_key(sort, self.primary(sort, r), doc_id), r) for r, doc_id in self.ids.items())
            self._orders[sort] = ([k for k, _ in keyed], [r for _, r in keyed])
        keys, rowids = self._orders[sort]
        start = bisect_right(keys, after) if after is not None else 0
        return rowids[start:]

    def _set_row(self, rowid: int, doc_id: str, year: int | None, duration: int | None, published: float | None) -> None:
        self.ids[rowid], self.year[rowid], self.duration[rowid], self.published[rowid] = doc_id, year, duration, published

    def _add(self, rowid: int, facet: str, value: Any) -> None:
        self.values.setdefault(rowid, []).append((facet, value))
        values = self.masks.setdefault(facet, {})
        values[value] = values.get(value, 0) | (1 << rowid)

    def _clear(self, rowid: int) -> None:
        bit = 1 << rowid
        for facet, value in self.values.pop(rowid, ()):
            self.masks[facet][value] &= ~bit
        self.all_mask &= ~bit
        for column in (self.ids, self.year, self.duration, self.published):
            column.pop(rowid, None)


@dataclass(frozen=True)
class Tables:
    """The SQLite tables of one index version."""

    version: str

    @property
    def docs(self) -> str:
        return f"{self.version}_docs"

    @property
    def facets(self) -> str:
        return f"{self.version}_facets"

    @property
    def fts(self) -> str:
        return f"{self.version}_fts"

    @property
    def journal(self) -> str:
        return f"{self.version}_journal"


def journal_head(conn: sqlite3.Connection, tables: Tables) -> int:
    return conn.execute(f"SELECT coalesce(max(seq), 0) FROM {tables.journal}").fetchone()[0]


def journal_changes(conn: sqlite3.Connection, tables: Tables, seq: int, head: int) -> list[int] | None:
    """Rowids written since `seq`; None when a reload is due (too many, or the journal no longer reaches back)."""
    oldest = conn.execute(f"SELECT min(seq) FROM {tables.journal}").fetchone()[0]
    if head - seq > FULL_RELOAD_AFTER or oldest is None or oldest > seq + 1:
        return None
    return sorted({r for (r,) in conn.execute(f"SELECT doc FROM {tables.journal} WHERE seq > ?", (seq,))})


def _range_keys(year: int | None, duration: int | None) -> list[tuple[str, int]]:
    # Years and durations get value bitmaps like facets, so a range filter is a few ORs.
    return [(name, value) for name, value in (("_year", year), ("_duration", duration)) if value is not None]
