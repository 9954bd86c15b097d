"""Availability of hydrogen, CO2 transport, green gas and heat at a plan's location (rules 9 and 10).

A rollout reaches a plan when its region matches the plan's province (or it is national) and, for a network
rollout, the plan lies within the carrier's maximum distance for a direct connection. The year available is
the earliest year of the rollouts that reach the plan; the certain year leaves out uncertain rollouts.
Everything is computed as a [plan, rollout] matrix per carrier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import NEVER, BoolArray, FloatArray, IntArray, haversine_km, to_metres, to_metres_array
from .demand import Demand
from .model import CARRIERS, Certainty, Infrastructure, Parameters, SupplyMode


@dataclass(frozen=True, slots=True)
class Segments:
    """The rollouts, sorted by carrier, network before alternative, then id (this order breaks ties)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    carrier: IntArray  # index into CARRIERS
    year: IntArray  # the raw year
    certain: BoolArray
    alternative: BoolArray
    firm: BoolArray
    region: IntArray  # index into demand.provinces, -1 national, -2 a region without plans
    points: tuple[tuple[FloatArray, FloatArray], ...]  # (lon, lat) per rollout, empty arrays when none


def compile_segments(infra: Infrastructure, demand: Demand) -> Segments:
    province_index = {name: i for i, name in enumerate(demand.provinces)}
    order = sorted(
        infra.rollouts,
        key=lambda r: (CARRIERS.index(r.carrier), r.mode != SupplyMode.NETWORK, r.id),
    )
    by_rollout: dict[str, list[tuple[float, float]]] = {}
    for pt in infra.points:
        by_rollout.setdefault(pt.rollout_id, []).append((pt.lon, pt.lat))
    points = []
    for r in order:
        coords = by_rollout.get(r.id, [])
        points.append(
            (
                np.array([c[0] for c in coords], dtype=np.float64),
                np.array([c[1] for c in coords], dtype=np.float64),
            )
        )
    return Segments(
        ids=tuple(r.id for r in order),
        names=tuple(r.name for r in order),
        carrier=np.array([CARRIERS.index(r.carrier) for r in order], dtype=np.int64),
        year=np.array([r.year for r in order], dtype=np.int64),
        certain=np.array([r.certainty != Certainty.UNCERTAIN for r in order], dtype=np.bool_),
        alternative=np.array([r.mode == SupplyMode.ALTERNATIVE for r in order], dtype=np.bool_),
        firm=np.array([r.certainty == Certainty.FIRM for r in order], dtype=np.bool_),
        region=np.array(
            [-1 if r.region is None else province_index.get(r.region, -2) for r in order], dtype=np.int64
        ),
        points=tuple(points),
    )


def effective_years(year: IntArray, params: Parameters) -> IntArray:
    """A rollout before the base year counts from the base year; after the horizon it never comes."""
    clipped = np.maximum(year, params.base_year)
    return np.where(clipped > params.horizon_year, NEVER, clipped).astype(np.int64)


@dataclass(frozen=True, slots=True)
class CarrierMatrix:
    """For one carrier (in CARRIERS order): the plans that need it (rows) and its rollouts (columns)."""

    plans: IntArray  # plan indices
    segments: IntArray  # segment indices
    usable: BoolArray  # reaches the plan (within the distance, or an allowed alternative)
    usable_nodist: BoolArray  # would reach it without the distance limit
    distance_m: FloatArray  # [plan] reported distance to the nearest network (nan: unknown)


@dataclass(frozen=True, slots=True)
class CarrierAvailability:
    """Per carrier [carrier, plan]: years (NEVER when none, NO_NEED where not needed) and the rollout used."""

    all: IntArray
    certain: IntArray
    nodist_all: IntArray
    nodist_certain: IntArray
    via: IntArray  # segment index or -1
    distance_m: FloatArray
    matrices: tuple[CarrierMatrix, ...]
    firm: IntArray  # firm rollouts only (the latest year of the range)


def carrier_matrices(demand: Demand, seg: Segments, params: Parameters) -> tuple[CarrierMatrix, ...]:
    out = []
    for c, carrier in enumerate(CARRIERS):
        plans = np.flatnonzero(demand.needs[c])
        segs = np.flatnonzero(seg.carrier == c)
        region = seg.region[segs]
        prov = demand.province[plans]
        region_ok = (region[None, :] == -1) | (region[None, :] == prov[:, None])
        # Distance of each plan to each network rollout in whole metres (nan: unknown).
        dist = np.full((plans.shape[0], segs.shape[0]), np.nan)
        lon, lat = demand.lon[plans], demand.lat[plans]
        for k, s in enumerate(segs.tolist()):
            plon, plat = seg.points[s]
            if plon.shape[0] and plans.shape[0]:
                d = haversine_km(lon[:, None], lat[:, None], plon[None, :], plat[None, :]).min(axis=1)
                dist[:, k] = to_metres_array(d)
        pre = demand.distance_m[c, plans]
        dist = np.where(np.isnan(pre)[:, None], dist, pre[:, None])
        alternative = seg.alternative[segs]
        network = ~alternative
        max_m = float(to_metres(params.max_distance(carrier)))
        within = np.isnan(dist) | (dist <= max_m)
        alt_ok = alternative & params.allow_alternatives
        usable = region_ok & ((network[None, :] & within) | alt_ok[None, :])
        usable_nodist = region_ok & (network | alt_ok)[None, :]
        net_dist = np.where(region_ok & network[None, :], dist, np.nan)
        reported = np.fmin.reduce(net_dist, axis=1, initial=np.nan)
        out.append(CarrierMatrix(plans, segs, usable, usable_nodist, reported))
    return tuple(out)


def _earliest(years: IntArray) -> IntArray:
    """Per row (plan), the earliest of its years; NEVER for a row without any (no rollout)."""
    return years.min(axis=1, initial=NEVER)


def availability(
    demand: Demand, seg: Segments, matrices: tuple[CarrierMatrix, ...], params: Parameters
) -> CarrierAvailability:
    n = demand.counted.shape[0]
    shape = (len(CARRIERS), n)
    res = {
        k: np.zeros(shape, dtype=np.int64) for k in ("all", "certain", "firm", "nodist_all", "nodist_certain")
    }
    via = np.full(shape, -1, dtype=np.int64)
    distance = np.full(shape, np.nan)
    eff = effective_years(seg.year, params)
    for c, m in enumerate(matrices):
        if m.plans.shape[0] == 0:
            continue
        years = eff[m.segments][None, :]
        certain = seg.certain[m.segments][None, :]
        # The earliest year of the rollouts that reach the plan (NEVER when none does), and the first such
        # rollout (the segments are in tie-breaking order).
        masked = np.where(m.usable, years, NEVER)
        res["all"][c, m.plans] = _earliest(masked)
        res["certain"][c, m.plans] = _earliest(np.where(m.usable & certain, years, NEVER))
        firm = seg.firm[m.segments][None, :]
        res["firm"][c, m.plans] = _earliest(np.where(m.usable & firm, years, NEVER))
        res["nodist_all"][c, m.plans] = _earliest(np.where(m.usable_nodist, years, NEVER))
        res["nodist_certain"][c, m.plans] = _earliest(np.where(m.usable_nodist & certain, years, NEVER))
        if m.segments.shape[0]:
            found = res["all"][c, m.plans] < NEVER
            via[c, m.plans] = np.where(found, m.segments[masked.argmin(axis=1)], -1)
        distance[c, m.plans] = m.distance_m
    return CarrierAvailability(
        all=res["all"],
        certain=res["certain"],
        nodist_all=res["nodist_all"],
        nodist_certain=res["nodist_certain"],
        via=via,
        distance_m=distance,
        matrices=matrices,
        firm=res["firm"],
    )
