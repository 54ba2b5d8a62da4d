"""Serializer fields for localised text: objects keyed by BCP 47 language tags."""

import unicodedata

import pycountry
from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.common.languages import InvalidCode, normalise_country_code, normalise_language_tag

# BCP 47's syntax (RFC 5646 §2.1) as far as a pattern can say; the language subtag must also be registered.
LANGUAGE_TAG_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$", "maxLength": 35,
                       "description": "A BCP 47 tag whose language is in the IANA registry (en, zh-Hans, ar, ur, az-Latn)"}
COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


@extend_schema_field(LANGUAGE_TAG_SCHEMA)
class LanguageTagField(serializers.CharField):
    default_error_messages = {"invalid_language": "{message}"}

    def to_internal_value(self, data):
        try:
            return normalise_language_tag(super().to_internal_value(data))
        except InvalidCode as exc:
            self.fail("invalid_language", message=str(exc))


@extend_schema_field({"type": "string", "enum": COUNTRY_CODES, "description": "ISO 3166-1 alpha-2 (any case)"})
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
        "required": "Give it in at least one language.",
    }

    def __init__(self, *, max_length: int, min_languages: int = 0, **kwargs):
        """``min_languages``: how many languages must have text (blank values do not count)."""
        self.max_length = max_length
        self.min_languages = min_languages
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
        if len(cleaned) < self.min_languages:
            self.fail("required")
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


class LocalisedFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a localised field says what it refuses: fewer languages than it needs, more
    than LOCALISED_MAX_LANGUAGES. (OpenAPI 3.0 cannot constrain property names: the tags' rules
    are in the description.)"""

    target_class = LocalisedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["maxProperties"] = settings.LOCALISED_MAX_LANGUAGES
        if self.target.min_languages:
            schema["minProperties"] = self.target.min_languages
            schema["additionalProperties"] = {**schema.get("additionalProperties", {}), "pattern": r"\S"}
        schema.setdefault("description", "Keyed by registered BCP 47 language tags (en, zh-Hans, ar, ur, az-Latn)")
        return schema
