from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cluster6.core"
    label = "core"
    verbose_name = "Core"
