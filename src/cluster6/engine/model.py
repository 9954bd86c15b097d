"""The engine's vocabulary: enumerations, the plain frozen input dataclasses, parameters and scenarios.

Everything here is framework-free and immutable. Amounts are given in the units of the field names
(MW, t/yr, km); the engine rounds them to whole kW, whole tonnes and whole metres (rule 2 in
docs/engine.md) so that every comparison is exact and the results are deterministic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum
from typing import overload

import numpy as np
import numpy.typing as npt


class Priority(IntEnum):
    """The ACM social prioritisation of grid requests (lower is served first)."""

    CONGESTION_RELIEF = 1
    PUBLIC_SAFETY = 2
    BASIC_NEEDS = 3
    OTHER = 4


class Certainty(StrEnum):
    FIRM = "firm"
    PLANNED = "planned"
    UNCERTAIN = "uncertain"


class GridLevel(StrEnum):
    REGIONAL = "regional"
    TENNET = "tennet"


class Carrier(StrEnum):
    HYDROGEN = "hydrogen"
    CO2 = "co2"
    GREEN_GAS = "green_gas"
    HEAT = "heat"


#: The fixed order of the requirements; it breaks ties when choosing the binding bottleneck.
CARRIERS: tuple[Carrier, ...] = (Carrier.HYDROGEN, Carrier.CO2, Carrier.GREEN_GAS, Carrier.HEAT)


class SupplyMode(StrEnum):
    """How a carrier rollout reaches a location: through the network (limited by the distance for a direct
    connection) or by a costlier alternative without a distance limit (CO2 by ship or truck)."""

    NETWORK = "network"
    ALTERNATIVE = "alternative"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class FeasibilityClass(StrEnum):
    CAN = "can"  # kan doorgaan
    MAY_NOT = "may_not"  # mag (nog) niet
    CANNOT = "cannot"  # kan niet
    NOT_DEPENDENT = "not_dependent"  # needs no new infrastructure
    EXCLUDED = "excluded"  # not an active plan: not counted


class Binding(StrEnum):
    """Which grid element determines the connection year."""

    NONE = "none"
    REGIONAL = "regional"
    TENNET = "tennet"


class Bottleneck(StrEnum):
    GRID_CONGESTION = "grid_congestion"
    DISTANCE = "distance"
    HYDROGEN = "hydrogen"
    CO2 = "co2"
    GREEN_GAS = "green_gas"
    HEAT = "heat"


class ProjectKind(StrEnum):
    GRID_REINFORCEMENT = "grid_reinforcement"
    CONGESTION_END = "congestion_end"
    CARRIER_ROLLOUT = "carrier_rollout"


# ------------------------------------------------------------------------------------------ inputs


@dataclass(frozen=True, slots=True)
class Plan:
    """A decarbonisation plan of a production location.

    `grid_mw` is the extra grid capacity requested (0: no grid need). `needs` names the other carriers the
    plan needs, with an amount (hydrogen MW, CO2 t/yr, green gas MW, heat MW; 0 when unknown): a carrier is
    needed when it is a key. `distance_km` gives a precomputed distance to a carrier's network and wins over
    the coordinates. `in_case` (the plan is in the case approach) is reported only: it never changes a
    request's place (rule 4)."""

    id: str
    location_id: str
    province: str
    sector: str
    route: str
    planned_year: int
    co2_reduction_t: float
    grid_operator: str = ""
    grid_area_id: str | None = None
    tennet_region_id: str | None = None
    grid_mw: float = 0.0
    request_date: date | None = None
    priority: Priority = Priority.OTHER
    accepts_flexible: bool = False
    needs: Mapping[Carrier, float] = field(default_factory=dict)
    lon: float | None = None
    lat: float | None = None
    distance_km: Mapping[Carrier, float] = field(default_factory=dict)
    status: PlanStatus = PlanStatus.ACTIVE
    in_case: bool = False


#: The fields of a Plan that a PlanTable holds as columns (the mappings `needs` and `distance_km` are
#: held as flattened entries).
PLAN_COLUMNS: tuple[str, ...] = (
    "id",
    "location_id",
    "province",
    "sector",
    "route",
    "planned_year",
    "co2_reduction_t",
    "grid_operator",
    "grid_area_id",
    "tennet_region_id",
    "grid_mw",
    "request_date",
    "priority",
    "accepts_flexible",
    "lon",
    "lat",
    "status",
    "in_case",
)
_PLAN_DEFAULTS: dict[str, object] = {
    "grid_operator": "",
    "grid_area_id": None,
    "tennet_region_id": None,
    "grid_mw": 0.0,
    "request_date": None,
    "priority": Priority.OTHER,
    "accepts_flexible": False,
    "lon": None,
    "lat": None,
    "status": PlanStatus.ACTIVE,
    "in_case": False,
}


@dataclass(frozen=True, slots=True)
class PlanEntries:
    """The (key, value) items of one mapping attribute of every plan, flattened: entry e belongs to plan
    `plan[e]`; the entries are in plan order and then in the mapping's order."""

    plan: tuple[int, ...] = ()
    keys: tuple[object, ...] = ()
    values: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class PlanTable(Sequence[Plan]):
    """Plans as columns: the same plans as a tuple of Plan, without one object per plan (issue 8).

    `columns[name]` holds the attribute `name` of every plan (a list, in plan order) for each name of
    PLAN_COLUMNS; `needs` and `distance_km` hold the plans' mappings as flattened entries. It is a
    sequence of Plan (made on access), so everything that reads plans one by one still works; the engine
    reads the columns (the same values, so the same results: tests/engine/test_tables.py). Build it with
    `PlanTable.of(...)` (from columns, as the database adapter does) or `PlanTable.from_plans(...)`."""

    columns: Mapping[str, Sequence[object]]
    needs: PlanEntries
    distance_km: PlanEntries
    #: the numeric columns as float arrays (None is nan), made once with the table (None when a column
    #: does not convert); the engine's checks and compilation read them. Read-only.
    floats: Mapping[str, npt.NDArray[np.float64] | None] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        columns: Mapping[str, Sequence[object]],
        needs: PlanEntries | None = None,
        distance_km: PlanEntries | None = None,
    ) -> PlanTable:
        """A table from columns (each a sequence with one value per plan); a column of PLAN_COLUMNS that is
        not given takes Plan's default (id, location_id, province, sector, route, planned_year and
        co2_reduction_t are required)."""
        n = len(columns["id"])
        cols: dict[str, list[object]] = {}
        for name in PLAN_COLUMNS:
            if name in columns:
                values = list(columns[name])
                if len(values) != n:
                    raise ValueError(f"PlanTable: column {name} needs one value per plan")
            elif name in _PLAN_DEFAULTS:
                values = [_PLAN_DEFAULTS[name]] * n
            else:
                raise ValueError(f"PlanTable: column {name} is required")
            cols[name] = values
        unknown = set(columns).difference(PLAN_COLUMNS)
        if unknown:
            raise ValueError(f"PlanTable: unknown columns {sorted(unknown)}")
        for entries in (needs, distance_km):
            if entries is not None:
                if not len(entries.plan) == len(entries.keys) == len(entries.values):
                    raise ValueError("PlanTable: entries need a plan, a key and a value each")
                if list(entries.plan) != sorted(entries.plan) or any(not 0 <= j < n for j in entries.plan):
                    raise ValueError("PlanTable: entries must be in plan order, of existing plans")
        return cls(cols, needs or PlanEntries(), distance_km or PlanEntries(), _float_columns(cols))

    @classmethod
    def from_plans(cls, plans: Sequence[Plan]) -> PlanTable:
        """The table of these plans (in this order)."""
        cols: dict[str, list[object]] = {name: [] for name in PLAN_COLUMNS}
        appenders = [(cols[name].append, name) for name in PLAN_COLUMNS]
        entries: dict[str, tuple[list[int], list[object], list[object]]] = {
            "needs": ([], [], []),
            "distance_km": ([], [], []),
        }
        for j, p in enumerate(plans):
            for append, name in appenders:
                append(getattr(p, name))
            for name, (pl, keys, values) in entries.items():
                for k, v in getattr(p, name).items():
                    pl.append(j)
                    keys.append(k)
                    values.append(v)
        made = {name: PlanEntries(tuple(a), tuple(b), tuple(c)) for name, (a, b, c) in entries.items()}
        return cls(cols, made["needs"], made["distance_km"], _float_columns(cols))

    def __len__(self) -> int:
        return len(self.columns["id"])

    @overload
    def __getitem__(self, k: int) -> Plan: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[Plan, ...]: ...

    def __getitem__(self, k: int | slice) -> Plan | tuple[Plan, ...]:
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        values = {name: self.columns[name][k] for name in PLAN_COLUMNS}
        return Plan(
            **values,  # type: ignore[arg-type]
            needs=_entries_of(self.needs, k),
            distance_km=_entries_of(self.distance_km, k),
        )

    def __iter__(self) -> Iterator[Plan]:
        return (self[k] for k in range(len(self)))

    def column(self, name: str) -> Sequence[object]:
        """The attribute `name` of every plan (one of PLAN_COLUMNS); never change it."""
        return self.columns[name]


#: The columns of a PlanTable that it also holds as float arrays.
PLAN_FLOAT_COLUMNS: tuple[str, ...] = ("planned_year", "co2_reduction_t", "grid_mw", "lon", "lat")


def _float_columns(cols: Mapping[str, Sequence[object]]) -> dict[str, npt.NDArray[np.float64] | None]:
    """`np.array(column, dtype=np.float64)`, None when that raises TypeError or ValueError (as the engine's
    InputColumns converts them); a column that overflows is left out (converted, and raising, on use)."""
    out: dict[str, npt.NDArray[np.float64] | None] = {}
    for name in PLAN_FLOAT_COLUMNS:
        try:
            arr: npt.NDArray[np.float64] | None = np.array(cols[name], dtype=np.float64)
        except (TypeError, ValueError):
            arr = None
        except OverflowError:
            continue
        if arr is not None:
            arr.flags.writeable = False
        out[name] = arr
    return out


def _entries_of(entries: PlanEntries, k: int) -> dict[Carrier, float]:
    lo, hi = bisect_left(entries.plan, k), bisect_right(entries.plan, k)
    return dict(zip(entries.keys[lo:hi], entries.values[lo:hi], strict=True))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Reinforcement:
    """A dated grid reinforcement that adds `mw` of capacity from `year` on."""

    id: str
    year: int
    mw: float
    certainty: Certainty = Certainty.PLANNED
    name: str = ""


@dataclass(frozen=True, slots=True)
class GridArea:
    """A grid service area: a regional station (with its parent TenneT region) or a TenneT region.
    `capacity_now_mw` is the capacity available now for the queue; `congestion_end_year`, when known, makes
    the capacity unconstrained from that year on. `congestion_end_unknown`: the map publishes a shortage
    without an end year (or 2099), so a connection that no reinforcement brings within the horizon has an
    unknown year, not "never" (rule 8)."""

    id: str
    level: GridLevel
    capacity_now_mw: float
    operator: str = ""
    name: str = ""
    parent_id: str | None = None
    reinforcements: tuple[Reinforcement, ...] = ()
    congestion_end_year: int | None = None
    congestion_end_certainty: Certainty = Certainty.PLANNED
    congestion_end_unknown: bool = False


@dataclass(frozen=True, slots=True)
class QueueRequest:
    """A request in an area's queue that is not a plan of the platform (the queue includes others)."""

    id: str
    area_id: str
    mw: float
    priority: Priority = Priority.OTHER
    request_date: date | None = None


#: QueueTable.day of a request without a date.
NO_DAY = -1


@dataclass(frozen=True, slots=True, eq=False)
class QueueTable(Sequence[QueueRequest]):
    """Queue requests as columns: the same requests as a tuple of QueueRequest, read and validated in bulk.

    Request k has id `ids[k]`, area `area_labels[area_code[k]]`, `mw[k]` MW, priority class `priority[k]`
    (1-4) and request date `date.fromordinal(day[k])`, or none when `day[k]` is NO_DAY. It is a sequence of
    QueueRequest (made on access), so everything that reads `infra.queue` one request at a time still works;
    the engine, the validation and the file format read the columns. Build it with `QueueTable.of(...)` or
    `QueueTable.from_requests(...)`; the arrays are read-only."""

    ids: tuple[str, ...]
    area_labels: tuple[str, ...]
    area_code: npt.NDArray[np.int64]
    mw: npt.NDArray[np.float64]
    priority: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]

    @classmethod
    def of(
        cls,
        ids: Sequence[str],
        area_labels: Sequence[str],
        area_code: npt.ArrayLike,
        mw: npt.ArrayLike,
        priority: npt.ArrayLike | None = None,
        day: npt.ArrayLike | None = None,
    ) -> QueueTable:
        """A table of len(ids) requests; priority defaults to OTHER, day to NO_DAY (no date)."""
        n = len(ids)
        code: npt.NDArray[np.int64] = np.array(area_code, dtype=np.int64)
        mws: npt.NDArray[np.float64] = np.array(mw, dtype=np.float64)
        prio: npt.NDArray[np.int64] = (
            np.full(n, int(Priority.OTHER), dtype=np.int64)
            if priority is None
            else np.array(priority, dtype=np.int64)
        )
        days: npt.NDArray[np.int64] = (
            np.full(n, NO_DAY, dtype=np.int64) if day is None else np.array(day, dtype=np.int64)
        )
        for arr in (code, mws, prio, days):  # copies: the table owns its arrays
            if arr.shape != (n,):
                raise ValueError("QueueTable: every column needs one value per request")
            arr.flags.writeable = False
        if n and (int(code.min()) < 0 or int(code.max()) >= len(area_labels)):
            raise ValueError("QueueTable: area_code outside area_labels")
        return cls(tuple(ids), tuple(area_labels), code, mws, prio, days)

    @classmethod
    def from_requests(cls, requests: Sequence[QueueRequest]) -> QueueTable:
        """The table of these requests (in this order)."""
        labels: dict[str, int] = {}
        code = [labels.setdefault(q.area_id, len(labels)) for q in requests]
        return cls.of(
            [q.id for q in requests],
            list(labels),
            code,
            [q.mw for q in requests],
            [int(q.priority) for q in requests],
            [q.request_date.toordinal() if q.request_date is not None else NO_DAY for q in requests],
        )

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, k: int) -> QueueRequest: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[QueueRequest, ...]: ...

    def __getitem__(self, k: int | slice) -> QueueRequest | tuple[QueueRequest, ...]:
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        d = int(self.day[k])
        return QueueRequest(
            id=self.ids[k],
            area_id=self.area_labels[int(self.area_code[k])],
            mw=float(self.mw[k]),
            priority=Priority(int(self.priority[k])),
            request_date=None if d == NO_DAY else date.fromordinal(d),
        )

    def __iter__(self) -> Iterator[QueueRequest]:
        return (self[k] for k in range(len(self)))

    def area_ids(self) -> list[str]:
        """The area id of every request."""
        labels = self.area_labels
        return [labels[c] for c in self.area_code.tolist()]


@dataclass(frozen=True, slots=True)
class CarrierRollout:
    """A phase or segment of a carrier network (an infrastructure project of its own).

    The rollout is available from `year` to plans in `region` (a province; None: everywhere). A NETWORK
    rollout with network points reaches a plan only within the maximum distance of one of its points; without
    points, only within the maximum distance given by the plan's `distance_km` (if any). An ALTERNATIVE
    rollout (ship or truck) has no distance limit and is flagged as costlier."""

    id: str
    carrier: Carrier
    year: int
    certainty: Certainty = Certainty.PLANNED
    region: str | None = None
    mode: SupplyMode = SupplyMode.NETWORK
    name: str = ""


@dataclass(frozen=True, slots=True)
class NetworkPoint:
    """A point where a rollout's network can be connected to (a station, a valve, a collection point)."""

    id: str
    rollout_id: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Infrastructure:
    """The infrastructure timeline."""

    areas: tuple[GridArea, ...] = ()
    queue: tuple[QueueRequest, ...] | QueueTable = ()  # a QueueTable: the same requests as columns
    rollouts: tuple[CarrierRollout, ...] = ()
    points: tuple[NetworkPoint, ...] = ()


DEFAULT_MAX_DISTANCE_KM: Mapping[Carrier, float] = {
    Carrier.HYDROGEN: 15.0,
    Carrier.CO2: 15.0,
    Carrier.GREEN_GAS: 10.0,
    Carrier.HEAT: 5.0,
}


@dataclass(frozen=True, slots=True)
class Parameters:
    """The analysis parameters (stored with every run).

    `base_year` is "now" (the first year of the timeline), `horizon_year` the last one (a connection later
    than that is reported as none), `deadline_year` the 2030 of the classification and of the CO2 "before
    2030". `flexible_share` is the share of a flexible plan's request that is non-firm (rule 6);
    `all_plans_flexible` treats every plan as accepting a flexible contract."""

    base_year: int = 2026
    horizon_year: int = 2050
    deadline_year: int = 2030
    flexible_share: float = 0.3
    max_distance_km: Mapping[Carrier, float] = field(default_factory=lambda: dict(DEFAULT_MAX_DISTANCE_KM))
    allow_alternatives: bool = True
    all_plans_flexible: bool = False
    unlock_years_earlier: int = 2
    miek_threshold_mw: float = 10.0

    def max_distance(self, carrier: Carrier) -> float:
        return float(self.max_distance_km.get(carrier, DEFAULT_MAX_DISTANCE_KM[carrier]))


@dataclass(frozen=True, slots=True)
class ExtraCapacity:
    """Scenario: extra capacity in an area from a year on (an extra reinforcement)."""

    area_id: str
    year: int
    mw: float
    certainty: Certainty = Certainty.PLANNED
    id: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """Overrides of the timeline, compared with the baseline.

    Shifts are in years (negative: earlier). `flexible_share` replaces the parameter; `all_plans_flexible`
    treats every plan as accepting a flexible contract."""

    name: str = "scenario"
    reinforcement_shifts: Mapping[str, int] = field(default_factory=dict)
    congestion_end_shifts: Mapping[str, int] = field(default_factory=dict)
    rollout_shifts: Mapping[str, int] = field(default_factory=dict)
    extra_capacity: tuple[ExtraCapacity, ...] = ()
    flexible_share: float | None = None
    all_plans_flexible: bool = False


class EngineInputError(ValueError):
    """The input is inconsistent; `errors` lists every problem (in Dutch, one per line)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
