"""The full analysis: grid timing, carrier availability, classification and aggregates, as arrays, with
per-plan outcomes and explanations built on demand; and the comparison of a scenario with the baseline."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .aggregate import aggregate_rows
from .arrays import IntArray, year_or_none
from .carriers import CarrierAvailability, Segments, availability, carrier_matrices, compile_segments
from .classify import (
    BOTTLENECKS,
    CLASS_OF_CODE,
    CODE_EXCLUDED,
    REQUIREMENTS,
    Classification,
    classify_all,
    requirement_matrix,
)
from .demand import Demand
from .grid import Capacity, GridTiming, capacity, grid_timing, index_years
from .model import (
    CARRIERS,
    Binding,
    Infrastructure,
    Parameters,
)
from .results import (
    Aggregates,
    CarrierOutcome,
    ClassChange,
    GridOutcome,
    PlanOutcome,
    ScenarioComparison,
)
from .text import ExplanationInput, explain

BINDING_CODES: tuple[Binding, ...] = (Binding.NONE, Binding.REGIONAL, Binding.TENNET)


@dataclass(slots=True)
class AnalysisResult:
    """The outcome of one analysis. Arrays are indexed by plan (in input order)."""

    params: Parameters
    infra: Infrastructure
    demand: Demand
    capacity: Capacity
    grid: GridTiming
    segments: Segments
    carriers: CarrierAvailability
    req_all: IntArray  # [requirement, plan] year available, NEVER, or 0 when not needed
    req_certain: IntArray
    classification: Classification
    binding: IntArray  # index into BINDING_CODES
    aggregates: Aggregates
    _outcomes: dict[int, PlanOutcome] = field(default_factory=dict)

    # ---- headline figures
    @property
    def co2_by_deadline_t(self) -> int:
        return self.aggregates.total.co2_by_deadline_t

    @property
    def headline_share(self) -> float | None:
        return self.aggregates.total.headline_share

    @property
    def n_plans(self) -> int:
        return len(self.demand.plan_ids)

    def grid_year(self, idx: int) -> int | None:
        return None if idx >= self.capacity.n_years else self.params.base_year + idx

    # ---- per plan
    def plan_outcome(self, i: int) -> PlanOutcome:
        if i not in self._outcomes:
            self._outcomes[i] = self._build_outcome(i)
        return self._outcomes[i]

    def plan_outcomes(self) -> tuple[PlanOutcome, ...]:
        return tuple(self.plan_outcome(i) for i in range(self.n_plans))

    def outcome_by_id(self, plan_id: str) -> PlanOutcome:
        return self.plan_outcome(self.demand.plan_ids.index(plan_id))

    def _grid_outcome(self, i: int) -> GridOutcome | None:
        g, d = self.grid, self.demand
        if not g.needed[i]:
            return None
        reg, ten = int(g.reg_entry[i]), int(g.ten_entry[i])
        area = d.area_ids[int(d.plan_area[i])]
        t = int(d.plan_tennet[i])
        return GridOutcome(
            area_id=area,
            tennet_region_id=d.area_ids[t] if t >= 0 else None,
            requested_mw=int(d.grid_kw[i]) / 1000.0,
            firm_mw=int(g.claim_kw[i]) / 1000.0,
            connection_year=self.grid_year(int(g.idx_all[i])),
            connection_year_certain=self.grid_year(int(g.idx_certain[i])),
            regional_year=self.grid_year(int(g.reg_idx_all[i])) if reg >= 0 else None,
            tennet_year=self.grid_year(int(g.ten_idx_all[i])) if ten >= 0 else None,
            binding=BINDING_CODES[int(self.binding[i])],
            queue_position=int(d.regional.position[reg]) if reg >= 0 else None,
            queue_length=int(d.regional.length[reg]) if reg >= 0 else None,
            mw_ahead=int(g.regional.cum[reg] - g.regional.claim[reg]) / 1000.0 if reg >= 0 else None,
            tennet_queue_position=int(d.tennet.position[ten]) if ten >= 0 else None,
            tennet_queue_length=int(d.tennet.length[ten]) if ten >= 0 else None,
            tennet_mw_ahead=int(g.tennet.cum[ten] - g.tennet.claim[ten]) / 1000.0 if ten >= 0 else None,
        )

    def _carrier_outcomes(self, i: int) -> tuple[CarrierOutcome, ...]:
        out = []
        av = self.carriers
        for c, carrier in enumerate(CARRIERS):
            if not self.demand.needs[c, i]:
                continue
            via = int(av.via[c, i])
            dist = float(av.distance_m[c, i])
            out.append(
                CarrierOutcome(
                    carrier=carrier,
                    year=year_or_none(int(av.all[c, i])),
                    year_certain=year_or_none(int(av.certain[c, i])),
                    via=self.segments.ids[via] if via >= 0 else None,
                    extra_cost=bool(via >= 0 and self.segments.alternative[via]),
                    distance_km=None if np.isnan(dist) else dist / 1000.0,
                )
            )
        return tuple(out)

    def _build_outcome(self, i: int) -> PlanOutcome:
        cls, d, p = self.classification, self.demand, self.params
        code = int(cls.code[i])
        feasibility = CLASS_OF_CODE[code]
        grid = self._grid_outcome(i)
        carriers = self._carrier_outcomes(i)
        row = int(cls.binding_requirement[i])
        requirement = REQUIREMENTS[row] if row >= 0 else None
        bottleneck = BOTTLENECKS[int(cls.bottleneck[i])] if cls.bottleneck[i] >= 0 else None
        planned = int(d.planned_year[i])
        late = bool(cls.ready_all[i] > planned)
        year = None
        if row >= 0:
            year = year_or_none(int((self.req_all if late else self.req_certain)[row, i]))
        carrier_out = next((c for c in carriers if c.carrier.value == requirement), None)
        dependent = code >= 0
        ready = year_or_none(int(cls.ready_all[i])) if dependent else None
        ready_certain = year_or_none(int(cls.ready_certain[i])) if dependent else None
        realisation = year_or_none(int(cls.realisation_all[i])) if code != CODE_EXCLUDED else None
        explanation = explain(
            ExplanationInput(
                feasibility=feasibility,
                planned_year=planned,
                deadline_year=p.deadline_year,
                horizon_year=p.horizon_year,
                requirement=requirement,
                bottleneck=bottleneck,
                late=late,
                year=year,
                ready_year_certain=ready_certain,
                grid_position=grid.queue_position if grid and requirement == "grid" else None,
                grid_queue_length=grid.queue_length if grid else None,
                grid_mw_ahead=grid.mw_ahead if grid else None,
                grid_area=grid.area_id if grid else None,
                grid_binding=grid.binding if grid else Binding.NONE,
                distance_km=carrier_out.distance_km if carrier_out else None,
                max_distance_km=p.max_distance(carrier_out.carrier) if carrier_out else None,
                extra_cost=bool(carrier_out and carrier_out.extra_cost),
            )
        )
        return PlanOutcome(
            plan_id=d.plan_ids[i],
            feasibility=feasibility,
            ready_year=ready,
            ready_year_certain=ready_certain,
            realisation_year=realisation,
            by_deadline=bool(code != CODE_EXCLUDED and cls.realisation_all[i] <= p.deadline_year),
            bottleneck=bottleneck,
            binding_requirement=requirement,
            grid=grid,
            carriers=carriers,
            explanation=explanation,
        )


def run_analysis(demand: Demand, infra: Infrastructure, params: Parameters) -> AnalysisResult:
    """The analysis of validated inputs (see Engine for the public entry point)."""
    cap = capacity(infra, demand.area_index, params)
    grid = grid_timing(demand, cap, params)
    seg = compile_segments(infra, demand)
    av = availability(demand, seg, carrier_matrices(demand, seg, params), params)
    req_all, req_certain, need = requirement_matrix(
        grid.needed,
        index_years(grid.idx_all, params),
        index_years(grid.idx_certain, params),
        demand.needs,
        av.all,
        av.certain,
    )
    cls = classify_all(
        req_all,
        req_certain,
        av.nodist_all,
        av.nodist_certain,
        need,
        demand.planned_year,
        demand.counted,
        params.deadline_year,
    )
    binding = np.where(
        ~grid.needed | (grid.idx_all == 0), 0, np.where(grid.reg_idx_all >= grid.ten_idx_all, 1, 2)
    ).astype(np.int64)
    aggregates = aggregate_rows(demand, cls, params)
    return AnalysisResult(
        params=params,
        infra=infra,
        demand=demand,
        capacity=cap,
        grid=grid,
        segments=seg,
        carriers=av,
        req_all=req_all,
        req_certain=req_certain,
        classification=cls,
        binding=binding,
        aggregates=aggregates,
    )


def _counts(codes: IntArray) -> dict[str, int]:
    return {CLASS_OF_CODE[k].value: int((codes == k).sum()) for k in sorted(CLASS_OF_CODE)}


def compare(baseline: AnalysisResult, scenario: AnalysisResult, name: str) -> ScenarioComparison:
    """Rule 16: the scenario against the baseline (same plans)."""
    b, s = baseline.classification, scenario.classification
    counted = baseline.demand.counted
    changed = np.flatnonzero((b.code != s.code) & counted)
    ids = baseline.demand.plan_ids
    dependent = b.code >= 0
    changes = tuple(
        sorted(
            (
                ClassChange(
                    plan_id=ids[i],
                    baseline=CLASS_OF_CODE[int(b.code[i])],
                    scenario=CLASS_OF_CODE[int(s.code[i])],
                    baseline_ready_year=year_or_none(int(b.ready_all[i])),
                    scenario_ready_year=year_or_none(int(s.ready_all[i])),
                )
                for i in changed.tolist()
            ),
            key=lambda c: c.plan_id,
        )
    )
    bt, st = baseline.aggregates.total, scenario.aggregates.total
    return ScenarioComparison(
        name=name,
        co2_by_deadline_baseline_t=bt.co2_by_deadline_t,
        co2_by_deadline_scenario_t=st.co2_by_deadline_t,
        co2_by_deadline_delta_t=st.co2_by_deadline_t - bt.co2_by_deadline_t,
        co2_by_deadline_certain_delta_t=st.co2_by_deadline_certain_t - bt.co2_by_deadline_certain_t,
        headline_share_baseline=bt.headline_share,
        headline_share_scenario=st.headline_share,
        counts_baseline=_counts(b.code),
        counts_scenario=_counts(s.code),
        plans_earlier=int((dependent & (s.ready_all < b.ready_all)).sum()),
        plans_later=int((dependent & (s.ready_all > b.ready_all)).sum()),
        class_changes=changes,
    )


__all__ = ["AnalysisResult", "compare", "run_analysis"]
