"""The configured search backend: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded one."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from search.backends import get_backend
from search.backends.base import SearchBackend


@functools.cache
def search_backend() -> SearchBackend:
    return get_backend(settings.ELASTICSEARCH_URL, settings.SEARCH_EMBEDDED_PATH, settings.SEARCH_INDEX_PREFIX)


@receiver(setting_changed)
def _forget_backend(setting: str, **kwargs) -> None:
    if setting in {"ELASTICSEARCH_URL", "SEARCH_EMBEDDED_PATH", "SEARCH_INDEX_PREFIX"}:
        search_backend.cache_clear()
