"""One error shape for the whole API: `{"code": ..., "detail": ..., "errors": [...]}`.

`code` is stable and meant for programs; `detail` is for people. Validation errors
list every problem with the field path (`title.zh-Hans`, `coproducers.1.share`), and
`detail` repeats the first one so a human reading a log sees what went wrong.

Errors of the Django-free libraries (storage, search, subtitles) carry a stable `code`
and no HTTP status; :data:`LIBRARY_ERRORS` says, by class, what each means to a client,
and the one exception handler below answers with it.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from search.errors import InvalidQuery, SearchError
from storage import errors as storage
from subtitles import SubtitleError

logger = logging.getLogger(__name__)

# Library error classes and the HTTP status each means; a subclass not listed takes its
# nearest listed base. A status with a public detail hides the internal message (logged).
LIBRARY_ERRORS: dict[type[Exception], tuple[int, str | None]] = {
    storage.StorageError: (503, "The object store is unavailable; try again shortly."),
    storage.NoSuchKey: (404, None),
    storage.NoSuchUpload: (404, None),
    storage.InvalidKey: (400, None),
    storage.InvalidPart: (400, None),
    storage.MissingParts: (409, None),
    storage.SizeMismatch: (400, None),
    storage.ChecksumMismatch: (400, None),
    storage.IncompleteBody: (400, None),
    storage.SignatureInvalid: (403, None),
    storage.SignatureExpired: (403, None),
    storage.FileTooLarge: (400, None),
    SearchError: (503, "Search is unavailable; try again shortly."),
    InvalidQuery: (400, None),
    SubtitleError: (400, None),
}


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


def flatten_errors(errors: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, code, detail}, fields as dotted paths."""
    if isinstance(errors, dict):
        items = []
        for key, value in errors.items():
            child = path if key == "non_field_errors" else (f"{path}.{key}" if path else str(key))
            items += flatten_errors(value, child)
        return items
    if isinstance(errors, list):
        if all(isinstance(e, exceptions.ErrorDetail) for e in errors):
            return [{"field": path, "code": e.code, "detail": str(e)} for e in errors]
        return [item for index, e in enumerate(errors) for item in flatten_errors(e, f"{path}.{index}" if path else str(index))]
    return [{"field": path, "code": getattr(errors, "code", "invalid"), "detail": str(errors)}]


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    errors = flatten_errors(exc.detail)
    first = errors[0] if errors else {"field": "", "code": "invalid", "detail": "Invalid input."}
    prefix = f"{first['field']}: " if first["field"] else ""
    return {"code": "invalid", "detail": prefix + first["detail"], "errors": errors}


def validation_response(detail: dict) -> JsonResponse:
    """A 400 in the validation shape for a check made before DRF's views run (query parameters)."""
    return JsonResponse(_validation_body(exceptions.ValidationError(detail)), status=400)


def library_error(exc: Exception) -> DomainError | None:
    """The API error a library error means, or None if ``exc`` is none of theirs."""
    status_and_detail = next((LIBRARY_ERRORS[cls] for cls in type(exc).__mro__ if cls in LIBRARY_ERRORS), None)
    if status_and_detail is None:
        return None
    status_code, public_detail = status_and_detail
    if public_detail:
        logger.warning("%s answered as %s", type(exc).__name__, status_code, exc_info=exc)
    extra = {name: getattr(exc, attribute) for name, attribute in (("line", "line_number"), ("findings", "findings"))
             if hasattr(exc, attribute)}
    error = DomainError(public_detail or str(exc), code=getattr(exc, "code", "error"), **extra)
    error.status_code = status_code
    return error


def django_error(exc: Exception) -> DomainError | None:
    """The API error one of Django's request errors means, or None if ``exc`` is none of them.

    Django raises these while reading the request (body too big, Host not allowed...) and
    answers them with handler400; DRF lets them through its handler, so both come here."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        error = DomainError(f"The request body is over the {limit:,} byte limit; masters go through "
                            "uploads (POST /api/v1/programmes/{id}/uploads/).", code="request_too_large", limit=limit)
        error.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return error
    if isinstance(exc, DisallowedHost):
        return DomainError("The Host header names no host this server answers for (ALLOWED_HOSTS).",
                           code="disallowed_host")
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return DomainError(str(exc), code="too_many_fields")
    if isinstance(exc, SuspiciousOperation):
        return DomainError("The request was refused as malformed.", code="bad_request")
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = library_error(exc) or django_error(exc) or exc
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


# Django's own error views (set in backend/exchange/urls.py), for what never reaches DRF:
# unknown URLs, a disallowed Host, a body over the limit read outside a DRF view, a crash.

def json_error(status_code: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail, **extra}, status=status_code)


def json_400(request, exception=None) -> JsonResponse:
    error = django_error(exception) or DomainError("Bad request.", code="bad_request")
    return json_error(error.status_code, error.get_codes(), str(error.detail), **error.extra)


def json_403(request, exception=None) -> JsonResponse:
    return json_error(403, "permission_denied", "You do not have permission to perform this action.")


def json_404(request, exception=None) -> JsonResponse:
    return json_error(404, "not_found", "Not found.")


def json_500(request) -> JsonResponse:
    return json_error(500, "server_error", "Internal server error.")
