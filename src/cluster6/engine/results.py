"""Result types: per-plan outcomes (dataclasses, built on demand from the arrays), aggregates, scenario
comparisons, the unlock ranking and candidate MIEK areas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Binding, Bottleneck, Carrier, FeasibilityClass, GridLevel, ProjectKind


@dataclass(frozen=True, slots=True)
class GridOutcome:
    """ "Wanneer kan ik aansluiten?": the grid answer for a plan with a grid request."""

    area_id: str
    tennet_region_id: str | None
    requested_mw: float
    firm_mw: float  # the part that queues (less than requested for a flexible contract)
    connection_year: int | None  # None: not within the horizon
    connection_year_certain: int | None  # without uncertain items
    regional_year: int | None  # None: no regional queue, or not within the horizon (see queue_position)
    tennet_year: int | None
    binding: Binding
    queue_position: int | None  # in the regional area's queue (None: connected to TenneT directly)
    queue_length: int | None
    mw_ahead: float | None
    tennet_queue_position: int | None
    tennet_queue_length: int | None
    tennet_mw_ahead: float | None
    # The range (rule 11): connection_year is the earliest (every item on time), connection_year_certain
    # the most likely (firm and planned items), connection_year_firm the latest (firm items only).
    connection_year_firm: int | None = None
    # No year within the horizon because the binding area has a shortage without a published end year:
    # the year is unknown, not "never" (rule 8).
    year_unknown: bool = False


@dataclass(frozen=True, slots=True)
class CarrierOutcome:
    carrier: Carrier
    year: int | None  # None: not available within the horizon
    year_certain: int | None
    via: str | None  # the rollout that reaches the plan first
    extra_cost: bool  # reached only by the costlier alternative (ship or truck)
    distance_km: float | None  # to the nearest network in the plan's region (None: unknown)
    year_firm: int | None = None  # firm rollouts only


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    plan_id: str
    feasibility: FeasibilityClass
    ready_year: int | None  # everything available (None: never, or nothing needed)
    ready_year_certain: int | None
    realisation_year: int | None  # max(planned year, ready year); None: never
    by_deadline: bool  # realisable in or before the deadline year (2030)
    bottleneck: Bottleneck | None
    binding_requirement: str | None  # "grid" or a carrier
    grid: GridOutcome | None
    carriers: tuple[CarrierOutcome, ...]
    explanation: str
    # The range of the year the reduction can be realised (rule 11): realisation_year is the earliest
    # (every item on time), then the most likely (firm and planned items) and the latest (firm only).
    ready_year_firm: int | None = None
    realisation_year_likely: int | None = None
    realisation_year_latest: int | None = None
    year_unknown: bool = False  # held by a grid shortage without a published end year


@dataclass(frozen=True, slots=True)
class AggregateRow:
    key: str
    n_plans: int
    n_dependent: int
    n_can: int
    n_may_not: int
    n_cannot: int
    share_can: float | None  # of the infrastructure-dependent plans; None when there are none
    share_may_not: float | None
    share_cannot: float | None
    headline_share: float | None  # (may not + cannot) / dependent
    co2_t: int
    co2_can_t: int
    co2_may_not_t: int
    co2_cannot_t: int
    co2_not_dependent_t: int
    co2_by_deadline_t: int
    co2_by_deadline_certain_t: int
    bottlenecks: Mapping[str, int] = field(default_factory=dict)  # of may-not and cannot plans
    # of the cannot plans, those held by a grid shortage without a published year (rule 8): counted apart
    n_unknown: int = 0


@dataclass(frozen=True, slots=True)
class Aggregates:
    total: AggregateRow
    by: Mapping[str, tuple[AggregateRow, ...]]  # dimension -> rows sorted by key


@dataclass(frozen=True, slots=True)
class ClassChange:
    plan_id: str
    baseline: FeasibilityClass
    scenario: FeasibilityClass
    baseline_ready_year: int | None
    scenario_ready_year: int | None


@dataclass(frozen=True, slots=True)
class ScenarioComparison:
    name: str
    co2_by_deadline_baseline_t: int
    co2_by_deadline_scenario_t: int
    co2_by_deadline_delta_t: int  # gained (positive) or lost (negative)
    co2_by_deadline_certain_delta_t: int
    headline_share_baseline: float | None
    headline_share_scenario: float | None
    counts_baseline: Mapping[str, int]
    counts_scenario: Mapping[str, int]
    plans_earlier: int
    plans_later: int
    class_changes: tuple[ClassChange, ...]


@dataclass(frozen=True, slots=True)
class UnlockEntry:
    rank: int
    project_id: str
    kind: ProjectKind
    name: str
    area_id: str | None
    carrier: Carrier | None
    year: int
    year_earlier: int
    co2_gained_t: int  # extra reduction realisable by the deadline year
    plans_unlocked: int  # plans whose class improves
    plans_earlier: int  # plans whose ready year moves earlier


@dataclass(frozen=True, slots=True)
class MiekCandidate:
    area_id: str
    name: str
    level: GridLevel
    operator: str
    demand_mw: float
    n_plans: int
    co2_t: int
    n_grid_bottleneck: int  # plans held back by grid congestion
