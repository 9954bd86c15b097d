from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorType(models.TextChoices):
    RNB = "rnb", _("Regionale netbeheerder")
    TENNET = "tennet", _("Landelijke netbeheerder (TenneT)")


class CongestionColour(models.IntegerChoices):
    """Colour codes of the Netbeheer Nederland capacity map."""

    NOT_APPLICABLE = -1, _("n.v.t.")
    AVAILABLE = 0, _("Transportcapaciteit beschikbaar")
    LIMITED = 1, _("Beperkt beschikbaar, geen wachtrij")
    INVESTIGATION = 2, _("Congestieonderzoek, wachtrij")
    SHORTAGE = 3, _("Tekort, wachtrij")


class Certainty(models.TextChoices):
    FIRM = "vast", _("Vast")
    PLANNED = "gepland", _("Gepland")
    UNCERTAIN = "onzeker", _("Onzeker")


class ProjectPhase(models.TextChoices):
    SCHEDULED = "scheduled", _("Ingepland")
    IN_PROGRESS = "inProgress", _("In uitvoering")
    APPROVED = "approved", _("Goedgekeurd")
    UNKNOWN = "unknown", _("Onbekend")


class CongestionLayer(models.TextChoices):
    RNB_WITHDRAWAL = "rnb_afname", _("Regionaal net – afname")
    RNB_INJECTION = "rnb_invoeding", _("Regionaal net – invoeding")
    TENNET_WITHDRAWAL = "tennet_afname", _("TenneT – afname")
    TENNET_INJECTION = "tennet_invoeding", _("TenneT – invoeding")
