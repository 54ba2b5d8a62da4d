"""Which of a programme's localised texts a person reads: theirs when it exists, else the original."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, get_language_info

# Django's interface language codes → the BCP 47 tags the catalogue stores (backend.common.languages).
CONTENT_TAG = {"en": "en", "zh-hans": "zh-Hans", "ar": "ar", "ur": "ur", "az": "az-Latn", "ru": "ru"}


@dataclass(frozen=True)
class Localised:
    """A text with the language it is in, so templates can set `lang` (and `dir` follows the script)."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    @property
    def bidi(self) -> bool:
        try:
            return get_language_info(self.lang.split("-")[0])["bidi"]
        except KeyError:
            return False


def viewer_tag(language: str | None = None) -> str:
    """The content tag for the active interface language (`zh-hans` → `zh-Hans`)."""
    language = (language or get_language() or "en").lower()
    return CONTENT_TAG.get(language, language)


def _same_language(stored: str, wanted: str) -> bool:
    return stored.split("-")[0].lower() == wanted.split("-")[0].lower()


def pick(values: dict, original_language: str = "", wanted: str | None = None) -> Localised | None:
    """The text in ``wanted`` (exact tag, else the same language in another script or region),
    else in the original language, else the first one given; None when there is none."""
    if not values:
        return None
    wanted = wanted or viewer_tag()
    for match in (
        lambda tag: tag == wanted,
        lambda tag: _same_language(tag, wanted),
        lambda tag: tag == original_language,
        lambda tag: True,
    ):
        for tag, text in values.items():
            if text and match(tag):
                return Localised(text if isinstance(text, str) else ", ".join(text), tag)
    return None
