from django.apps import AppConfig
from django.conf import settings


class CommonConfig(AppConfig):
    name = "backend.common"
    label = "common"
    verbose_name = "Shared rules: errors, languages, health"

    def ready(self) -> None:
        # The embedded defaults keep the database, stores and static files under DATA_DIR.
        for folder in (settings.DATA_DIR, settings.STATIC_ROOT):
            folder.mkdir(parents=True, exist_ok=True)
