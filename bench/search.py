"""Search benchmark: index N multilingual programmes, then time text queries with filters and facets.

    .venv/bin/python bench/search.py [--docs 100000] [--queries 300]

Runs the embedded backend (a SQLite file in a temporary directory), and Elasticsearch too
when ELASTICSEARCH_URL is set. Prints indexing throughput and query latency percentiles."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.backends.base import SearchBackend  # noqa: E402
from search.backends.embedded import EmbeddedBackend  # noqa: E402
from search.query import SearchQuery  # noqa: E402

WORDS = {
    "en": "history city river mountain sea desert road silk ancient journey winter music festival family "
          "village market harvest wildlife forest island train bridge palace poet craft kitchen".split(),
    "zh-Hans": "历史 城市 长城 河流 高山 大海 沙漠 丝绸 古代 旅行 冬天 音乐 节日 家庭 村庄 市场 丰收 野生 森林 岛屿 "
               "火车 桥梁 宫殿 诗人 手艺 厨房".split(),
    "ar": "تاريخ مدينة نهر جبل بحر صحراء طريق الحرير قديم رحلة شتاء موسيقى مهرجان عائلة قرية سوق حصاد "
          "غابة جزيرة قطار جسر قصر شاعر حرفة مطبخ".split(),
    "ur": "تاریخ شہر دریا پہاڑ سمندر صحرا سڑک ریشم قدیم سفر سردی موسیقی میلہ خاندان گاؤں بازار فصل "
          "جنگل جزیرہ ریل پل محل شاعر ہنر باورچی".split(),
    "az-Latn": "tarix şəhər çay dağ dəniz səhra yol ipək qədim səyahət qış musiqi bayram ailə kənd bazar "
               "məhsul meşə ada qatar körpü saray şair sənət mətbəx".split(),
    "ru": "история город река гора море пустыня дорога шёлк древний путешествие зима музыка праздник семья "
          "деревня рынок урожай лес остров поезд мост дворец поэт ремесло кухня".split(),
}
LANGUAGES = list(WORDS)
GENRES = ["documentary", "history", "travel", "nature", "music", "culture", "children", "news", "drama", "sport"]
OWNERS = ["PTV", "CCTV", "AZTV", "ERTU", "RTR", "BBC", "DD", "QTV", "SABC", "TRT"]
SEPARATOR = {"zh-Hans": "", "ar": " ", "ur": " "}


def programmes(count: int, seed: int = 6) -> Iterator[dict]:
    """A deterministic catalogue: each programme in its original language plus English and one more."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for n in range(count):
        original = rng.choice(LANGUAGES)
        languages = {original, "en", rng.choice(LANGUAGES)}
        text = lambda lang, k: SEPARATOR.get(lang, " ").join(rng.choices(WORDS[lang], k=k))  # noqa: E731
        yield {
            "id": f"bench-{n:06d}",
            "owner": rng.choice(OWNERS),
            "title": {lang: text(lang, 4) for lang in languages},
            "synopsis": {lang: "，".join(text(lang, 6) for _ in range(3)) if lang == "zh-Hans"
                         else text(lang, 18) for lang in languages},
            "keywords": {lang: rng.sample(WORDS[lang], 3) for lang in languages},
            "original_language": original,
            "genres": rng.sample(GENRES, rng.randint(1, 3)),
            "production_year": rng.randint(1960, 2026),
            "duration_seconds": rng.randint(5, 120) * 60,
            "countries": [],
            "subtitle_languages": rng.sample(LANGUAGES, rng.randint(0, 3)),
            "dub_languages": rng.sample(LANGUAGES, rng.randint(0, 2)),
            "published_at": (start + timedelta(minutes=17 * n)).isoformat(),
        }


def queries(count: int, seed: int = 7) -> list[SearchQuery]:
    """Two-word text queries in one language, with a genre and a year filter, facets on."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        lang = rng.choice(LANGUAGES)
        result.append(SearchQuery(text=" ".join(rng.sample(WORDS[lang], 2)), languages=(lang,),
                                  genres=(rng.choice(GENRES),), year_from=rng.randint(1960, 2000)))
    return result


def run(name: str, backend: SearchBackend, docs: int, query_count: int) -> dict:
    backend.reset()
    started = time.perf_counter()
    indexed = backend.reindex(programmes(docs), progress=lambda n: print(f"\r  {name}: {n}/{docs}", end="", flush=True))
    backend.refresh()
    elapsed = time.perf_counter() - started
    print()
    backend.search(SearchQuery(text="history"))  # warm-up: the first search loads the column view
    latencies, totals = [], []
    for query in queries(query_count):
        began = time.perf_counter()
        results = backend.search(query)
        latencies.append((time.perf_counter() - began) * 1000)
        totals.append(results.total)
    cuts = statistics.quantiles(latencies, n=100)
    return {"backend": name, "docs": indexed, "index_s": elapsed, "docs_per_s": indexed / elapsed,
            "p50_ms": cuts[49], "p95_ms": cuts[94], "hits_median": statistics.median(totals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(run("embedded", EmbeddedBackend(Path(tmp) / "search.sqlite3", "bench_"), args.docs, args.queries))
    if url := os.environ.get("ELASTICSEARCH_URL"):
        from search.backends.elasticsearch import ElasticsearchBackend

        backend = ElasticsearchBackend(url, index_prefix="bench_", replicas=0)
        rows.append(run("elasticsearch", backend, args.docs, args.queries))
        backend.client.indices.delete(index=f"{backend.alias}-*")
    print(f"\n{'backend':<14}{'docs':>9}{'index s':>10}{'docs/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'median hits':>13}")
    for r in rows:
        print(f"{r['backend']:<14}{r['docs']:>9}{r['index_s']:>10.1f}{r['docs_per_s']:>9.0f}"
              f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['hits_median']:>13.0f}")


if __name__ == "__main__":
    main()
