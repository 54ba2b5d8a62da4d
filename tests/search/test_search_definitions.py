"""The Elasticsearch index definition, the embedded analysers and query validation (no server needed)."""

from __future__ import annotations

import pytest

from search.errors import InvalidDocument, InvalidQuery
from search.documents import prepare
from search.languages import subfield_for
from search.mappings import programme_index
from search.query import SearchQuery, encode_cursor
from search.textanalysis import terms


def test_index_definition_has_one_analyzer_per_subfield():
    body = programme_index("programmes-v1").to_dict()
    for field in ("title", "synopsis", "keywords"):
        analyzers = {sub: spec["analyzer"] for sub, spec in body["mappings"]["properties"][field]["properties"].items()}
        assert analyzers == {"zh": "smartcn", "ar": "arabic", "ur": "urdu", "az": "azerbaijani",
                             "ru": "russian", "en": "english", "neutral": "neutral"}
    analysis = body["settings"]["analysis"]
    urdu = analysis["analyzer"]["urdu"]
    assert urdu["tokenizer"] == "icu_tokenizer"
    assert urdu["filter"][-3:] == ["arabic_normalization", "persian_normalization", "urdu_stop"]
    assert set(analysis["char_filter"]["urdu_char_map"]["mappings"]) == {
        "\\u06BE => \\u0647", "\\u06C3 => \\u0647", "\\u200C => \\u0020"}
    assert "كي" in analysis["filter"]["urdu_stop"]["stopwords"]  # کی, normalised like the tokens
    az = analysis["analyzer"]["azerbaijani"]
    assert az["filter"] == ["azerbaijani_lowercase", "azerbaijani_folding"]
    assert analysis["filter"]["azerbaijani_lowercase"] == {"type": "lowercase", "language": "turkish"}
    assert analysis["char_filter"]["azerbaijani_char_map"]["mappings"] == ["\\u018E => \\u018F", "\\u01DD => \\u0259"]
    assert analysis["analyzer"]["neutral"] == {"type": "custom", "tokenizer": "icu_tokenizer", "filter": ["icu_folding"]}
    facets = body["mappings"]["properties"]
    assert all(facets[k]["type"] == "keyword" for k in ("genres", "owner", "original_language", "dub_languages"))


def test_icu_fallback_for_chinese():
    body = programme_index("p", chinese_analyzer="icu").to_dict()
    assert body["mappings"]["properties"]["title"]["properties"]["zh"]["analyzer"] == "zh_icu"
    assert body["settings"]["analysis"]["analyzer"]["zh_icu"]["tokenizer"] == "icu_tokenizer"


@pytest.mark.parametrize("tag, subfield", [
    ("zh-Hans", "zh"), ("zh-Hant", "zh"), ("zh", "zh"), ("az-Latn", "az"), ("ar-EG", "ar"), ("ur", "ur"),
    ("en-GB", "en"), ("ru", "ru"), ("fr", None), ("tr", None),
])
def test_language_tags_map_by_primary_subtag(tag, subfield):
    assert subfield_for(tag) == subfield


def test_analysers_mirror_the_index():
    assert terms("en", "INDIA documentaries") == ["india", "documentari"]
    assert terms("az", "İSTANBUL Bakı BAKI") == ["istanbul", "baki", "baki"]
    assert terms("ar", "أَحْمَدُ في الكتابـــة") == ["احمد", "كتاب"]
    assert terms("ur", "کتاب کی") == terms("ur", "كتاب كي") == ["كتاب"]
    assert terms("ur", "بھارت") == terms("ur", "بهارت")
    assert terms("ur", "ذمہ\u200cدار") == ["ذمه", "دار"]  # ZWNJ splits, as a space would
    assert "长城" in terms("zh", "万里长城纪录片")
    assert terms("ru", "Каспийского моря") == terms("ru", "каспийское море")


def test_documents_split_text_by_subfield():
    doc = prepare({"id": "p1", "title": {"zh-Hant": "長城", "zh-Hans": "长城", "fr": "La Muraille"}})
    assert doc.texts["title"]["zh"] == ["長城", "长城"]
    assert doc.texts["title"]["neutral"] == ["長城", "长城", "La Muraille"]
    with pytest.raises(InvalidDocument, match="published_at"):
        prepare({"id": "p1", "published_at": "2026-01-01T00:00:00"})
    with pytest.raises(InvalidDocument, match="id"):
        prepare({"title": {"en": "x"}})


@pytest.mark.parametrize("kwargs, problem", [
    (dict(text="x" * 501), "text"),
    (dict(size=0), "size"), (dict(size=101), "size"), (dict(size="10"), "size"),
    (dict(sort="title"), "sort"),
    (dict(year_from=2024, year_to=2000), "year_from"),
    (dict(duration_from=-1), "duration_from"),
    (dict(languages=("en; DROP",)), "languages"),
    (dict(genres="documentary"), "genres"),
    (dict(genres=tuple(f"g{i}" for i in range(51))), "genres"),
    (dict(search_after="not a cursor!"), "search_after"),
    (dict(search_after=encode_cursor("published_at", (1.0, "x")), sort="-production_year"), "search_after"),
])
def test_invalid_queries_name_the_problem(kwargs, problem):
    with pytest.raises(InvalidQuery, match=problem):
        SearchQuery(**kwargs)


def test_query_text_is_cleaned_not_rejected():
    query = SearchQuery(text="  Baku\x00\n  nights\u200b ", genres=["b", "a", "a"])
    assert query.text == "Baku nights" and query.genres == ("a", "b")
    assert SearchQuery(sort="relevance").effective_sort == "-published_at"
