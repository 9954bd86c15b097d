from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cluster6.api"
    label = "api"
