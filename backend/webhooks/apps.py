from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "backend.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from backend.webhooks import receivers  # noqa: F401  domain events become deliveries; deliveries tasks
