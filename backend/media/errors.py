"""Storage errors as API errors: the storage error's stable code and HTTP status, in the API's error shape."""

from backend.common.errors import DomainError
from storage import StorageError


def api_error(error: StorageError) -> DomainError:
    exception = DomainError(error.detail, code=error.code)
    exception.status_code = error.status
    return exception
