"""What a language tag tells us about the writing: script, direction, reading limits."""
import unicodedata
from functools import lru_cache

import langcodes

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})
CJK_SCRIPTS = frozenset({"Hani", "Hans", "Hant", "Jpan", "Kore", "Hira", "Kana", "Hang"})


@lru_cache(maxsize=256)
def script_of(language: str) -> str:
    """ISO 15924 script of a BCP 47 tag, explicit or likely (``ur`` → ``Arab``)."""
    try:
        tag = langcodes.Language.get(language)
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return "Latn"
    return tag.script or tag.maximize().script or "Latn"


def direction_of(language: str) -> str:
    return "rtl" if script_of(language) in RTL_SCRIPTS else "ltr"


def script_class(language: str) -> str:
    """The family whose reading-speed and line-length limits apply: latin, cjk or arabic."""
    script = script_of(language)
    if script in CJK_SCRIPTS:
        return "cjk"
    if script in RTL_SCRIPTS:
        return "arabic"
    return "latin"


def visible_length(text: str) -> int:
    """Characters a viewer reads: bidi/zero-width controls and combining marks
    (Arabic harakat, accents typed as combining marks) do not count; spaces do."""
    return sum(1 for ch in text if ch != "\n" and unicodedata.category(ch) not in ("Cf", "Mn", "Me", "Cc"))


def first_strong_direction(text: str) -> str | None:
    """Direction of the first strong character (UAX #9 rules P2/P3), or None."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL", "RLE", "RLO", "RLI"):
            return "rtl"
        if bidi in ("L", "LRE", "LRO", "LRI"):
            return "ltr"
    return None
