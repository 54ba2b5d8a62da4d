from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "backend.search"
    label = "search"
    verbose_name = "Catalogue search"

    def ready(self) -> None:
        from backend.search import receivers  # noqa: F401  catalogue changes reach the index
