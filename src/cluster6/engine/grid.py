"""Grid connection timing, vectorised per queue level (rules 3 to 8 of docs/engine.md).

Capacity over the years is a matrix [area, year] in whole kW: the capacity now plus every reinforcement
from its year on, unconstrained (INF_KW) from the expected end year of congestion. In each queue, sorted by
priority class, request date and id, a request is served in the first year whose capacity covers the
cumulative claim of the request and everything before it. Because capacity never decreases over the years,
that year is the number of years whose capacity is below the cumulative claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import INF_KW, NEVER, BoolArray, IntArray, to_kw_array
from .demand import Demand, QueueLevel
from .model import Certainty, GridArea, Infrastructure, Parameters, ProjectKind, Reinforcement


@dataclass(frozen=True, slots=True)
class GridProjects:
    """The infrastructure projects on the grid, as arrays: every reinforcement, and the end of congestion
    of every area that has an expected end year (kind CONGESTION_END, kw 0)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    is_end: BoolArray
    area: IntArray
    year: IntArray
    kw: IntArray
    certain: BoolArray  # not uncertain (firm or planned)
    firm: BoolArray  # firm only (the latest year of the range, point 3 of docs/engine.md rule 11)

    def kind(self, j: int) -> ProjectKind:
        return ProjectKind.CONGESTION_END if self.is_end[j] else ProjectKind.GRID_REINFORCEMENT


@dataclass(frozen=True, slots=True)
class Capacity:
    n_years: int
    all: IntArray  # [area, year] every item
    certain: IntArray  # [area, year] without uncertain items
    projects: GridProjects
    firm: IntArray  # [area, year] firm items only


def grid_projects(infra: Infrastructure, area_index: dict[str, int]) -> GridProjects:
    """Every reinforcement and then every area's end of congestion, area by area (in area order), as
    arrays. Read in a few flat passes (at national scale there are tens of thousands of projects)."""
    uncertain, is_firm = Certainty.UNCERTAIN, Certainty.FIRM
    items: list[tuple[int, Reinforcement | GridArea]] = []
    for a in infra.areas:
        k = area_index[a.id]
        if a.reinforcements:
            items.extend([(k, r) for r in a.reinforcements])
        if a.congestion_end_year is not None:
            items.append((k, a))
    is_end = [type(x) is not Reinforcement for _, x in items]
    ids: list[str] = []
    names: list[str] = []
    year: list[int] = []
    mw: list[float] = []
    certainty: list[Certainty] = []
    for (_, x), end in zip(items, is_end, strict=True):
        if end:
            assert isinstance(x, GridArea)
            assert x.congestion_end_year is not None
            ids.append(congestion_end_project_id(x.id))
            names.append(x.name or x.id)
            year.append(x.congestion_end_year)
            mw.append(0.0)
            certainty.append(x.congestion_end_certainty)
        else:
            assert isinstance(x, Reinforcement)
            ids.append(x.id)
            names.append(x.name)
            year.append(x.year)
            mw.append(x.mw)
            certainty.append(x.certainty)
    return GridProjects(
        ids=tuple(ids),
        names=tuple(names),
        is_end=np.array(is_end, dtype=np.bool_),
        area=np.array([k for k, _ in items], dtype=np.int64),
        year=np.array(year, dtype=np.int64),
        kw=to_kw_array(np.array(mw, dtype=np.float64)),
        certain=np.array([c != uncertain for c in certainty], dtype=np.bool_),
        firm=np.array([c == is_firm for c in certainty], dtype=np.bool_),
    )


def congestion_end_project_id(area_id: str) -> str:
    return f"einde-congestie:{area_id}"


def timeline_years(params: Parameters) -> int:
    """The number of years on the timeline, from the base year to the horizon."""
    return params.horizon_year - params.base_year + 1


def year_offset(year: int | IntArray, params: Parameters) -> IntArray:
    """Index of a year on the timeline: years before the base year count from the base year; years after
    the horizon give n_years (never)."""
    n_years = timeline_years(params)
    return np.clip(np.asarray(year, dtype=np.int64) - params.base_year, 0, n_years).astype(np.int64)


def index_years(idx: IntArray, params: Parameters) -> IntArray:
    """The years of timeline indices; the index n_years (not within the horizon) becomes NEVER."""
    return np.where(idx >= timeline_years(params), NEVER, params.base_year + idx).astype(np.int64)


def capacity(infra: Infrastructure, area_index: dict[str, int], params: Parameters) -> Capacity:
    n_areas = len(area_index)
    n_years = timeline_years(params)
    now = to_kw_array(np.array([a.capacity_now_mw for a in infra.areas], dtype=np.float64))
    projects = grid_projects(infra, area_index)
    k = year_offset(projects.year, params)
    result = []
    # every item; without uncertain items; firm items only (the range of rule 11)
    for use in (np.ones_like(projects.certain), projects.certain, projects.firm):
        # Additions per (area, year), then a cumulative sum along the years; INF where congestion ended.
        add = use & ~projects.is_end
        end = use & projects.is_end
        delta = np.zeros((n_areas, n_years + 1), dtype=np.int64)
        delta[:, 0] = now
        np.add.at(delta, (projects.area[add], k[add]), projects.kw[add])
        ended = np.zeros((n_areas, n_years + 1), dtype=np.bool_)
        ended[projects.area[end], k[end]] = True
        cap = np.cumsum(delta, axis=1)[:, :n_years]
        ended_by = np.logical_or.accumulate(ended, axis=1)[:, :n_years]
        result.append(np.where(ended_by, INF_KW, cap))
    return Capacity(n_years, result[0], result[1], projects, result[2])


@dataclass(frozen=True, slots=True)
class LevelTiming:
    cum: IntArray  # cumulative claim per sorted entry (own claim included)
    claim: IntArray
    idx_all: IntArray  # year index per entry (n_years: never)
    idx_certain: IntArray
    idx_firm: IntArray


def claims(demand: Demand, params: Parameters) -> IntArray:
    """The firm claim of every request (rule 6): a flexible plan claims its request minus the non-firm
    share, rounded down to whole kW (the non-firm part is floor(kW * share)). The share is read in whole
    parts per million and the product taken in integers, so that e.g. 700 kW x 0.35 is exactly 245 kW (in
    binary floating point it is 244.99999999999997)."""
    kw = demand.req_kw
    is_plan = demand.req_plan >= 0
    flexible = np.zeros(kw.shape[0], dtype=np.bool_)
    if params.all_plans_flexible:
        flexible = is_plan
    else:
        flexible[is_plan] = demand.flexible[demand.req_plan[is_plan]]
    nonfirm = kw * round(params.flexible_share * 1_000_000) // 1_000_000
    return np.where(flexible, kw - nonfirm, kw)


def first_year_index(cap_rows: IntArray, cum: IntArray) -> IntArray:
    """The first year whose capacity covers cum, per row (cap_rows[k] is non-decreasing)."""
    return (cap_rows < cum[:, None]).sum(axis=1).astype(np.int64)


def grouped_first_year_index(cap: IntArray, group: IntArray, cum: IntArray) -> IntArray:
    """`first_year_index(cap[group], cum)` without the [entry, year] matrix: one binary search per entry.

    Capacities and claims are >= 0 and each capacity row is non-decreasing. Capacities are clipped to
    M = max(cum) + 1 (a capacity of M or more covers every claim, so no comparison changes); then the key
    `area * (M + 1) + capacity` of the flattened matrix is sorted (row by row, areas in order), and the
    entries of rows before the entry's area are exactly those below `group * (M + 1) + cum`, so the first
    covering year is the binary search of that key less the entries of the rows before. When the keys do
    not fit in int64 (or a capacity is negative), the matrix comparison is used."""
    n_areas, n_years = cap.shape
    if cum.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(cum.max()) + 1
    if cap.size == 0 or int(cap.min()) < 0 or int(cum.min()) < 0 or (n_areas + 1) * (top + 1) >= 2**62:
        return first_year_index(cap[group], cum)
    step = np.int64(top + 1)
    base = np.arange(n_areas, dtype=np.int64) * step
    keys = (np.minimum(cap, top) + base[:, None]).ravel()
    found = np.searchsorted(keys, base[group] + cum, side="left")
    return (found - group * n_years).astype(np.int64)


def level_timing(level: QueueLevel, claim: IntArray, cap: Capacity) -> LevelTiming:
    c = claim[level.request]
    cs = np.cumsum(c)
    cum = cs - (cs - c)[level.start]
    g = level.group
    return LevelTiming(
        cum=cum,
        claim=c,
        idx_all=grouped_first_year_index(cap.all, g, cum),
        idx_certain=grouped_first_year_index(cap.certain, g, cum),
        idx_firm=grouped_first_year_index(cap.firm, g, cum),
    )


@dataclass(frozen=True, slots=True)
class GridTiming:
    """Per plan (index = plan): the grid outcome arrays; -1 / 0 where not applicable."""

    needed: BoolArray
    claim_kw: IntArray
    reg_entry: IntArray  # -1: no regional queue
    ten_entry: IntArray  # -1: no TenneT queue
    reg_idx_all: IntArray  # 0 when no regional queue
    reg_idx_certain: IntArray
    ten_idx_all: IntArray
    ten_idx_certain: IntArray
    idx_all: IntArray  # connection year index = max of both levels
    idx_certain: IntArray
    idx_firm: IntArray  # firm items only: the latest year of the range
    regional: LevelTiming
    tennet: LevelTiming


def grid_timing(demand: Demand, cap: Capacity, params: Parameters) -> GridTiming:
    claim = claims(demand, params)
    regional = level_timing(demand.regional, claim, cap)
    tennet = level_timing(demand.tennet, claim, cap)
    n = demand.counted.shape[0]
    req = demand.plan_request
    needed = req >= 0

    def per_plan(values: IntArray, plan_index: IntArray, fill: int) -> IntArray:
        """values[plan_index[i]] for every plan i with plan_index[i] >= 0, else fill."""
        out = np.full(n, fill, dtype=np.int64)
        has = plan_index >= 0
        out[has] = values[plan_index[has]]
        return out

    reg_entry = per_plan(demand.regional.entry_of_request, req, -1)
    ten_entry = per_plan(demand.tennet.entry_of_request, req, -1)
    reg_all, reg_cert = per_plan(regional.idx_all, reg_entry, 0), per_plan(regional.idx_certain, reg_entry, 0)
    ten_all, ten_cert = per_plan(tennet.idx_all, ten_entry, 0), per_plan(tennet.idx_certain, ten_entry, 0)
    reg_firm, ten_firm = per_plan(regional.idx_firm, reg_entry, 0), per_plan(tennet.idx_firm, ten_entry, 0)
    claim_kw = per_plan(claim, req, 0)
    return GridTiming(
        needed=needed,
        claim_kw=claim_kw,
        reg_entry=reg_entry,
        ten_entry=ten_entry,
        reg_idx_all=reg_all,
        reg_idx_certain=reg_cert,
        ten_idx_all=ten_all,
        ten_idx_certain=ten_cert,
        idx_all=np.maximum(reg_all, ten_all),
        idx_certain=np.maximum(reg_cert, ten_cert),
        idx_firm=np.maximum(reg_firm, ten_firm),
        regional=regional,
        tennet=tennet,
    )
