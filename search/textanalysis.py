"""Python analysers mirroring the Elasticsearch ones (analysis.py), for the embedded backend.

An analyser is: a 1:1 character map (so offsets stay those of the original text), a
tokenizer that splits on Unicode word boundaries and segments Han runs into words, and
a per-token filter chain. Token filters are cached per (subfield, token): catalogue text
repeats words endlessly, and this keeps bulk indexing in the thousands of docs per second."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Callable, NamedTuple

import jieba
import regex
import Stemmer

from search import folding, stopwords
from search.languages import NEUTRAL

jieba.setLogLevel(logging.WARNING)

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+")
_HAN = regex.compile(r"\p{Han}+")

_english_stem = Stemmer.Stemmer("english").stemWord
_russian_stem = Stemmer.Stemmer("russian").stemWord


class Token(NamedTuple):
    term: str
    start: int
    end: int


def _english(token: str) -> str | None:
    token = token.lower()
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    return None if token in stopwords.ENGLISH else _english_stem(token)


def _russian(token: str) -> str | None:
    token = token.lower()
    return None if token in stopwords.RUSSIAN else _russian_stem(token)


def _arabic(token: str) -> str | None:
    token = folding.decimal_digits(token.lower())
    if token in stopwords.ARABIC:
        return None
    return folding.arabic_light_stem(folding.arabic_normalise(token))


def _urdu(token: str) -> str | None:
    token = folding.urdu_fold(token.replace("\u200d", ""))
    return None if token in folding.URDU_STOPWORDS else token


def _azerbaijani(token: str) -> str | None:
    return folding.ascii_fold(folding.turkish_lower(token))


def _chinese(token: str) -> str | None:
    # smartcn lowercases and Porter-stems the Latin words inside Chinese text.
    return _english_stem(token.lower()) if token.isascii() else token


def _neutral(token: str) -> str | None:
    return folding.neutral_fold(token) or None


_FILTERS: dict[str, Callable[[str], str | None]] = {
    "en": _english, "ru": _russian, "ar": _arabic, "ur": _urdu,
    "az": _azerbaijani, "zh": _chinese, NEUTRAL: _neutral,
}
_CHAR_MAPS = {"ur": str.maketrans(folding.URDU_CHAR_MAP), "az": str.maketrans(folding.AZERBAIJANI_CHAR_MAP)}


@lru_cache(maxsize=200_000)
def _filtered(subfield: str, token: str) -> str | None:
    return _FILTERS[subfield](token)


@lru_cache(maxsize=50_000)
def _segment_han(run: str) -> tuple[tuple[str, int, int], ...]:
    # Search mode also emits the shorter words inside long ones (长城 inside 万里长城).
    return tuple(jieba.tokenize(run, mode="search"))


def _words(text: str) -> list[tuple[str, int, int]]:
    if not _HAN.search(text):
        return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    words = []
    for match in _WORD.finditer(text):
        word, start = match.group(), match.start()
        if not _HAN.search(word):
            words.append((word, start, match.end()))
            continue
        position = 0
        for han in _HAN.finditer(word):
            if han.start() > position:
                words.append((word[position:han.start()], start + position, start + han.start()))
            words.extend((w, start + han.start() + s, start + han.start() + e) for w, s, e in _segment_han(han.group()))
            position = han.end()
        if position < len(word):
            words.append((word[position:], start + position, match.end()))
    return words


def analyse(subfield: str, text: str) -> list[Token]:
    """Tokens of `text` as the given subfield's analyser indexes them, with original offsets."""
    char_map = _CHAR_MAPS.get(subfield)
    mapped = text.translate(char_map) if char_map else text
    tokens = []
    for word, start, end in _words(mapped):
        if term := _filtered(subfield, word):
            tokens.append(Token(term, start, end))
    return tokens


def terms(subfield: str, text: str) -> list[str]:
    return [token.term for token in analyse(subfield, text)]
