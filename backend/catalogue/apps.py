from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "backend.catalogue"
    label = "catalogue"
    verbose_name = "Programme catalogue"

    def ready(self) -> None:
        from backend.catalogue import receivers  # noqa: F401  connects catalogue signals to indexing
