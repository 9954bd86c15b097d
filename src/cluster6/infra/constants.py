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


class Carrier(models.TextChoices):
    """Energy carriers other than electricity that a plan may need a connection to."""

    HYDROGEN = "waterstof", _("Waterstof")
    CO2 = "co2", _("CO₂-transport en -opslag")
    GREEN_GAS = "groen_gas", _("Groen gas")
    HEAT = "warmte", _("Warmte")


class SupplyMode(models.TextChoices):
    """How a carrier reaches a location: through a network within a practical distance, or by ship or
    truck (for CO2): a costlier alternative without a distance limit."""

    NETWORK = "net", _("Netwerk (leiding)")
    SHIP = "schip", _("Per schip")
    TRUCK = "vrachtwagen", _("Per vrachtwagen")
