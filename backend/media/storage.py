"""The configured object store, built once from settings (rebuilt when tests override them).

The filesystem store's part and download URLs point at the API itself (see ``urls.py``);
they are relative unless ``UPLOAD_PUBLIC_API_URL`` is set, and the views make them absolute
from the request, so they work under whatever host name the client reached the API.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from storage import PartPolicy, Storage
from storage.filesystem import FilesystemStorage
from storage.parts import S3_MIN_PART_SIZE
from storage.s3 import S3Storage

PART_PATH = "api/v1/storage/parts/"
DOWNLOAD_PATH = "api/v1/storage/objects/"
DOWNLOAD_URL_EXPIRY = 15 * 60  # seconds: a download link is for now, not for sharing

_SETTINGS = {
    "STORAGE_BACKEND", "STORAGE_ROOT", "SECRET_KEY", "UPLOAD_PUBLIC_API_URL", "UPLOAD_PART_SIZE", "UPLOAD_MAX_SIZE",
    "S3_ENDPOINT_URL", "S3_PUBLIC_ENDPOINT_URL", "S3_REGION", "S3_BUCKET", "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY", "S3_ADDRESSING_STYLE",
}


class PublicEndpointS3Storage(S3Storage):
    """Talks to S3 on its internal endpoint but signs URLs for the endpoint clients reach.

    In docker compose the API reaches MinIO as ``http://minio:9000`` while partners reach it
    under a public name; a presigned URL is only valid for the host it was signed for.
    """

    def __init__(self, bucket: str, *, public_endpoint_url: str, **options) -> None:
        super().__init__(bucket, **options)
        self.public = S3Storage(bucket, **{**options, "endpoint_url": public_endpoint_url})

    def part_url(self, key: str, upload_id: str, part_number: int, expires_in: int) -> str:
        return self.public.part_url(key, upload_id, part_number, expires_in)

    def download_url(self, key: str, expires_in: int, filename: str) -> str:
        return self.public.download_url(key, expires_in, filename)


@functools.cache
def get_storage() -> Storage:
    backend = settings.STORAGE_BACKEND
    if backend == "filesystem":
        base = settings.UPLOAD_PUBLIC_API_URL.rstrip("/") + "/" if settings.UPLOAD_PUBLIC_API_URL else "/"
        return FilesystemStorage(
            settings.STORAGE_ROOT,
            secret=salted_hmac("backend.media.storage", "signed-urls", secret=settings.SECRET_KEY).hexdigest(),
            part_base_url=base + PART_PATH,
            download_base_url=base + DOWNLOAD_PATH,
        )
    if backend == "s3":
        options = {
            "endpoint_url": settings.S3_ENDPOINT_URL,
            "region_name": settings.S3_REGION,
            "access_key": settings.S3_ACCESS_KEY_ID,
            "secret_key": settings.S3_SECRET_ACCESS_KEY,
            "addressing_style": settings.S3_ADDRESSING_STYLE,
        }
        public = settings.S3_PUBLIC_ENDPOINT_URL
        if public and public != settings.S3_ENDPOINT_URL:
            return PublicEndpointS3Storage(settings.S3_BUCKET, public_endpoint_url=public, **options)
        return S3Storage(settings.S3_BUCKET, **options)
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {backend!r}")


@functools.cache
def get_part_policy() -> PartPolicy:
    """Part sizes within the S3 limits; only the filesystem store accepts parts under 5 MiB (for tests)."""
    part_size = settings.UPLOAD_PART_SIZE
    minimum = min(S3_MIN_PART_SIZE, part_size) if settings.STORAGE_BACKEND == "filesystem" else S3_MIN_PART_SIZE
    try:
        return PartPolicy(part_size=part_size, max_file_size=settings.UPLOAD_MAX_SIZE, min_part_size=minimum)
    except ValueError as error:
        raise ImproperlyConfigured(f"UPLOAD_PART_SIZE: {error}") from error


@receiver(setting_changed)
def _forget_storage(setting: str, **kwargs) -> None:
    if setting in _SETTINGS:
        get_storage.cache_clear()
        get_part_policy.cache_clear()
