"""Storage errors, each with the stable API ``code`` and the HTTP status a view should answer with.

Views (Django or the test server) map any :class:`StorageError` to ``{"code", "detail"}`` JSON
without knowing which backend raised it.
"""


class StorageError(Exception):
    code = "storage_error"
    status = 502

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__doc__ or self.code)
        self.detail = str(self.args[0])


class NoSuchKey(StorageError):
    """No object is stored under this key."""

    code = "not_found"
    status = 404


class NoSuchUpload(StorageError):
    """No multipart upload with this id (never created, completed or aborted)."""

    code = "upload_not_found"
    status = 404


class InvalidKey(StorageError):
    """The key is not a relative path inside the store."""

    code = "invalid_key"
    status = 400


class InvalidPart(StorageError):
    """A part is missing, out of range, or not the one that was uploaded."""

    code = "invalid_part"
    status = 400


class MissingParts(StorageError):
    """Some parts have not been received yet."""

    code = "parts_missing"
    status = 409


class SizeMismatch(StorageError):
    """The received bytes do not add up to the declared size."""

    code = "size_mismatch"
    status = 400


class ChecksumMismatch(StorageError):
    """The received bytes do not match their declared checksum."""

    code = "checksum_mismatch"
    status = 400


class IncompleteBody(StorageError):
    """The request body ended before Content-Length bytes were read."""

    code = "incomplete_body"
    status = 400


class SignatureInvalid(StorageError):
    """The URL signature does not match this request."""

    code = "signature_invalid"
    status = 403


class SignatureExpired(StorageError):
    """The signed URL has expired; ask the API for a fresh one."""

    code = "signature_expired"
    status = 403


class FileTooLarge(StorageError):
    """The file exceeds the maximum upload size."""

    code = "file_too_large"
    status = 400
