"""Built-in geography for the demo: the twelve provinces and a list of real municipalities.

These are facts (CBS codes and names of the 2025 municipal division, an approximate interior point of each
municipality in WGS84), used only when the database holds no boundaries yet. The last number of each
municipality is its weight when placing cluster-6 locations: the number of cluster-6 EU ETS installations
that reported emissions there in 2022, so that synthetic sites land where real industry is.
"""

from __future__ import annotations

from typing import NamedTuple


class BuiltinProvince(NamedTuple):
    code: str
    name: str
    abbreviation: str


class BuiltinMunicipality(NamedTuple):
    code: str
    name: str
    province_code: str
    lon: float
    lat: float
    ets_sites: int


PROVINCES: tuple[BuiltinProvince, ...] = (
    BuiltinProvince("PV20", "Groningen", "GR"),
    BuiltinProvince("PV21", "Fryslân", "FR"),
    BuiltinProvince("PV22", "Drenthe", "DR"),
    BuiltinProvince("PV23", "Overijssel", "OV"),
    BuiltinProvince("PV24", "Flevoland", "FL"),
    BuiltinProvince("PV25", "Gelderland", "GLD"),
    BuiltinProvince("PV26", "Utrecht", "UT"),
    BuiltinProvince("PV27", "Noord-Holland", "NH"),
    BuiltinProvince("PV28", "Zuid-Holland", "ZH"),
    BuiltinProvince("PV29", "Zeeland", "ZL"),
    BuiltinProvince("PV30", "Noord-Brabant", "NB"),
    BuiltinProvince("PV31", "Limburg", "LB"),
)

#: The province code of Gelderland (the demo province account).
GELDERLAND = "PV25"

#: Regional grid operators per province (the capacity map's service areas), first is the main one.
REGIONAL_OPERATORS: dict[str, tuple[str, ...]] = {
    "PV20": ("Enexis",),
    "PV21": ("Liander",),
    "PV22": ("Enexis", "Rendo"),
    "PV23": ("Enexis", "Coteq"),
    "PV24": ("Liander",),
    "PV25": ("Liander",),
    "PV26": ("Stedin",),
    "PV27": ("Liander",),
    "PV28": ("Stedin", "Westland"),
    "PV29": ("Stedin",),
    "PV30": ("Enexis",),
    "PV31": ("Enexis",),
}

#: The four-digit postcode range per province (approximate; postcodes do not follow province borders).
POSTCODE_RANGES: dict[str, tuple[int, int]] = {
    "PV20": (9600, 9999),
    "PV21": (8400, 9299),
    "PV22": (7700, 7999),
    "PV23": (7400, 7699),
    "PV24": (8200, 8399),
    "PV25": (6500, 7399),
    "PV26": (3400, 3999),
    "PV27": (1000, 2199),
    "PV28": (2200, 3399),
    "PV29": (4300, 4599),
    "PV30": (4600, 5899),
    "PV31": (5900, 6499),
}

MUNICIPALITIES: tuple[BuiltinMunicipality, ...] = (
    BuiltinMunicipality("GM1979", "Eemsdelta", "PV20", 6.776, 53.330, 0),
    BuiltinMunicipality("GM0014", "Groningen", "PV20", 6.577, 53.208, 4),
    BuiltinMunicipality("GM1966", "Het Hogeland", "PV20", 6.434, 53.358, 0),
    BuiltinMunicipality("GM1952", "Midden-Groningen", "PV20", 6.777, 53.184, 4),
    BuiltinMunicipality("GM1895", "Oldambt", "PV20", 7.064, 53.189, 2),
    BuiltinMunicipality("GM0765", "Pekela", "PV20", 6.965, 53.065, 2),
    BuiltinMunicipality("GM0047", "Veendam", "PV20", 6.878, 53.084, 3),
    BuiltinMunicipality("GM1969", "Westerkwartier", "PV20", 6.346, 53.214, 1),
    BuiltinMunicipality("GM1950", "Westerwolde", "PV20", 7.139, 52.996, 1),
    BuiltinMunicipality("GM0059", "Achtkarspelen", "PV21", 6.151, 53.208, 1),
    BuiltinMunicipality("GM1940", "De Fryske Marren", "PV21", 5.552, 52.933, 1),
    BuiltinMunicipality("GM0072", "Harlingen", "PV21", 5.447, 53.178, 1),
    BuiltinMunicipality("GM0074", "Heerenveen", "PV21", 5.924, 52.998, 1),
    BuiltinMunicipality("GM0080", "Leeuwarden", "PV21", 5.774, 53.171, 1),
    BuiltinMunicipality("GM1900", "Súdwest-Fryslân", "PV21", 5.169, 53.001, 1),
    BuiltinMunicipality("GM0737", "Tytsjerksteradiel", "PV21", 5.976, 53.205, 2),
    BuiltinMunicipality("GM1949", "Waadhoeke", "PV21", 5.600, 53.231, 1),
    BuiltinMunicipality("GM1680", "Aa en Hunze", "PV22", 6.731, 52.981, 1),
    BuiltinMunicipality("GM0106", "Assen", "PV22", 6.551, 52.997, 1),
    BuiltinMunicipality("GM0109", "Coevorden", "PV22", 6.722, 52.754, 2),
    BuiltinMunicipality("GM1690", "De Wolden", "PV22", 6.225, 52.706, 1),
    BuiltinMunicipality("GM0114", "Emmen", "PV22", 6.952, 52.753, 0),
    BuiltinMunicipality("GM0118", "Hoogeveen", "PV22", 6.503, 52.728, 1),
    BuiltinMunicipality("GM1731", "Midden-Drenthe", "PV22", 6.567, 52.870, 1),
    BuiltinMunicipality("GM1699", "Noordenveld", "PV22", 6.421, 53.095, 1),
    BuiltinMunicipality("GM0150", "Deventer", "PV23", 6.231, 52.273, 1),
    BuiltinMunicipality("GM0153", "Enschede", "PV23", 6.869, 52.224, 2),
    BuiltinMunicipality("GM0163", "Hellendoorn", "PV23", 6.454, 52.389, 2),
    BuiltinMunicipality("GM0164", "Hengelo (O.)", "PV23", 6.731, 52.252, 2),
    BuiltinMunicipality("GM0175", "Ommen", "PV23", 6.447, 52.511, 1),
    BuiltinMunicipality("GM0180", "Staphorst", "PV23", 6.208, 52.636, 1),
    BuiltinMunicipality("GM0193", "Zwolle", "PV23", 6.106, 52.514, 2),
    BuiltinMunicipality("GM0034", "Almere", "PV24", 5.224, 52.369, 1),
    BuiltinMunicipality("GM0995", "Lelystad", "PV24", 5.428, 52.538, 4),
    BuiltinMunicipality("GM0171", "Noordoostpolder", "PV24", 5.765, 52.728, 1),
    BuiltinMunicipality("GM0050", "Zeewolde", "PV24", 5.440, 52.348, 0),
    BuiltinMunicipality("GM0200", "Apeldoorn", "PV25", 5.929, 52.175, 2),
    BuiltinMunicipality("GM0202", "Arnhem", "PV25", 5.875, 52.006, 1),
    BuiltinMunicipality("GM1945", "Berg en Dal", "PV25", 5.921, 51.812, 2),
    BuiltinMunicipality("GM1859", "Berkelland", "PV25", 6.597, 52.102, 1),
    BuiltinMunicipality("GM1876", "Bronckhorst", "PV25", 6.269, 52.053, 1),
    BuiltinMunicipality("GM0213", "Brummen", "PV25", 6.125, 52.111, 3),
    BuiltinMunicipality("GM0222", "Doetinchem", "PV25", 6.281, 51.959, 1),
    BuiltinMunicipality("GM0225", "Druten", "PV25", 5.621, 51.868, 1),
    BuiltinMunicipality("GM0226", "Duiven", "PV25", 6.019, 51.947, 1),
    BuiltinMunicipality("GM0233", "Ermelo", "PV25", 5.662, 52.285, 1),
    BuiltinMunicipality("GM1705", "Lingewaard", "PV25", 5.944, 51.908, 3),
    BuiltinMunicipality("GM0262", "Lochem", "PV25", 6.342, 52.172, 1),
    BuiltinMunicipality("GM0263", "Maasdriel", "PV25", 5.317, 51.786, 1),
    BuiltinMunicipality("GM1955", "Montferland", "PV25", 6.206, 51.925, 1),
    BuiltinMunicipality("GM1740", "Neder-Betuwe", "PV25", 5.465, 51.921, 2),
    BuiltinMunicipality("GM0267", "Nijkerk", "PV25", 5.476, 52.215, 1),
    BuiltinMunicipality("GM0268", "Nijmegen", "PV25", 5.839, 51.843, 3),
    BuiltinMunicipality("GM1734", "Overbetuwe", "PV25", 5.786, 51.922, 1),
    BuiltinMunicipality("GM0274", "Renkum", "PV25", 5.793, 51.992, 1),
    BuiltinMunicipality("GM0281", "Tiel", "PV25", 5.415, 51.888, 2),
    BuiltinMunicipality("GM1960", "West Betuwe", "PV25", 5.196, 51.870, 2),
    BuiltinMunicipality("GM0294", "Winterswijk", "PV25", 6.737, 51.968, 1),
    BuiltinMunicipality("GM0297", "Zaltbommel", "PV25", 5.069, 51.782, 1),
    BuiltinMunicipality("GM0299", "Zevenaar", "PV25", 6.080, 51.928, 5),
    BuiltinMunicipality("GM0308", "Baarn", "PV26", 5.259, 52.200, 1),
    BuiltinMunicipality("GM0321", "Houten", "PV26", 5.178, 52.008, 1),
    BuiltinMunicipality("GM0344", "Utrecht", "PV26", 5.099, 52.084, 6),
    BuiltinMunicipality("GM1961", "Vijfheerenlanden", "PV26", 5.043, 51.931, 1),
    BuiltinMunicipality("GM0632", "Woerden", "PV26", 4.894, 52.114, 1),
    BuiltinMunicipality("GM0358", "Aalsmeer", "PV27", 4.760, 52.261, 1),
    BuiltinMunicipality("GM0361", "Alkmaar", "PV27", 4.819, 52.600, 2),
    BuiltinMunicipality("GM0363", "Amsterdam", "PV27", 4.869, 52.374, 0),
    BuiltinMunicipality("GM0375", "Beverwijk", "PV27", 4.672, 52.479, 0),
    BuiltinMunicipality("GM0400", "Den Helder", "PV27", 4.757, 52.922, 2),
    BuiltinMunicipality("GM0384", "Diemen", "PV27", 4.988, 52.340, 1),
    BuiltinMunicipality("GM1980", "Dijk en Waard", "PV27", 4.808, 52.682, 1),
    BuiltinMunicipality("GM0392", "Haarlem", "PV27", 4.650, 52.384, 0),
    BuiltinMunicipality("GM0394", "Haarlemmermeer", "PV27", 4.715, 52.324, 10),
    BuiltinMunicipality("GM1911", "Hollands Kroon", "PV27", 4.934, 52.853, 5),
    BuiltinMunicipality("GM0420", "Medemblik", "PV27", 5.130, 52.719, 1),
    BuiltinMunicipality("GM0439", "Purmerend", "PV27", 4.904, 52.541, 2),
    BuiltinMunicipality("GM0453", "Velsen", "PV27", 4.622, 52.450, 0),
    BuiltinMunicipality("GM0479", "Zaanstad", "PV27", 4.774, 52.469, 0),
    BuiltinMunicipality("GM0518", "'s-Gravenhage", "PV28", 4.282, 52.074, 5),
    BuiltinMunicipality("GM0482", "Alblasserdam", "PV28", 4.665, 51.860, 1),
    BuiltinMunicipality("GM0489", "Barendrecht", "PV28", 4.528, 51.852, 1),
    BuiltinMunicipality("GM0503", "Delft", "PV28", 4.361, 51.996, 2),
    BuiltinMunicipality("GM0505", "Dordrecht", "PV28", 4.687, 51.770, 1),
    BuiltinMunicipality("GM0512", "Gorinchem", "PV28", 4.978, 51.842, 2),
    BuiltinMunicipality("GM0513", "Gouda", "PV28", 4.710, 52.018, 2),
    BuiltinMunicipality("GM0546", "Leiden", "PV28", 4.481, 52.151, 3),
    BuiltinMunicipality("GM1978", "Molenlanden", "PV28", 4.842, 51.892, 1),
    BuiltinMunicipality("GM0599", "Rotterdam", "PV28", 4.001, 51.922, 0),
    BuiltinMunicipality("GM1992", "Voorne aan Zee", "PV28", 4.140, 51.870, 1),
    BuiltinMunicipality("GM1783", "Westland", "PV28", 4.200, 51.998, 2),
    BuiltinMunicipality("GM0637", "Zoetermeer", "PV28", 4.488, 52.062, 1),
    BuiltinMunicipality("GM0638", "Zoeterwoude", "PV28", 4.506, 52.114, 1),
    BuiltinMunicipality("GM0642", "Zwijndrecht", "PV28", 4.614, 51.824, 3),
    BuiltinMunicipality("GM0654", "Borsele", "PV29", 3.816, 51.444, 0),
    BuiltinMunicipality("GM0664", "Goes", "PV29", 3.855, 51.514, 1),
    BuiltinMunicipality("GM0687", "Middelburg (Z.)", "PV29", 3.644, 51.502, 1),
    BuiltinMunicipality("GM1695", "Noord-Beveland", "PV29", 3.773, 51.571, 1),
    BuiltinMunicipality("GM0703", "Reimerswaal", "PV29", 4.047, 51.447, 1),
    BuiltinMunicipality("GM0715", "Terneuzen", "PV29", 3.840, 51.282, 0),
    BuiltinMunicipality("GM0718", "Vlissingen", "PV29", 3.607, 51.461, 0),
    BuiltinMunicipality("GM0796", "'s-Hertogenbosch", "PV30", 5.358, 51.715, 2),
    BuiltinMunicipality("GM0748", "Bergen op Zoom", "PV30", 4.285, 51.505, 5),
    BuiltinMunicipality("GM1706", "Cranendonck", "PV30", 5.583, 51.288, 1),
    BuiltinMunicipality("GM0766", "Dongen", "PV30", 4.958, 51.642, 1),
    BuiltinMunicipality("GM0772", "Eindhoven", "PV30", 5.447, 51.449, 3),
    BuiltinMunicipality("GM0777", "Etten-Leur", "PV30", 4.643, 51.578, 1),
    BuiltinMunicipality("GM0779", "Geertruidenberg", "PV30", 4.879, 51.697, 1),
    BuiltinMunicipality("GM0794", "Helmond", "PV30", 5.666, 51.474, 1),
    BuiltinMunicipality("GM0797", "Heusden", "PV30", 5.165, 51.689, 1),
    BuiltinMunicipality("GM1659", "Laarbeek", "PV30", 5.610, 51.532, 1),
    BuiltinMunicipality("GM1982", "Land van Cuijk", "PV30", 5.851, 51.663, 4),
    BuiltinMunicipality("GM1948", "Meierijstad", "PV30", 5.520, 51.587, 2),
    BuiltinMunicipality("GM1709", "Moerdijk", "PV30", 4.536, 51.663, 0),
    BuiltinMunicipality("GM0828", "Oss", "PV30", 5.536, 51.778, 1),
    BuiltinMunicipality("GM1674", "Roosendaal", "PV30", 4.425, 51.510, 2),
    BuiltinMunicipality("GM0848", "Son en Breugel", "PV30", 5.491, 51.518, 1),
    BuiltinMunicipality("GM0851", "Steenbergen", "PV30", 4.311, 51.598, 1),
    BuiltinMunicipality("GM0855", "Tilburg", "PV30", 5.064, 51.585, 3),
    BuiltinMunicipality("GM0888", "Beek (L.)", "PV31", 5.813, 50.933, 1),
    BuiltinMunicipality("GM0893", "Bergen (L.)", "PV31", 6.078, 51.590, 1),
    BuiltinMunicipality("GM0899", "Brunssum", "PV31", 5.976, 50.944, 1),
    BuiltinMunicipality("GM1903", "Eijsden-Margraten", "PV31", 5.764, 50.805, 1),
    BuiltinMunicipality("GM0928", "Kerkrade", "PV31", 6.059, 50.875, 3),
    BuiltinMunicipality("GM1641", "Maasgouw", "PV31", 5.893, 51.158, 2),
    BuiltinMunicipality("GM0935", "Maastricht", "PV31", 5.700, 50.859, 6),
    BuiltinMunicipality("GM1894", "Peel en Maas", "PV31", 5.979, 51.331, 2),
    BuiltinMunicipality("GM0957", "Roermond", "PV31", 6.016, 51.209, 4),
    BuiltinMunicipality("GM1883", "Sittard-Geleen", "PV31", 5.836, 51.008, 0),
    BuiltinMunicipality("GM0971", "Stein (L.)", "PV31", 5.759, 50.974, 1),
    BuiltinMunicipality("GM0983", "Venlo", "PV31", 6.144, 51.393, 3),
    BuiltinMunicipality("GM0984", "Venray", "PV31", 5.961, 51.508, 1),
)
