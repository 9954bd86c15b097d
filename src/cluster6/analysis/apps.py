from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "cluster6.analysis"
    label = "analysis"
    verbose_name = _("Analyse")

    def ready(self) -> None:
        from cluster6.core.signals import inputs_changed

        from .freshness import on_inputs_changed

        inputs_changed.connect(on_inputs_changed, dispatch_uid="analysis.refresh_on_inputs_changed")
