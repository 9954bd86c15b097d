"""A deterministic, framework-free synthetic data set for the engine's benchmark and tests.

`generate(scale=1, seed=1)` builds plain engine inputs from one `numpy.random.default_rng(seed)`:
per unit of scale about 400 cluster-6 locations with 1 to 3 plans each, 70 regional grid areas under 12
TenneT regions (one per province), congested queues of other requests, reinforcements in 2026-2037 and
congestion end years mostly 2034-2036 at TenneT. The carrier networks are national and do not scale:
the hydrogen network reaches the coastal clusters by 2030 and the rest of the country in 2031-2033, the CO2
pipeline (Delta Rhine Corridor) runs far from most sites and comes around 2033, with CO2 by ship as an
uncertain, costlier alternative from 2029; green gas and heat come per province.

It is loosely calibrated on docs/domain.md (L-CES: 73% of the infrastructure-dependent projects cannot or may
not go ahead; most sites in Gelderland, Limburg and Noord-Brabant; mostly electrification, some hydrogen,
CCS for ceramics and waste incineration, green gas for ceramics and glass). Scale k repeats the grid k
times (areas, regions and queues are independent replicas) so the headline share is stable across scales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .model import (
    Carrier,
    CarrierRollout,
    Certainty,
    GridArea,
    GridLevel,
    Infrastructure,
    NetworkPoint,
    Parameters,
    Plan,
    PlanStatus,
    Priority,
    QueueRequest,
    Reinforcement,
    SupplyMode,
)

#: (name, abbreviation, centre lon, lat, spread lon, lat, weight of cluster-6 sites, regional operator)
PROVINCES: tuple[tuple[str, str, float, float, float, float, float, str], ...] = (
    ("Gelderland", "GLD", 5.90, 52.05, 0.45, 0.22, 0.17, "Liander"),
    ("Noord-Brabant", "NB", 5.20, 51.58, 0.55, 0.15, 0.16, "Enexis"),
    ("Limburg", "LIM", 5.90, 51.20, 0.12, 0.30, 0.15, "Enexis"),
    ("Zuid-Holland", "ZH", 4.50, 51.95, 0.25, 0.15, 0.09, "Stedin"),
    ("Overijssel", "OV", 6.40, 52.40, 0.30, 0.15, 0.08, "Enexis"),
    ("Groningen", "GR", 6.70, 53.25, 0.25, 0.12, 0.07, "Enexis"),
    ("Drenthe", "DR", 6.60, 52.85, 0.25, 0.15, 0.05, "Enexis"),
    ("Friesland", "FR", 5.80, 53.05, 0.35, 0.15, 0.05, "Liander"),
    ("Zeeland", "ZL", 3.85, 51.50, 0.30, 0.10, 0.04, "Stedin"),
    ("Utrecht", "UT", 5.20, 52.08, 0.15, 0.08, 0.04, "Stedin"),
    ("Noord-Holland", "NH", 4.85, 52.60, 0.15, 0.25, 0.05, "Liander"),
    ("Flevoland", "FL", 5.60, 52.50, 0.20, 0.10, 0.05, "Liander"),
)
#: Regional areas per province per unit of scale (70 in total).
AREAS: dict[str, int] = {
    "GLD": 10,
    "NB": 10,
    "LIM": 8,
    "ZH": 7,
    "OV": 6,
    "GR": 5,
    "DR": 4,
    "FR": 4,
    "ZL": 4,
    "UT": 4,
    "NH": 5,
    "FL": 3,
}
SECTORS: tuple[tuple[str, float], ...] = (
    ("voedingsmiddelen", 0.25),
    ("keramiek", 0.14),
    ("bouwmaterialen", 0.12),
    ("chemie", 0.11),
    ("papier", 0.07),
    ("basismetaal", 0.07),
    ("overige_industrie", 0.10),
    ("afval", 0.05),
    ("glas", 0.03),
    ("ict", 0.04),
    ("olie_gas", 0.02),
)
ROUTES: tuple[str, ...] = ("elektrificatie", "waterstof", "ccs", "groen_gas", "warmte", "efficiency")
#: Route probabilities per sector group (default, ceramics/glass, waste).
ROUTE_P: dict[str, tuple[float, ...]] = {
    "default": (0.56, 0.07, 0.03, 0.06, 0.10, 0.18),
    "keramiek": (0.35, 0.10, 0.15, 0.22, 0.02, 0.16),
    "glas": (0.45, 0.15, 0.05, 0.20, 0.02, 0.13),
    "afval": (0.15, 0.05, 0.55, 0.00, 0.15, 0.10),
}

#: Hydrogen network: (id, name, year, certainty, route of points (lon, lat)).
HYDROGEN: tuple[tuple[str, str, int, Certainty, tuple[tuple[float, float], ...]], ...] = (
    ("H2-RTM", "Waterstofnetwerk Rotterdam", 2026, Certainty.FIRM, ((4.05, 51.95), (4.35, 51.88))),
    (
        "H2-NN",
        "Waterstofnetwerk Noord-Nederland",
        2030,
        Certainty.PLANNED,
        ((6.85, 53.43), (6.93, 53.32), (6.80, 53.10)),
    ),
    (
        "H2-ZWN",
        "Waterstofnetwerk Zuidwest-Nederland",
        2030,
        Certainty.PLANNED,
        ((3.75, 51.30), (3.60, 51.45), (4.60, 51.68)),
    ),
    (
        "H2-NZKG",
        "Waterstofnetwerk Noordzeekanaalgebied",
        2030,
        Certainty.PLANNED,
        ((4.62, 52.47), (4.85, 52.41)),
    ),
    ("H2-WN", "Waterstofnetwerk West-Nederland", 2032, Certainty.PLANNED, ((4.50, 52.15), (4.45, 52.00))),
    (
        "H2-DRC",
        "Delta Rhine Corridor - waterstof",
        2032,
        Certainty.UNCERTAIN,
        ((4.60, 51.70), (5.30, 51.60), (5.80, 51.45), (5.85, 51.00)),
    ),
    (
        "H2-OOST",
        "Waterstofnetwerk Oost-Nederland",
        2033,
        Certainty.UNCERTAIN,
        ((5.90, 51.95), (6.20, 52.20), (6.60, 52.30)),
    ),
)
CO2_PIPELINES: tuple[tuple[str, str, int, Certainty, tuple[tuple[float, float], ...]], ...] = (
    ("CO2-PORTHOS", "Porthos", 2026, Certainty.FIRM, ((4.05, 51.95), (4.30, 51.89))),
    (
        "CO2-DRC",
        "Delta Rhine Corridor - CO2",
        2033,
        Certainty.PLANNED,
        ((4.60, 51.70), (5.30, 51.60), (5.85, 51.00)),
    ),
)
#: Green gas and heat per province: year and certainty (None: no rollout before the horizon).
GREEN_GAS: dict[str, tuple[int, Certainty]] = {
    "GLD": (2031, Certainty.PLANNED),
    "NB": (2030, Certainty.UNCERTAIN),
    "LIM": (2032, Certainty.PLANNED),
    "ZH": (2028, Certainty.PLANNED),
    "OV": (2029, Certainty.UNCERTAIN),
    "GR": (2027, Certainty.FIRM),
    "DR": (2027, Certainty.FIRM),
    "FR": (2028, Certainty.PLANNED),
    "ZL": (2033, Certainty.UNCERTAIN),
    "UT": (2031, Certainty.PLANNED),
    "NH": (2030, Certainty.PLANNED),
    "FL": (2029, Certainty.PLANNED),
}
HEAT: dict[str, tuple[int, Certainty]] = {
    "GLD": (2028, Certainty.PLANNED),
    "NB": (2029, Certainty.PLANNED),
    "LIM": (2029, Certainty.PLANNED),
    "ZH": (2027, Certainty.FIRM),
    "OV": (2033, Certainty.PLANNED),
    "GR": (2031, Certainty.UNCERTAIN),
    "UT": (2030, Certainty.PLANNED),
    "NH": (2028, Certainty.PLANNED),
    "FL": (2034, Certainty.UNCERTAIN),
}


@dataclass(frozen=True, slots=True)
class SyntheticData:
    plans: tuple[Plan, ...]
    infra: Infrastructure
    params: Parameters


def _certainty_for(year: int) -> Certainty:
    if year <= 2027:
        return Certainty.FIRM
    if year <= 2032:
        return Certainty.PLANNED
    return Certainty.UNCERTAIN


def carriers() -> tuple[tuple[CarrierRollout, ...], tuple[NetworkPoint, ...]]:
    """The national carrier networks (they do not scale)."""
    rollouts: list[CarrierRollout] = []
    points: list[NetworkPoint] = []
    for carrier, table in ((Carrier.HYDROGEN, HYDROGEN), (Carrier.CO2, CO2_PIPELINES)):
        for rid, name, year, certainty, route in table:
            rollouts.append(CarrierRollout(rid, carrier, year, certainty, None, SupplyMode.NETWORK, name))
            for k, (lon, lat) in enumerate(route):
                points.append(NetworkPoint(f"{rid}-{k + 1}", rid, lon, lat))
    rollouts.append(
        CarrierRollout(
            "CO2-SHIP",
            Carrier.CO2,
            2029,
            Certainty.UNCERTAIN,
            None,
            SupplyMode.ALTERNATIVE,
            "CO2 per schip (Aramis)",
        )
    )
    rollouts.append(
        CarrierRollout(
            "H2-HUB-GLD",
            Carrier.HYDROGEN,
            2029,
            Certainty.UNCERTAIN,
            "Gelderland",
            SupplyMode.NETWORK,
            "Lokale waterstofhub (pilot)",
        )
    )
    names = {abbr: name for name, abbr, *_ in PROVINCES}
    per_province: tuple[tuple[Carrier, dict[str, tuple[int, Certainty]]], ...] = (
        (Carrier.GREEN_GAS, GREEN_GAS),
        (Carrier.HEAT, HEAT),
    )
    for carrier, by_province in per_province:
        for abbr, (year, certainty) in by_province.items():
            rollouts.append(
                CarrierRollout(
                    f"{carrier.value}-{abbr}", carrier, year, certainty, names[abbr], SupplyMode.NETWORK
                )
            )
    return tuple(rollouts), tuple(points)


def generate(scale: int = 1, seed: int = 1) -> SyntheticData:
    rng = np.random.default_rng(seed)
    areas: list[GridArea] = []
    queue: list[QueueRequest] = []
    plans: list[Plan] = []
    day0 = date(2021, 1, 1).toordinal()
    weights = np.array([p[6] for p in PROVINCES])
    weights = weights / weights.sum()
    for k in range(scale):
        areas_of: dict[str, list[str]] = {}
        tennet_of: dict[str, str] = {}
        for name, abbr, *_rest in PROVINCES:
            operator = str(_rest[-1])
            tid = f"TN-{abbr}-{k + 1}"
            tennet_of[abbr] = tid
            region_queue = 0.0
            for j in range(int(rng.integers(1, 4))):  # large requests directly at TenneT
                mw = float(round(rng.uniform(20, 120)))
                region_queue += mw
                queue.append(
                    QueueRequest(
                        f"{tid}-Q{j + 1}",
                        tid,
                        mw,
                        Priority.OTHER,
                        date.fromordinal(day0 + int(rng.integers(0, 5 * 365))),
                    )
                )
            ids = []
            for j in range(AREAS[abbr]):
                aid = f"{abbr}-{k + 1}-{j + 1:02d}"
                ids.append(aid)
                congested = rng.random() < 0.7
                n_queue = int(rng.integers(15, 50)) if congested else int(rng.integers(0, 10))
                sizes = np.round(np.clip(rng.lognormal(np.log(1.2), 0.9, n_queue), 0.1, 25.0), 2)
                days = rng.integers(0, 5 * 365, n_queue)
                prio = rng.choice([1, 2, 3, 4], n_queue, p=[0.04, 0.03, 0.05, 0.88])
                for q in range(n_queue):
                    queue.append(
                        QueueRequest(
                            f"{aid}-Q{q + 1}",
                            aid,
                            float(sizes[q]),
                            Priority(int(prio[q])),
                            date.fromordinal(day0 + int(days[q])),
                        )
                    )
                area_queue = float(sizes.sum())
                region_queue += area_queue
                # A congested area has little capacity now; its reinforcements each add a part of its queue.
                end = int(rng.integers(2027, 2036)) if congested and rng.random() < 0.5 else None
                reinf = []
                for m in range(int(rng.integers(1, 4))):
                    y = int(rng.integers(2026, 2038))
                    added = rng.uniform(0.35, 0.8) * area_queue if congested else rng.uniform(5, 20)
                    reinf.append(
                        Reinforcement(
                            f"{aid}-V{m + 1}",
                            y,
                            float(round(added, 1)),
                            _certainty_for(y),
                            f"Versterking {aid} {m + 1}",
                        )
                    )
                now = rng.uniform(0, 0.15) * area_queue if congested else area_queue + rng.uniform(10, 40)
                areas.append(
                    GridArea(
                        aid,
                        GridLevel.REGIONAL,
                        float(round(now, 1)),
                        operator=operator,
                        name=f"Station {aid}",
                        parent_id=tid,
                        reinforcements=tuple(reinf),
                        congestion_end_year=end,
                        congestion_end_certainty=_certainty_for(end) if end else Certainty.PLANNED,
                    )
                )
            areas_of[abbr] = ids
            # TenneT: part of the region's queue fits now; reinforcements add more; congestion mostly ends
            # in 2034-2036.
            t_end = int(
                rng.choice([2032, 2033, 2034, 2035, 2036, 2037], p=[0.04, 0.06, 0.22, 0.38, 0.24, 0.06])
            )
            t_reinf = tuple(
                Reinforcement(
                    f"{tid}-V{j + 1}",
                    (y := int(rng.integers(2027, t_end + 1))),
                    float(round(rng.uniform(0.1, 0.3) * region_queue)),
                    _certainty_for(y),
                    f"TenneT {name} versterking {j + 1}",
                )
                for j in range(int(rng.integers(2, 5)))
            )
            areas.append(
                GridArea(
                    tid,
                    GridLevel.TENNET,
                    float(round(rng.uniform(0.75, 1.1) * region_queue)),
                    operator="TenneT",
                    name=f"TenneT {name} {k + 1}",
                    reinforcements=t_reinf,
                    congestion_end_year=t_end if rng.random() < 0.85 else None,
                    congestion_end_certainty=Certainty.PLANNED if t_end <= 2035 else Certainty.UNCERTAIN,
                )
            )

        province_idx = rng.choice(len(PROVINCES), 400, p=weights)
        for loc in range(400):
            name, abbr, lon0, lat0, slon, slat, _w, operator = PROVINCES[int(province_idx[loc])]
            lid = f"L{k + 1}-{loc + 1:04d}"
            lon = float(lon0 + rng.uniform(-slon, slon))
            lat = float(lat0 + rng.uniform(-slat, slat))
            sector = SECTORS[int(rng.choice(len(SECTORS), p=[s[1] for s in SECTORS]))][0]
            area = areas_of[abbr][int(rng.integers(0, len(areas_of[abbr])))]
            route_p = ROUTE_P.get(sector, ROUTE_P["default"])
            for j in range(int(rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25]))):
                route = ROUTES[int(rng.choice(len(ROUTES), p=route_p))]
                plans.append(
                    _plan(
                        rng,
                        f"{lid}-P{j + 1}",
                        lid,
                        name,
                        sector,
                        route,
                        lon,
                        lat,
                        area,
                        tennet_of[abbr],
                        operator,
                        day0,
                    )
                )
    rollouts, points = carriers()
    infra = Infrastructure(tuple(areas), tuple(queue), rollouts, points)
    return SyntheticData(tuple(plans), infra, Parameters())


def _plan(
    rng: np.random.Generator,
    pid: str,
    lid: str,
    province: str,
    sector: str,
    route: str,
    lon: float,
    lat: float,
    area: str,
    tennet: str,
    operator: str,
    day0: int,
) -> Plan:
    planned = int(
        rng.choice(
            [2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2034],
            p=[0.03, 0.07, 0.12, 0.16, 0.18, 0.22, 0.08, 0.08, 0.06],
        )
    )
    co2 = float(round(np.clip(rng.lognormal(np.log(6000), 1.0), 200, 250_000)))
    grid_mw = 0.0
    needs: dict[Carrier, float] = {}
    if route == "elektrificatie":
        grid_mw = float(round(np.clip(rng.lognormal(np.log(2.5), 0.9), 0.2, 60.0), 1))
    elif route == "waterstof":
        needs[Carrier.HYDROGEN] = float(round(rng.uniform(1, 20), 1))
        if rng.random() < 0.3:
            grid_mw = float(round(rng.uniform(0.5, 4), 1))
    elif route == "ccs":
        needs[Carrier.CO2] = round(co2 * 1.1)
        if rng.random() < 0.5:
            grid_mw = float(round(rng.uniform(0.5, 5), 1))
    elif route == "groen_gas":
        needs[Carrier.GREEN_GAS] = float(round(rng.uniform(1, 10), 1))
    elif route == "warmte":
        needs[Carrier.HEAT] = float(round(rng.uniform(1, 10), 1))
        if rng.random() < 0.5:
            grid_mw = float(round(rng.uniform(0.5, 6), 1))
    # Large requests are connected to TenneT directly.
    grid_area = (tennet if grid_mw >= 30 else area) if grid_mw > 0 else None
    requested = rng.random() < 0.7
    return Plan(
        id=pid,
        location_id=lid,
        province=province,
        sector=sector,
        route=route,
        planned_year=planned,
        co2_reduction_t=co2,
        grid_operator="TenneT" if grid_area == tennet else operator,
        grid_area_id=grid_area,
        grid_mw=grid_mw,
        request_date=date.fromordinal(day0 + int(rng.integers(2 * 365, 5 * 365 + 200)))
        if requested
        else None,
        priority=Priority(int(rng.choice([1, 2, 3, 4], p=[0.03, 0.02, 0.05, 0.9]))),
        accepts_flexible=bool(rng.random() < 0.3),
        needs=needs,
        lon=round(lon, 5),
        lat=round(lat, 5),
        status=PlanStatus.CANCELLED if rng.random() < 0.04 else PlanStatus.ACTIVE,
    )
