"""The sector of an EU ETS installation, from its NACE code and its EU ETS activity code.

`sector_for(nace_code, activity_code, heuristic)` decides in this order:

1. **Process activity.** An Annex I activity that names a manufacturing process decides, because it says
   what the installation itself does (a chemical company's ceramic kiln is ceramics; a paint maker's
   glass furnace is glass): glass (7, 31), ceramics (8, 32), mineral wool and gypsum (33, 34), pulp and
   paper (9, 35, 36), chemicals (37-44: carbon black, nitric and adipic acid, glyoxal, ammonia, bulk
   chemicals, hydrogen, soda ash), refining (2, 21), iron, steel and non-ferrous metals (3-5, 22-28) and
   cement clinker (29). Lime kilns (6, 30) do not decide: sugar factories run them.
2. **NACE code** (Rev. 2), division by division, see `_nace_sector`.
3. **The file's `sector_group_heuristic`**, when the file has one (`HEURISTIC_SECTORS`).
4. Lime or cement activity without NACE: building materials.
5. Otherwise (combustion or opt-in without any other clue): `Sector.NON_INDUSTRIAL`.

On the real NL file this agrees with `sector_group_heuristic` for every installation in the industrial
groups except a handful that the heuristic moved with name rules (see docs/formats.md).
"""

from __future__ import annotations

import re

from ..constants import Sector

#: Annex I activities that name a process; combustion (1, 20), aviation (10) and opt-in (99) do not.
ACTIVITY_SECTORS: dict[int, Sector] = {
    2: Sector.OTHER_INDUSTRY,  # mineral oil refineries
    21: Sector.OTHER_INDUSTRY,  # refining of mineral oil
    3: Sector.BASIC_METAL,  # coke ovens
    4: Sector.BASIC_METAL,  # metal ore roasting or sintering
    5: Sector.BASIC_METAL,  # pig iron or steel
    22: Sector.BASIC_METAL,  # production of coke
    23: Sector.BASIC_METAL,
    24: Sector.BASIC_METAL,
    25: Sector.BASIC_METAL,
    26: Sector.BASIC_METAL,
    27: Sector.BASIC_METAL,
    28: Sector.BASIC_METAL,
    29: Sector.BUILDING_MATERIALS,  # cement clinker
    7: Sector.GLASS,
    31: Sector.GLASS,
    8: Sector.CERAMICS,
    32: Sector.CERAMICS,
    33: Sector.BUILDING_MATERIALS,  # mineral wool
    34: Sector.BUILDING_MATERIALS,  # gypsum, plasterboard
    9: Sector.PAPER,
    35: Sector.PAPER,
    36: Sector.PAPER,
    37: Sector.CHEMICALS,
    38: Sector.CHEMICALS,
    39: Sector.CHEMICALS,
    40: Sector.CHEMICALS,
    41: Sector.CHEMICALS,
    42: Sector.CHEMICALS,
    43: Sector.CHEMICALS,
    44: Sector.CHEMICALS,
}
#: Lime and cement kilns: only used when nothing else is known.
LIME_ACTIVITIES = frozenset({6, 30})

#: NACE classes that differ from their division's sector.
NACE_CLASS_SECTORS: dict[str, Sector] = {
    "09.1": Sector.OIL_GAS,  # support activities for petroleum and natural gas extraction
    "09.10": Sector.OIL_GAS,
    "23.14": Sector.BUILDING_MATERIALS,  # glass fibres: in NL glass-wool insulation and veils
}

#: NACE groups (three digits) within division 23, non-metallic mineral products.
NACE23_GROUP_SECTORS: dict[str, Sector] = {
    "23.1": Sector.GLASS,
    "23.2": Sector.CERAMICS,  # refractory products
    "23.3": Sector.CERAMICS,  # clay building materials: bricks, roof tiles
    "23.4": Sector.CERAMICS,  # porcelain and ceramic products
    "23.5": Sector.BUILDING_MATERIALS,  # cement, lime, plaster
    "23.6": Sector.BUILDING_MATERIALS,  # concrete, cement and plaster articles
    "23.7": Sector.BUILDING_MATERIALS,  # cut stone
    "23.9": Sector.BUILDING_MATERIALS,  # abrasives and other mineral products: asphalt, rock wool
}

#: NACE divisions (two digits).
NACE_DIVISION_SECTORS: dict[int, Sector] = {
    **dict.fromkeys((1, 2, 3), Sector.NON_INDUSTRIAL),  # agriculture and horticulture
    5: Sector.OTHER_INDUSTRY,  # coal mining
    6: Sector.OIL_GAS,  # crude petroleum and natural gas
    7: Sector.OTHER_INDUSTRY,  # metal ores
    8: Sector.OTHER_INDUSTRY,  # other mining and quarrying: salt
    **dict.fromkeys((10, 11, 12), Sector.FOOD),  # food, beverages, tobacco
    **dict.fromkeys((13, 14, 15, 16), Sector.OTHER_INDUSTRY),  # textiles, leather, wood
    17: Sector.PAPER,
    18: Sector.OTHER_INDUSTRY,  # printing
    19: Sector.OTHER_INDUSTRY,  # coke and refined petroleum products
    **dict.fromkeys((20, 21, 22), Sector.CHEMICALS),  # chemicals, pharmaceuticals, rubber and plastics
    24: Sector.BASIC_METAL,  # basic metals, including foundries (24.5)
    **dict.fromkeys(range(25, 34), Sector.OTHER_INDUSTRY),  # metal products, machines, vehicles, repair
    35: Sector.ENERGY,  # electricity, gas, steam
    **dict.fromkeys((36, 37, 39), Sector.NON_INDUSTRIAL),  # water, sewerage, remediation
    38: Sector.WASTE,  # waste collection, treatment, incineration, recovery
    **dict.fromkeys(range(41, 44), Sector.NON_INDUSTRIAL),  # construction
    **dict.fromkeys(range(45, 48), Sector.NON_INDUSTRIAL),  # trade
    **dict.fromkeys(range(49, 54), Sector.NON_INDUSTRIAL),  # transport and storage
    **dict.fromkeys((61, 62, 63), Sector.ICT),  # telecommunications, data processing, data centres
    **dict.fromkeys(range(84, 89), Sector.NON_INDUSTRIAL),  # government, education, health care
}

#: The Dutch groups of the file's `sector_group_heuristic`, used only as a fallback.
HEURISTIC_SECTORS: dict[str, Sector] = {
    "voedingsmiddelen": Sector.FOOD,
    "keramiek": Sector.CERAMICS,
    "papier en karton": Sector.PAPER,
    "chemie": Sector.CHEMICALS,
    "glas": Sector.GLASS,
    "overige minerale producten": Sector.BUILDING_MATERIALS,
    "cement/kalk": Sector.BUILDING_MATERIALS,
    "metaal": Sector.BASIC_METAL,
    "overige industrie": Sector.OTHER_INDUSTRY,
    "zout/mineralen winning": Sector.OTHER_INDUSTRY,
    "raffinage": Sector.OTHER_INDUSTRY,
    "energie (elektriciteit/warmte)": Sector.ENERGY,
    "olie- en gaswinning": Sector.OIL_GAS,
    "afval/bio-energie": Sector.WASTE,
    "afval/water": Sector.WASTE,
    "ict/datacenters": Sector.ICT,
    "overig (nace 63)": Sector.ICT,
    "glastuinbouw/landbouw": Sector.NON_INDUSTRIAL,
    "transport/opslag (o.a. gas)": Sector.NON_INDUSTRIAL,
    "zorg/onderwijs/overheid": Sector.NON_INDUSTRIAL,
    "overig (nace 46)": Sector.NON_INDUSTRIAL,
}

_NACE = re.compile(r"^(\d{2})(?:\.(\d{1,2}))?$")


def _nace_sector(nace_code: str) -> Sector | None:
    match = _NACE.match(nace_code.strip())
    if not match:
        return None
    code = nace_code.strip()
    for prefix in (code, code[:4]):
        if prefix in NACE_CLASS_SECTORS:
            return NACE_CLASS_SECTORS[prefix]
    division = int(match.group(1))
    if division == 23:
        return NACE23_GROUP_SECTORS.get(code[:4], Sector.BUILDING_MATERIALS)
    return NACE_DIVISION_SECTORS.get(division)


def sector_for(nace_code: str, activity_code: int | None, heuristic: str = "") -> Sector:
    """The cluster-6 sector of an installation (see the module docstring for the rules)."""
    if activity_code is not None and activity_code in ACTIVITY_SECTORS:
        return ACTIVITY_SECTORS[activity_code]
    by_nace = _nace_sector(nace_code) if nace_code else None
    if by_nace is not None:
        return by_nace
    by_heuristic = HEURISTIC_SECTORS.get(heuristic.strip().lower())
    if by_heuristic is not None:
        return by_heuristic
    if activity_code in LIME_ACTIVITIES:
        return Sector.BUILDING_MATERIALS
    return Sector.NON_INDUSTRIAL
