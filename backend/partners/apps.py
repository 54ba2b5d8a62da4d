from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "backend.partners"
    label = "partners"
    verbose_name = "Partners, users and roles"

    def ready(self) -> None:
        from backend.partners import schema  # noqa: F401  registers the OpenAPI token scheme
