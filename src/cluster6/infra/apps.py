from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfraConfig(AppConfig):
    name = "cluster6.infra"
    label = "infra"
    verbose_name = _("Infrastructuur")
