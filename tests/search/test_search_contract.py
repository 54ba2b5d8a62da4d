"""The contract every search backend passes, with real multilingual text.

Runs on the embedded backend always and on Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.search.search_corpus import CORPUS, programme

from search.query import SearchQuery


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize("text", ["اسرار الاهرامات", "أَسْرَارُ الأَهْرَامَاتِ", "آسرار الإهرامات", "الأهرامـــات"])
def test_arabic_alef_hamza_forms_diacritics_and_tatweel_match(catalogue, text):
    results = catalogue.search(SearchQuery(text=text, languages=("ar",)))
    assert ids(results) == ["prog-pyramids"]
    assert "<em>" in results.hits[0].highlights["title.ar"][0]


@pytest.mark.parametrize("text", ["لاهور كي كهاني", "كهاني", "بهارت"])
def test_urdu_title_found_with_arabic_keyboard_letters(catalogue, text):
    assert ids(catalogue.search(SearchQuery(text=text, languages=("ur",)))) == ["prog-lahore"]


def test_urdu_highlight_is_in_the_urdu_field(catalogue):
    hit = catalogue.search(SearchQuery(text="لاهور", languages=("ur",))).hits[0]
    assert hit.highlights["title.ur"] == ["<em>لاہور</em> کی کہانی"]


@pytest.mark.parametrize("text", ["Bakı", "BAKI", "baki", "Baki"])
def test_azerbaijani_baki_spellings_match(catalogue, text):
    assert "prog-baku" in ids(catalogue.search(SearchQuery(text=text, languages=("az",))))


@pytest.mark.parametrize("text", ["İstanbul", "istanbul", "İSTANBUL"])
def test_azerbaijani_dotted_capital_i_matches(catalogue, text):
    assert ids(catalogue.search(SearchQuery(text=text, languages=("az",)))) == ["prog-istanbul"]


def test_azerbaijani_turned_e_is_read_as_schwa(catalogue):
    # The synopsis was typed with Ǝ (U+018E); a query with the proper Ə finds it.
    assert ids(catalogue.search(SearchQuery(text="əski ipək", languages=("az",)))) == ["prog-istanbul"]


def test_english_capitals_are_not_turkish_cased(catalogue):
    results = catalogue.search(SearchQuery(text="india", languages=("en",)))
    assert ids(results) == ["prog-india"]
    assert results.hits[0].highlights["title.en"] == ["<em>INDIA</em>: Monsoon Diaries"]


@pytest.mark.parametrize("text", ["长城", "历史", "长城历史"])
def test_chinese_word_inside_longer_title(catalogue, text):
    results = catalogue.search(SearchQuery(text=text, languages=("zh-Hans",)))
    assert ids(results) == ["prog-wall"]
    assert any("<em>" in f for f in results.hits[0].highlights["title.zh"])


def test_english_stem(catalogue):
    results = catalogue.search(SearchQuery(text="documentaries", languages=("en",)))
    assert ids(results) == ["prog-leopard"]
    assert "<em>Documentary</em>" in results.hits[0].highlights["title.en"][0]


@pytest.mark.parametrize("text", ["Каспийское море", "каспийском морем"])
def test_russian_inflections(catalogue, text):
    assert ids(catalogue.search(SearchQuery(text=text, languages=("ru",)))) == ["prog-caspian"]


def test_query_in_one_language_does_not_drown_in_other_languages(catalogue):
    results = catalogue.search(SearchQuery(text="Leopard", languages=("en",)))
    assert results.hits[0].id == "prog-leopard"
    assert results.total == 7  # the six passing mentions are still found, below it
    # A Chinese query is not buried under the Latin-script mentions either.
    results = catalogue.search(SearchQuery(text="长城", languages=("en",)))
    assert ids(results) == ["prog-wall"]


def test_query_terms_must_all_match_within_one_language(catalogue):
    assert ids(catalogue.search(SearchQuery(text="Snow Leopard", languages=("en",)))) == ["prog-leopard"]
    assert ids(catalogue.search(SearchQuery(text="Leopard Каспийского"))) == []


def expected_facets(filters: dict[str, set[str]], years: tuple[int, int]) -> dict[str, Counter]:
    """An independent count of the corpus: each facet under every filter except its own."""
    def values(doc, facet):
        value = doc[facet]
        return set(value) if isinstance(value, list) else {value}

    counts = {}
    for facet in ("genres", "original_language", "subtitle_languages", "dub_languages", "owner"):
        counter = Counter()
        for doc in CORPUS:
            if not years[0] <= doc["production_year"] <= years[1]:
                continue
            if all(values(doc, f) & selected for f, selected in filters.items() if f != facet):
                counter.update(values(doc, facet))
        counts[facet] = counter
    return counts


def test_facets_count_under_filters(catalogue):
    query = SearchQuery(genres=("documentary", "nature"), subtitle_languages=("en",), year_from=2001, year_to=2023)
    results = catalogue.search(query)
    expected = expected_facets({"genres": {"documentary", "nature"}, "subtitle_languages": {"en"}}, (2001, 2023))
    for facet, counter in expected.items():
        assert results.facets[facet] == dict(counter), facet
    matching = [d["id"] for d in CORPUS if 2001 <= d["production_year"] <= 2023 and "en" in d["subtitle_languages"]
                and {"documentary", "nature"} & set(d["genres"])]
    assert results.total == len(matching) and sorted(ids(results)) == sorted(matching)


def test_facets_with_text_and_owner_filter(catalogue):
    results = catalogue.search(SearchQuery(text="Leopard", owners=("RTR",)))
    assert sorted(ids(results)) == ["prog-noise-0", "prog-noise-5"]
    assert results.facets["owner"] == {"AZTV": 1, "CCTV": 1, "ERTU": 1, "PTV": 2, "RTR": 2}
    assert results.facets["genres"] == {"nature": 2}


def test_exclude_owners(catalogue):
    results = catalogue.search(SearchQuery(text="Leopard", exclude_owners=("PTV", "RTR")))
    assert sorted(ids(results)) == ["prog-noise-1", "prog-noise-2", "prog-noise-4"]


def test_ids_restrict_hits_and_facets(catalogue):
    # What a licensing filter (avails) allows: only these documents, counted in the facets too.
    allowed = ("prog-noise-1", "prog-noise-4", "no-such-document")
    results = catalogue.search(SearchQuery(text="Leopard", ids=allowed))
    assert sorted(ids(results)) == ["prog-noise-1", "prog-noise-4"] and results.total == 2
    assert sum(results.facets["owner"].values()) == 2
    assert catalogue.search(SearchQuery(ids=())).total == 0


@pytest.mark.parametrize("sort, key, reverse", [
    ("-published_at", "published_at", True), ("published_at", "published_at", False),
    ("-production_year", "production_year", True),
])
def test_sorts(catalogue, sort, key, reverse):
    results = catalogue.search(SearchQuery(sort=sort, size=100))
    expected = sorted(CORPUS, key=lambda d: d["id"])
    expected = [d["id"] for d in sorted(expected, key=lambda d: d[key], reverse=reverse)]
    assert ids(results) == expected


def test_relevance_ranks_title_matches_first_and_browsing_sorts_newest_first(catalogue):
    scores = [h.score for h in catalogue.search(SearchQuery(text="Leopard")).hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    assert catalogue.search(SearchQuery(size=1)).hits[0].id == "prog-lahore"


@pytest.mark.parametrize("query", [
    dict(sort="-published_at"), dict(sort="-production_year"), dict(text="Leopard"), dict(text="Leopard", sort="published_at"),
])
def test_search_after_returns_every_hit_once(catalogue, query):
    everything = catalogue.search(SearchQuery(size=100, **query))
    seen, cursor = [], None
    while True:
        page = catalogue.search(SearchQuery(size=3, search_after=cursor, **query))
        assert page.total == everything.total and len(page.hits) <= 3
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(everything) and len(set(seen)) == len(seen) == everything.total


def test_query_syntax_in_user_text_is_only_text(catalogue):
    for text in ['"AND OR NEAR(', "title:* ^2 {x} [a TO b]", "Leopard) OR (x", "\\ / ~ -"]:
        results = catalogue.search(SearchQuery(text=text))
        assert results.total >= 0
    assert ids(catalogue.search(SearchQuery(text="Leopard) OR (Snow", languages=("en",)))) == ["prog-leopard"]


def test_delete_and_update_are_seen_by_another_instance(make_backend):
    writer, reader = make_backend(), make_backend()
    writer.index(CORPUS[:4])
    writer.refresh()
    assert reader.search(SearchQuery(text="BAKI")).total == 1
    writer.delete(["prog-baku", "no-such-id"])
    writer.refresh()
    results = reader.search(SearchQuery(text="BAKI"))
    assert results.total == 0
    assert reader.search(SearchQuery()).facets["owner"] == {"AZTV": 1, "ERTU": 1, "PTV": 1}
    renamed = dict(CORPUS[0], title={"en": "Pyramids Revisited"}, synopsis={}, owner="NILE")
    writer.index([renamed])
    writer.refresh()
    assert ids(reader.search(SearchQuery(text="revisited"))) == ["prog-pyramids"]
    assert reader.search(SearchQuery(text="أسرار")).total == 0
    assert reader.search(SearchQuery()).facets["owner"] == {"AZTV": 1, "NILE": 1, "PTV": 1}


def test_reindex_swaps_in_a_new_version_without_losing_documents(make_backend):
    backend, reader = make_backend(), make_backend()
    backend.index(CORPUS[:3])
    backend.refresh()
    assert reader.search(SearchQuery()).total == 3
    extra = programme("silk", {"zh-Hans": "丝绸之路上的敦煌"}, owner="CCTV", language="zh-Hans", genres=["history"],
                      year=2016, minutes=40, published="2026-07-07T00:00:00+00:00")
    progress = []
    assert backend.reindex(iter(CORPUS + [extra]), progress=progress.append) == len(CORPUS) + 1
    assert progress and progress[-1] == len(CORPUS) + 1
    backend.refresh()
    assert reader.search(SearchQuery(size=100)).total == len(CORPUS) + 1
    assert ids(reader.search(SearchQuery(text="敦煌"))) == ["prog-silk"]
    backend.index([dict(CORPUS[1], title={"en": "After the swap"})])
    backend.refresh()
    assert ids(reader.search(SearchQuery(text="swap"))) == ["prog-lahore"]


def test_reset_empties_the_index(make_backend):
    backend = make_backend()
    backend.index(CORPUS)
    backend.refresh()
    backend.reset()
    backend.refresh()
    assert backend.search(SearchQuery()).total == 0
    assert backend.ping()


def test_filters_do_not_change_relevance_scores_or_order(catalogue):
    everything = {hit.id: hit.score for hit in catalogue.search(SearchQuery(text="Leopard", size=100)).hits}
    for filters in (dict(owners=("RTR", "PTV")), dict(year_from=2002), dict(exclude_owners=("PTV",), year_to=2004)):
        hits = catalogue.search(SearchQuery(text="Leopard", size=100, **filters)).hits
        assert hits, filters
        assert [h.score for h in hits] == pytest.approx([everything[h.id] for h in hits])
        assert [h.id for h in hits] == [i for i in everything if i in {h.id for h in hits}]


def test_a_warmed_reader_follows_another_instances_writes(make_backend):
    writer, reader = make_backend(), make_backend()
    writer.index(CORPUS)
    writer.refresh()
    assert reader.search(SearchQuery(text="Leopard", languages=("en",))).total == 7  # warms the reader
    valley = programme("valley", {"en": "Leopard Valley"}, owner="BBC", language="en", genres=["nature"],
                       year=2025, minutes=30, published="2026-12-01T00:00:00+00:00")
    writer.index([valley, dict(CORPUS[5], title={"en": "Wildlife Documentary: Mountain Cats"}, synopsis={})])
    writer.refresh()
    results = reader.search(SearchQuery(text="Leopard", languages=("en",)))
    assert results.total == 7 and results.hits[0].id == "prog-valley"
    assert "prog-leopard" not in ids(results)
    assert results.facets["owner"]["BBC"] == 1
    assert ids(reader.search(SearchQuery(text="mountain cats"))) == ["prog-leopard"]
    writer.delete(["prog-valley"])
    writer.refresh()
    assert reader.search(SearchQuery(text="Leopard", languages=("en",))).total == 6
    assert reader.search(SearchQuery(text="valley")).total == 0


def test_concurrent_first_writers_create_one_index_and_keep_every_document(make_unused_backend):
    # An API process and workers may all be first to touch a fresh index at once.
    writers = [make_unused_backend() for _ in range(6)]
    barrier = threading.Barrier(len(writers))

    def first_write(writer, doc) -> None:
        barrier.wait()
        writer.index([doc])

    with ThreadPoolExecutor(len(writers)) as pool:
        list(pool.map(first_write, writers, CORPUS[:6]))
    reader = make_unused_backend()
    reader.refresh()
    assert sorted(ids(reader.search(SearchQuery(size=100)))) == sorted(doc["id"] for doc in CORPUS[:6])
