"""Search benchmark: index N multilingual programmes, then time text queries with filters and facets.

    .venv/bin/python bench/search.py [--docs 100000] [--queries 300] [--rounds 3] [--corpus harsh realistic]

Two corpora. `harsh`: 26 words per language drawn uniformly, so a two-word query matches
about 12 % of the catalogue (the worst case for ranking). `realistic`: about 150 real words
per language with Zipf-like frequencies and titles of 2-6 words; query words follow the
same frequencies. Each query is a two-word text in one language with a genre and a year
filter, facets on.

Runs the embedded backend (a SQLite file in a temporary directory), and Elasticsearch too
when ELASTICSEARCH_URL is set. Query latency is measured in a fresh backend instance
(a new process's view of the file): `first` is the first pass over the queries, which
loads each term's postings on first use; `warm` is the median over --rounds later passes.
The machine's load average is printed because other work on it skews the figures."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path
from typing import Callable, Iterator

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
# The realistic corpus: the words above plus these, about 150 real words per language.
MORE_WORDS = {
    "en": "empire war peace king queen revolution border ship sailor fisherman farmer shepherd nomad tribe temple "
          "mosque church monastery fortress castle garden oasis glacier volcano earthquake storm flood drought monsoon "
          "rain snow summer spring autumn dawn night star moon sun sky wind fire water stone gold oil cotton tea coffee "
          "rice bread spice grape cheese football wrestling horse falcon camel tiger leopard eagle whale dolphin bird "
          "fish wolf bear elephant school teacher student children mother father daughter son wedding dance song "
          "theatre cinema painter carpet pottery weaving architecture museum library science medicine doctor hospital "
          "engineer factory mine station airport port harbour capital province migration refugee election parliament "
          "language alphabet manuscript legend myth hero women youth elders memory secret mystery discovery expedition "
          "voyage coast delta canyon steppe plateau".split(),
    "zh-Hans": "帝国 战争 和平 国王 女王 革命 边境 轮船 水手 渔民 农民 牧民 游牧 部落 寺庙 清真寺 教堂 修道院 城堡 要塞 花园 绿洲 "
               "冰川 火山 地震 风暴 洪水 干旱 雨水 雪花 夏天 春天 秋天 黎明 夜晚 星星 月亮 太阳 天空 火焰 石头 黄金 石油 "
               "棉花 茶叶 咖啡 大米 面包 香料 葡萄 奶酪 足球 摔跤 骏马 猎鹰 骆驼 老虎 豹子 雄鹰 鲸鱼 海豚 鸟类 鱼类 大象 "
               "学校 老师 学生 孩子 母亲 父亲 女儿 儿子 婚礼 舞蹈 歌曲 剧院 电影 画家 地毯 陶器 纺织 建筑 博物馆 图书馆 "
               "科学 医学 医生 医院 工程师 工厂 矿山 铁路 机场 港口 码头 首都 省份 迁徙 难民 选举 议会 语言 字母 手稿 "
               "传说 神话 英雄 妇女 青年 老人 记忆 秘密 谜团 发现 探险 航行 海岸 三角洲 峡谷 草原 高原".split(),
    "ar": "إمبراطورية حرب سلام ملك ملكة ثورة حدود سفينة بحار صياد فلاح راعي بدو قبيلة معبد مسجد كنيسة دير قلعة حصن "
          "حديقة واحة جليد بركان زلزال عاصفة فيضان جفاف مطر ثلج صيف ربيع خريف فجر ليل نجم قمر شمس سماء ريح نار ماء "
          "حجر ذهب نفط قطن شاي قهوة أرز خبز توابل عنب جبن كرة مصارعة حصان صقر جمل نمر فهد نسر حوت دلفين طائر سمك "
          "ذئب دب فيل مدرسة معلم طالب أطفال أم أب ابنة ابن زفاف رقص أغنية مسرح سينما رسام سجاد فخار نسيج عمارة متحف "
          "مكتبة علم طب طبيب مستشفى مهندس مصنع منجم محطة مطار ميناء مرفأ عاصمة محافظة هجرة لاجئ انتخابات برلمان لغة "
          "أبجدية مخطوطة أسطورة خرافة بطل نساء شباب شيوخ ذاكرة سر لغز اكتشاف بعثة إبحار ساحل دلتا وادي سهوب هضبة".split(),
    "ur": "سلطنت جنگ امن بادشاہ ملکہ انقلاب سرحد جہاز ملاح مچھیرا کسان چرواہا قبیلہ مندر مسجد گرجا خانقاہ قلعہ حویلی "
          "باغ نخلستان گلیشیئر زلزلہ طوفان سیلاب بارش برف گرمی بہار خزاں صبح رات ستارہ چاند سورج آسمان ہوا آگ پانی "
          "پتھر سونا تیل کپاس چائے کافی چاول روٹی مصالحہ انگور پنیر فٹبال کشتی گھوڑا باز اونٹ شیر چیتا عقاب وہیل "
          "ڈولفن پرندہ مچھلی بھیڑیا ریچھ ہاتھی اسکول استاد طالب بچے ماں باپ بیٹی بیٹا شادی رقص گانا تھیٹر سینما مصور "
          "قالین برتن بنائی تعمیر عجائب کتب سائنس طب ڈاکٹر ہسپتال انجینئر کارخانہ کان اسٹیشن بندرگاہ دارالحکومت صوبہ "
          "ہجرت پناہ انتخابات پارلیمنٹ زبان حروف مخطوطہ داستان افسانہ ہیرو خواتین نوجوان بزرگ یاد راز معمہ دریافت "
          "مہم ساحل ڈیلٹا وادی میدان".split(),
    "az-Latn": "imperiya müharibə sülh kral kraliça inqilab sərhəd gəmi dənizçi balıqçı kəndli çoban köçəri tayfa məbəd "
               "məscid kilsə monastır qala bağ vaha buzlaq vulkan zəlzələ fırtına daşqın quraqlıq yağış qar yay yaz "
               "payız səhər gecə ulduz günəş səma külək od su daş qızıl neft pambıq qəhvə düyü çörək ədviyyat üzüm "
               "pendir futbol güləş at şahin dəvə pələng bəbir qartal balina delfin quş balıq canavar ayı fil məktəb "
               "müəllim tələbə uşaqlar ana ata qız oğul toy rəqs mahnı teatr kino rəssam xalça saxsı toxuculuq memarlıq "
               "muzey kitabxana elm tibb həkim xəstəxana mühəndis zavod mədən vağzal liman paytaxt vilayət köç qaçqın "
               "seçki parlament dil əlifba əlyazma əfsanə mif qəhrəman qadınlar gənclər ağsaqqallar yaddaş sirr tapmaca "
               "kəşf ekspedisiya sahil delta dərə çöl yayla".split(),
    "ru": "империя война мир царь царица революция граница корабль моряк рыбак крестьянин пастух кочевник племя храм "
          "мечеть церковь монастырь крепость замок сад оазис ледник вулкан землетрясение буря наводнение засуха дождь "
          "снег лето весна осень рассвет ночь звезда луна солнце небо ветер огонь вода камень золото нефть хлопок чай "
          "кофе рис хлеб пряность вино сыр футбол борьба лошадь сокол верблюд тигр барс орёл кит дельфин птица рыба "
          "волк медведь слон школа учитель студент дети мать отец дочь сын свадьба танец песня театр кино художник "
          "ковёр керамика ткачество архитектура музей библиотека наука медицина врач больница инженер завод шахта "
          "вокзал аэропорт порт гавань столица провинция миграция беженец выборы парламент язык алфавит рукопись "
          "легенда миф герой женщины молодёжь старейшины память тайна загадка открытие экспедиция плавание побережье "
          "дельта каньон степь плато".split(),
}
LANGUAGES = list(WORDS)
GENRES = ["documentary", "history", "travel", "nature", "music", "culture", "children", "news", "drama", "sport"]
OWNERS = ["PTV", "CCTV", "AZTV", "ERTU", "RTR", "BBC", "DD", "QTV", "SABC", "TRT"]
SEPARATOR = {"zh-Hans": "", "ar": " ", "ur": " "}


class Vocabulary:
    """Words per language and how often each is drawn; `realistic` follows Zipf's law in a shuffled order."""

    def __init__(self, corpus: str) -> None:
        self.realistic = corpus == "realistic"
        shuffle = random.Random(5)
        self.words, self.weights = {}, {}
        for lang in LANGUAGES:
            words = list(dict.fromkeys(WORDS[lang] + (MORE_WORDS[lang] if self.realistic else [])))
            shuffle.shuffle(words)
            self.words[lang] = words
            self.weights[lang] = list(accumulate(1 / rank if self.realistic else 1.0 for rank in range(1, len(words) + 1)))

    def sample(self, rng: random.Random, lang: str, k: int) -> list[str]:
        return rng.choices(self.words[lang], cum_weights=self.weights[lang], k=k)

    def length(self, rng: random.Random, harsh: int, low: int, high: int) -> int:
        return rng.randint(low, high) if self.realistic else harsh


def programmes(count: int, vocabulary: Vocabulary, seed: int = 6) -> Iterator[dict]:
    """A deterministic catalogue: each programme in its original language plus English and one more."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for n in range(count):
        original = rng.choice(LANGUAGES)
        languages = sorted({original, "en", rng.choice(LANGUAGES)})  # sorted: set order varies between runs
        text = lambda lang, k: SEPARATOR.get(lang, " ").join(vocabulary.sample(rng, lang, k))  # noqa: E731
        yield {
            "id": f"bench-{n:06d}",
            "owner": rng.choice(OWNERS),
            "title": {lang: text(lang, vocabulary.length(rng, 4, 2, 6)) for lang in languages},
            "synopsis": {lang: "，".join(text(lang, vocabulary.length(rng, 6, 4, 12)) for _ in range(3))
                         if lang == "zh-Hans" else text(lang, vocabulary.length(rng, 18, 10, 40)) for lang in languages},
            "keywords": {lang: sorted(set(vocabulary.sample(rng, lang, vocabulary.length(rng, 3, 2, 5))))
                         for lang in languages},
            "original_language": original,
            "genres": rng.sample(GENRES, rng.randint(1, 3)),
            "production_year": rng.randint(1960, 2026),
            "duration_seconds": rng.randint(5, 120) * 60,
            "countries": [],
            "subtitle_languages": rng.sample(LANGUAGES, rng.randint(0, 3)),
            "dub_languages": rng.sample(LANGUAGES, rng.randint(0, 2)),
            "published_at": (start + timedelta(minutes=17 * n)).isoformat(),
        }


def queries(count: int, vocabulary: Vocabulary, seed: int = 7) -> list[SearchQuery]:
    """Two-word text queries in one language, with a genre and a year filter, facets on."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        lang = rng.choice(LANGUAGES)
        words = vocabulary.sample(rng, lang, 1)
        while len(words) < 2:
            words = list(dict.fromkeys(words + vocabulary.sample(rng, lang, 1)))
        result.append(SearchQuery(text=" ".join(words), languages=(lang,),
                                  genres=(rng.choice(GENRES),), year_from=rng.randint(1960, 2000)))
    return result


def run(name: str, corpus: str, make: Callable[[], SearchBackend], docs: int, query_count: int, rounds: int) -> dict:
    vocabulary = Vocabulary(corpus)
    backend = make()
    backend.reset()
    started = time.perf_counter()
    indexed = backend.reindex(programmes(docs, vocabulary),
                              progress=lambda n: print(f"\r  {name} {corpus}: {n}/{docs}", end="", flush=True))
    backend.refresh()
    elapsed = time.perf_counter() - started
    print()
    backend.close()
    searcher = make()  # a fresh instance: no view or postings loaded yet, as in a newly started process
    searcher.search(SearchQuery())  # loads the column view, which every search needs first
    batch = queries(query_count, vocabulary)
    first, totals = _timed(searcher, batch)
    warm = [_timed(searcher, batch)[0] for _ in range(rounds)]
    searcher.close()
    return {"backend": name, "corpus": corpus, "docs": indexed, "docs_per_s": indexed / elapsed,
            "first": _percentiles(first), "warm": [statistics.median(c) for c in zip(*map(_percentiles, warm))],
            "hits_median": statistics.median(totals), "load": os.getloadavg()[0]}


def _timed(backend: SearchBackend, batch: list[SearchQuery]) -> tuple[list[float], list[int]]:
    latencies, totals = [], []
    for query in batch:
        began = time.perf_counter()
        results = backend.search(query)
        latencies.append((time.perf_counter() - began) * 1000)
        totals.append(results.total)
    return latencies, totals


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="warm passes over the queries; medians are reported")
    parser.add_argument("--corpus", nargs="+", choices=("harsh", "realistic"), default=["harsh", "realistic"])
    args = parser.parse_args()
    rows = []
    url = os.environ.get("ELASTICSEARCH_URL")
    for corpus in args.corpus:
        with tempfile.TemporaryDirectory() as tmp:
            make = lambda: EmbeddedBackend(Path(tmp) / "search.sqlite3", "bench_")  # noqa: E731
            rows.append(run("embedded", corpus, make, args.docs, args.queries, args.rounds))
        if url:
            from search.backends.elasticsearch import ElasticsearchBackend

            make = lambda: ElasticsearchBackend(url, index_prefix="bench_", replicas=0)  # noqa: E731
            rows.append(run("elasticsearch", corpus, make, args.docs, args.queries, args.rounds))
            make().drop()
    print(f"\n{'backend':<14}{'corpus':<10}{'docs':>8}{'docs/s':>8}{'first p50':>11}{'p95':>7}"
          f"{'warm p50':>10}{'p95':>7}{'median hits':>13}{'load':>6}")
    for r in rows:
        print(f"{r['backend']:<14}{r['corpus']:<10}{r['docs']:>8}{r['docs_per_s']:>8.0f}{r['first'][0]:>11.1f}"
              f"{r['first'][1]:>7.1f}{r['warm'][0]:>10.1f}{r['warm'][1]:>7.1f}{r['hits_median']:>13.0f}{r['load']:>6.1f}")


if __name__ == "__main__":
    main()
