"""Serializer fields for localised text: objects keyed by BCP 47 language tags."""

import unicodedata

from django.conf import settings
from rest_framework import serializers

from backend.common.languages import InvalidCode, normalise_country_code, normalise_language_tag


class LanguageTagField(serializers.CharField):
    default_error_messages = {"invalid_language": "{message}"}

    def to_internal_value(self, data):
        try:
            return normalise_language_tag(super().to_internal_value(data))
        except InvalidCode as exc:
            self.fail("invalid_language", message=str(exc))


class CountryCodeField(serializers.CharField):
    default_error_messages = {"invalid_country": "{message}"}

    def to_internal_value(self, data):
        try:
            return normalise_country_code(super().to_internal_value(data))
        except InvalidCode as exc:
            self.fail("invalid_country", message=str(exc))


def clean_text(value: str) -> str:
    # NFC so that the same Arabic, Urdu or Azerbaijani word typed on different
    # keyboards is stored (and later indexed) as the same code points.
    return unicodedata.normalize("NFC", value).strip()


class LocalisedField(serializers.DictField):
    """`{"en": "...", "zh-Hans": "..."}`: tags are validated and normalised, values cleaned.

    Each error names the language it is about, so the API reports `title.zh-Hans`.
    """

    default_error_messages = {
        "too_many_languages": "At most {limit} languages.",
        "duplicate_language": "{tag!r} is given twice (as {first!r} and {second!r}).",
    }

    def __init__(self, *, max_length: int, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("child", serializers.CharField(max_length=max_length, allow_blank=True, trim_whitespace=True))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, dict) and len(data) > settings.LOCALISED_MAX_LANGUAGES:
            self.fail("too_many_languages", limit=settings.LOCALISED_MAX_LANGUAGES)
        values = super().to_internal_value(data)
        cleaned, errors, seen = {}, {}, {}
        for raw_tag, value in values.items():
            try:
                tag = normalise_language_tag(raw_tag)
            except InvalidCode as exc:
                errors[raw_tag] = [serializers.ErrorDetail(str(exc), code="invalid_language")]
                continue
            if tag in seen:
                errors[raw_tag] = [
                    serializers.ErrorDetail(
                        self.error_messages["duplicate_language"].format(tag=tag, first=seen[tag], second=raw_tag),
                        code="duplicate_language",
                    )
                ]
                continue
            seen[tag] = raw_tag
            value = self.clean_value(value)
            if value:
                cleaned[tag] = value
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned

    def clean_value(self, value):
        return clean_text(value)


class LocalisedKeywordsField(LocalisedField):
    """`{"en": ["silk road", "history"], "zh-Hans": ["丝绸之路"]}`."""

    def __init__(self, **kwargs):
        max_length = settings.LOCALISED_TEXT_MAX_LENGTH["keyword"]
        child = serializers.ListField(
            child=serializers.CharField(max_length=max_length, trim_whitespace=True), max_length=50
        )
        super().__init__(max_length=max_length, child=child, **kwargs)

    def clean_value(self, value):
        # Keep order, drop blanks and duplicates.
        return list(dict.fromkeys(clean_text(keyword) for keyword in value if clean_text(keyword)))
