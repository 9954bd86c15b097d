"""The unlock ranking (rule 17) and candidate MIEK areas (rule 18).

The ranking is incremental and vectorised over all projects at once. A project ready N years earlier only
adds capacity (or availability) in the years between its new and its old year, and only for the plans it
touches: the plans in the queue of its area (a reinforcement or congestion end) or the plans its rollout
reaches (a carrier rollout). For every (project, touched plan) pair we recompute that one requirement's
year - the queue order and cumulative claims do not change, so a grid year is one comparison with the
project's new capacity row - and combine it with the plan's other requirements, which do not change. The
pairs are then summed per project with bincount.
"""

from __future__ import annotations

import numpy as np

from .analysis import AnalysisResult
from .arrays import INF_KW, NO_NEED, BoolArray, IntArray, to_kw
from .carriers import effective_years
from .classify import CODE_CANNOT, CODE_MAY_NOT, classify
from .demand import QueueLevel
from .grid import first_year_index, index_years, year_offset
from .model import CARRIERS, ProjectKind
from .results import MiekCandidate, UnlockEntry


def _excluding(req: IntArray) -> IntArray:
    """[requirement, plan]: the latest of the plan's other requirements (what a project moving one
    requirement leaves unchanged)."""
    out = np.empty_like(req)
    for k in range(req.shape[0]):
        out[k] = np.delete(req, k, axis=0).max(axis=0, initial=NO_NEED)
    return out


def _pairs_for_groups(
    level: QueueLevel, req_plan: IntArray, project_group: IntArray, n_groups: int
) -> tuple[IntArray, IntArray]:
    """(project index, level entry) for every plan entry in the queue of each project's area."""
    plan_entries = np.flatnonzero(req_plan[level.request] >= 0)
    groups = level.group[plan_entries]
    lo = np.searchsorted(groups, np.arange(n_groups), side="left")
    hi = np.searchsorted(groups, np.arange(n_groups), side="right")
    counts = (hi - lo)[project_group]
    total = int(counts.sum())
    proj = np.repeat(np.arange(project_group.shape[0], dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    entries = plan_entries[np.repeat(lo[project_group], counts) + offsets]
    return proj, entries.astype(np.int64)


def _moved_rows(
    cap: IntArray,
    area: IntArray,
    old_k: IntArray,
    new_k: IntArray,
    kw: IntArray,
    is_end: BoolArray,
    apply: BoolArray,
) -> IntArray:
    """Capacity rows per project with the project moved from old_k to new_k (when apply)."""
    rows = cap[area].copy()
    t = np.arange(cap.shape[1], dtype=np.int64)[None, :]
    window = (t >= new_k[:, None]) & (t < old_k[:, None]) & apply[:, None]
    added = np.where(rows >= INF_KW, INF_KW, rows + kw[:, None])
    ended = np.where(is_end[:, None], INF_KW, added)
    return np.where(window, ended, rows)


#: Per project id, per plan id: (CO2 gained, 1 when its class improves, 1 when it is ready earlier).
Contributions = dict[str, dict[str, tuple[float, int, int]]]


def unlock_ranking(result: AnalysisResult, years_earlier: int | None = None) -> tuple[UnlockEntry, ...]:
    return _unlock(result, years_earlier, None)


def unlock_ranking_with_contributions(
    result: AnalysisResult, years_earlier: int | None = None
) -> tuple[tuple[UnlockEntry, ...], Contributions]:
    """The ranking and, per project, what each plan contributes to its figures: the plans a project's
    figures rest on (disclosure control outside the engine needs them)."""
    pairs: list[tuple[int, int, float, int, int]] = []
    entries = _unlock(result, years_earlier, pairs)
    ids = list(result.capacity.projects.ids) + list(result.segments.ids)
    plan_ids = result.demand.plan_ids
    out: Contributions = {}
    for j, plan, gain, better, earlier in pairs:
        per_plan = out.setdefault(ids[j], {})
        g0, u0, e0 = per_plan.get(plan_ids[plan], (0.0, 0, 0))
        per_plan[plan_ids[plan]] = (g0 + gain, u0 + better, e0 + earlier)
    return entries, out


def _unlock(
    result: AnalysisResult, years_earlier: int | None, pairs: list[tuple[int, int, float, int, int]] | None
) -> tuple[UnlockEntry, ...]:
    n_early = result.params.unlock_years_earlier if years_earlier is None else years_earlier
    params, demand, cls = result.params, result.demand, result.classification
    deadline = params.deadline_year
    excl_all, excl_cert = _excluding(result.req_all), _excluding(result.req_certain)
    planned, co2 = demand.planned_year, demand.co2_t
    old_code, old_ready = cls.code, cls.ready_all
    old_by_deadline = cls.realisation_all <= deadline

    # Every project: (id, kind, name, area, carrier, year), with its contributions summed below.
    projects = result.capacity.projects
    segs = result.segments
    n_grid = len(projects.ids)
    n_total = n_grid + len(segs.ids)
    gained = np.zeros(n_total, dtype=np.int64)
    unlocked = np.zeros(n_total, dtype=np.int64)
    earlier = np.zeros(n_total, dtype=np.int64)

    def score(project: IntArray, plan: IntArray, row: int, new_all: IntArray, new_cert: IntArray) -> None:
        ready_all = np.maximum(excl_all[row, plan], new_all)
        ready_cert = np.maximum(excl_cert[row, plan], new_cert)
        ones = np.ones(plan.shape[0], dtype=np.bool_)
        code = classify(planned[plan], ready_all, ready_cert, ones, ones, deadline)
        real = np.maximum(planned[plan], ready_all)
        gain = np.where((real <= deadline) & ~old_by_deadline[plan], co2[plan], 0)
        gained[:] += np.bincount(project, weights=gain, minlength=n_total).round().astype(np.int64)
        unlocked[:] += np.bincount(project, weights=(code > old_code[plan]), minlength=n_total).astype(
            np.int64
        )
        earlier[:] += np.bincount(project, weights=(ready_all < old_ready[plan]), minlength=n_total).astype(
            np.int64
        )
        if pairs is not None:
            better, sooner = code > old_code[plan], ready_all < old_ready[plan]
            touched = (gain > 0) | better | sooner
            pairs.extend(
                zip(
                    project[touched].tolist(),
                    plan[touched].tolist(),
                    gain[touched].astype(np.float64).tolist(),
                    better[touched].astype(np.int64).tolist(),
                    sooner[touched].astype(np.int64).tolist(),
                    strict=True,
                )
            )

    # -- grid projects
    if n_grid:
        area, year, kw = projects.area, projects.year, projects.kw
        certain, is_end = projects.certain, projects.is_end
        old_k, new_k = year_offset(year, params), year_offset(year - n_early, params)
        rows_all = _moved_rows(result.capacity.all, area, old_k, new_k, kw, is_end, np.ones_like(certain))
        rows_cert = _moved_rows(result.capacity.certain, area, old_k, new_k, kw, is_end, certain)
        g = result.grid
        # A project's area is the group of its queue at exactly one level: a regional area's queue holds
        # only regional groups, a TenneT region's only TenneT groups, so the other level pairs it with no one.
        levels = (
            (demand.regional, g.regional, g.ten_idx_all, g.ten_idx_certain),
            (demand.tennet, g.tennet, g.reg_idx_all, g.reg_idx_certain),
        )
        for level, timing, other_all, other_cert in levels:
            proj, entry = _pairs_for_groups(level, demand.req_plan, area, len(demand.area_ids))
            if entry.shape[0] == 0:
                continue
            plan = demand.req_plan[level.request[entry]]
            cum = timing.cum[entry]
            # The other level's year is unchanged; the project's level gets the moved capacity row.
            idx_all = np.maximum(first_year_index(rows_all[proj], cum), other_all[plan])
            idx_cert = np.maximum(first_year_index(rows_cert[proj], cum), other_cert[plan])
            score(proj, plan, 0, index_years(idx_all, params), index_years(idx_cert, params))

    # -- carrier rollouts
    av = result.carriers
    new_eff = effective_years(segs.year - n_early, params)
    for c, m in enumerate(av.matrices):
        rows, cols = np.nonzero(m.usable)
        if rows.shape[0] == 0:
            continue
        seg_idx = m.segments[cols]
        plan = m.plans[rows]
        y = new_eff[seg_idx]
        new_all = np.minimum(av.all[c, plan], y)
        new_cert = np.where(segs.certain[seg_idx], np.minimum(av.certain[c, plan], y), av.certain[c, plan])
        score(n_grid + seg_idx, plan, c + 1, new_all, new_cert)

    entries = []
    for j in range(n_total):
        if j < n_grid:
            pid, kind, name = projects.ids[j], projects.kind(j), projects.names[j]
            area_id, carrier, year0 = demand.area_ids[int(projects.area[j])], None, int(projects.year[j])
        else:
            s = j - n_grid
            pid, kind, name, area_id = segs.ids[s], ProjectKind.CARRIER_ROLLOUT, segs.names[s], None
            carrier, year0 = CARRIERS[int(segs.carrier[s])], int(segs.year[s])
        entries.append(
            (pid, kind, name, area_id, carrier, year0, int(gained[j]), int(unlocked[j]), int(earlier[j]))
        )
    entries.sort(key=lambda e: (-e[6], -e[7], -e[8], e[0]))
    return tuple(
        UnlockEntry(
            rank=r + 1,
            project_id=e[0],
            kind=e[1],
            name=e[2],
            area_id=e[3],
            carrier=e[4],
            year=e[5],
            year_earlier=e[5] - n_early,
            co2_gained_t=e[6],
            plans_unlocked=e[7],
            plans_earlier=e[8],
        )
        for r, e in enumerate(entries)
    )


def miek_candidates(result: AnalysisResult, threshold_mw: float | None = None) -> tuple[MiekCandidate, ...]:
    """Rule 18: areas (regional areas and TenneT regions) whose aggregated demand of active plans reaches
    the threshold, largest first."""
    threshold = result.params.miek_threshold_mw if threshold_mw is None else threshold_mw
    threshold_kw = to_kw(threshold)
    demand, cls = result.demand, result.classification
    n_areas = len(demand.area_ids)
    held_by_grid = ((cls.code == CODE_CANNOT) | (cls.code == CODE_MAY_NOT)) & (cls.binding_requirement == 0)
    out = []
    for level in (demand.regional, demand.tennet):
        plan_entries = np.flatnonzero(demand.req_plan[level.request] >= 0)
        plan = demand.req_plan[level.request[plan_entries]]
        group = level.group[plan_entries]
        kw = np.bincount(group, weights=demand.grid_kw[plan], minlength=n_areas).round().astype(np.int64)
        n = np.bincount(group, minlength=n_areas)
        co2 = np.bincount(group, weights=demand.co2_t[plan], minlength=n_areas).round().astype(np.int64)
        held = np.bincount(group, weights=held_by_grid[plan], minlength=n_areas).astype(np.int64)
        for a in np.flatnonzero((n > 0) & (kw >= threshold_kw)).tolist():
            area = result.infra.areas[a]
            out.append(
                MiekCandidate(
                    area_id=area.id,
                    name=area.name,
                    level=area.level,
                    operator=area.operator,
                    demand_mw=int(kw[a]) / 1000.0,
                    n_plans=int(n[a]),
                    co2_t=int(co2[a]),
                    n_grid_bottleneck=int(held[a]),
                )
            )
    out.sort(key=lambda m: (-m.demand_mw, m.area_id))
    return tuple(out)


__all__ = ["miek_candidates", "unlock_ranking", "unlock_ranking_with_contributions"]
