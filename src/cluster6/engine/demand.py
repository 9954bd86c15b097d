"""The demand side, compiled once into arrays: plans, the grid queues and their (fixed) order.

The queue order depends only on the requests (area, priority class, request date, id), never on capacities,
flexible shares or scenarios, so it is computed once and every analysis only redoes cumulative sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arrays import NO_DATE, BoolArray, FloatArray, IntArray, group_starts, to_kw_array
from .model import CARRIERS, GridLevel, Infrastructure, Plan, PlanStatus


@dataclass(frozen=True, slots=True)
class QueueLevel:
    """One level of queues (regional areas, or TenneT regions), sorted by group and then queue order.

    `request[e]` is the request of sorted entry e, `group[e]` its area index, `start[e]` the entry index
    where its group starts, `position[e]` its 1-based place, `length[e]` its group's length."""

    request: IntArray
    group: IntArray
    start: IntArray
    position: IntArray
    length: IntArray
    entry_of_request: IntArray  # -1: the request is not in this level


@dataclass(frozen=True, slots=True)
class Demand:
    plan_ids: tuple[str, ...]
    plans: tuple[Plan, ...]
    counted: BoolArray
    planned_year: IntArray
    co2_t: IntArray
    grid_kw: IntArray  # 0 for plans without grid need or not counted
    flexible: BoolArray
    needs: BoolArray  # [carrier, plan], only counted plans
    lon: FloatArray
    lat: FloatArray
    distance_m: FloatArray  # [carrier, plan] precomputed distance in whole metres, nan when absent
    province: IntArray  # index into provinces
    provinces: tuple[str, ...]
    area_ids: tuple[str, ...]
    area_index: dict[str, int]
    plan_request: IntArray  # request index of each plan, -1 when the plan is not in a queue
    plan_area: IntArray  # the plan's direct area, -1 when none
    plan_tennet: IntArray  # the plan's TenneT region, -1 when none
    req_kw: IntArray
    req_plan: IntArray  # plan index of a request, -1 for other queue requests
    regional: QueueLevel
    tennet: QueueLevel
    dimensions: tuple[tuple[str, tuple[str, ...], IntArray], ...]  # (name, sorted labels, code per plan)


def _queue_level(
    group: IntArray, priority: IntArray, day: IntArray, ids: Sequence[str], n_groups: int
) -> QueueLevel:
    sel = np.flatnonzero(group >= 0)
    order = sel[np.lexsort((day[sel], priority[sel], group[sel]))]
    g, p, d = group[order], priority[order], day[order]
    if order.shape[0] > 1:
        same = (g[1:] == g[:-1]) & (p[1:] == p[:-1]) & (d[1:] == d[:-1])
        if same.any():
            # Ties on (area, class, date) are broken by id; only the tied runs are sorted in Python.
            edges = np.diff(np.concatenate(([0], same.astype(np.int8), [0])))
            run_starts = np.flatnonzero(edges == 1)
            run_ends = np.flatnonzero(edges == -1) + 1
            for s, e in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
                chunk = order[s:e].tolist()
                chunk.sort(key=lambda k: ids[k])
                order[s:e] = chunk
    g = group[order]
    start = group_starts(g)
    n = order.shape[0]
    position = np.arange(n, dtype=np.int64) - start + 1
    counts = np.bincount(g, minlength=n_groups).astype(np.int64) if n else np.zeros(n_groups, np.int64)
    entry_of_request = np.full(group.shape[0], -1, dtype=np.int64)
    entry_of_request[order] = np.arange(n, dtype=np.int64)
    return QueueLevel(
        request=order.astype(np.int64),
        group=g.astype(np.int64),
        start=start,
        position=position,
        length=counts[g] if n else np.zeros(0, np.int64),
        entry_of_request=entry_of_request,
    )


def compile_demand(plans: Sequence[Plan], infra: Infrastructure) -> Demand:
    """Arrays for the plans and the queues (inputs validated beforehand)."""
    plans = tuple(plans)
    n = len(plans)
    area_ids = tuple(a.id for a in infra.areas)
    area_index = {a: i for i, a in enumerate(area_ids)}
    level_tennet = np.array([a.level == GridLevel.TENNET for a in infra.areas], dtype=np.bool_)
    parent = np.array(
        [area_index[a.parent_id] if a.parent_id is not None else -1 for a in infra.areas], dtype=np.int64
    )
    n_areas = len(area_ids)
    # The TenneT region of each area: itself for a TenneT region, its parent for a regional area.
    tennet_of_area = np.where(level_tennet, np.arange(n_areas, dtype=np.int64), parent)

    counted = np.array([p.status == PlanStatus.ACTIVE for p in plans], dtype=np.bool_)
    planned_year = np.array([p.planned_year for p in plans], dtype=np.int64)
    co2_t = np.rint(np.array([p.co2_reduction_t for p in plans], dtype=np.float64)).astype(np.int64)
    grid_kw = to_kw_array(np.array([p.grid_mw for p in plans], dtype=np.float64))
    plan_area = np.array(
        [area_index[p.grid_area_id] if p.grid_area_id is not None else -1 for p in plans], dtype=np.int64
    )
    grid_kw = np.where(counted & (plan_area >= 0), grid_kw, 0)
    flexible = np.array([p.accepts_flexible for p in plans], dtype=np.bool_)
    needs = np.zeros((len(CARRIERS), n), dtype=np.bool_)
    distance_m = np.full((len(CARRIERS), n), np.nan)
    for j, p in enumerate(plans):
        if p.needs:
            for c, carrier in enumerate(CARRIERS):
                if carrier in p.needs:
                    needs[c, j] = True
        if p.distance_km:
            for c, carrier in enumerate(CARRIERS):
                if carrier in p.distance_km:
                    distance_m[c, j] = np.rint(float(p.distance_km[carrier]) * 1000.0)
    needs &= counted[None, :]
    lon = np.array([np.nan if p.lon is None else p.lon for p in plans], dtype=np.float64)
    lat = np.array([np.nan if p.lat is None else p.lat for p in plans], dtype=np.float64)
    provinces = tuple(sorted({p.province for p in plans} | {r.region for r in infra.rollouts if r.region}))
    province_index = {name: i for i, name in enumerate(provinces)}
    province = np.array([province_index[p.province] for p in plans], dtype=np.int64)

    # Requests: first the plans with a grid need, then the other queue requests.
    grid_plans = np.flatnonzero(grid_kw > 0)
    queue = infra.queue
    nq = len(queue)
    req_plan = np.concatenate((grid_plans, np.full(nq, -1, dtype=np.int64))).astype(np.int64)
    req_kw = np.concatenate(
        (grid_kw[grid_plans], to_kw_array(np.array([q.mw for q in queue], dtype=np.float64)))
    ).astype(np.int64)
    req_area = np.concatenate(
        (plan_area[grid_plans], np.array([area_index[q.area_id] for q in queue], dtype=np.int64))
    ).astype(np.int64)
    gp = grid_plans.tolist()
    prio = np.array([int(plans[i].priority) for i in gp] + [int(q.priority) for q in queue], dtype=np.int64)
    day = np.array(
        [d.toordinal() if (d := plans[i].request_date) is not None else NO_DATE for i in gp]
        + [q.request_date.toordinal() if q.request_date is not None else NO_DATE for q in queue],
        dtype=np.int64,
    )
    ids = [plans[i].id for i in gp] + [q.id for q in queue]
    reg_group = np.where(level_tennet[req_area], -1, req_area) if req_area.size else req_area
    ten_group = tennet_of_area[req_area] if req_area.size else req_area
    regional = _queue_level(reg_group, prio, day, ids, n_areas)
    tennet = _queue_level(ten_group, prio, day, ids, n_areas)

    dimensions = tuple(_dimension(name, [getattr(p, name) for p in plans]) for name in AGGREGATE_DIMENSIONS)
    plan_request = np.full(n, -1, dtype=np.int64)
    plan_request[grid_plans] = np.arange(grid_plans.shape[0], dtype=np.int64)
    plan_tennet = np.where(plan_area >= 0, tennet_of_area[np.maximum(plan_area, 0)], -1)
    return Demand(
        plan_ids=tuple(p.id for p in plans),
        plans=plans,
        counted=counted,
        planned_year=planned_year,
        co2_t=np.where(counted, co2_t, 0),
        grid_kw=grid_kw,
        flexible=flexible,
        needs=needs,
        lon=lon,
        lat=lat,
        distance_m=distance_m,
        province=province,
        provinces=provinces,
        area_ids=area_ids,
        area_index=area_index,
        plan_request=plan_request,
        plan_area=plan_area,
        plan_tennet=plan_tennet.astype(np.int64),
        req_kw=req_kw,
        req_plan=req_plan,
        regional=regional,
        tennet=tennet,
        dimensions=dimensions,
    )


AGGREGATE_DIMENSIONS: tuple[str, ...] = ("province", "sector", "route", "grid_operator")


def _dimension(name: str, values: list[str]) -> tuple[str, tuple[str, ...], IntArray]:
    labels = tuple(sorted(set(values)))
    index = {label: i for i, label in enumerate(labels)}
    return name, labels, np.array([index[v] for v in values], dtype=np.int64)
