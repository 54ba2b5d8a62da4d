from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "backend.media"
    label = "media"
    verbose_name = "Media uploads and assets"

    def ready(self) -> None:
        # Connects the receivers: storage rebuilt when tests override its settings; uploads to the pipeline.
        from backend.media import receivers, storage  # noqa: F401
