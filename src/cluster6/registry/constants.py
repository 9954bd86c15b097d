from django.db import models
from django.utils.translation import gettext_lazy as _

#: L-CES scope thresholds (domain.md section 3): more than 1 million m3 gas or more than 10 GWh electricity.
LCES_GAS_THRESHOLD_M3 = 1_000_000
LCES_ELECTRICITY_THRESHOLD_GWH = 10

CLUSTER6 = 6

#: The default municipalities of the geographic clusters 1 to 5 (seeded into ClusterMunicipality, which is
#: editable in the admin): (cluster, CBS code, name).
DEFAULT_CLUSTER_MUNICIPALITIES: list[tuple[int, str, str]] = [
    (1, "GM1979", "Eemsdelta"),
    (1, "GM1966", "Het Hogeland"),
    (1, "GM0114", "Emmen"),
    (2, "GM0453", "Velsen"),
    (2, "GM0375", "Beverwijk"),
    (2, "GM0363", "Amsterdam"),
    (2, "GM0479", "Zaanstad"),
    (3, "GM0599", "Rotterdam"),
    (3, "GM1709", "Moerdijk"),
    (4, "GM0718", "Vlissingen"),
    (4, "GM0654", "Borsele"),
    (4, "GM0715", "Terneuzen"),
    (5, "GM1883", "Sittard-Geleen"),
    (5, "GM0971", "Stein"),
    (5, "GM0888", "Beek"),
]


class OrganisationKind(models.TextChoices):
    COMPANY = "bedrijf", _("Bedrijf")
    GRID_OPERATOR = "netbeheerder", _("Netbeheerder")
    MINISTRY = "ministerie", _("Ministerie")
    RVO = "rvo", _("RVO")
    FOUNDATION = "stichting", _("Stichting Cluster 6")
    PROVINCE = "provincie", _("Provincie")
    OTHER = "overig", _("Overig")


class Sector(models.TextChoices):
    """The eleven cluster-6 sectors of the Action Plan, plus two groups for ETS participants outside them."""

    CERAMICS = "keramiek", _("Keramiek")
    GLASS = "glas", _("Glas")
    CHEMICALS = "chemie", _("Chemie")
    FOOD = "voedingsmiddelen", _("Voedingsmiddelen")
    BASIC_METAL = "basismetaal", _("Basismetaal en gieterijen")
    PAPER = "papier", _("Papier en karton")
    WASTE = "afval", _("Afvalverbranding (AVI) en recycling")
    BUILDING_MATERIALS = "bouwmaterialen", _("Bouwmaterialen en asfalt")
    OIL_GAS = "olie_gas", _("Olie- en gaswinning")
    ICT = "ict", _("ICT (datacenters)")
    OTHER_INDUSTRY = "overige_industrie", _("Overige industrie")
    ENERGY = "energie", _("Energievoorziening (elektriciteit en warmte)")
    NON_INDUSTRIAL = "niet_industrieel", _("Overig, niet-industrieel")


#: The eleven sectors of the programme (domain.md section 1).
CLUSTER6_SECTORS = frozenset(
    {
        Sector.CERAMICS,
        Sector.GLASS,
        Sector.CHEMICALS,
        Sector.FOOD,
        Sector.BASIC_METAL,
        Sector.PAPER,
        Sector.WASTE,
        Sector.BUILDING_MATERIALS,
        Sector.OIL_GAS,
        Sector.ICT,
        Sector.OTHER_INDUSTRY,
    }
)
#: Manufacturing sectors: the "industrial subset" used for the ETS calibration figures.
INDUSTRIAL_SECTORS = frozenset(
    {
        Sector.CERAMICS,
        Sector.GLASS,
        Sector.CHEMICALS,
        Sector.FOOD,
        Sector.BASIC_METAL,
        Sector.PAPER,
        Sector.BUILDING_MATERIALS,
        Sector.OTHER_INDUSTRY,
    }
)


class Cluster(models.IntegerChoices):
    #: Counted in no cluster: outside the five clusters and outside the programme's scope (power plants,
    #: hospitals, greenhouses; docs/scope.md).
    OUTSIDE = 0, _("Buiten de clusters")
    NOORD_NEDERLAND = 1, _("1 Noord-Nederland")
    NOORDZEEKANAALGEBIED = 2, _("2 Noordzeekanaalgebied")
    ROTTERDAM_MOERDIJK = 3, _("3 Rotterdam-Moerdijk")
    ZEELAND = 4, _("4 Schelde-Deltaregio (Zeeland)")
    CHEMELOT = 5, _("5 Chemelot")
    CLUSTER6 = 6, _("6 Cluster 6")


class EmissionSource(models.TextChoices):
    EU_ETS = "eu_ets", _("EU ETS (EUTL)")
    NEA = "nea", _("NEa emissiecijfers")
    COMPANY = "bedrijf", _("Opgave bedrijf")
    DEMO = "demo", _("Synthetisch (demo)")


#: When several sources give a figure for one location and year, the first in this order counts.
EMISSION_SOURCE_PRIORITY = (
    EmissionSource.EU_ETS,
    EmissionSource.NEA,
    EmissionSource.COMPANY,
    EmissionSource.DEMO,
)


class DataOrigin(models.TextChoices):
    IMPORT = "import", _("Import")
    MANUAL = "handmatig", _("Handmatig")
    DEMO = "demo", _("Synthetisch (demo)")


class ScopeArea(models.TextChoices):
    """Where a scope rule applies (docs/scope.md)."""

    ANY = "overal", _("Overal")
    CLUSTER_MUNICIPALITY = "clustergemeente", _("In een gemeente van cluster 1–5")
    ELSEWHERE = "elders", _("Op land, buiten de gemeenten van cluster 1–5")
    SEA = "zee", _("Op zee (offshore)")


class ScopeOutcome(models.TextChoices):
    """What a scope rule decides."""

    CLUSTER6 = "cluster6", _("Telt mee in cluster 6")
    GEOGRAPHIC = "geografisch", _("Cluster van de gemeente (1–5)")
    OUTSIDE = "buiten", _("Buiten de clusters")
