from django import template

from backend.portal import labels
from backend.portal.languages import pick

register = template.Library()


@register.filter
def localised(values: dict, original_language: str = ""):
    """``{{ programme.title|localised:programme.original_language }}`` → a text with its ``lang``."""
    return pick(values or {}, original_language)


@register.filter
def get(mapping: dict, key):
    return (mapping or {}).get(key)


@register.filter
def label(value: str, vocabulary: str) -> str:
    """The translated name of a domain value: ``{{ licence.state|label:"LICENCE_STATES" }}``."""
    return getattr(labels, vocabulary).get(value, value)


@register.filter(name="labels")
def labels_of(values, vocabulary: str) -> list:
    return [label(value, vocabulary) for value in values or ()]


@register.filter
def shown(value) -> str:
    """A measured value for people: lists joined (an empty one as a dash), others as they are."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)
