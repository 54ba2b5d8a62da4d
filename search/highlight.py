"""Highlighting for backends without a server: mark the analysed query terms in stored text.

Mirrors what Elasticsearch's highlighter returns with encoder=html: escaped text with
<em> around each token whose analysed form is one of the query's terms for that subfield."""

from __future__ import annotations

import html
from typing import Iterable

from search.textanalysis import analyse

PRE, POST = "<em>", "</em>"


def mark(subfield: str, text: str, wanted: frozenset[str], fragment_size: int | None = None) -> str | None:
    """The text (or a fragment of about fragment_size chars around the first match) with
    matched tokens marked; None when no token matches."""
    spans = [(t.start, t.end) for t in analyse(subfield, text) if t.term in wanted]
    if not spans:
        return None
    start, end = 0, len(text)
    if fragment_size is not None and len(text) > fragment_size:
        start = max(0, min(spans[0][0] - fragment_size // 4, len(text) - fragment_size))
        end = start + fragment_size
        start, end = _word_boundary(text, start, backwards=True), _word_boundary(text, end, backwards=False)
    return _render(text, start, end, (s for s in spans if s[0] >= start and s[1] <= end))


def _word_boundary(text: str, position: int, backwards: bool) -> int:
    # Move off a word's middle so fragments never start or end inside a word.
    step = -1 if backwards else 1
    while 0 < position < len(text) and not text[position - 1].isspace() and not text[position].isspace():
        position += step
    return position


def _render(text: str, start: int, end: int, spans: Iterable[tuple[int, int]]) -> str:
    out, cursor = [], start
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append(PRE + html.escape(text[s:e]) + POST)
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return "".join(out).strip()
