from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CommonConfig(AppConfig):
    name = "backend.common"
    label = "common"
    verbose_name = "Shared rules: errors, languages, health"

    def ready(self) -> None:
        # The embedded defaults keep the database, stores, static files and the filesystem
        # broker's folders (which publishers and workers both need) under DATA_DIR.
        broker_folders = [value for name, value in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()
                          if name.endswith("folder") or name.startswith("data_folder")]
        for folder in (settings.DATA_DIR, settings.STATIC_ROOT, *broker_folders):
            Path(folder).mkdir(parents=True, exist_ok=True)
