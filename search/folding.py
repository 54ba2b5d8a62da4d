"""Character-level normalisations mirroring the Lucene filters the index uses.

Each function works on one token (already split) and returns the folded token, so the
embedded analysers can chain them exactly where Elasticsearch chains its filters."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from search import stopwords

# Lucene ArabicNormalizer: alef variants -> bare alef, alef maksura -> yeh, teh marbuta -> heh,
# and tatweel plus the harakat (fathatan .. sukun) deleted.
_ARABIC_NORMALISATION = str.maketrans(
    {"آ": "ا", "أ": "ا", "إ": "ا", "ى": "ي", "ة": "ه", "ـ": None}
    | {chr(c): None for c in range(0x064B, 0x0653)}
)

# Lucene PersianNormalizer: farsi yeh and yeh barree -> yeh, keheh -> kaf,
# heh with yeh and heh goal -> heh, combining hamza above deleted.
_PERSIAN_NORMALISATION = str.maketrans(
    {"ی": "ي", "ے": "ي", "ک": "ك", "ۀ": "ه", "ہ": "ه", "\u0654": None}
)

# The Urdu char filter: neither normaliser folds do-chashmi heh (U+06BE) or teh marbuta
# goal (U+06C3), which Arabic keyboards type as heh. ZWNJ becomes a space (see analysis.py).
URDU_CHAR_MAP = {"\u06be": "\u0647", "\u06c3": "\u0647", "\u200c": " "}

# The Azerbaijani char filter: turned e (U+018E/U+01DD) is a common look-alike typed for schwa.
AZERBAIJANI_CHAR_MAP = {"\u018e": "\u018f", "\u01dd": "\u0259"}

# Letters asciifolding maps that have no NFKD decomposition.
_ASCII_EXTRA = {"ı": "i", "ə": "e", "ǝ": "e", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ß": "ss",
                "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}

_ARABIC_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def arabic_normalise(token: str) -> str:
    return token.translate(_ARABIC_NORMALISATION)


def persian_normalise(token: str) -> str:
    return token.translate(_PERSIAN_NORMALISATION)


def arabic_light_stem(token: str) -> str:
    """Lucene's ArabicStemmer: strip one prefix, then each listed suffix once, keeping a stem of 2+."""
    for prefix in _ARABIC_PREFIXES:
        if len(prefix) == 1 and len(token) < 4:
            continue
        if len(token) >= len(prefix) + 2 and token.startswith(prefix):
            token = token[len(prefix):]
            break
    for suffix in _ARABIC_SUFFIXES:
        if len(token) >= len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
    return token


def turkish_lower(token: str) -> str:
    """Lowercase with Turkish/Azerbaijani dotted and dotless i (Python alone gives i + U+0307 for İ)."""
    return token.replace("İ", "i").replace("I", "ı").lower()


def decimal_digits(token: str) -> str:
    """Any Unicode decimal digit (Arabic-Indic, Extended Arabic-Indic) to 0-9, like decimal_digit."""
    if token.isascii():
        return token
    return "".join(str(unicodedata.digit(c)) if c.isdecimal() else c for c in token)


@lru_cache(maxsize=4096)
def _ascii_fold_char(char: str) -> str:
    if char in _ASCII_EXTRA:
        return _ASCII_EXTRA[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if base.isascii() and base else char


def ascii_fold(token: str) -> str:
    """Fold Latin letters to ASCII (asciifolding); other scripts are left alone."""
    if token.isascii():
        return token
    return "".join(_ascii_fold_char(c) for c in token)


def neutral_fold(token: str) -> str:
    """Approximate icu_folding: compatibility forms, case and every combining mark folded away."""
    decomposed = unicodedata.normalize("NFKD", token)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "\u200c\u200d\u0640")
    return unicodedata.normalize("NFKC", stripped).casefold().replace("ı", "i")


def urdu_fold(token: str) -> str:
    """The Urdu token chain after the char filter: digits, Arabic then Persian normalisation."""
    return persian_normalise(arabic_normalise(decimal_digits(token.lower())))


# The Urdu stop filter runs after normalisation, so its list is normalised the same way;
# Arabic-keyboard spellings of the function words are then dropped too.
URDU_STOPWORDS = frozenset(urdu_fold("".join(URDU_CHAR_MAP.get(c, c) for c in w)) for w in stopwords.URDU)
