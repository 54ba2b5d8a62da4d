"""Query parameters checked against the OpenAPI schema, in one place for every operation.

DRF and django-filter ignore what they do not know (`?page_size=null`, `?sort_by=x`, a typo in a
filter name), so a client believes it filtered or paged when it did not. Here a parameter the
schema does not declare for the operation, or an integer outside the schema's type or bounds,
is 400 before the view runs. The schema is the one drf-spectacular serves at /api/schema/, so
what is documented and what is accepted cannot drift apart.
"""

import functools
import re

from django.http import HttpRequest, HttpResponse, QueryDict
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ErrorDetail

from backend.common.errors import validation_response

Operations = dict[str, dict[str, dict]]  # method -> query parameter name -> its OpenAPI parameter object


def _path_pattern(path: str) -> re.Pattern:
    segments = ("[^/]+" if segment.startswith("{") else re.escape(segment) for segment in path.split("/"))
    return re.compile("/".join(segments))


@functools.cache
def documented_paths() -> list[tuple[re.Pattern, Operations]]:
    """Every documented path with its operations' query parameters; paths with fewer templated
    segments first, so `/tokens/mine/` would win over `/tokens/{key}/`."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = sorted(schema["paths"].items(), key=lambda item: item[0].count("{"))
    return [
        (_path_pattern(path), {
            method.upper(): {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            for method, operation in item.items()
        })
        for path, item in paths
    ]


def declared_parameters(method: str, path: str) -> dict[str, dict] | None:
    """The query parameters the schema declares for this request's operation; None if undocumented."""
    for pattern, operations in documented_paths():
        if pattern.fullmatch(path):
            return operations.get(method)
    return None


def value_problem(value: str, schema: dict) -> ErrorDetail | None:
    """Why ``value`` is not an integer the schema allows, with DRF's codes for the same problems.

    Only integers are checked here: pagination quietly ignores a bad page size; everything else
    (enums, dates, language tags...) is checked, with its own codes, by the filter or serializer."""
    if schema.get("type") != "integer":
        return None
    if not re.fullmatch(r"-?[0-9]{1,18}", value):
        return ErrorDetail(f"{value!r} is not a whole number.", code="invalid")
    if int(value) < schema.get("minimum", -float("inf")):
        return ErrorDetail(f"Must be at least {schema['minimum']}.", code="min_value")
    if int(value) > schema.get("maximum", float("inf")):
        return ErrorDetail(f"Must be at most {schema['maximum']}.", code="max_value")
    return None


def query_problems(parameters: dict[str, dict], query: QueryDict) -> dict[str, list[ErrorDetail]]:
    """Each refused parameter (`name`, or `name.index` for an item of a list) with its problem."""
    problems = {}
    for name, values in query.lists():
        parameter = parameters.get(name)
        if parameter is None:
            problems[name] = [ErrorDetail(f"This operation takes no parameter {name!r}.", code="unknown_parameter")]
            continue
        schema = parameter.get("schema", {})
        if schema.get("type") == "array":
            # Lists are taken repeated (`a&a`, form exploded) or comma-separated (form not exploded,
            # OpenAPI 3.0 §4.7.12.4) alike.
            items = [item for value in values for item in value.split(",")]
            problems.update({f"{name}.{index}": [problem] for index, item in enumerate(items)
                             if (problem := value_problem(item, schema.get("items", {})))})
        elif problem := value_problem(values[-1], schema):
            problems[name] = [problem]
    return problems


class QueryParameterMiddleware:
    """400 naming each parameter the schema refuses (`unknown_parameter`, `invalid`, `min_value`, `max_value`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parameters = declared_parameters(request.method, request.path_info) if request.GET else None
        problems = query_problems(parameters, request.GET) if parameters is not None else None
        return validation_response(problems) if problems else self.get_response(request)
