from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "backend.media"
    label = "media"
    verbose_name = "Media uploads and assets"

    def ready(self) -> None:
        from backend.media import receivers  # noqa: F401  stored sources reach the workers
