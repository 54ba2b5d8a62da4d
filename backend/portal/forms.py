"""Forms of the portal. The programme form only collects fields: ProgrammeSerializer (the API's)
validates them, so the rules for titles, tags and countries are the API's."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from backend.catalogue.models import Genre, Programme
from backend.common.errors import flatten_errors  # the API's own error paths
from backend.portal.languages import CONTENT_TAG


class SignInForm(AuthenticationForm):
    """Username and password; only users of an active partner get in (as with tokens)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_partner": _("This account's partner is not active."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.partner_id is None or not user.partner.is_active:
            raise forms.ValidationError(self.error_messages["no_partner"], code="no_partner")


def serializer_errors(detail) -> list[tuple[str, str]]:
    """A DRF error tree as (field path, message) pairs, the paths exactly as the API names them."""
    return [(item["field"], item["detail"]) for item in flatten_errors(detail)]


class ProgrammeForm(forms.Form):
    """Title and synopsis in each interface language, and the programme's facts."""

    original_language = forms.ChoiceField(label=_("Original language"))
    production_year = forms.IntegerField(label=_("Production year"), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=0)
    countries = forms.CharField(label=_("Countries of production"), required=False,
                                help_text=_("ISO 3166-1 codes separated by commas, e.g. PK, CN"))
    genres = forms.MultipleChoiceField(label=_("Genres"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, programme: Programme | None, genres: list[Genre], **kwargs):
        self.programme = programme
        super().__init__(*args, initial=self._initial(programme), **kwargs)
        tags = list(CONTENT_TAG.values())
        extra = [tag for tag in (programme.title if programme else {}) if tag not in tags]
        self.languages = tags + extra
        self.fields["original_language"].choices = [(tag, tag) for tag in self.languages]
        self.fields["genres"].choices = [(genre.slug, genre.slug) for genre in genres]
        for tag in self.languages:
            self.fields[f"title:{tag}"] = forms.CharField(label=_("Title"), required=False, max_length=500)
            self.fields[f"synopsis:{tag}"] = forms.CharField(label=_("Synopsis"), required=False,
                                                             widget=forms.Textarea(attrs={"rows": 3}))
            for prefix in ("title", "synopsis"):
                self.fields[f"{prefix}:{tag}"].widget.attrs.update({"lang": tag, "dir": "auto"})

    @staticmethod
    def _initial(programme: Programme | None) -> dict:
        if programme is None:
            return {}
        initial = {
            "original_language": programme.original_language,
            "production_year": programme.production_year,
            "duration_minutes": round(programme.duration_seconds / 60) if programme.duration_seconds else None,
            "countries": ", ".join(programme.countries),
            "genres": [genre.slug for genre in programme.genres.all()],
        }
        initial.update({f"title:{tag}": text for tag, text in programme.title.items()})
        initial.update({f"synopsis:{tag}": text for tag, text in programme.synopsis.items()})
        return initial

    def language_rows(self):
        """(tag, title field, synopsis field) for the template, one fieldset per language."""
        return [(tag, self[f"title:{tag}"], self[f"synopsis:{tag}"]) for tag in self.languages]

    def api_data(self) -> dict:
        """The body the API's POST/PATCH /programmes/ would take."""
        data = self.cleaned_data
        minutes = data.get("duration_minutes")
        return {
            "title": {tag: data[f"title:{tag}"] for tag in self.languages if data.get(f"title:{tag}")},
            "synopsis": {tag: data[f"synopsis:{tag}"] for tag in self.languages if data.get(f"synopsis:{tag}")},
            "original_language": data["original_language"],
            "production_year": data.get("production_year"),
            "duration_seconds": minutes * 60 if minutes is not None else None,
            "countries": [code.strip() for code in data.get("countries", "").split(",") if code.strip()],
            "genres": data.get("genres", []),
        }

    def mark_invalid(self, errors: list[tuple[str, str]]) -> None:
        """Point each API error at its input (`title.zh-Hans` → the zh-Hans title), for aria-invalid."""
        for path, _message in errors:
            name = path.replace(".", ":", 1) if path.startswith(("title.", "synopsis.")) else path.split(".")[0]
            if name == "duration_seconds":
                name = "duration_minutes"
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
