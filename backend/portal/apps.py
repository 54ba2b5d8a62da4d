from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "backend.portal"
    label = "portal"
    verbose_name = "Partner portal"

    def ready(self) -> None:
        from backend.portal import schema  # noqa: F401  registers the OpenAPI session scheme
