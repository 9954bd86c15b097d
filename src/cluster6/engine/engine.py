"""The public entry point: `Engine(plans, infra, params)` validates and compiles the inputs once; then
`analyse()`, `compare(scenario)`, `unlock_ranking()` and `miek_candidates()` reuse them."""

from __future__ import annotations

from collections.abc import Sequence

from .analysis import AnalysisResult, compare, run_analysis
from .demand import Demand, InputColumns, compile_demand
from .model import Infrastructure, Parameters, Plan, PlanTable, Scenario
from .results import MiekCandidate, ScenarioComparison, UnlockEntry
from .scenario import apply_scenario
from .unlock import miek_candidates, unlock_ranking
from .validate import check_inputs, check_scenario, raise_if


class Engine:
    def __init__(
        self, plans: Sequence[Plan], infra: Infrastructure, params: Parameters | None = None
    ) -> None:
        self.params = params or Parameters()
        self.plans: Sequence[Plan] = plans if isinstance(plans, PlanTable) else tuple(plans)
        self.infra = infra
        # The plans' and requests' attributes are read once, for both the checks and the compilation.
        columns = InputColumns(self.plans, infra.queue)
        raise_if(check_inputs(self.plans, infra, self.params, columns))
        self.demand: Demand = compile_demand(self.plans, infra, columns)
        self._baseline: AnalysisResult | None = None

    @property
    def baseline(self) -> AnalysisResult:
        if self._baseline is None:
            self._baseline = run_analysis(self.demand, self.infra, self.params)
        return self._baseline

    def analyse(self, scenario: Scenario | None = None) -> AnalysisResult:
        if scenario is None:
            return self.baseline
        raise_if(check_scenario(scenario, self.infra))
        infra, params = apply_scenario(self.infra, self.params, scenario)
        # The queue order does not depend on the scenario: the compiled demand is reused.
        return run_analysis(self.demand, infra, params)

    def compare(self, scenario: Scenario, result: AnalysisResult | None = None) -> ScenarioComparison:
        """The scenario against the baseline; `result`, when given, is `analyse(scenario)` already computed
        (so that it is not computed again)."""
        return compare(self.baseline, result or self.analyse(scenario), scenario.name)

    def unlock_ranking(
        self, years_earlier: int | None = None, result: AnalysisResult | None = None
    ) -> tuple[UnlockEntry, ...]:
        return unlock_ranking(result or self.baseline, years_earlier)

    def miek_candidates(
        self, threshold_mw: float | None = None, result: AnalysisResult | None = None
    ) -> tuple[MiekCandidate, ...]:
        return miek_candidates(result or self.baseline, threshold_mw)


def analyse(
    plans: Sequence[Plan],
    infra: Infrastructure,
    params: Parameters | None = None,
    scenario: Scenario | None = None,
) -> AnalysisResult:
    return Engine(plans, infra, params).analyse(scenario)
