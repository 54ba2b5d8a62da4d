"""Ordering offered exactly as the schema declares it."""

from rest_framework import filters
from rest_framework.exceptions import ValidationError


class OrderingFilter(filters.OrderingFilter):
    """DRF's ordering, limited to the view's `ordering_fields` and declared with them in the schema.

    DRF ignores an ordering it does not offer; here it is 400 `invalid_ordering`, so a client
    never believes results are sorted when they are not. A view without `ordering_fields`
    offers no ordering."""

    def choices(self, view) -> list[str]:
        fields = getattr(view, "ordering_fields", None) or []
        return [f"{sign}{field}" for field in fields for sign in ("", "-")]

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        fields = [field.strip() for field in raw.split(",")]
        unknown = [field for field in fields if field not in self.choices(view)]
        if unknown:
            raise ValidationError({self.ordering_param: [
                f"{unknown[0]!r} is not an ordering this list offers: {', '.join(self.choices(view)) or 'none'}."]},
                code="invalid_ordering")
        return fields

    def get_schema_operation_parameters(self, view) -> list[dict]:
        choices = self.choices(view)
        if not choices:
            return []
        return [{
            "name": self.ordering_param, "in": "query", "required": False,
            "description": "Comma-separated fields to sort by; a leading `-` sorts descending.",
            # OpenAPI 3.0 §4.7.12.4 style values: form without explode is `ordering=a,-b`.
            "style": "form", "explode": False,
            "schema": {"type": "array", "items": {"type": "string", "enum": choices}, "minItems": 1},
        }]
