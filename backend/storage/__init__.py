"""The exchange's object store, built once from ``settings.OBJECT_STORAGE`` (rebuilt when tests
override it), and the upload part policy it allows. Media, subtitles and health all use this."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from storage import PartPolicy, Storage

# A download link is for now, not for sharing.
DOWNLOAD_URL_EXPIRY = 15 * 60


@functools.cache
def get_storage() -> Storage:
    config = settings.OBJECT_STORAGE
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@functools.cache
def get_part_policy() -> PartPolicy:
    """Part sizes within the store's limits (S3's 5 MiB minimum; the filesystem store takes any)."""
    part_size = settings.UPLOAD_PART_SIZE
    try:
        return PartPolicy(part_size=part_size, max_file_size=settings.UPLOAD_MAX_SIZE,
                          min_part_size=min(get_storage().min_part_size, part_size))
    except ValueError as error:
        raise ImproperlyConfigured(f"UPLOAD_PART_SIZE: {error}") from error


@receiver(setting_changed)
def _forget_storage(setting: str, **kwargs) -> None:
    if setting in {"OBJECT_STORAGE", "UPLOAD_PART_SIZE", "UPLOAD_MAX_SIZE"}:
        get_storage.cache_clear()
        get_part_policy.cache_clear()
