import django_filters
from django import forms

from backend.catalogue.models import Programme
from backend.common.languages import InvalidCode, normalise_language_tag


class LanguageTagFormField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return normalise_language_tag(value) if value else value
        except InvalidCode as exc:
            # django-filter %-formats every message with its params: user text goes in params only.
            raise forms.ValidationError("%(problem)s", code="invalid_language", params={"problem": str(exc)}) from exc


class LanguageTagFilter(django_filters.CharFilter):
    field_class = LanguageTagFormField


class ProgrammeFilter(django_filters.FilterSet):
    genre = django_filters.CharFilter(field_name="genres__slug", distinct=True, help_text="Genre slug")
    language = LanguageTagFilter(field_name="original_language", help_text="Original language (BCP 47)")
    partner = django_filters.CharFilter(field_name="owner__code", help_text="Owner's partner code")
    year = django_filters.NumberFilter(field_name="production_year")
    year_from = django_filters.NumberFilter(field_name="production_year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="production_year", lookup_expr="lte")
    state = django_filters.ChoiceFilter(choices=Programme.State.choices)
    kind = django_filters.ChoiceFilter(choices=Programme.Kind.choices)
    parent = django_filters.UUIDFilter(field_name="parent_id")

    class Meta:
        model = Programme
        fields = ["genre", "language", "partner", "year", "year_from", "year_to", "state", "kind", "parent"]
