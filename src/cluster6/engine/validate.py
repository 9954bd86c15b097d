"""Input checks: every problem is collected and reported at once (in Dutch), before anything is computed."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeGuard

import numpy as np

from .arrays import BoolArray, FloatArray
from .demand import InputColumns
from .model import (
    NO_DAY,
    Carrier,
    EngineInputError,
    GridArea,
    GridLevel,
    Infrastructure,
    Parameters,
    Plan,
    QueueTable,
    Scenario,
)

MIN_YEAR = 1900
MAX_YEAR = 2200
_MAX_DAY = date.max.toordinal()


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _finite(x: object) -> TypeGuard[float]:
    return isinstance(x, int | float) and math.isfinite(x)


def _amount(x: object) -> bool:
    """A finite number >= 0."""
    return _finite(x) and x >= 0


def _share(x: object) -> bool:
    """A finite number from 0 to 1."""
    return _finite(x) and 0.0 <= x <= 1.0


def _tennet_region_of(area: GridArea) -> str | None:
    """The TenneT region a request in the area queues in: the region itself, or a regional area's parent."""
    return area.id if area.level == GridLevel.TENNET else area.parent_id


def check_parameters(params: Parameters) -> list[str]:
    errors: list[str] = []
    if not params.base_year <= params.horizon_year:
        errors.append("parameters: base_year moet vóór of gelijk aan horizon_year liggen")
    if not MIN_YEAR <= params.base_year <= MAX_YEAR or not MIN_YEAR <= params.horizon_year <= MAX_YEAR:
        errors.append("parameters: jaren buiten het bereik 1900-2200")
    if params.horizon_year - params.base_year > 200:
        errors.append("parameters: de horizon is langer dan 200 jaar")
    if not _share(params.flexible_share):
        errors.append("parameters: flexible_share moet tussen 0 en 1 liggen")
    for carrier, km in params.max_distance_km.items():
        if carrier not in Carrier.__members__.values() or not _amount(km):
            errors.append(f"parameters: ongeldige maximale afstand voor {carrier!s}: {km!r}")
    if params.unlock_years_earlier < 0:
        errors.append("parameters: unlock_years_earlier mag niet negatief zijn")
    if not _amount(params.miek_threshold_mw):
        errors.append("parameters: miek_threshold_mw moet 0 of meer zijn")
    return errors


def _bad_amounts(values: Sequence[object], arr: FloatArray | None = None) -> list[int]:
    """Indices of values that are not finite numbers >= 0 (checked in bulk, item by item only on failure).
    `arr`, when given, is `np.array(values, dtype=np.float64)` (None: convert here)."""
    if arr is None:
        try:
            arr = np.array(values, dtype=np.float64)
        except (TypeError, ValueError):
            return [i for i, v in enumerate(values) if not _amount(v)]
    return [int(i) for i in np.flatnonzero(~(np.isfinite(arr) & (arr >= 0)))]


def _column_amounts(columns: InputColumns, of_plans: bool, name: str) -> list[int]:
    """_bad_amounts of a column, with its shared float array."""
    values = columns.plan(name) if of_plans else columns.queue(name)
    return _bad_amounts(values, columns.plan_floats(name) if of_plans else columns.queue_floats(name))


def _bad_years(values: Sequence[object], arr: FloatArray | None = None) -> list[int]:
    """Indices of values that are not years within MIN_YEAR..MAX_YEAR. `arr`, when given, is
    `np.array(values, dtype=np.float64)` (None: convert here)."""
    if arr is None:
        try:
            arr = np.array(values, dtype=np.float64)
        except (TypeError, ValueError):
            return list(range(len(values)))
    return [int(i) for i in np.flatnonzero(~((arr >= MIN_YEAR) & (arr <= MAX_YEAR)))]


def check_inputs(
    plans: Sequence[Plan], infra: Infrastructure, params: Parameters, columns: InputColumns | None = None
) -> list[str]:
    """Every problem with the inputs. Bulk checks keep this fast on large inputs: the per-plan checks run
    only on the plans that the bulk checks cannot clear, in input order, so the messages and their order
    are those of checking every plan one by one. `columns`, when given, must hold these same plans and
    infra.queue (the engine shares it with compile_demand)."""
    if columns is None:
        columns = InputColumns(plans, infra.queue)
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
    queue = infra.queue
    if isinstance(queue, QueueTable):  # columns: checked in bulk, the requests are not read one by one
        request_ids: list[str] = list(queue.ids)
        used_areas = {queue.area_labels[c] for c in np.unique(queue.area_code).tolist()}
        bad_mw = _bad_amounts([], queue.mw)
        bad_days = np.flatnonzero((queue.day != NO_DAY) & ((queue.day < 1) | (queue.day > _MAX_DAY)))
        for i in bad_days.tolist():
            errors.append(f"wachtrijverzoek {queue.ids[i]}: ongeldige datum (dagnummer {queue.day[i]})")
    else:
        request_ids = columns.queue("id")
        used_areas = set(columns.queue("area_id"))
        bad_mw = _column_amounts(columns, False, "mw")
    request_set = set(request_ids)
    if len(request_set) != len(request_ids):
        errors += [f"wachtrijverzoek {dup}: dubbele sleutel" for dup in _duplicates(request_ids)]
    if used_areas.difference(areas):
        for q in queue:
            if q.area_id not in areas:
                errors.append(f"wachtrijverzoek {q.id}: onbekend voedingsgebied {q.area_id}")
    for i in bad_mw:
        errors.append(f"wachtrijverzoek {queue[i].id}: mw moet 0 of meer zijn")
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

    plan_ids = columns.plan("id")
    plan_set = set(plan_ids)
    if len(plan_set) != len(plan_ids):
        errors += [f"plan {dup}: dubbele sleutel" for dup in _duplicates(plan_ids)]
    for dup in sorted(request_set & plan_set):
        errors.append(f"plan {dup}: dezelfde sleutel als een wachtrijverzoek")
    for i in _bad_years(columns.plan("planned_year"), columns.plan_floats("planned_year")):
        errors.append(f"plan {plans[i].id}: ongeldig gepland jaar {plans[i].planned_year}")
    for i in _column_amounts(columns, True, "co2_reduction_t"):
        errors.append(f"plan {plans[i].id}: co2_reduction_t moet 0 of meer zijn")
    for i in _column_amounts(columns, True, "grid_mw"):
        errors.append(f"plan {plans[i].id}: grid_mw moet 0 of meer zijn")
    lon_none, lat_none = _is_none(columns, "lon"), _is_none(columns, "lat")
    for i in _plans_to_check(columns, areas, lon_none != lat_none):
        p = plans[i]
        if p.grid_area_id is not None and p.grid_area_id not in areas:
            errors.append(f"plan {p.id}: onbekend voedingsgebied {p.grid_area_id}")
        elif p.grid_area_id is None and p.grid_mw > 0:
            errors.append(f"plan {p.id}: grid_mw > 0 vraagt een voedingsgebied (grid_area_id)")
        if p.tennet_region_id is not None or p.needs or p.distance_km or (p.lon is None) != (p.lat is None):
            errors += _check_plan_details(p, areas)
    for i in _bad_coordinates(columns, ~lon_none & ~lat_none):
        errors.append(f"plan {plans[i].id}: ongeldige coördinaten")
    return errors


#: The types whose values the bulk checks clear (anything else is checked one by one, as before).
_NUMBER_TYPES = frozenset({int, float, bool})
_KEY_TYPES = frozenset({Carrier, str})
_CARRIERS = frozenset(Carrier.__members__.values())


def _plans_to_check(
    columns: InputColumns, areas: dict[str, GridArea], lonlat_mismatch: BoolArray
) -> list[int]:
    """The plans that the per-plan checks in check_inputs could report (a superset, in input order): every
    other plan has a known area or none without grid_mw > 0, a TenneT region (if any) that fits its area,
    needs and distances with known carriers and finite amounts >= 0, and both or none of lon and lat."""
    area_col = columns.plan("grid_area_id")
    suspect = lonlat_mismatch.copy()
    used = set(area_col)
    used.discard(None)
    unknown = used.difference(areas)
    if unknown:
        suspect |= np.array([a in unknown for a in area_col], dtype=np.bool_)
    no_area = np.flatnonzero(np.array([a is None for a in area_col], dtype=np.bool_))
    if no_area.shape[0]:
        mw = columns.plan("grid_mw")
        suspect[no_area] |= _not_at_most_zero([mw[i] for i in no_area.tolist()])
    tennet_col = columns.plan("tennet_region_id")
    if any(t is not None for t in tennet_col):
        expected = {aid: _tennet_region_of(a) for aid, a in areas.items()}
        suspect |= np.array(
            [
                t is not None and a in expected and expected[a] != t
                for t, a in zip(tennet_col, area_col, strict=True)
            ],
            dtype=np.bool_,
        )
    for name in ("needs", "distance_km"):
        entries = columns.entries(name)
        if entries.plan:
            bad = _not_carriers(entries.keys) | _not_amounts(entries.values)
            suspect[np.array(entries.plan, dtype=np.int64)[bad]] = True
    return [int(i) for i in np.flatnonzero(suspect)]


def _not_at_most_zero(values: list[Any]) -> BoolArray:
    """True where `value > 0` could hold (or raise): plain numbers above 0, and every other type."""
    return np.array([type(v) not in _NUMBER_TYPES or v > 0 for v in values], dtype=np.bool_)


def _not_carriers(keys: list[Any]) -> BoolArray:
    """True where a key is not plainly a carrier (a Carrier, or the str of one)."""
    if set(map(type, keys)) <= _KEY_TYPES and set(keys) <= _CARRIERS:
        return np.zeros(len(keys), dtype=np.bool_)
    return np.array([type(k) not in _KEY_TYPES or k not in _CARRIERS for k in keys], dtype=np.bool_)


def _not_amounts(values: list[Any]) -> BoolArray:
    """True where a value is not plainly a finite number >= 0 (an int, float or bool)."""
    if set(map(type, values)) <= _NUMBER_TYPES:
        plain, idx = np.ones(len(values), dtype=np.bool_), None
    else:
        plain = np.array([type(v) in _NUMBER_TYPES for v in values], dtype=np.bool_)
        idx = np.flatnonzero(plain)
    try:
        arr = np.array(values if idx is None else [values[i] for i in idx.tolist()], dtype=np.float64)
    except OverflowError:  # an int beyond float: math.isfinite raises too, so check these one by one
        return np.ones(len(values), dtype=np.bool_)
    out = ~plain
    out[plain] = ~(np.isfinite(arr) & (arr >= 0))
    return out


def _is_none(columns: InputColumns, name: str) -> BoolArray:
    """Per plan: the attribute is None. None is nan in the (shared) float column, so only the nan values
    are looked at one by one."""
    values = columns.plan(name)
    try:
        arr = columns.plan_floats(name)
    except OverflowError:  # an int beyond float (reported later, as before)
        arr = None
    if arr is None:
        return np.array([v is None for v in values], dtype=np.bool_)
    out = np.zeros(len(values), dtype=np.bool_)
    nan = np.flatnonzero(np.isnan(arr))
    if nan.shape[0]:
        out[nan] = [values[i] is None for i in nan.tolist()]
    return out


def _bad_coordinates(columns: InputColumns, both: BoolArray) -> list[int]:
    """The plans with lon and lat whose coordinates are not finite or whose lat is outside -90..90 (all of
    those with lon and lat when the values are not numbers)."""
    idx = [int(i) for i in np.flatnonzero(both)]
    if not idx:
        return []
    if len(idx) == both.shape[0]:
        lon, lat = columns.plan_floats("lon"), columns.plan_floats("lat")
        if lon is None or lat is None:
            return idx
    else:
        lons, lats = columns.plan("lon"), columns.plan("lat")
        try:
            lon = np.array([lons[i] for i in idx], dtype=np.float64)
            lat = np.array([lats[i] for i in idx], dtype=np.float64)
        except (TypeError, ValueError):
            return idx
    ok = np.isfinite(lon) & np.isfinite(lat) & (lat >= -90) & (lat <= 90)
    return [idx[int(k)] for k in np.flatnonzero(~ok)]


def _check_plan_details(p: Plan, areas: dict[str, GridArea]) -> list[str]:
    errors: list[str] = []
    where = f"plan {p.id}"
    if p.tennet_region_id is not None and p.grid_area_id in areas:
        area = areas[p.grid_area_id]
        expected = _tennet_region_of(area)
        if expected != p.tennet_region_id:
            errors.append(
                f"{where}: TenneT-regio {p.tennet_region_id} past niet bij voedingsgebied {area.id}"
                f" (verwacht: {expected or 'geen'})"
            )
    for carrier, amount in p.needs.items():
        if carrier not in Carrier.__members__.values():
            errors.append(f"{where}: onbekende energiedrager {carrier!s}")
        elif not _amount(amount):
            errors.append(f"{where}: ongeldige hoeveelheid {carrier.value}")
    for carrier, km in p.distance_km.items():
        if carrier not in Carrier.__members__.values() or not _amount(km):
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
        if not _amount(extra.mw):
            errors.append(f"{where}: extra capaciteit {i}: mw moet 0 of meer zijn")
    if scenario.flexible_share is not None and not _share(scenario.flexible_share):
        errors.append(f"{where}: flexible_share moet tussen 0 en 1 liggen")
    return errors


def raise_if(errors: list[str]) -> None:
    if errors:
        raise EngineInputError(errors)
