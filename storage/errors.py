"""Storage errors, each with a stable ``code``; whichever backend raised it, callers see the same class.

What an error means over HTTP is the API's business (``backend.common.errors``), not the store's.
"""


class StorageError(Exception):
    code = "storage_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__doc__ or self.code)
        self.detail = str(self.args[0])


class NoSuchKey(StorageError):
    """No object is stored under this key."""

    code = "not_found"


class NoSuchUpload(StorageError):
    """No multipart upload with this id (never created, completed or aborted)."""

    code = "upload_not_found"


class InvalidKey(StorageError):
    """The key is not a relative path inside the store."""

    code = "invalid_key"


class InvalidPart(StorageError):
    """A part is missing, out of range, or not the one that was uploaded."""

    code = "invalid_part"


class MissingParts(StorageError):
    """Some parts have not been received yet."""

    code = "parts_missing"


class SizeMismatch(StorageError):
    """The received bytes do not add up to the declared size."""

    code = "size_mismatch"


class ChecksumMismatch(StorageError):
    """The received bytes do not match their declared checksum."""

    code = "checksum_mismatch"


class IncompleteBody(StorageError):
    """The request body ended before Content-Length bytes were read."""

    code = "incomplete_body"


class SignatureInvalid(StorageError):
    """The URL signature does not match this request."""

    code = "signature_invalid"


class SignatureExpired(StorageError):
    """The signed URL has expired; ask the API for a fresh one."""

    code = "signature_expired"


class FileTooLarge(StorageError):
    """The file exceeds the maximum upload size."""

    code = "file_too_large"
