"""The framework-free analysis core (numpy, typed). It never imports Django or another app.

Typical use::

    engine = Engine(plans, infra, Parameters(base_year=2026))
    result = engine.analyse()                      # per-plan outcomes, aggregates
    result.outcome_by_id("P1").grid.connection_year
    engine.compare(Scenario(reinforcement_shifts={"R1": -2}))
    engine.unlock_ranking(years_earlier=2)

The rules are documented, with examples, in docs/engine.md; the file formats in docs/formats.md
("Analysis files").
"""

from .analysis import AnalysisResult
from .engine import Engine, analyse
from .model import (
    CARRIERS,
    Binding,
    Bottleneck,
    Carrier,
    CarrierRollout,
    Certainty,
    EngineInputError,
    ExtraCapacity,
    FeasibilityClass,
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
    ProjectKind,
    QueueRequest,
    QueueTable,
    Reinforcement,
    Scenario,
    SupplyMode,
)
from .results import (
    AggregateRow,
    Aggregates,
    CarrierOutcome,
    ClassChange,
    GridOutcome,
    MiekCandidate,
    PlanOutcome,
    ScenarioComparison,
    UnlockEntry,
)

ENGINE_VERSION = "0.2.0"

__all__ = [
    "CARRIERS",
    "ENGINE_VERSION",
    "AggregateRow",
    "Aggregates",
    "AnalysisResult",
    "Binding",
    "Bottleneck",
    "Carrier",
    "CarrierOutcome",
    "CarrierRollout",
    "Certainty",
    "ClassChange",
    "Engine",
    "EngineInputError",
    "ExtraCapacity",
    "FeasibilityClass",
    "GridArea",
    "GridLevel",
    "GridOutcome",
    "Infrastructure",
    "MiekCandidate",
    "NetworkPoint",
    "Parameters",
    "Plan",
    "PlanEntries",
    "PlanOutcome",
    "PlanStatus",
    "PlanTable",
    "Priority",
    "ProjectKind",
    "QueueRequest",
    "QueueTable",
    "Reinforcement",
    "Scenario",
    "ScenarioComparison",
    "SupplyMode",
    "UnlockEntry",
    "analyse",
]
