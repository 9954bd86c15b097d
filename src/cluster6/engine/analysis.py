"""The full analysis: grid timing, carrier availability, classification and aggregates, as arrays, with
per-plan outcomes and explanations built on demand; and the comparison of a scenario with the baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .aggregate import aggregate_rows
from .arrays import NEVER, NO_NEED, BoolArray, IntArray, year_or_none
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
    req_firm: IntArray  # [requirement, plan] with firm items only (the latest year of the range)
    grid_unknown: BoolArray  # [plan] no grid year within the horizon, behind a shortage without a year
    _outcomes: dict[int, PlanOutcome] = field(default_factory=dict)
    _arrays: _Values | None = None

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
            if self._arrays is None:
                self._arrays = _Values.of_arrays(self)
            self._outcomes[i] = self._build_outcome(i, self._arrays)
        return self._outcomes[i]

    def plan_outcomes(self) -> tuple[PlanOutcome, ...]:
        """Every plan's outcome, in plan order. The arrays are read into Python lists once (reading a list
        is much cheaper than indexing an array element by element), so this costs a few microseconds per
        plan; the outcomes are those of plan_outcome (the same function, over the same values)."""
        missing = [i for i in range(self.n_plans) if i not in self._outcomes]
        if len(missing) > 64:
            values = _Values.of_lists(self)
            for i in missing:
                self._outcomes[i] = self._build_outcome(i, values)
        return tuple(self.plan_outcome(i) for i in range(self.n_plans))

    def outcome_by_id(self, plan_id: str) -> PlanOutcome:
        return self.plan_outcome(self.demand.plan_ids.index(plan_id))

    def _grid_outcome(self, i: int, v: _Values) -> GridOutcome | None:
        if not v.needed[i]:
            return None
        reg, ten = int(v.reg_entry[i]), int(v.ten_entry[i])
        area = self.demand.area_ids[int(v.plan_area[i])]
        t = int(v.plan_tennet[i])
        year = self.grid_year
        return GridOutcome(
            area_id=area,
            tennet_region_id=self.demand.area_ids[t] if t >= 0 else None,
            requested_mw=int(v.grid_kw[i]) / 1000.0,
            firm_mw=int(v.claim_kw[i]) / 1000.0,
            connection_year=year(int(v.idx_all[i])),
            connection_year_certain=year(int(v.idx_certain[i])),
            regional_year=year(int(v.reg_idx_all[i])) if reg >= 0 else None,
            tennet_year=year(int(v.ten_idx_all[i])) if ten >= 0 else None,
            binding=BINDING_CODES[int(v.binding[i])],
            queue_position=int(v.reg_position[reg]) if reg >= 0 else None,
            queue_length=int(v.reg_length[reg]) if reg >= 0 else None,
            mw_ahead=int(v.reg_cum[reg] - v.reg_claim[reg]) / 1000.0 if reg >= 0 else None,
            tennet_queue_position=int(v.ten_position[ten]) if ten >= 0 else None,
            tennet_queue_length=int(v.ten_length[ten]) if ten >= 0 else None,
            tennet_mw_ahead=int(v.ten_cum[ten] - v.ten_claim[ten]) / 1000.0 if ten >= 0 else None,
            connection_year_firm=year(int(v.idx_firm[i])),
            year_unknown=bool(v.grid_unknown[i]),
        )

    def _carrier_outcomes(self, i: int, v: _Values) -> tuple[CarrierOutcome, ...]:
        out = []
        for c, carrier in enumerate(CARRIERS):
            if not v.needs[c][i]:
                continue
            via = int(v.via[c][i])
            dist = float(v.distance_m[c][i])
            out.append(
                CarrierOutcome(
                    carrier=carrier,
                    year=year_or_none(int(v.av_all[c][i])),
                    year_certain=year_or_none(int(v.av_certain[c][i])),
                    via=self.segments.ids[via] if via >= 0 else None,
                    extra_cost=bool(via >= 0 and self.segments.alternative[via]),
                    distance_km=None if math.isnan(dist) else dist / 1000.0,
                    year_firm=year_or_none(int(v.av_firm[c][i])),
                )
            )
        return tuple(out)

    def _build_outcome(self, i: int, v: _Values) -> PlanOutcome:
        d, p = self.demand, self.params
        code = int(v.code[i])
        feasibility = CLASS_OF_CODE[code]
        grid = self._grid_outcome(i, v)
        carriers = self._carrier_outcomes(i, v) if v.any_need[i] else ()
        row = int(v.binding_requirement[i])
        requirement = REQUIREMENTS[row] if row >= 0 else None
        b = int(v.bottleneck[i])
        bottleneck = BOTTLENECKS[b] if b >= 0 else None
        planned = int(v.planned_year[i])
        ready_all = int(v.ready_all[i])
        late = ready_all > planned
        year = None
        if row >= 0:
            year = year_or_none(int((v.req_all if late else v.req_certain)[row][i]))
        carrier_out = next((c for c in carriers if c.carrier.value == requirement), None)
        dependent = code >= 0
        ready = year_or_none(ready_all) if dependent else None
        ready_certain = year_or_none(int(v.ready_certain[i])) if dependent else None
        realisation_all = int(v.realisation_all[i])
        realisation = year_or_none(realisation_all) if code != CODE_EXCLUDED else None
        ready_firm_raw = int(v.ready_firm[i])
        ready_firm = year_or_none(ready_firm_raw) if dependent else None
        likely = year_or_none(int(v.realisation_certain[i])) if code != CODE_EXCLUDED else None
        latest = year_or_none(max(planned, ready_firm_raw)) if code != CODE_EXCLUDED else None
        year_unknown = bool(v.grid_unknown[i]) and requirement == "grid" and year is None
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
                year_unknown=year_unknown,
            )
        )
        return PlanOutcome(
            plan_id=d.plan_ids[i],
            feasibility=feasibility,
            ready_year=ready,
            ready_year_certain=ready_certain,
            realisation_year=realisation,
            by_deadline=bool(code != CODE_EXCLUDED and realisation_all <= p.deadline_year),
            bottleneck=bottleneck,
            binding_requirement=requirement,
            grid=grid,
            carriers=carriers,
            explanation=explanation,
            ready_year_firm=ready_firm,
            realisation_year_likely=likely,
            realisation_year_latest=latest,
            year_unknown=year_unknown,
        )


@dataclass(frozen=True, slots=True)
class _Values:
    """The values a plan's outcome is built from, as arrays (one plan: element access) or as Python lists
    (every plan: read once with tolist). Per plan unless named per entry (reg_*, ten_*: per queue entry of
    the level) or per row ([carrier or requirement][plan])."""

    code: Any
    binding_requirement: Any
    bottleneck: Any
    planned_year: Any
    ready_all: Any
    ready_certain: Any
    realisation_all: Any
    realisation_certain: Any
    ready_firm: Any  # max of req_firm over the requirements
    req_all: Any
    req_certain: Any
    grid_unknown: Any
    needed: Any
    reg_entry: Any
    ten_entry: Any
    plan_area: Any
    plan_tennet: Any
    grid_kw: Any
    claim_kw: Any
    idx_all: Any
    idx_certain: Any
    idx_firm: Any
    reg_idx_all: Any
    ten_idx_all: Any
    binding: Any
    reg_position: Any
    reg_length: Any
    reg_cum: Any
    reg_claim: Any
    ten_position: Any
    ten_length: Any
    ten_cum: Any
    ten_claim: Any
    needs: Any
    any_need: Any
    via: Any
    distance_m: Any
    av_all: Any
    av_certain: Any
    av_firm: Any

    @classmethod
    def _make(cls, r: AnalysisResult, conv: Any) -> _Values:
        cls_, d, g, av = r.classification, r.demand, r.grid, r.carriers
        return cls(
            code=conv(cls_.code),
            binding_requirement=conv(cls_.binding_requirement),
            bottleneck=conv(cls_.bottleneck),
            planned_year=conv(d.planned_year),
            ready_all=conv(cls_.ready_all),
            ready_certain=conv(cls_.ready_certain),
            realisation_all=conv(cls_.realisation_all),
            realisation_certain=conv(cls_.realisation_certain),
            ready_firm=conv(r.req_firm.max(axis=0)),
            req_all=conv(r.req_all),
            req_certain=conv(r.req_certain),
            grid_unknown=conv(r.grid_unknown),
            needed=conv(g.needed),
            reg_entry=conv(g.reg_entry),
            ten_entry=conv(g.ten_entry),
            plan_area=conv(d.plan_area),
            plan_tennet=conv(d.plan_tennet),
            grid_kw=conv(d.grid_kw),
            claim_kw=conv(g.claim_kw),
            idx_all=conv(g.idx_all),
            idx_certain=conv(g.idx_certain),
            idx_firm=conv(g.idx_firm),
            reg_idx_all=conv(g.reg_idx_all),
            ten_idx_all=conv(g.ten_idx_all),
            binding=conv(r.binding),
            reg_position=conv(d.regional.position),
            reg_length=conv(d.regional.length),
            reg_cum=conv(g.regional.cum),
            reg_claim=conv(g.regional.claim),
            ten_position=conv(d.tennet.position),
            ten_length=conv(d.tennet.length),
            ten_cum=conv(g.tennet.cum),
            ten_claim=conv(g.tennet.claim),
            needs=conv(d.needs),
            any_need=conv(d.needs.any(axis=0)),
            via=conv(av.via),
            distance_m=conv(av.distance_m),
            av_all=conv(av.all),
            av_certain=conv(av.certain),
            av_firm=conv(av.firm),
        )

    @classmethod
    def of_arrays(cls, r: AnalysisResult) -> _Values:
        return cls._make(r, lambda a: a)

    @classmethod
    def of_lists(cls, r: AnalysisResult) -> _Values:
        return cls._make(r, lambda a: a.tolist())


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
    req_firm = np.vstack(
        (np.where(grid.needed, index_years(grid.idx_firm, params), NO_NEED)[None, :], av.firm)
    )
    grid_unknown = _grid_unknown(demand, infra, grid, cap.n_years)
    # a plan held by the grid whose grid year is unknown (rule 8) is counted apart in the aggregates
    held_unknown = grid_unknown & (cls.binding_requirement == 0) & (req_all[0] >= NEVER)
    aggregates = aggregate_rows(demand, cls, params, held_unknown)
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
        req_firm=req_firm,
        grid_unknown=grid_unknown,
    )


def _grid_unknown(demand: Demand, infra: Infrastructure, grid: GridTiming, n_years: int) -> BoolArray:
    """Per plan: no grid year within the horizon, where a level that never serves the plan is an area with
    a shortage without a published end year (rule 8): its year is unknown, not "never"."""
    unknown_area = np.zeros(len(demand.area_ids) + 1, dtype=np.bool_)  # one spare: no areas at all
    for a in infra.areas:
        if a.congestion_end_unknown and a.id in demand.area_index:
            unknown_area[demand.area_index[a.id]] = True
    area, tennet = demand.plan_area, demand.plan_tennet
    reg_unknown = (grid.reg_entry >= 0) & (grid.reg_idx_all >= n_years) & unknown_area[np.maximum(area, 0)]
    ten_area = np.maximum(np.where(tennet >= 0, tennet, area), 0)  # a plan on TenneT's grid directly
    ten_unknown = (grid.ten_entry >= 0) & (grid.ten_idx_all >= n_years) & unknown_area[ten_area]
    return grid.needed & (grid.idx_all >= n_years) & (reg_unknown | ten_unknown)


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
