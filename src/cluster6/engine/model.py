"""The engine's vocabulary: enumerations, the plain frozen input dataclasses, parameters and scenarios.

Everything here is framework-free and immutable. Amounts are given in the units of the field names
(MW, t/yr, km); the engine rounds them to whole kW, whole tonnes and whole metres (rule 2 in
docs/engine.md) so that every comparison is exact and the results are deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum


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
    the capacity unconstrained from that year on."""

    id: str
    level: GridLevel
    capacity_now_mw: float
    operator: str = ""
    name: str = ""
    parent_id: str | None = None
    reinforcements: tuple[Reinforcement, ...] = ()
    congestion_end_year: int | None = None
    congestion_end_certainty: Certainty = Certainty.PLANNED


@dataclass(frozen=True, slots=True)
class QueueRequest:
    """A request in an area's queue that is not a plan of the platform (the queue includes others)."""

    id: str
    area_id: str
    mw: float
    priority: Priority = Priority.OTHER
    request_date: date | None = None


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
    queue: tuple[QueueRequest, ...] = ()
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
