"""Real multilingual catalogue entries for tests."""

KARAKORAM = {
    "title": {
        "en": "The Karakoram Highway",
        "zh-Hans": "喀喇昆仑公路",
        "ar": "طريق قراقرم السريع",
        "ur": "شاہراہ قراقرم",
        "az-Latn": "Qaraqorum şosesi",
    },
    "synopsis": {
        "en": "Engineers and villagers remember building the road between Pakistan and China.",
        "zh-Hans": "工程师和村民回忆修建中巴之间公路的岁月。",
        "ur": "انجینئر اور دیہاتی پاکستان اور چین کے درمیان سڑک کی تعمیر کو یاد کرتے ہیں۔",
    },
    "keywords": {"en": ["silk road", "engineering"], "zh-Hans": ["丝绸之路"], "ur": ["شاہراہ ریشم"]},
    "original_language": "ur",
    "genres": ["documentary", "history"],
    "production_year": 2024,
    "duration_seconds": 3120,
    "countries": ["PK", "CN"],
    "credits": [{"role": "director", "name": {"ur": "احمد علی", "en": "Ahmed Ali"}}],
}

BAKU_NIGHTS = {
    "title": {"az-Latn": "Bakı gecələri", "ru": "Ночи Баку", "en": "Baku Nights"},
    "original_language": "az-Latn",
    "genres": ["music"],
    "production_year": 2021,
    "countries": ["AZ"],
}


def programme(**overrides) -> dict:
    return {**KARAKORAM, **overrides}
