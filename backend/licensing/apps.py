from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "backend.licensing"
    label = "licensing"
    verbose_name = "Licensing"
