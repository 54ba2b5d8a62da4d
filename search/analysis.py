"""Elasticsearch analyzers, one per analysis subfield (see languages.SUBFIELDS).

Needs the analysis-icu and analysis-smartcn plugins (deploy/ builds that image). The
embedded backend mirrors each chain in textanalysis.py; keep the two in step.

Tests and CI run Elasticsearch's integ-test distribution (deploy/engines/elasticsearch.sh),
which has neither those plugins nor the analysis-common module; deploy/elasticsearch/test-plugin
registers every component named here under the same name, built from the same Lucene classes,
so these settings are the same on both. A new component used here must be added there too."""

from __future__ import annotations

from elasticsearch.dsl import analyzer, char_filter, token_filter
from elasticsearch.dsl.analysis import Analyzer

from search import folding

CHINESE_ANALYZERS = ("smartcn", "icu")


def _escaped(char: str) -> str:
    return f"\\u{ord(char):04X}"


def _mapping(name: str, table: dict[str, str]):
    return char_filter(name, "mapping", mappings=[f"{_escaped(k)} => {_escaped(v)}" for k, v in table.items()])


def chinese(kind: str = "smartcn") -> Analyzer:
    """smartcn segments Simplified Chinese into words. Where that plugin is missing,
    `icu` (icu_tokenizer's dictionary segmentation) is the fallback, chosen by setting."""
    if kind == "smartcn":
        return analyzer("smartcn")
    if kind == "icu":
        return analyzer("zh_icu", tokenizer="icu_tokenizer", filter=["icu_folding"])
    raise ValueError(f"chinese analyzer must be one of {CHINESE_ANALYZERS}, got {kind!r}")


def arabic() -> Analyzer:
    # Built in: arabic_normalization (hamza/alef forms, tatweel, harakat) and light stemming.
    return analyzer("arabic")


def urdu() -> Analyzer:
    """No Urdu analyzer exists. Arabic then Persian normalisation make Urdu and Arabic-keyboard
    forms meet (ک/ك, ی ے/ي, ہ ۀ/ه); the char filter adds ھ and ۃ, which neither folds.

    ZWNJ (U+200C) becomes a space: writers are inconsistent about joining compound parts
    with ZWNJ, a space or nothing visible, and splitting lets the first two spellings meet
    and each part be found on its own. The stop list is normalised like the tokens, since it
    runs last (a stop filter before normalisation would miss Arabic-keyboard spellings)."""
    return analyzer(
        "urdu",
        char_filter=[_mapping("urdu_char_map", folding.URDU_CHAR_MAP)],
        tokenizer="icu_tokenizer",
        filter=[
            "lowercase",
            "decimal_digit",
            "arabic_normalization",
            "persian_normalization",
            token_filter("urdu_stop", "stop", stopwords=sorted(folding.URDU_STOPWORDS)),
        ],
    )


def azerbaijani() -> Analyzer:
    """No Azerbaijani analyzer exists. Turkish casing maps İ->i and I->ı (only on this subfield:
    it would turn English INDIA into ındıa). Turned e is typed for schwa, so it is mapped to ə
    first. asciifolding then lets Bakı/BAKI/baki and Qəbələ/Qebele meet; preserve_original
    keeps the exact form (ə, ı) indexed too, so exact spellings score higher."""
    return analyzer(
        "azerbaijani",
        char_filter=[_mapping("azerbaijani_char_map", folding.AZERBAIJANI_CHAR_MAP)],
        tokenizer="icu_tokenizer",
        filter=[
            token_filter("azerbaijani_lowercase", "lowercase", language="turkish"),
            token_filter("azerbaijani_folding", "asciifolding", preserve_original=True),
        ],
    )


def neutral() -> Analyzer:
    # Every text goes here too: ICU word boundaries (dictionary segmentation for CJK/Thai) and folding.
    return analyzer("neutral", tokenizer="icu_tokenizer", filter=["icu_folding"])


def subfield_analyzers(chinese_analyzer: str = "smartcn") -> dict[str, Analyzer]:
    return {
        "zh": chinese(chinese_analyzer),
        "ar": arabic(),
        "ur": urdu(),
        "az": azerbaijani(),
        "ru": analyzer("russian"),
        "en": analyzer("english"),
        "neutral": neutral(),
    }
