"""One error shape for the whole API: `{"code": ..., "detail": ..., "errors": [...]}`.

`code` is stable and meant for programs; `detail` is for people. Validation errors
list every problem with the field path (`title.zh-Hans`, `coproducers.1.share`), and
`detail` repeats the first one so a human reading a log sees what went wrong.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(exceptions.APIException):
    """A rule of the exchange was broken; subclasses fix the HTTP status."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, detail: str, code: str | None = None, **extra: Any):
        super().__init__(detail, code or self.default_code)
        self.extra = extra


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


def _flatten(errors: Any, path: str = "") -> list[dict[str, str]]:
    if isinstance(errors, dict):
        items = []
        for key, value in errors.items():
            child = path if key == "non_field_errors" else (f"{path}.{key}" if path else str(key))
            items += _flatten(value, child)
        return items
    if isinstance(errors, list):
        if all(isinstance(e, exceptions.ErrorDetail) for e in errors):
            return [{"field": path, "code": e.code, "detail": str(e)} for e in errors]
        return [item for index, e in enumerate(errors) for item in _flatten(e, f"{path}.{index}" if path else str(index))]
    return [{"field": path, "code": getattr(errors, "code", "invalid"), "detail": str(errors)}]


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    errors = _flatten(exc.detail)
    first = errors[0] if errors else {"field": "", "code": "invalid", "detail": "Invalid input."}
    prefix = f"{first['field']}: " if first["field"] else ""
    return {"code": "invalid", "detail": prefix + first["detail"], "errors": errors}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(getattr(exc, "detail", exc)),
            **getattr(exc, "extra", {}),
        }
    return response


def json_404(request, exception=None) -> JsonResponse:
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def json_500(request) -> JsonResponse:
    return JsonResponse({"code": "server_error", "detail": "Internal server error."}, status=500)
