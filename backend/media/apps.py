from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "backend.media"
    label = "media"
    verbose_name = "Media uploads and assets"

    def ready(self) -> None:
        # Connects the receiver that rebuilds the storage when tests override its settings.
        from backend.media import storage  # noqa: F401
