"""The genre vocabulary partners filter on, with names in the exchange's main languages."""

# slug: (en, zh-Hans, ar, ur, az-Latn, ru)
GENRES = {
    "documentary": ("Documentary", "纪录片", "وثائقي", "دستاویزی فلم", "Sənədli film", "Документальный"),
    "news": ("News", "新闻", "أخبار", "خبریں", "Xəbərlər", "Новости"),
    "current-affairs": ("Current affairs", "时事", "شؤون جارية", "حالات حاضرہ", "Aktual məsələlər", "Актуальные события"),
    "drama": ("Drama", "剧情", "دراما", "ڈراما", "Dram", "Драма"),
    "children": ("Children", "少儿", "أطفال", "بچوں کے پروگرام", "Uşaqlar üçün", "Детский"),
    "education": ("Education", "教育", "تعليمي", "تعلیمی", "Təhsil", "Образовательный"),
    "culture": ("Culture", "文化", "ثقافة", "ثقافت", "Mədəniyyət", "Культура"),
    "music": ("Music", "音乐", "موسيقى", "موسیقی", "Musiqi", "Музыка"),
    "history": ("History", "历史", "تاريخ", "تاریخ", "Tarix", "История"),
    "nature": ("Nature", "自然", "طبيعة", "فطرت", "Təbiət", "Природа"),
    "science": ("Science", "科学", "علوم", "سائنس", "Elm", "Наука"),
    "travel": ("Travel", "旅游", "سفر", "سفر", "Səyahət", "Путешествия"),
    "food": ("Food", "美食", "طعام", "کھانا", "Mətbəx", "Кулинария"),
    "sport": ("Sport", "体育", "رياضة", "کھیل", "İdman", "Спорт"),
    "religion": ("Religion", "宗教", "دين", "مذہب", "Din", "Религия"),
    "animation": ("Animation", "动画", "رسوم متحركة", "اینیمیشن", "Animasiya", "Анимация"),
    "entertainment": ("Entertainment", "综艺", "ترفيه", "تفریح", "Əyləncə", "Развлечения"),
    "biography": ("Biography", "传记", "سيرة", "سوانح", "Bioqrafiya", "Биография"),
}
LANGUAGES = ("en", "zh-Hans", "ar", "ur", "az-Latn", "ru")


def seed_genres(genre_model) -> None:
    """Create or refresh the vocabulary (idempotent). Takes the model so migrations can pass theirs."""
    for slug, names in GENRES.items():
        genre_model.objects.update_or_create(slug=slug, defaults={"name": dict(zip(LANGUAGES, names))})
