"""A deliberately simple, slow, loop-based implementation of the engine's rules (docs/engine.md).

It shares only the input types and the sentence template with the engine: everything else (capacity per
year, queue order, serving, carriers, classification, aggregates, scenarios, the unlock ranking) is written
out again in the most direct way, one plan and one year at a time, so that the property tests can check the
vectorised engine against it. Results are plain dicts.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from cluster6.engine.model import (
    CARRIERS,
    Carrier,
    Certainty,
    GridLevel,
    Infrastructure,
    Parameters,
    Plan,
    PlanStatus,
    Scenario,
    SupplyMode,
)
from cluster6.engine.text import ExplanationInput, explain

INF = float("inf")
RANK = {"cannot": 0, "may_not": 1, "can": 2}


def kw(mw: float) -> int:
    return round(mw * 1000.0)


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat = rlat2 - rlat1
    dlon = math.radians(lon2) - math.radians(lon1)
    h = math.sin(dlat / 2.0) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2.0) ** 2
    return 2.0 * 6371.0 * math.asin(math.sqrt(min(h, 1.0)))


def later(a: int | None, b: int | None) -> int | None:
    """The later of two availability years, None meaning never."""
    if a is None or b is None:
        return None
    return max(a, b)


def key(year: int | None) -> float:
    return INF if year is None else year


# ----------------------------------------------------------------------------------------------- grid


def capacity_at(area: Any, year: int, base: int, certain_only: bool) -> float:
    """Rule 3: capacity now, plus every reinforcement from its year on; unconstrained from the end year."""
    end = area.congestion_end_year
    end_counts = end is not None and not (
        certain_only and area.congestion_end_certainty == Certainty.UNCERTAIN
    )
    if end_counts and max(end, base) <= year:
        return INF
    total = kw(area.capacity_now_mw)
    for r in area.reinforcements:
        if certain_only and r.certainty == Certainty.UNCERTAIN:
            continue
        if max(r.year, base) <= year:
            total += kw(r.mw)
    return total


def serve_queue(members: list[dict[str, Any]], area: Any, params: Parameters) -> dict[str, dict[str, Any]]:
    """Rules 4 and 5: sort by class, date, id; each request is served in the first year whose capacity
    covers it and everything before it."""
    ordered = sorted(members, key=lambda r: (r["priority"], r["date"], r["id"]))
    out: dict[str, dict[str, Any]] = {}
    ahead = 0
    for position, r in enumerate(ordered, start=1):
        total = ahead + r["claim"]
        found: dict[bool, int | None] = {}
        for certain_only in (False, True):
            found[certain_only] = None
            for year in range(params.base_year, params.horizon_year + 1):
                if capacity_at(area, year, params.base_year, certain_only) >= total:
                    found[certain_only] = year
                    break
        out[r["id"]] = {
            "position": position,
            "length": len(ordered),
            "mw_ahead": ahead / 1000.0,
            "year": found[False],
            "year_certain": found[True],
        }
        ahead = total
    return out


def grid_results(plans: list[Plan], infra: Infrastructure, params: Parameters) -> dict[str, dict[str, Any]]:
    areas = {a.id: a for a in infra.areas}

    def tennet_of(area_id: str) -> str | None:
        a = areas[area_id]
        return a.id if a.level == GridLevel.TENNET else a.parent_id

    requests = []
    for p in plans:
        if p.status != PlanStatus.ACTIVE or p.grid_area_id is None or kw(p.grid_mw) <= 0:
            continue
        amount = kw(p.grid_mw)
        claim = amount
        if p.accepts_flexible or params.all_plans_flexible:
            # floor(kW x share) with the share in whole parts per million, in integers (rule 6)
            claim = amount - amount * round(params.flexible_share * 1_000_000) // 1_000_000
        requests.append(
            {
                "id": p.id,
                "area": p.grid_area_id,
                "priority": int(p.priority),
                "date": p.request_date.toordinal() if p.request_date else 10**9,
                "kw": amount,
                "claim": claim,
            }
        )
    for q in infra.queue:
        requests.append(
            {
                "id": q.id,
                "area": q.area_id,
                "priority": int(q.priority),
                # undated: the published waiting list, ahead of every plan of its class (rule 4)
                "date": q.request_date.toordinal() if q.request_date else -1,
                "kw": kw(q.mw),
                "claim": kw(q.mw),
            }
        )
    regional: dict[str, dict[str, Any]] = {}
    tennet: dict[str, dict[str, Any]] = {}
    for area in infra.areas:
        if area.level == GridLevel.REGIONAL:
            members = [r for r in requests if r["area"] == area.id]
            regional.update(serve_queue(members, area, params))
        else:
            members = [r for r in requests if tennet_of(r["area"]) == area.id]
            tennet.update(serve_queue(members, area, params))

    out: dict[str, dict[str, Any]] = {}
    plan_ids = {p.id for p in plans}
    for r in requests:
        if r["id"] not in plan_ids:
            continue
        reg = regional.get(r["id"])
        ten = tennet.get(r["id"])
        years_all = [x["year"] for x in (reg, ten) if x is not None]
        years_cert = [x["year_certain"] for x in (reg, ten) if x is not None]
        conn = params.base_year
        for y in years_all:
            conn = later(conn, y)  # type: ignore[assignment]
        conn_cert: int | None = params.base_year
        for y in years_cert:
            conn_cert = later(conn_cert, y)
        # Rule 7: the later level binds; a tie goes to the regional area; no wait: none.
        reg_key = key(reg["year"]) if reg else params.base_year
        ten_key = key(ten["year"]) if ten else params.base_year
        if conn == params.base_year:
            binding = "none"
        elif reg_key >= ten_key:
            binding = "regional"
        else:
            binding = "tennet"
        area = areas[r["area"]]
        out[r["id"]] = {
            "area_id": area.id,
            "tennet_region_id": tennet_of(area.id),
            "requested_mw": r["kw"] / 1000.0,
            "firm_mw": r["claim"] / 1000.0,
            "connection_year": conn,
            "connection_year_certain": conn_cert,
            "regional_year": reg["year"] if reg else None,
            "tennet_year": ten["year"] if ten else None,
            "binding": binding,
            "queue_position": reg["position"] if reg else None,
            "queue_length": reg["length"] if reg else None,
            "mw_ahead": reg["mw_ahead"] if reg else None,
            "tennet_queue_position": ten["position"] if ten else None,
            "tennet_queue_length": ten["length"] if ten else None,
            "tennet_mw_ahead": ten["mw_ahead"] if ten else None,
        }
    return out


# ------------------------------------------------------------------------------------------- carriers


def effective_year(year: int, params: Parameters) -> int | None:
    y = max(year, params.base_year)
    return None if y > params.horizon_year else y


def distance_m(plan: Plan, carrier: Carrier, points: list[tuple[float, float]]) -> int | None:
    if carrier in plan.distance_km:
        return round(plan.distance_km[carrier] * 1000.0)
    if plan.lon is None or plan.lat is None or not points:
        return None
    best = min(haversine_km(plan.lon, plan.lat, lon, lat) for lon, lat in points)
    return round(best * 1000.0)


def carrier_result(plan: Plan, carrier: Carrier, infra: Infrastructure, params: Parameters) -> dict[str, Any]:
    """Rules 9 and 10."""
    max_m = round(params.max_distance(carrier) * 1000.0)
    rollouts = sorted(
        (r for r in infra.rollouts if r.carrier == carrier),
        key=lambda r: (r.mode != SupplyMode.NETWORK, r.id),
    )
    best: dict[str, int | None] = {"all": None, "certain": None, "nodist_all": None, "nodist_certain": None}
    via = None
    reported: int | None = None
    for r in rollouts:
        if r.region is not None and r.region != plan.province:
            continue
        points = [(pt.lon, pt.lat) for pt in infra.points if pt.rollout_id == r.id]
        if r.mode == SupplyMode.ALTERNATIVE:
            reaches = reaches_nodist = params.allow_alternatives
        else:
            d = distance_m(plan, carrier, points)
            if d is not None and (reported is None or d < reported):
                reported = d
            reaches = d is None or d <= max_m
            reaches_nodist = True
        year = effective_year(r.year, params)
        if year is None:
            continue
        certain = r.certainty != Certainty.UNCERTAIN
        for name, ok in (
            ("all", reaches),
            ("certain", reaches and certain),
            ("nodist_all", reaches_nodist),
            ("nodist_certain", reaches_nodist and certain),
        ):
            current = best[name]
            if ok and (current is None or year < current):
                best[name] = year
                if name == "all":
                    via = r
    return {
        "year": best["all"],
        "year_certain": best["certain"],
        "nodist": best["nodist_all"],
        "nodist_certain": best["nodist_certain"],
        "via": via.id if via else None,
        "extra_cost": bool(via and via.mode == SupplyMode.ALTERNATIVE),
        "distance_km": None if reported is None else reported / 1000.0,
    }


# ------------------------------------------------------------------------------------ classification


def analyse(plans: list[Plan], infra: Infrastructure, params: Parameters) -> dict[str, Any]:
    grid = grid_results(plans, infra, params)
    out: dict[str, dict[str, Any]] = {}
    deadline = params.deadline_year
    for p in plans:
        if p.status != PlanStatus.ACTIVE:
            out[p.id] = {
                "feasibility": "excluded",
                "ready_year": None,
                "ready_year_certain": None,
                "realisation_year": None,
                "by_deadline": False,
                "bottleneck": None,
                "binding_requirement": None,
                "grid": None,
                "carriers": {},
                "explanation": explain(
                    _explain_input(p, "excluded", None, None, False, None, None, {}, None, params)
                ),
            }
            continue
        g = grid.get(p.id)
        carriers = {c.value: carrier_result(p, c, infra, params) for c in CARRIERS if c in p.needs}
        # requirements in the fixed order: grid, hydrogen, co2, green gas, heat
        reqs: list[tuple[str, int | None, int | None]] = []
        if g is not None:
            reqs.append(("grid", g["connection_year"], g["connection_year_certain"]))
        for c in CARRIERS:
            if c.value in carriers:
                reqs.append((c.value, carriers[c.value]["year"], carriers[c.value]["year_certain"]))
        planned = p.planned_year
        if not reqs:
            out[p.id] = {
                "feasibility": "not_dependent",
                "ready_year": None,
                "ready_year_certain": None,
                "realisation_year": planned,
                "by_deadline": planned <= deadline,
                "bottleneck": None,
                "binding_requirement": None,
                "grid": None,
                "carriers": {},
                "explanation": explain(
                    _explain_input(p, "not_dependent", None, None, False, None, None, {}, None, params)
                ),
            }
            continue
        ready: int | None = 0
        ready_certain: int | None = 0
        for _, y_all, y_cert in reqs:
            ready = later(ready, y_all)
            ready_certain = later(ready_certain, y_cert)
        # Rule 11
        if key(ready_certain) <= planned:
            feasibility = "can"
        elif key(ready) <= max(planned, deadline):
            feasibility = "may_not"
        else:
            feasibility = "cannot"
        # Rule 12
        binding = bottleneck = None
        late = key(ready) > planned
        if feasibility != "can":
            best_value = -1.0
            for name, y_all, y_cert in reqs:
                value = key(y_all if late else y_cert)
                if value > best_value:
                    best_value, binding = value, name
            bottleneck = "grid_congestion" if binding == "grid" else binding
            if binding != "grid":
                c = carriers[binding]  # type: ignore[index]
                used = c["year"] if late else c["year_certain"]
                nodist = c["nodist"] if late else c["nodist_certain"]
                if key(nodist) < key(used):
                    bottleneck = "distance"
        realisation = None if ready is None else max(planned, ready)
        out[p.id] = {
            "feasibility": feasibility,
            "ready_year": ready,
            "ready_year_certain": ready_certain,
            "realisation_year": realisation,
            "by_deadline": realisation is not None and realisation <= deadline,
            "bottleneck": bottleneck,
            "binding_requirement": binding,
            "grid": g,
            "carriers": {
                k: {f: v[f] for f in ("year", "year_certain", "via", "extra_cost", "distance_km")}
                for k, v in carriers.items()
            },
            "explanation": "",
        }
        year = None
        if binding is not None:
            year = {n: (a, c) for n, a, c in reqs}[binding][0 if late else 1]
        out[p.id]["explanation"] = explain(
            _explain_input(
                p, feasibility, binding, bottleneck, late, year, ready_certain, carriers, g, params
            )
        )
    realisation_certain = {}
    for p in plans:
        o = out[p.id]
        if o["feasibility"] in ("can", "may_not", "cannot"):
            rc = o["ready_year_certain"]
            realisation_certain[p.id] = None if rc is None else max(p.planned_year, rc)
        elif o["feasibility"] == "not_dependent":
            realisation_certain[p.id] = p.planned_year
        else:
            realisation_certain[p.id] = None
    return {
        "plans": out,
        "aggregates": aggregates(plans, out, realisation_certain, params),
    }


def _explain_input(
    p: Plan,
    feasibility: str,
    binding: str | None,
    bottleneck: str | None,
    late: bool,
    year: int | None,
    ready_certain: int | None,
    carriers: dict[str, Any],
    g: dict[str, Any] | None,
    params: Parameters,
) -> ExplanationInput:
    from cluster6.engine.model import Binding, Bottleneck, FeasibilityClass

    c = carriers.get(binding or "")
    return ExplanationInput(
        feasibility=FeasibilityClass(feasibility),
        planned_year=p.planned_year,
        deadline_year=params.deadline_year,
        horizon_year=params.horizon_year,
        requirement=binding,
        bottleneck=Bottleneck(bottleneck) if bottleneck else None,
        late=late,
        year=year,
        ready_year_certain=ready_certain,
        grid_position=g["queue_position"] if g and binding == "grid" else None,
        grid_queue_length=g["queue_length"] if g else None,
        grid_mw_ahead=g["mw_ahead"] if g else None,
        grid_area=g["area_id"] if g else None,
        grid_binding=Binding(g["binding"]) if g else Binding.NONE,
        distance_km=c["distance_km"] if c else None,
        max_distance_km=params.max_distance(Carrier(binding)) if c else None,
        extra_cost=bool(c and c["extra_cost"]),
    )


# ----------------------------------------------------------------------------------------- aggregates


def aggregate_row(
    label: str,
    members: list[Plan],
    out: dict[str, Any],
    realisation_certain: dict[str, Any],
    params: Parameters,
) -> dict[str, Any]:
    counted = [p for p in members if out[p.id]["feasibility"] != "excluded"]

    def n(cls: str) -> int:
        return sum(1 for p in counted if out[p.id]["feasibility"] == cls)

    def co2(cls: str) -> int:
        return sum(round(p.co2_reduction_t) for p in counted if out[p.id]["feasibility"] == cls)

    dependent = n("can") + n("may_not") + n("cannot")
    bottlenecks: dict[str, int] = {}
    for p in counted:
        if out[p.id]["feasibility"] in ("may_not", "cannot"):
            b = out[p.id]["bottleneck"]
            bottlenecks[b] = bottlenecks.get(b, 0) + 1
    share = (lambda k: k / dependent) if dependent else (lambda k: None)
    deadline = params.deadline_year
    return {
        "key": label,
        "n_plans": len(counted),
        "n_dependent": dependent,
        "n_can": n("can"),
        "n_may_not": n("may_not"),
        "n_cannot": n("cannot"),
        "share_can": share(n("can")),
        "share_may_not": share(n("may_not")),
        "share_cannot": share(n("cannot")),
        "headline_share": share(n("may_not") + n("cannot")),
        "co2_t": sum(round(p.co2_reduction_t) for p in counted),
        "co2_can_t": co2("can"),
        "co2_may_not_t": co2("may_not"),
        "co2_cannot_t": co2("cannot"),
        "co2_not_dependent_t": co2("not_dependent"),
        "co2_by_deadline_t": sum(round(p.co2_reduction_t) for p in counted if out[p.id]["by_deadline"]),
        "co2_by_deadline_certain_t": sum(
            round(p.co2_reduction_t)
            for p in counted
            if realisation_certain[p.id] is not None and realisation_certain[p.id] <= deadline
        ),
        "bottlenecks": bottlenecks,
    }


def aggregates(
    plans: list[Plan], out: dict[str, Any], realisation_certain: dict[str, Any], params: Parameters
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "total": aggregate_row("totaal", plans, out, realisation_certain, params),
        "by": {},
    }
    for dim in ("province", "sector", "route", "grid_operator"):
        labels = sorted({getattr(p, dim) for p in plans})
        result["by"][dim] = [
            aggregate_row(
                label, [p for p in plans if getattr(p, dim) == label], out, realisation_certain, params
            )
            for label in labels
        ]
    return result


# ------------------------------------------------------------------------------------------ scenarios


def apply_scenario(
    infra: Infrastructure, params: Parameters, scenario: Scenario
) -> tuple[Infrastructure, Parameters]:
    from cluster6.engine.model import Reinforcement

    areas = []
    for a in infra.areas:
        reinforcements = []
        for r in a.reinforcements:
            shift = scenario.reinforcement_shifts.get(r.id, 0)
            reinforcements.append(replace(r, year=r.year + shift))
        for i, extra in enumerate(scenario.extra_capacity):
            if extra.area_id == a.id:
                reinforcements.append(
                    Reinforcement(
                        extra.id or f"scenario-extra-{i + 1}", extra.year, extra.mw, extra.certainty
                    )
                )
        end = a.congestion_end_year
        if end is not None:
            end += scenario.congestion_end_shifts.get(a.id, 0)
        areas.append(replace(a, reinforcements=tuple(reinforcements), congestion_end_year=end))
    rollouts = [replace(r, year=r.year + scenario.rollout_shifts.get(r.id, 0)) for r in infra.rollouts]
    share = params.flexible_share if scenario.flexible_share is None else scenario.flexible_share
    new_params = replace(
        params,
        flexible_share=share,
        all_plans_flexible=params.all_plans_flexible or scenario.all_plans_flexible,
    )
    return replace(infra, areas=tuple(areas), rollouts=tuple(rollouts)), new_params


def compare(
    plans: list[Plan], infra: Infrastructure, params: Parameters, scenario: Scenario
) -> dict[str, Any]:
    base = analyse(plans, infra, params)
    s_infra, s_params = apply_scenario(infra, params, scenario)
    scen = analyse(plans, s_infra, s_params)
    changes = []
    earlier = later_n = 0
    for p in sorted(plans, key=lambda p: p.id):
        b, s = base["plans"][p.id], scen["plans"][p.id]
        if b["feasibility"] != s["feasibility"]:
            changes.append((p.id, b["feasibility"], s["feasibility"], b["ready_year"], s["ready_year"]))
        if b["feasibility"] in RANK:
            if key(s["ready_year"]) < key(b["ready_year"]):
                earlier += 1
            elif key(s["ready_year"]) > key(b["ready_year"]):
                later_n += 1
    bt, st = base["aggregates"]["total"], scen["aggregates"]["total"]
    return {
        "co2_by_deadline_baseline_t": bt["co2_by_deadline_t"],
        "co2_by_deadline_scenario_t": st["co2_by_deadline_t"],
        "co2_by_deadline_delta_t": st["co2_by_deadline_t"] - bt["co2_by_deadline_t"],
        "co2_by_deadline_certain_delta_t": st["co2_by_deadline_certain_t"] - bt["co2_by_deadline_certain_t"],
        "headline_share_baseline": bt["headline_share"],
        "headline_share_scenario": st["headline_share"],
        "plans_earlier": earlier,
        "plans_later": later_n,
        "class_changes": changes,
    }


# ------------------------------------------------------------------------------------- unlock ranking


def unlock_ranking(
    plans: list[Plan], infra: Infrastructure, params: Parameters, years_earlier: int
) -> list[tuple]:
    """Rule 17, by brute force: move each project N years earlier and rerun the whole analysis."""
    base = analyse(plans, infra, params)["plans"]
    projects: list[tuple[str, Infrastructure]] = []
    for a in infra.areas:
        for r in a.reinforcements:
            moved = replace(r, year=r.year - years_earlier)
            area = replace(a, reinforcements=tuple(moved if x.id == r.id else x for x in a.reinforcements))
            projects.append(
                (r.id, replace(infra, areas=tuple(area if x.id == a.id else x for x in infra.areas)))
            )
        if a.congestion_end_year is not None:
            area = replace(a, congestion_end_year=a.congestion_end_year - years_earlier)
            projects.append(
                (
                    f"einde-congestie:{a.id}",
                    replace(infra, areas=tuple(area if x.id == a.id else x for x in infra.areas)),
                )
            )
    for r in infra.rollouts:
        moved_r = replace(r, year=r.year - years_earlier)
        projects.append(
            (r.id, replace(infra, rollouts=tuple(moved_r if x.id == r.id else x for x in infra.rollouts)))
        )
    rows = []
    for pid, moved_infra in projects:
        new = analyse(plans, moved_infra, params)["plans"]
        gained = unlocked = earlier = 0
        for p in plans:
            b, s = base[p.id], new[p.id]
            if b["feasibility"] not in RANK:
                continue
            if s["by_deadline"] and not b["by_deadline"]:
                gained += round(p.co2_reduction_t)
            if RANK[s["feasibility"]] > RANK[b["feasibility"]]:
                unlocked += 1
            if key(s["ready_year"]) < key(b["ready_year"]):
                earlier += 1
        rows.append((pid, gained, unlocked, earlier))
    rows.sort(key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    return rows


def miek_candidates(
    plans: list[Plan], infra: Infrastructure, threshold_mw: float
) -> list[tuple[str, float, int]]:
    areas = {a.id: a for a in infra.areas}
    totals: dict[str, list[int]] = {}
    for p in plans:
        if p.status != PlanStatus.ACTIVE or p.grid_area_id is None or kw(p.grid_mw) <= 0:
            continue
        a = areas[p.grid_area_id]
        targets = [a.id] if a.level == GridLevel.TENNET else [a.id] + ([a.parent_id] if a.parent_id else [])
        for t in targets:
            totals.setdefault(t, [0, 0])
            totals[t][0] += kw(p.grid_mw)
            totals[t][1] += 1
    rows = [(aid, v[0] / 1000.0, v[1]) for aid, v in totals.items() if v[0] >= round(threshold_mw * 1000.0)]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows
