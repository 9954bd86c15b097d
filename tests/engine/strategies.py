"""Hypothesis strategies for small random engine inputs, and the engine-to-dict conversion that makes the
engine's outcomes comparable with the reference implementation's dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import strategies as st

from cluster6.engine import (
    CARRIERS,
    AnalysisResult,
    Carrier,
    CarrierRollout,
    Certainty,
    ExtraCapacity,
    GridArea,
    GridLevel,
    Infrastructure,
    NetworkPoint,
    Parameters,
    Plan,
    PlanOutcome,
    PlanStatus,
    Priority,
    QueueRequest,
    Reinforcement,
    Scenario,
    SupplyMode,
)

BASE = 2026
DATES = [date(2022, 1, 1), date(2023, 6, 1), date(2024, 3, 15), None]
CERTAINTIES = list(Certainty)


@dataclass(frozen=True)
class World:
    plans: list[Plan]
    infra: Infrastructure
    params: Parameters


mw = st.one_of(st.integers(0, 12).map(float), st.floats(0, 12, allow_nan=False).map(lambda x: round(x, 3)))
years = st.integers(2024, 2036)


@st.composite
def worlds(draw: Any, max_plans: int = 8) -> World:
    horizon = draw(st.sampled_from([BASE, BASE + 4, BASE + 8, BASE + 14, BASE + 24]))
    params = Parameters(
        base_year=BASE,
        horizon_year=horizon,
        deadline_year=draw(st.sampled_from([2030, 2030, 2028, 2033])),
        flexible_share=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 0.3333])),
        max_distance_km={c: draw(st.sampled_from([0.0, 10.0, 15.0, 25.0, 60.0])) for c in CARRIERS},
        allow_alternatives=draw(st.booleans()),
        all_plans_flexible=draw(st.booleans()) and draw(st.booleans()),
    )
    n_tennet = draw(st.integers(1, 2))
    n_regional = draw(st.integers(0, 4))
    areas: list[GridArea] = []
    project = iter(range(1000))

    def reinforcements() -> tuple[Reinforcement, ...]:
        return tuple(
            Reinforcement(f"R{next(project)}", draw(years), draw(mw), draw(st.sampled_from(CERTAINTIES)))
            for _ in range(draw(st.integers(0, 3)))
        )

    def end() -> tuple[int | None, Certainty]:
        return (draw(st.one_of(st.none(), years)), draw(st.sampled_from(CERTAINTIES)))

    for t in range(n_tennet):
        e, c = end()
        areas.append(
            GridArea(
                f"T{t}",
                GridLevel.TENNET,
                draw(mw) * draw(st.sampled_from([1, 2])),
                operator="TenneT",
                reinforcements=reinforcements(),
                congestion_end_year=e,
                congestion_end_certainty=c,
            )
        )
    for r in range(n_regional):
        e, c = end()
        areas.append(
            GridArea(
                f"A{r}",
                GridLevel.REGIONAL,
                draw(mw),
                operator=draw(st.sampled_from(["Enexis", "Liander"])),
                parent_id=draw(st.one_of(st.none(), st.sampled_from([f"T{t}" for t in range(n_tennet)]))),
                reinforcements=reinforcements(),
                congestion_end_year=e,
                congestion_end_certainty=c,
            )
        )
    area_ids = [a.id for a in areas]
    queue = tuple(
        QueueRequest(
            f"Q{i}",
            draw(st.sampled_from(area_ids)),
            draw(mw),
            draw(st.sampled_from(list(Priority))),
            draw(st.sampled_from(DATES)),
        )
        for i in range(draw(st.integers(0, 6)))
    )
    rollouts = tuple(
        CarrierRollout(
            f"S{i}",
            draw(st.sampled_from(list(Carrier))),
            draw(years),
            draw(st.sampled_from(CERTAINTIES)),
            draw(st.sampled_from([None, None, None, "Gelderland", "Limburg", "Zeeland"])),
            draw(st.sampled_from([SupplyMode.NETWORK, SupplyMode.NETWORK, SupplyMode.ALTERNATIVE])),
        )
        for i in range(draw(st.integers(0, 8)))
    )
    lon = st.floats(5.0, 5.6, allow_nan=False)
    lat = st.floats(51.8, 52.2, allow_nan=False)
    points = []
    for r in rollouts:
        for k in range(draw(st.integers(0, 2))):
            points.append(NetworkPoint(f"{r.id}-{k}", r.id, draw(lon), draw(lat)))
    plans = []
    for i in range(draw(st.integers(1, max_plans))):
        area = draw(st.one_of(st.none(), st.sampled_from(area_ids)))
        needs = draw(st.sets(st.sampled_from(list(Carrier)), max_size=2))
        has_coords = draw(st.booleans())
        plans.append(
            Plan(
                id=f"P{i}",
                location_id=f"L{i // 2}",
                province=draw(st.sampled_from(["Gelderland", "Limburg", "Zeeland"])),
                sector=draw(st.sampled_from(["keramiek", "glas"])),
                route=draw(st.sampled_from(["elektrificatie", "waterstof", "ccs"])),
                planned_year=draw(st.integers(2025, 2034)),
                co2_reduction_t=float(draw(st.integers(0, 5000))),
                grid_operator=draw(st.sampled_from(["Enexis", "Liander", "TenneT"])),
                grid_area_id=area,
                grid_mw=draw(mw) if area is not None else 0.0,
                request_date=draw(st.sampled_from(DATES)),
                priority=draw(st.sampled_from(list(Priority))),
                accepts_flexible=draw(st.booleans()),
                needs=dict.fromkeys(needs, 1.0),
                lon=draw(lon) if has_coords else None,
                lat=draw(lat) if has_coords else None,
                distance_km=draw(
                    st.dictionaries(
                        st.sampled_from(list(Carrier)),
                        st.sampled_from([0.0, 5.0, 10.0, 15.0, 25.0, 80.0]),
                        max_size=2,
                    )
                ),
                status=draw(st.sampled_from([PlanStatus.ACTIVE] * 5 + [PlanStatus.CANCELLED])),
                in_case=draw(st.booleans()),
            )
        )
    draw(st.randoms()).shuffle(plans)
    infra = Infrastructure(areas=tuple(areas), queue=queue, rollouts=rollouts, points=tuple(points))
    return World(plans, infra, params)


@st.composite
def scenarios(draw: Any, world: World) -> Scenario:
    reinforcement_ids = [r.id for a in world.infra.areas for r in a.reinforcements]
    with_end = [a.id for a in world.infra.areas if a.congestion_end_year is not None]
    rollout_ids = [r.id for r in world.infra.rollouts]
    shift = st.integers(-4, 4)
    return Scenario(
        name="s",
        reinforcement_shifts=draw(st.dictionaries(st.sampled_from(reinforcement_ids), shift))
        if reinforcement_ids
        else {},
        congestion_end_shifts=draw(st.dictionaries(st.sampled_from(with_end), shift)) if with_end else {},
        rollout_shifts=draw(st.dictionaries(st.sampled_from(rollout_ids), shift)) if rollout_ids else {},
        extra_capacity=tuple(
            ExtraCapacity(
                draw(st.sampled_from([a.id for a in world.infra.areas])),
                draw(years),
                draw(mw),
                draw(st.sampled_from(CERTAINTIES)),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
        flexible_share=draw(st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0]))),
        all_plans_flexible=draw(st.booleans()) and draw(st.booleans()),
    )


def outcome_dict(o: PlanOutcome) -> dict[str, Any]:
    """An engine outcome in the reference implementation's shape."""
    grid = None
    if o.grid is not None:
        g = o.grid
        grid = {
            "area_id": g.area_id,
            "tennet_region_id": g.tennet_region_id,
            "requested_mw": g.requested_mw,
            "firm_mw": g.firm_mw,
            "connection_year": g.connection_year,
            "connection_year_certain": g.connection_year_certain,
            "regional_year": g.regional_year,
            "tennet_year": g.tennet_year,
            "binding": g.binding.value,
            "queue_position": g.queue_position,
            "queue_length": g.queue_length,
            "mw_ahead": g.mw_ahead,
            "tennet_queue_position": g.tennet_queue_position,
            "tennet_queue_length": g.tennet_queue_length,
            "tennet_mw_ahead": g.tennet_mw_ahead,
        }
    return {
        "feasibility": o.feasibility.value,
        "ready_year": o.ready_year,
        "ready_year_certain": o.ready_year_certain,
        "realisation_year": o.realisation_year,
        "by_deadline": o.by_deadline,
        "bottleneck": o.bottleneck.value if o.bottleneck else None,
        "binding_requirement": o.binding_requirement,
        "grid": grid,
        "carriers": {
            c.carrier.value: {
                "year": c.year,
                "year_certain": c.year_certain,
                "via": c.via,
                "extra_cost": c.extra_cost,
                "distance_km": c.distance_km,
            }
            for c in o.carriers
        },
        "explanation": o.explanation,
    }


def result_dicts(result: AnalysisResult) -> dict[str, dict[str, Any]]:
    return {o.plan_id: outcome_dict(o) for o in result.plan_outcomes()}


def aggregate_dict(row: Any) -> dict[str, Any]:
    """An aggregate row in the reference's shape. `n_unknown` (a shortage without a published year) is not
    in the reference: the worlds never flag an area so; tests/engine/test_range.py checks it by hand."""
    return {
        name: (dict(getattr(row, name)) if name == "bottlenecks" else getattr(row, name))
        for name in row.__dataclass_fields__
        if name != "n_unknown"
    }
