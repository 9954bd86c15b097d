"""Calibration tables of the demo data set: how many sites per sector and province, how large, how much
gas and electricity, and the words that synthetic names are made of.

The figures follow docs/demo-data.md, which gives their sources (domain.md and the calibration tables of
shared/data/SOURCES.md, computed from the EU ETS registry for 2022).
"""

from __future__ import annotations

from typing import NamedTuple

from cluster6.registry.constants import Sector

#: Years with emissions; the last one is the reference year of the calibration.
YEARS: tuple[int, ...] = tuple(range(2013, 2025))
REFERENCE_YEAR = 2024

#: Cluster-6 EU ETS total in the reference year, t CO2-eq per unit of scale (domain.md: about 4.7 Mton).
CLUSTER6_ETS_TOTAL_T = 4_700_000

#: Emission factor of natural gas: 1 m3 gives about 1.78 kg CO2.
CO2_T_PER_M3_GAS = 0.00178

#: Share of locations on a business park (domain.md: about 70%).
BUSINESS_PARK_SHARE = 0.70

#: Contracted capacity from which a site is connected to TenneT's grid rather than a regional one.
TENNET_CONNECTION_MW = 50.0

#: Median of the published TenneT withdrawal waiting list per province region (MW; log-normal, sigma 0.6,
#: 5-1000 MW). The engine puts the whole published list ahead of every plan (docs/engine.md, rule 4), so
#: this is the lever that calibrates the demo to the L-CES share (73% cannot or may not go ahead).
TENNET_QUEUE_MEDIAN_MW = 250.0

#: Expected cluster-6 ETS total per year relative to the reference year (SOURCES.md: 4.80 Mt in 2013, a
#: mild decline, 4.39 in 2020, 4.66 in 2021, a dip in the gas-crisis years 2022-2023, about 4.7 in 2024).
YEAR_INDEX: dict[int, float] = {
    2013: 4.80 / 4.70,
    2014: 4.78 / 4.70,
    2015: 4.80 / 4.70,
    2016: 4.76 / 4.70,
    2017: 4.74 / 4.70,
    2018: 4.70 / 4.70,
    2019: 4.64 / 4.70,
    2020: 4.39 / 4.70,
    2021: 4.66 / 4.70,
    2022: 4.38 / 4.70,
    2023: 4.47 / 4.70,
    2024: 1.0,
}
#: Year-to-year variation of a site: a trend per site (sd per year), yearly noise (sd, log scale), and the
#: share of sites that started after the first year (between LATE_START_FIRST and LATE_START_LAST).
SITE_TREND_SD = 0.012
SITE_NOISE_SD = 0.035
LATE_START_SHARE = 0.04
LATE_START_FIRST, LATE_START_LAST = 2014, 2021

#: Cluster-6 EU ETS locations per sector, per unit of scale (170). SOURCES.md, 144 industrial sites in
#: 2022: food 40, ceramics 37, other mineral incl. asphalt 21, paper 17, chemicals 12 (+3 salt), other 6,
#: glass 5, metals 3; plus the 9 AVIs, some oil and gas production and a few data centres (domain.md).
CLUSTER6_ETS_COUNTS: dict[Sector, int] = {
    Sector.FOOD: 44,
    Sector.CERAMICS: 38,
    Sector.BUILDING_MATERIALS: 22,
    Sector.PAPER: 17,
    Sector.CHEMICALS: 15,
    Sector.WASTE: 9,
    Sector.OTHER_INDUSTRY: 7,
    Sector.GLASS: 6,
    Sector.BASIC_METAL: 5,
    Sector.OIL_GAS: 5,
    Sector.ICT: 2,
}

#: Non-ETS energy-intensive cluster-6 locations per sector, per unit of scale (230).
CLUSTER6_NON_ETS_COUNTS: dict[Sector, int] = {
    Sector.FOOD: 60,
    Sector.OTHER_INDUSTRY: 35,
    Sector.BUILDING_MATERIALS: 30,
    Sector.CHEMICALS: 30,
    Sector.BASIC_METAL: 25,
    Sector.ICT: 15,
    Sector.CERAMICS: 10,
    Sector.PAPER: 10,
    Sector.WASTE: 10,
    Sector.GLASS: 5,
}

#: Locations in the geographic clusters 1 to 5, per unit of scale (65 ETS + 35 non-ETS).
CLUSTERS_1_5_ETS_COUNTS: dict[Sector, int] = {
    Sector.CHEMICALS: 25,
    Sector.ENERGY: 12,
    Sector.FOOD: 6,
    Sector.BASIC_METAL: 5,
    Sector.BUILDING_MATERIALS: 4,
    Sector.WASTE: 4,
    Sector.PAPER: 3,
    Sector.OIL_GAS: 3,
    Sector.GLASS: 2,
    Sector.OTHER_INDUSTRY: 1,
}
CLUSTERS_1_5_NON_ETS_COUNTS: dict[Sector, int] = {
    Sector.CHEMICALS: 10,
    Sector.FOOD: 8,
    Sector.OTHER_INDUSTRY: 7,
    Sector.BASIC_METAL: 5,
    Sector.BUILDING_MATERIALS: 3,
    Sector.ICT: 2,
}
#: How the cluster 1-5 locations spread over the clusters.
CLUSTER_SHARES: dict[int, float] = {1: 0.20, 2: 0.20, 3: 0.35, 4: 0.15, 5: 0.10}

#: Share of cluster-6 locations per province (SOURCES.md, 2022: Gelderland 34, Noord-Brabant 25,
#: Limburg 25, Groningen 13, Zuid-Holland 13 of 144 industrial ETS sites; non-ETS industry follows the
#: same pattern with more weight on the Randstad provinces).
PROVINCE_SHARES: dict[str, float] = {
    "PV25": 0.20,
    "PV30": 0.18,
    "PV31": 0.14,
    "PV28": 0.09,
    "PV23": 0.08,
    "PV20": 0.07,
    "PV22": 0.05,
    "PV21": 0.05,
    "PV26": 0.04,
    "PV27": 0.04,
    "PV29": 0.03,
    "PV24": 0.03,
}
#: Onshore oil and gas production is only placed in these provinces.
OIL_GAS_PROVINCES = frozenset({"PV20", "PV21", "PV22", "PV23", "PV28"})

#: Regional service areas per province, per unit of scale (57); TenneT adds one region per province.
AREAS_PER_PROVINCE: dict[str, int] = {
    "PV20": 3,
    "PV21": 3,
    "PV22": 3,
    "PV23": 5,
    "PV24": 2,
    "PV25": 8,
    "PV26": 4,
    "PV27": 6,
    "PV28": 7,
    "PV29": 3,
    "PV30": 8,
    "PV31": 5,
}

#: Quantiles (probability, kt CO2-eq) of the size of a cluster-6 ETS site in the reference year, log-linear
#: in between. SOURCES.md (2022): p25 8.7 kt, median 15.5 kt, p75 35.8 kt, p90 86.6 kt, max 217 kt, mean
#: 29.8 kt. With 170 sites and 4.7 Mt the mean is 27.6 kt, so the upper middle is a little thinner (p75
#: 28 kt); the sample is rescaled to the total, which moves these points by about 5%.
ETS_SIZE_QUANTILES: tuple[tuple[float, float], ...] = (
    (0.00, 1.5),
    (0.05, 3.5),
    (0.25, 8.7),
    (0.50, 15.5),
    (0.75, 28.0),
    (0.90, 92.0),
    (0.96, 112.0),
    (1.00, 160.0),
)


class SectorProfile(NamedTuple):
    """How a sector's sites look: typical ETS size (kt, for ranking), typical non-ETS size (kt), the share
    of emissions from natural gas, electricity use per kt CO2 (GWh), NACE codes and EU ETS activity."""

    ets_size_kt: float
    non_ets_size_kt: float
    gas_share: float
    gwh_per_kt: float
    nace_codes: tuple[str, ...]
    ets_activity: int
    words: tuple[str, ...]


PROFILES: dict[Sector, SectorProfile] = {
    Sector.FOOD: SectorProfile(
        22,
        4.0,
        0.97,
        0.35,
        ("10.51", "10.31", "10.81", "10.61", "10.62", "10.39", "10.13", "10.83", "11.05", "10.91"),
        20,
        (
            "Zuivelfabriek",
            "Aardappelverwerking",
            "Suikerfabriek",
            "Meelfabriek",
            "Zetmeelfabriek",
            "Groenteconserven",
            "Vleesverwerking",
            "Koffiebranderij",
            "Bierbrouwerij",
            "Diervoeders",
            "Kaasmakerij",
            "Cacaoverwerking",
        ),
    ),
    Sector.CERAMICS: SectorProfile(
        11,
        3.0,
        0.75,
        0.15,
        ("23.32", "23.32", "23.32", "23.31", "23.20"),
        32,
        ("Steenfabriek", "Dakpannenfabriek", "Kleiwarenfabriek", "Keramische Industrie", "Tegelfabriek"),
    ),
    Sector.GLASS: SectorProfile(
        70,
        3.5,
        0.80,
        0.25,
        ("23.13", "23.11", "23.14"),
        31,
        ("Glasfabriek", "Glasindustrie", "Verpakkingsglas", "Glasvezel"),
    ),
    Sector.CHEMICALS: SectorProfile(
        35,
        3.5,
        0.85,
        0.60,
        ("20.16", "20.30", "20.59", "20.13", "20.14", "08.93"),
        42,
        ("Chemie", "Coatings", "Harsen", "Kunststoffen", "Specialties", "Pigmenten", "Zoutwinning"),
    ),
    Sector.BASIC_METAL: SectorProfile(
        25,
        2.5,
        0.90,
        1.20,
        ("24.51", "24.52", "24.42", "24.53", "25.50"),
        25,
        ("Gieterij", "Staalgieterij", "Aluminium", "Metaalwerken", "Smederij"),
    ),
    Sector.PAPER: SectorProfile(
        40,
        4.0,
        0.97,
        0.60,
        ("17.12", "17.12", "17.21"),
        36,
        ("Papierfabriek", "Kartonfabriek", "Papier", "Golfkarton"),
    ),
    Sector.WASTE: SectorProfile(
        130,
        2.0,
        0.05,
        0.25,
        ("38.21", "38.32"),
        20,
        ("Afvalenergiecentrale", "Afval Energie Bedrijf", "Recycling", "Sorteercentrum", "Compostering"),
    ),
    Sector.BUILDING_MATERIALS: SectorProfile(
        9,
        2.5,
        0.55,
        0.20,
        ("23.99", "23.63", "23.61", "23.62", "23.52", "23.99"),
        20,
        ("Asfaltcentrale", "Betonfabriek", "Kalkzandsteenfabriek", "Steenwol", "Gipsplaten", "Kalkfabriek"),
    ),
    Sector.OIL_GAS: SectorProfile(
        20,
        2.0,
        0.70,
        0.30,
        ("06.20", "06.10"),
        20,
        ("Olie & Gas", "Gaswinning", "Oliewinning", "Exploration"),
    ),
    Sector.ICT: SectorProfile(
        2,
        0.8,
        0.40,
        0.0,
        ("63.11",),
        20,
        ("Datacenter", "DataHub", "Cloud Campus", "Datacampus"),
    ),
    Sector.OTHER_INDUSTRY: SectorProfile(
        15,
        3.0,
        0.95,
        0.50,
        ("13.96", "01.63", "29.10", "13.93", "22.29", "28.99"),
        20,
        ("Textiel", "Grasdrogerij", "Voertuigbouw", "Tapijtfabriek", "Kunststofverwerking", "Machinefabriek"),
    ),
    Sector.ENERGY: SectorProfile(
        400,
        5.0,
        0.95,
        0.05,
        ("35.11", "35.30"),
        20,
        ("Energiecentrale", "Warmtekrachtcentrale", "Stoomcentrale"),
    ),
    Sector.NON_INDUSTRIAL: SectorProfile(5, 1.0, 0.95, 0.5, ("86.10",), 20, ("Ziekenhuis", "Universiteit")),
}

#: Words for the names of AVIs (waste incineration, all in the EU ETS since 2024) versus recyclers.
AVI_WORDS = ("Afvalenergiecentrale", "Afval Energie Bedrijf", "Milieu-energie")
RECYCLING_WORDS = ("Recycling", "Sorteercentrum", "Compostering", "Kunststofrecycling")

#: Made-up names: common Dutch family names, invented brands (two syllables), and field names.
FAMILY_NAMES = (
    "Van Dijk",
    "De Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "De Boer",
    "Mulder",
    "De Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Van Leeuwen",
    "Dekker",
    "Brouwer",
    "De Wit",
    "Dijkstra",
    "Smits",
    "De Graaf",
    "Van der Meer",
    "Van der Linden",
    "Kok",
    "Jacobs",
    "De Haan",
    "Vermeulen",
    "Van den Heuvel",
    "Van der Veen",
    "Van den Broek",
    "De Bruijn",
    "Schouten",
    "Van Beek",
    "Willems",
    "Van Vliet",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Van Dam",
    "Prins",
    "Blom",
    "Huisman",
    "Kuipers",
    "Van Wijk",
    "Post",
    "Veenstra",
    "Kramer",
    "Van den Brink",
    "Scholten",
    "Postma",
    "Timmermans",
    "Groenewegen",
    "Hofman",
    "Wolters",
    "Evers",
    "Brinkman",
    "Van Rijn",
    "Bosman",
    "Oosterhof",
)
BRAND_HEADS = (
    "Ned",
    "Rijn",
    "Maas",
    "Waal",
    "IJssel",
    "Vecht",
    "Dommel",
    "Peel",
    "Kempen",
    "Veluw",
    "Twent",
    "Drent",
    "Fries",
    "Zeeuw",
    "Eem",
    "Lek",
    "Berkel",
    "Linge",
    "Roer",
    "Geul",
)
BRAND_TAILS = ("co", "mar", "ex", "ovia", "tec", "ar", "ia", "va", "pro", "ion", "lux", "nova")
TOPONYMS = (
    "De Kampen",
    "Het Broek",
    "De Mars",
    "De Hoek",
    "De Vlonder",
    "Het Hoge Veld",
    "De Waarden",
    "De Heide",
    "Het Ven",
    "De Wetering",
    "De Bunders",
    "Molenveld",
    "De Steenoven",
    "Kleiwaard",
    "De Essen",
    "Het Riet",
    "De Brand",
    "De Polder",
    "Het Zand",
    "De Pol",
    "Rijnwaard",
    "Maasoever",
    "De Schans",
    "Het Laar",
    "De Meent",
    "De Kolk",
    "Het Spijk",
    "De Greffelt",
    "Hooge Akker",
    "De Stadsweide",
)
PARK_PREFIXES = ("Bedrijventerrein", "Industrieterrein", "Bedrijvenpark", "Industriegebied")
PARK_SUFFIXES = ("Noord", "Zuid", "Oost", "West", "Haven", "Kanaalzone", "Spoorzone")
STREETS = (
    "Industrieweg",
    "Havenweg",
    "Nijverheidsweg",
    "Fabrieksweg",
    "Energieweg",
    "Ambachtsweg",
    "Kanaalweg",
    "Handelsweg",
    "Edisonweg",
    "Steenovenweg",
    "Kleiweg",
    "Spoorweg",
    "Dijkweg",
    "Molenweg",
    "Zuiderhavenweg",
    "Transportweg",
)
STATION_SUFFIXES = (
    "Noord",
    "Zuid",
    "Oost",
    "West",
    "Centrum",
    "Haven",
    "Industrie",
    "Kanaal",
    "Veld",
    "Dijk",
)
