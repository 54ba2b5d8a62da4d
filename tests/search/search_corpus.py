"""The shared contract corpus: real titles in Chinese, Arabic, Urdu, Azerbaijani, Russian, English."""

from __future__ import annotations


def programme(key: str, title: dict, synopsis: dict | None = None, *, owner: str, language: str,
              genres: list[str], year: int, minutes: int, subtitles: list[str] = (), dubs: list[str] = (),
              published: str, keywords: dict | None = None) -> dict:
    return {
        "id": f"prog-{key}", "owner": owner, "title": title, "synopsis": synopsis or {}, "keywords": keywords or {},
        "original_language": language, "genres": genres, "production_year": year,
        "duration_seconds": minutes * 60, "countries": [], "subtitle_languages": list(subtitles),
        "dub_languages": list(dubs), "published_at": published,
    }


NAMED = [
    programme("pyramids", {"ar": "أسرار الأهرامات", "en": "Secrets of the Pyramids"},
              {"ar": "رحلة إلى مكتبة الإسكندرية وأسرار بناة الأهرامات في مصر القديمة"},
              owner="ERTU", language="ar", genres=["documentary", "history"], year=2019, minutes=52,
              subtitles=["en", "zh-Hans"], published="2026-03-01T10:00:00+00:00"),
    programme("lahore", {"ur": "لاہور کی کہانی", "en": "The Story of Lahore"},
              {"ur": "بھارت اور پاکستان کی سرحد کے قریب ایک پرانا شہر اور اس کے بازار"},
              owner="PTV", language="ur", genres=["documentary", "history"], year=2024, minutes=52,
              subtitles=["en"], dubs=["ar"], published="2026-11-01T10:00:00+00:00"),
    programme("baku", {"az": "Bakı: küləklər şəhəri", "en": "Baku: City of Winds"},
              {"az": "Xəzər dənizi sahilində qədim şəhərin tarixi"},
              owner="AZTV", language="az-Latn", genres=["documentary", "travel"], year=2021, minutes=26,
              subtitles=["en", "ru"], published="2026-05-12T08:30:00+00:00"),
    programme("istanbul", {"az": "İstanbul və Qafqaz yolları"}, {"az": "Ǝski ipək yolu boyunca səyahət"},
              owner="AZTV", language="az-Latn", genres=["travel"], year=2022, minutes=45,
              subtitles=["tr"], published="2026-06-01T08:00:00+00:00"),
    programme("wall", {"zh-Hans": "中国长城的千年历史", "en": "A Thousand Years of the Great Wall"},
              {"zh-Hans": "从秦朝到明朝，长城见证了中华文明的变迁。"},
              owner="CCTV", language="zh-Hans", genres=["documentary", "history"], year=2020, minutes=50,
              subtitles=["en", "ar", "ru"], dubs=["ru"], published="2026-02-14T12:00:00+00:00"),
    programme("leopard", {"en": "Wildlife Documentary: The Snow Leopard"},
              {"en": "Filmed over three winters in the mountains of Gilgit-Baltistan."},
              owner="PTV", language="en", genres=["nature"], year=2023, minutes=48,
              subtitles=["ur", "ar"], published="2026-09-20T09:00:00+00:00"),
    programme("caspian", {"ru": "Тайны Каспийского моря", "en": "Mysteries of the Caspian Sea"},
              {"ru": "Экспедиция по северному побережью моря и его островам"},
              owner="RTR", language="ru", genres=["nature", "documentary"], year=2018, minutes=44,
              subtitles=["en", "az-Latn"], published="2026-01-05T15:00:00+00:00"),
    programme("india", {"en": "INDIA: Monsoon Diaries"}, {"en": "Rain arrives over the plains."},
              owner="DD", language="en", genres=["travel"], year=2017, minutes=30,
              published="2026-04-04T04:00:00+00:00"),
]

# Programmes in other languages whose synopses mention the English word "Leopard" in passing:
# an English query must still rank the English programme first.
NOISE = [
    programme(f"noise-{n}", title, {lang: text}, owner=owner, language=lang, genres=["nature"],
              year=2000 + n, minutes=20 + n, subtitles=["en"] if n % 2 else [], published=f"2025-0{1 + n % 9}-0{1 + n % 7}T00:00:00+00:00")
    for n, (lang, title, text, owner) in enumerate([
        ("ru", {"ru": "Горы Памира"}, "Фильм проекта Leopard о горах", "RTR"),
        ("zh-Hans", {"zh-Hans": "雪山的动物"}, "Leopard 项目拍摄的雪山动物", "CCTV"),
        ("ar", {"ar": "جبال الأطلس"}, "فيلم من مشروع Leopard عن الجبال", "ERTU"),
        ("ur", {"ur": "قراقرم کے پہاڑ"}, "Leopard منصوبے کی فلم پہاڑوں کے بارے میں", "PTV"),
        ("az-Latn", {"az": "Qafqaz dağları"}, "Leopard layihəsinin dağlar haqqında filmi", "AZTV"),
        ("ru", {"ru": "Снежные барсы Алтая"}, "Съёмки проекта Leopard на Алтае", "RTR"),
    ])
]

CORPUS = NAMED + NOISE
