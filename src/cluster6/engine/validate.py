"""Input checks: every problem is collected and reported at once (in Dutch), before anything is computed."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .model import (
    Carrier,
    EngineInputError,
    GridArea,
    GridLevel,
    Infrastructure,
    Parameters,
    Plan,
    Scenario,
)

MIN_YEAR = 1900
MAX_YEAR = 2200


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def check_parameters(params: Parameters) -> list[str]:
    errors: list[str] = []
    if not params.base_year <= params.horizon_year:
        errors.append("parameters: base_year moet vóór of gelijk aan horizon_year liggen")
    if not MIN_YEAR <= params.base_year <= MAX_YEAR or not MIN_YEAR <= params.horizon_year <= MAX_YEAR:
        errors.append("parameters: jaren buiten het bereik 1900-2200")
    if params.horizon_year - params.base_year > 200:
        errors.append("parameters: de horizon is langer dan 200 jaar")
    if not (_finite(params.flexible_share) and 0.0 <= params.flexible_share <= 1.0):
        errors.append("parameters: flexible_share moet tussen 0 en 1 liggen")
    for carrier, km in params.max_distance_km.items():
        if carrier not in Carrier.__members__.values() or not (_finite(km) and km >= 0):
            errors.append(f"parameters: ongeldige maximale afstand voor {carrier!s}: {km!r}")
    if params.unlock_years_earlier < 0:
        errors.append("parameters: unlock_years_earlier mag niet negatief zijn")
    if not (_finite(params.miek_threshold_mw) and params.miek_threshold_mw >= 0):
        errors.append("parameters: miek_threshold_mw moet 0 of meer zijn")
    return errors


def _bad_amounts(values: Sequence[object]) -> list[int]:
    """Indices of values that are not finite numbers >= 0 (checked in bulk, item by item only on failure)."""
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return [i for i, v in enumerate(values) if not (isinstance(v, int | float) and _finite(v) and v >= 0)]
    return [int(i) for i in np.flatnonzero(~(np.isfinite(arr) & (arr >= 0)))]


def _bad_years(values: Sequence[object]) -> list[int]:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return list(range(len(values)))
    return [int(i) for i in np.flatnonzero(~((arr >= MIN_YEAR) & (arr <= MAX_YEAR)))]


def check_inputs(plans: Sequence[Plan], infra: Infrastructure, params: Parameters) -> list[str]:
    """Every problem with the inputs. Bulk checks keep this fast on large inputs."""
    errors = check_parameters(params)
    areas = {a.id: a for a in infra.areas}
    if len(areas) != len(infra.areas):
        errors += [f"voedingsgebied {dup}: dubbele sleutel" for dup in _duplicates(a.id for a in infra.areas)]
    for i in _bad_amounts([a.capacity_now_mw for a in infra.areas]):
        errors.append(f"voedingsgebied {infra.areas[i].id}: capacity_now_mw moet 0 of meer zijn")
    for a in infra.areas:
        where = f"voedingsgebied {a.id}"
        if a.level == GridLevel.TENNET and a.parent_id is not None:
            errors.append(f"{where}: een TenneT-regio heeft geen bovenliggend gebied")
        if a.parent_id is not None:
            parent = areas.get(a.parent_id)
            if parent is None:
                errors.append(f"{where}: onbekende TenneT-regio {a.parent_id}")
            elif parent.level != GridLevel.TENNET:
                errors.append(f"{where}: bovenliggend gebied {a.parent_id} is geen TenneT-regio")
        if a.congestion_end_year is not None and not MIN_YEAR <= a.congestion_end_year <= MAX_YEAR:
            errors.append(f"{where}: ongeldig eindjaar congestie {a.congestion_end_year}")
    reinforcements = [(a, r) for a in infra.areas for r in a.reinforcements]
    for i in _bad_amounts([r.mw for _, r in reinforcements]):
        a, r = reinforcements[i]
        errors.append(f"voedingsgebied {a.id}, versterking {r.id}: mw moet 0 of meer zijn")
    for i in _bad_years([r.year for _, r in reinforcements]):
        a, r = reinforcements[i]
        errors.append(f"voedingsgebied {a.id}, versterking {r.id}: ongeldig jaar {r.year}")
    project_ids = [r.id for _, r in reinforcements] + [r.id for r in infra.rollouts]
    if len(set(project_ids)) != len(project_ids):
        for dup in _duplicates(project_ids):
            errors.append(f"project {dup}: dubbele sleutel (versterkingen en uitrolfasen samen)")
    request_ids = [q.id for q in infra.queue]
    if len(set(request_ids)) != len(request_ids):
        errors += [f"wachtrijverzoek {dup}: dubbele sleutel" for dup in _duplicates(request_ids)]
    for q in infra.queue:
        if q.area_id not in areas:
            errors.append(f"wachtrijverzoek {q.id}: onbekend voedingsgebied {q.area_id}")
    for i in _bad_amounts([q.mw for q in infra.queue]):
        errors.append(f"wachtrijverzoek {infra.queue[i].id}: mw moet 0 of meer zijn")
    rollouts = {ro.id: ro for ro in infra.rollouts}
    for ro in infra.rollouts:
        if not MIN_YEAR <= ro.year <= MAX_YEAR:
            errors.append(f"uitrolfase {ro.id}: ongeldig jaar {ro.year}")
    for dup in _duplicates(p.id for p in infra.points):
        errors.append(f"netwerkpunt {dup}: dubbele sleutel")
    for pt in infra.points:
        if pt.rollout_id not in rollouts:
            errors.append(f"netwerkpunt {pt.id}: onbekende uitrolfase {pt.rollout_id}")
        if not (_finite(pt.lon) and _finite(pt.lat) and -90 <= pt.lat <= 90):
            errors.append(f"netwerkpunt {pt.id}: ongeldige coördinaten")

    plan_ids = [p.id for p in plans]
    if len(set(plan_ids)) != len(plan_ids):
        errors += [f"plan {dup}: dubbele sleutel" for dup in _duplicates(plan_ids)]
    for dup in sorted(set(request_ids) & set(plan_ids)):
        errors.append(f"plan {dup}: dezelfde sleutel als een wachtrijverzoek")
    for i in _bad_years([p.planned_year for p in plans]):
        errors.append(f"plan {plans[i].id}: ongeldig gepland jaar {plans[i].planned_year}")
    for i in _bad_amounts([p.co2_reduction_t for p in plans]):
        errors.append(f"plan {plans[i].id}: co2_reduction_t moet 0 of meer zijn")
    for i in _bad_amounts([p.grid_mw for p in plans]):
        errors.append(f"plan {plans[i].id}: grid_mw moet 0 of meer zijn")
    for p in plans:
        if p.grid_area_id is not None and p.grid_area_id not in areas:
            errors.append(f"plan {p.id}: onbekend voedingsgebied {p.grid_area_id}")
        elif p.grid_area_id is None and p.grid_mw > 0:
            errors.append(f"plan {p.id}: grid_mw > 0 vraagt een voedingsgebied (grid_area_id)")
        if p.tennet_region_id is not None or p.needs or p.distance_km or (p.lon is None) != (p.lat is None):
            errors += _check_plan_details(p, areas)
    for i in _bad_coordinates(plans):
        errors.append(f"plan {plans[i].id}: ongeldige coördinaten")
    return errors


def _bad_coordinates(plans: Sequence[Plan]) -> list[int]:
    idx = [i for i, p in enumerate(plans) if p.lon is not None and p.lat is not None]
    if not idx:
        return []
    try:
        lon = np.array([plans[i].lon for i in idx], dtype=np.float64)
        lat = np.array([plans[i].lat for i in idx], dtype=np.float64)
    except (TypeError, ValueError):
        return idx
    ok = np.isfinite(lon) & np.isfinite(lat) & (lat >= -90) & (lat <= 90)
    return [idx[int(k)] for k in np.flatnonzero(~ok)]


def _check_plan_details(p: Plan, areas: dict[str, GridArea]) -> list[str]:
    errors: list[str] = []
    where = f"plan {p.id}"
    if p.tennet_region_id is not None and p.grid_area_id in areas:
        area = areas[p.grid_area_id]
        expected = area.id if area.level == GridLevel.TENNET else area.parent_id
        if expected != p.tennet_region_id:
            errors.append(
                f"{where}: TenneT-regio {p.tennet_region_id} past niet bij voedingsgebied {area.id}"
                f" (verwacht: {expected or 'geen'})"
            )
    for carrier, amount in p.needs.items():
        if carrier not in Carrier.__members__.values():
            errors.append(f"{where}: onbekende energiedrager {carrier!s}")
        elif not (_finite(amount) and amount >= 0):
            errors.append(f"{where}: ongeldige hoeveelheid {carrier.value}")
    for carrier, km in p.distance_km.items():
        if carrier not in Carrier.__members__.values() or not (_finite(km) and km >= 0):
            errors.append(f"{where}: ongeldige afstand voor {carrier!s}")
    if (p.lon is None) != (p.lat is None):
        errors.append(f"{where}: geef lon en lat allebei of geen van beide")
    return errors


def check_scenario(scenario: Scenario, infra: Infrastructure) -> list[str]:
    errors: list[str] = []
    areas = {a.id for a in infra.areas}
    reinforcements = {r.id for a in infra.areas for r in a.reinforcements}
    rollouts = {r.id for r in infra.rollouts}
    where = f"scenario {scenario.name}"
    for rid in sorted(set(scenario.reinforcement_shifts) - reinforcements):
        errors.append(f"{where}: onbekende versterking {rid}")
    for aid in sorted(set(scenario.congestion_end_shifts) - areas):
        errors.append(f"{where}: onbekend voedingsgebied {aid}")
    with_end = {a.id for a in infra.areas if a.congestion_end_year is not None}
    for aid in sorted((set(scenario.congestion_end_shifts) & areas) - with_end):
        errors.append(f"{where}: voedingsgebied {aid} heeft geen eindjaar congestie")
    for rid in sorted(set(scenario.rollout_shifts) - rollouts):
        errors.append(f"{where}: onbekende uitrolfase {rid}")
    for i, extra in enumerate(scenario.extra_capacity, start=1):
        if extra.area_id not in areas:
            errors.append(f"{where}: extra capaciteit {i}: onbekend voedingsgebied {extra.area_id}")
        if not (_finite(extra.mw) and extra.mw >= 0):
            errors.append(f"{where}: extra capaciteit {i}: mw moet 0 of meer zijn")
    if scenario.flexible_share is not None and not (
        _finite(scenario.flexible_share) and 0.0 <= scenario.flexible_share <= 1.0
    ):
        errors.append(f"{where}: flexible_share moet tussen 0 en 1 liggen")
    return errors


def raise_if(errors: list[str]) -> None:
    if errors:
        raise EngineInputError(errors)
