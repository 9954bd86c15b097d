"""The engine's JSON file formats (docs/formats.md, "Analysis files"): plans, infrastructure, scenario and
parameters in; the analysis result out. Reading checks every field and reports every problem at once, with
its path (``plans[3].planned_year``), in Dutch, as an `EngineInputError`.

The same canonical form is hashed for stored runs (`input_hash`), so that a run made from the database and
one made from the exported files of the same data have the same hash.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from enum import Enum
from typing import Any, TypeVar

import numpy as np

from .model import (
    DEFAULT_MAX_DISTANCE_KM,
    NO_DAY,
    Carrier,
    CarrierRollout,
    Certainty,
    EngineInputError,
    ExtraCapacity,
    GridArea,
    GridLevel,
    Infrastructure,
    NetworkPoint,
    Parameters,
    Plan,
    PlanEntries,
    PlanStatus,
    PlanTable,
    Priority,
    QueueRequest,
    QueueTable,
    Reinforcement,
    Scenario,
    SupplyMode,
)
from .validate import check_parameters

FORMAT_PLANS = "cluster6.engine.plans"
FORMAT_INFRA = "cluster6.engine.infrastructure"
FORMAT_SCENARIO = "cluster6.engine.scenario"
FORMAT_RESULT = "cluster6.engine.result"
FORMAT_VERSION = 1

E = TypeVar("E")


# ------------------------------------------------------------------------------------------- writing


def _date(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def plan_to_dict(p: Plan) -> dict[str, Any]:
    return {
        "id": p.id,
        "location_id": p.location_id,
        "province": p.province,
        "sector": p.sector,
        "route": p.route,
        "planned_year": p.planned_year,
        "co2_reduction_t": p.co2_reduction_t,
        "grid_operator": p.grid_operator,
        "grid_area_id": p.grid_area_id,
        "grid_mw": p.grid_mw,
        "request_date": _date(p.request_date),
        "priority": int(p.priority),
        "accepts_flexible": p.accepts_flexible,
        "needs": {str(c): v for c, v in sorted(p.needs.items())},
        "lon": p.lon,
        "lat": p.lat,
        "distance_km": {str(c): v for c, v in sorted(p.distance_km.items())},
        "status": str(p.status),
        "in_case": p.in_case,
    }


def infra_to_dict(infra: Infrastructure) -> dict[str, Any]:
    return {
        "format": FORMAT_INFRA,
        "version": FORMAT_VERSION,
        "areas": [
            {
                "id": a.id,
                "level": str(a.level),
                "capacity_now_mw": a.capacity_now_mw,
                "operator": a.operator,
                "name": a.name,
                "parent_id": a.parent_id,
                "congestion_end_year": a.congestion_end_year,
                "congestion_end_certainty": str(a.congestion_end_certainty),
                "reinforcements": [
                    {"id": r.id, "year": r.year, "mw": r.mw, "certainty": str(r.certainty), "name": r.name}
                    for r in a.reinforcements
                ],
            }
            for a in infra.areas
        ],
        "queue": _queue_dicts(infra.queue),
        "rollouts": [
            {
                "id": r.id,
                "carrier": str(r.carrier),
                "year": r.year,
                "certainty": str(r.certainty),
                "region": r.region,
                "mode": str(r.mode),
                "name": r.name,
            }
            for r in infra.rollouts
        ],
        "points": [
            {"id": p.id, "rollout_id": p.rollout_id, "lon": p.lon, "lat": p.lat} for p in infra.points
        ],
    }


def _queue_dicts(queue: Sequence[QueueRequest] | QueueTable) -> list[dict[str, Any]]:
    """The queue requests as in the file; a QueueTable is read by column (the same dicts)."""
    if not isinstance(queue, QueueTable):
        return [
            {
                "id": q.id,
                "area_id": q.area_id,
                "mw": q.mw,
                "priority": int(q.priority),
                "request_date": _date(q.request_date),
            }
            for q in queue
        ]
    days = {
        d: None if d == NO_DAY else date.fromordinal(d).isoformat() for d in np.unique(queue.day).tolist()
    }
    return [
        {"id": i, "area_id": a, "mw": m, "priority": p, "request_date": days[d]}
        for i, a, m, p, d in zip(
            queue.ids,
            queue.area_ids(),
            queue.mw.tolist(),
            queue.priority.tolist(),
            queue.day.tolist(),
            strict=True,
        )
    ]


def plans_to_dict(plans: Sequence[Plan]) -> dict[str, Any]:
    rows = _table_plan_dicts(plans) if isinstance(plans, PlanTable) else [plan_to_dict(p) for p in plans]
    return {"format": FORMAT_PLANS, "version": FORMAT_VERSION, "plans": rows}


def _entry_dicts(entries: PlanEntries, n: int) -> list[dict[str, Any]]:
    """Per plan, its entries as plan_to_dict writes a mapping (str keys, sorted)."""
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    for j, k, v in zip(entries.plan, entries.keys, entries.values, strict=True):
        out[j][str(k)] = v
    return [dict(sorted(d.items())) if len(d) > 1 else d for d in out]


def _table_plan_dicts(table: PlanTable) -> list[dict[str, Any]]:
    """plan_to_dict of every plan of a table, read by column (the same dicts, without Plan objects)."""
    c = table.columns
    n = len(table)
    dates: dict[Any, str | None] = {}
    for d in set(c["request_date"]):
        dates[d] = _date(d)  # type: ignore[arg-type]
    return [
        {
            "id": pid,
            "location_id": loc,
            "province": prov,
            "sector": sec,
            "route": route,
            "planned_year": year,
            "co2_reduction_t": co2,
            "grid_operator": op,
            "grid_area_id": area,
            "grid_mw": mw,
            "request_date": dates[rd],
            "priority": int(prio),
            "accepts_flexible": flex,
            "needs": needs,
            "lon": lon,
            "lat": lat,
            "distance_km": dist,
            "status": str(status),
            "in_case": case,
        }
        for (
            pid,
            loc,
            prov,
            sec,
            route,
            year,
            co2,
            op,
            area,
            mw,
            rd,
            prio,
            flex,
            needs,
            lon,
            lat,
            dist,
            status,
            case,
        ) in zip(
            c["id"],
            c["location_id"],
            c["province"],
            c["sector"],
            c["route"],
            c["planned_year"],
            c["co2_reduction_t"],
            c["grid_operator"],
            c["grid_area_id"],
            c["grid_mw"],
            c["request_date"],
            c["priority"],
            c["accepts_flexible"],
            _entry_dicts(table.needs, n),
            c["lon"],
            c["lat"],
            _entry_dicts(table.distance_km, n),
            c["status"],
            c["in_case"],
            strict=True,
        )
    ]


def params_to_dict(params: Parameters) -> dict[str, Any]:
    return {
        "base_year": params.base_year,
        "horizon_year": params.horizon_year,
        "deadline_year": params.deadline_year,
        "flexible_share": params.flexible_share,
        "max_distance_km": {str(c): float(v) for c, v in sorted(params.max_distance_km.items())},
        "allow_alternatives": params.allow_alternatives,
        "all_plans_flexible": params.all_plans_flexible,
        "unlock_years_earlier": params.unlock_years_earlier,
        "miek_threshold_mw": params.miek_threshold_mw,
    }


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    return {
        "format": FORMAT_SCENARIO,
        "version": FORMAT_VERSION,
        "name": s.name,
        "reinforcement_shifts": dict(sorted(s.reinforcement_shifts.items())),
        "congestion_end_shifts": dict(sorted(s.congestion_end_shifts.items())),
        "rollout_shifts": dict(sorted(s.rollout_shifts.items())),
        "extra_capacity": [
            {"area_id": x.area_id, "year": x.year, "mw": x.mw, "certainty": str(x.certainty), "id": x.id}
            for x in s.extra_capacity
        ],
        "flexible_share": s.flexible_share,
        "all_plans_flexible": s.all_plans_flexible,
    }


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def input_hash(
    plans: Sequence[Plan],
    infra: Infrastructure,
    params: Parameters,
    scenario: Scenario | None = None,
    engine_version: str = "",
) -> str:
    """SHA-256 over the canonical JSON of everything an analysis depends on."""
    payload = {
        "engine_version": engine_version,
        "plans": plans_to_dict(plans)["plans"],
        "infrastructure": infra_to_dict(infra),
        "parameters": params_to_dict(params),
        "scenario": scenario_to_dict(scenario) if scenario is not None else None,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------- reading


class _Reader:
    """Reads fields of one JSON object, collecting problems with their path."""

    def __init__(self, errors: list[str], path: str, data: object) -> None:
        self.errors = errors
        self.path = path
        self.ok = True
        if not isinstance(data, Mapping):
            self.fail("", "moet een object zijn")
            self.data: Mapping[str, Any] = {}
        else:
            self.data = data

    def fail(self, key: str, message: str) -> None:
        where = f"{self.path}.{key}" if key else self.path
        self.errors.append(f"{where}: {message}")
        self.ok = False

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "verplicht veld ontbreekt")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(key, f"moet tekst zijn, niet {value!r}")
            return default
        text = str(value).strip()
        if required and not text:
            self.fail(key, "mag niet leeg zijn")
        return text

    def optional_text(self, key: str) -> str | None:
        text = self.text(key)
        return text or None

    def number(
        self, key: str, *, required: bool = False, default: float = 0.0, minimum: float = 0.0
    ) -> float:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "verplicht veld ontbreekt")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(key, f"moet een getal zijn, niet {value!r}")
            return default
        if value < minimum:
            self.fail(key, f"moet {minimum:g} of meer zijn, niet {value!r}")
            return default
        return float(value)

    def optional_number(self, key: str, *, minimum: float = -math.inf) -> float | None:
        if not self.has(key):
            return None
        return self.number(key, minimum=minimum)

    def integer(
        self, key: str, *, required: bool = False, default: int = 0, lo: int = 1900, hi: int = 2200
    ) -> int:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "verplicht veld ontbreekt")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            self.fail(key, f"moet een geheel getal zijn, niet {value!r}")
            return default
        if not lo <= int(value) <= hi:
            self.fail(key, f"moet tussen {lo} en {hi} liggen, niet {value!r}")
            return default
        return int(value)

    def optional_year(self, key: str) -> int | None:
        if not self.has(key):
            return None
        return self.integer(key)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(key, f"moet true of false zijn, niet {value!r}")
            return default
        return value

    def day(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.fail(key, f"moet een datum (JJJJ-MM-DD) zijn, niet {value!r}")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, f"geen geldige datum (JJJJ-MM-DD): {value!r}")
            return None

    def choice(
        self, key: str, parse: Callable[[Any], E], default: E, label: str, *, required: bool = False
    ) -> E:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "verplicht veld ontbreekt")
            return default
        try:
            return parse(value)
        except (ValueError, TypeError):
            self.fail(key, f"onbekende {label}: {value!r}")
            return default

    def certainty(self, key: str = "certainty") -> Certainty:
        return self.choice(key, Certainty, Certainty.PLANNED, "zekerheid")

    def each(self, key: str, build: Callable[[_Reader], E], path: str | None = None) -> list[E]:
        """`build` on a reader of every object in the list `key`, its path `<path>[i]` (default: the key)."""
        where = path or key
        return [build(_Reader(self.errors, f"{where}[{i}]", raw)) for i, raw in enumerate(self.items(key))]

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(key, "moet een object zijn")
            return {}
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "moet een lijst zijn")
            return []
        return value


def _carrier(value: Any) -> Carrier:
    return Carrier(value)


def _carrier_amounts(r: _Reader, key: str, *, minimum: float = 0.0) -> dict[Carrier, float]:
    out: dict[Carrier, float] = {}
    for name, amount in r.mapping(key).items():
        try:
            carrier = Carrier(name)
        except ValueError:
            r.fail(f"{key}.{name}", f"onbekende drager (kies uit {', '.join(c.value for c in Carrier)})")
            continue
        sub = _Reader(r.errors, f"{r.path}.{key}", {name: amount})
        out[carrier] = sub.number(name, required=True, minimum=minimum)
        r.ok = r.ok and sub.ok
    return out


def _check_format(data: object, expected: str, errors: list[str], what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        errors.append(f"{what}: het bestand moet een JSON-object zijn")
        return {}
    fmt = data.get("format")
    if fmt is not None and fmt != expected:
        errors.append(f"{what}: format is {fmt!r}, verwacht {expected!r}")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        errors.append(f"{what}: versie {version!r} wordt niet ondersteund (verwacht {FORMAT_VERSION})")
    return data


def plan_from_dict(data: object, path: str, errors: list[str]) -> Plan | None:
    r = _Reader(errors, path, data)
    plan = Plan(
        id=r.text("id", required=True),
        location_id=r.text("location_id", required=True),
        province=r.text("province"),
        sector=r.text("sector"),
        route=r.text("route"),
        planned_year=r.integer("planned_year", required=True),
        co2_reduction_t=r.number("co2_reduction_t", required=True),
        grid_operator=r.text("grid_operator"),
        grid_area_id=r.optional_text("grid_area_id"),
        tennet_region_id=r.optional_text("tennet_region_id"),
        grid_mw=r.number("grid_mw"),
        request_date=r.day("request_date"),
        priority=r.choice("priority", Priority, Priority.OTHER, "prioriteitsklasse (1-4)"),
        accepts_flexible=r.boolean("accepts_flexible"),
        needs=_carrier_amounts(r, "needs"),
        lon=r.optional_number("lon", minimum=-180),
        lat=r.optional_number("lat", minimum=-90),
        distance_km=_carrier_amounts(r, "distance_km"),
        status=r.choice("status", PlanStatus, PlanStatus.ACTIVE, "status (active of cancelled)"),
        in_case=r.boolean("in_case"),
    )
    return plan if r.ok else None


def plans_from_dict(data: object) -> tuple[Plan, ...]:
    errors: list[str] = []
    doc = _check_format(data, FORMAT_PLANS, errors, "plannen")
    raw = doc.get("plans") if doc else None
    if doc and not isinstance(raw, list):
        errors.append("plannen: het veld 'plans' (een lijst) ontbreekt")
        raw = []
    plans = [plan_from_dict(p, f"plans[{i}]", errors) for i, p in enumerate(raw or [])]
    if errors:
        raise EngineInputError(errors)
    return tuple(p for p in plans if p is not None)


def _reinforcement(r: _Reader) -> Reinforcement:
    return Reinforcement(
        id=r.text("id", required=True),
        year=r.integer("year", required=True),
        mw=r.number("mw", required=True),
        certainty=r.certainty(),
        name=r.text("name"),
    )


def _area(r: _Reader) -> GridArea:
    return GridArea(
        id=r.text("id", required=True),
        level=r.choice("level", GridLevel, GridLevel.REGIONAL, "netniveau (regional of tennet)"),
        capacity_now_mw=r.number("capacity_now_mw"),
        operator=r.text("operator"),
        name=r.text("name"),
        parent_id=r.optional_text("parent_id"),
        reinforcements=tuple(r.each("reinforcements", _reinforcement, f"{r.path}.reinforcements")),
        congestion_end_year=r.optional_year("congestion_end_year"),
        congestion_end_certainty=r.certainty("congestion_end_certainty"),
    )


def _queue_request(r: _Reader) -> QueueRequest:
    return QueueRequest(
        id=r.text("id", required=True),
        area_id=r.text("area_id", required=True),
        mw=r.number("mw", required=True),
        priority=r.choice("priority", Priority, Priority.OTHER, "prioriteitsklasse (1-4)"),
        request_date=r.day("request_date"),
    )


def _rollout(r: _Reader) -> CarrierRollout:
    return CarrierRollout(
        id=r.text("id", required=True),
        carrier=r.choice("carrier", _carrier, Carrier.HYDROGEN, "drager", required=True),
        year=r.integer("year", required=True),
        certainty=r.certainty(),
        region=r.optional_text("region"),
        mode=r.choice("mode", SupplyMode, SupplyMode.NETWORK, "wijze (network of alternative)"),
        name=r.text("name"),
    )


def _point(r: _Reader) -> NetworkPoint:
    return NetworkPoint(
        id=r.text("id", required=True),
        rollout_id=r.text("rollout_id", required=True),
        lon=r.number("lon", required=True, minimum=-180),
        lat=r.number("lat", required=True, minimum=-90),
    )


def infra_from_dict(data: object) -> Infrastructure:
    errors: list[str] = []
    top = _Reader(errors, "infrastructuur", _check_format(data, FORMAT_INFRA, errors, "infrastructuur"))
    infra = Infrastructure(
        areas=tuple(top.each("areas", _area)),
        queue=tuple(top.each("queue", _queue_request)),
        rollouts=tuple(top.each("rollouts", _rollout)),
        points=tuple(top.each("points", _point)),
    )
    if errors:
        raise EngineInputError(errors)
    return infra


def params_from_dict(data: object, base: Parameters | None = None) -> Parameters:
    """Parameters from an object; missing fields keep the defaults (or those of `base`)."""
    errors: list[str] = []
    b = base or Parameters()
    r = _Reader(errors, "parameters", data)
    distances = dict(b.max_distance_km)
    distances.update(_carrier_amounts(r, "max_distance_km"))
    params = Parameters(
        base_year=r.integer("base_year", default=b.base_year),
        horizon_year=r.integer("horizon_year", default=b.horizon_year),
        deadline_year=r.integer("deadline_year", default=b.deadline_year),
        flexible_share=r.number("flexible_share", default=b.flexible_share),
        max_distance_km={c: distances.get(c, DEFAULT_MAX_DISTANCE_KM[c]) for c in Carrier},
        allow_alternatives=r.boolean("allow_alternatives", b.allow_alternatives),
        all_plans_flexible=r.boolean("all_plans_flexible", b.all_plans_flexible),
        unlock_years_earlier=r.integer("unlock_years_earlier", default=b.unlock_years_earlier, lo=0, hi=50),
        miek_threshold_mw=r.number("miek_threshold_mw", default=b.miek_threshold_mw),
    )
    errors += check_parameters(params)
    if errors:
        raise EngineInputError(errors)
    return params


def _shifts(r: _Reader, key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, value in r.mapping(key).items():
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 50:
            r.fail(f"{key}.{name}", f"moet een geheel aantal jaren (-50 tot 50) zijn, niet {value!r}")
            continue
        out[str(name)] = value
    return out


def _extra_capacity(r: _Reader) -> ExtraCapacity:
    return ExtraCapacity(
        area_id=r.text("area_id", required=True),
        year=r.integer("year", required=True),
        mw=r.number("mw", required=True),
        certainty=r.certainty(),
        id=r.text("id"),
    )


def scenario_from_dict(data: object) -> Scenario:
    errors: list[str] = []
    doc = _check_format(data, FORMAT_SCENARIO, errors, "scenario")
    r = _Reader(errors, "scenario", doc)
    extras = r.each("extra_capacity", _extra_capacity, "scenario.extra_capacity")
    flexible = r.optional_number("flexible_share", minimum=0.0)
    if flexible is not None and flexible > 1:
        r.fail("flexible_share", f"moet tussen 0 en 1 liggen, niet {flexible!r}")
    scenario = Scenario(
        name=r.text("name", default="scenario") or "scenario",
        reinforcement_shifts=_shifts(r, "reinforcement_shifts"),
        congestion_end_shifts=_shifts(r, "congestion_end_shifts"),
        rollout_shifts=_shifts(r, "rollout_shifts"),
        extra_capacity=tuple(extras),
        flexible_share=flexible,
        all_plans_flexible=r.boolean("all_plans_flexible"),
    )
    if errors:
        raise EngineInputError(errors)
    return scenario


def load_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EngineInputError(
            [f"{what}: ongeldige JSON op regel {exc.lineno}, kolom {exc.colno}: {exc.msg}"]
        ) from None


@dataclass(frozen=True, slots=True)
class Inputs:
    plans: tuple[Plan, ...]
    infra: Infrastructure
    params: Parameters
    scenario: Scenario | None = None


def to_jsonable(obj: Any) -> Any:
    """Result dataclasses, enums, mappings and tuples as plain JSON values."""
    if isinstance(obj, Enum):
        return obj.value
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in fields(obj) if not f.name.startswith("_")}
    if isinstance(obj, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def result_document(
    *,
    result: Any,
    params: Parameters,
    digest: str,
    engine_version: str,
    scenario: Scenario | None = None,
    comparison: Any = None,
    unlock_ranking: Any = (),
    miek_candidates: Any = (),
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The analysis result file (format cluster6.engine.result, docs/formats.md)."""
    total = result.aggregates.total
    return {
        "format": FORMAT_RESULT,
        "version": FORMAT_VERSION,
        "engine_version": engine_version,
        "input_hash": digest,
        "parameters": params_to_dict(params),
        "scenario": scenario_to_dict(scenario) if scenario is not None else None,
        "summary": {
            "n_plans": total.n_plans,
            "n_dependent": total.n_dependent,
            "n_can": total.n_can,
            "n_may_not": total.n_may_not,
            "n_cannot": total.n_cannot,
            "headline_share": total.headline_share,
            "co2_t": total.co2_t,
            "co2_by_deadline_t": total.co2_by_deadline_t,
            "co2_by_deadline_certain_t": total.co2_by_deadline_certain_t,
        },
        "notes": list(notes),
        "plans": to_jsonable(result.plan_outcomes()),
        "aggregates": to_jsonable(result.aggregates),
        "comparison": to_jsonable(comparison) if comparison is not None else None,
        "unlock_ranking": to_jsonable(unlock_ranking),
        "miek_candidates": to_jsonable(miek_candidates),
    }
