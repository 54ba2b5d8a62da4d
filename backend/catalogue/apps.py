from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "backend.catalogue"
    label = "catalogue"
    verbose_name = "Programme catalogue"

