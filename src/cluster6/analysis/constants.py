from django.db import models
from django.utils.translation import gettext_lazy as _


class Feasibility(models.TextChoices):
    """The classes of the L-CES analysis (the engine's FeasibilityClass values)."""

    CAN = "can", _("Kan doorgaan")
    MAY_NOT = "may_not", _("Mag (nog) niet")
    CANNOT = "cannot", _("Kan niet")
    NOT_DEPENDENT = "not_dependent", _("Geen nieuwe infrastructuur nodig")
    EXCLUDED = "excluded", _("Niet meegeteld (afgeblazen)")


class Bottleneck(models.TextChoices):
    GRID_CONGESTION = "grid_congestion", _("Netcongestie")
    DISTANCE = "distance", _("Afstand tot hoofdinfrastructuur")
    HYDROGEN = "hydrogen", _("Waterstof")
    CO2 = "co2", _("CO₂-infrastructuur")
    GREEN_GAS = "green_gas", _("Groen gas")
    HEAT = "heat", _("Warmte")


class Binding(models.TextChoices):
    NONE = "none", _("Geen")
    REGIONAL = "regional", _("Regionaal net")
    TENNET = "tennet", _("TenneT")


class RunKind(models.TextChoices):
    BASELINE = "basis", _("Basis")
    SCENARIO = "scenario", _("Scenario")


class ProjectKind(models.TextChoices):
    GRID_REINFORCEMENT = "grid_reinforcement", _("Netversterking")
    CONGESTION_END = "congestion_end", _("Einde congestie")
    CARRIER_ROLLOUT = "carrier_rollout", _("Uitrol drager")


#: Dimensions of the aggregates, as the engine names them, with their labels.
DIMENSIONS = {
    "province": _("Provincie"),
    "sector": _("Sector"),
    "route": _("Route"),
    "grid_operator": _("Netbeheerder"),
}

#: Colours of the classes on maps and charts (colour-blind safe, after Okabe-Ito).
FEASIBILITY_COLOURS = {
    Feasibility.CAN: "#009E73",
    Feasibility.MAY_NOT: "#E69F00",
    Feasibility.CANNOT: "#D55E00",
    Feasibility.NOT_DEPENDENT: "#56B4E9",
    Feasibility.EXCLUDED: "#999999",
}
