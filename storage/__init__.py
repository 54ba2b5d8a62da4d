"""Object storage: one interface (:class:`Storage`), an S3 backend and a local-filesystem backend."""

from .base import ObjectInfo, Part, Storage, content_disposition, validate_key
from .errors import StorageError
from .parts import PartPlan, PartPolicy

__all__ = [
    "ObjectInfo",
    "Part",
    "PartPlan",
    "PartPolicy",
    "Storage",
    "StorageError",
    "content_disposition",
    "validate_key",
]
