from django.db import models
from django.utils.translation import gettext_lazy as _

#: The year the programme measures against: reduction "before 2030" is reduction in operation by 2030.
TARGET_YEAR = 2030


class RoundKind(models.TextChoices):
    PCES = "pces", _("pCES (provinciale clusterenergiestrategie)")
    LCES = "lces", _("L-CES (landelijke clusterenergiestrategie)")
    DSH = "dsh", _("Data Safe House")
    TOP60 = "top60", _("Top-60-interviews (RVO)")
    OTHER = "overig", _("Overig")


class RoundStatus(models.TextChoices):
    PLANNED = "gepland", _("Gepland")
    OPEN = "open", _("Open")
    CLOSED = "gesloten", _("Gesloten")


class Route(models.TextChoices):
    ELECTRIFICATION = "elektrificatie", _("Elektrificatie")
    HYDROGEN = "waterstof", _("Waterstof")
    CCS = "ccs", _("CO₂-afvang en -opslag (CCS)")
    GREEN_GAS = "groen_gas", _("Groen gas")
    EFFICIENCY = "efficiency", _("Energie-efficiëntie en warmtepompen")
    RESIDUAL_HEAT = "restwarmte", _("Restwarmte")
    BIOMASS = "biomassa", _("Biomassa")
    OTHER = "overig", _("Overig")


class TemperatureLevel(models.TextChoices):
    NONE = "geen", _("Geen warmte")
    LOW = "laag", _("Laag (< 100 °C)")
    MEDIUM = "midden", _("Midden (100–200 °C)")
    HIGH = "hoog", _("Hoog (200–500 °C)")
    VERY_HIGH = "zeer_hoog", _("Zeer hoog (> 500 °C)")


class VoltageLevel(models.TextChoices):
    LV = "ls", _("Laagspanning")
    MV = "ms", _("Middenspanning")
    HV = "hs", _("Hoogspanning")
    EHV = "ehs", _("Extra hoogspanning")


class GridNeed(models.TextChoices):
    NONE = "geen", _("Geen")
    NEW = "nieuw", _("Nieuwe aansluiting")
    LARGER = "verzwaring", _("Grotere aansluiting")


class PlanStatus(models.TextChoices):
    IDEA = "idee", _("Idee")
    FEASIBILITY = "haalbaarheid", _("Haalbaarheidsstudie")
    INVESTMENT_DECISION = "investeringsbesluit", _("Investeringsbesluit")
    CONSTRUCTION = "in_aanbouw", _("In aanbouw")
    OPERATING = "in_bedrijf", _("In bedrijf")
    POSTPONED = "uitgesteld", _("Uitgesteld")
    CANCELLED = "afgeblazen", _("Afgeblazen")


#: How certain a plan is, from its status (for the grid operators' investment plans).
class Certainty(models.TextChoices):
    FIRM = "vast", _("Vast")
    LIKELY = "waarschijnlijk", _("Waarschijnlijk")
    POSSIBLE = "mogelijk", _("Mogelijk")


STATUS_CERTAINTY = {
    PlanStatus.IDEA: Certainty.POSSIBLE,
    PlanStatus.FEASIBILITY: Certainty.POSSIBLE,
    PlanStatus.POSTPONED: Certainty.POSSIBLE,
    PlanStatus.INVESTMENT_DECISION: Certainty.LIKELY,
    PlanStatus.CONSTRUCTION: Certainty.FIRM,
    PlanStatus.OPERATING: Certainty.FIRM,
}


class PriorityClass(models.IntegerChoices):
    """ACM social prioritisation of grid requests."""

    CONGESTION_RELIEF = 1, _("Congestieverzachter")
    SAFETY = 2, _("Veiligheid (defensie, politie, brandweer)")
    BASIC_NEEDS = 3, _("Basisbehoeften (zorg, onderwijs, huisvesting)")
    OTHER = 4, _("Overig")


class SubmissionStatus(models.TextChoices):
    DRAFT = "concept", _("Concept")
    SUBMITTED = "ingediend", _("Ingediend")


class ConsentPurpose(models.TextChoices):
    GRID_INVESTMENT_PLAN = "investeringsplan", _("Investeringsplan netbeheerder")
    PCES = "pces", _("Provinciale clusterenergiestrategie en pMIEK")
    LCES = "lces", _("Landelijke clusterenergiestrategie")
    POLICY = "beleid", _("Beleid en monitoring")
    CASE_APPROACH = "casusaanpak", _("Casusaanpak")
    SUBSIDY = "instrumenten", _("Subsidie- en financieringsinstrumenten")


class Change(models.TextChoices):
    """How a plan changed between two survey rounds."""

    NEW = "nieuw", _("Nieuw")
    UNCHANGED = "ongewijzigd", _("Ongewijzigd")
    ACCELERATED = "versneld", _("Versneld")
    POSTPONED = "uitgesteld", _("Uitgesteld (uitstel)")
    CANCELLED = "afgeblazen", _("Afgeblazen (afstel)")
    REDUCTION_UP = "reductie_hoger", _("Reductie verhoogd")
    REDUCTION_DOWN = "reductie_lager", _("Reductie verlaagd")
