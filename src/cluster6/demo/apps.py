from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cluster6.demo"
    label = "demo"
