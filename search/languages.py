"""Which analysis subfield a BCP 47 language tag is indexed and searched under."""

from __future__ import annotations

# One analysed subfield per language we have a dedicated analyzer for; every text also
# goes to NEUTRAL, so languages without one (and cross-script look-ups) still match.
ANALYSED = ("zh", "ar", "ur", "az", "ru", "en")
NEUTRAL = "neutral"
SUBFIELDS = ANALYSED + (NEUTRAL,)

LOCALISED_FIELDS = ("title", "synopsis", "keywords")


def subfield_for(tag: str) -> str | None:
    """Map a BCP 47 tag to its analysed subfield by primary subtag (zh-Hant -> zh), else None."""
    primary = tag.strip().split("-", 1)[0].split("_", 1)[0].lower()
    return primary if primary in ANALYSED else None
