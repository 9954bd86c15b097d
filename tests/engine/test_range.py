"""The range of connection and realisation years (rule 11, issue 8 point 3) and the unknown year of a
shortage without a published end year (rule 8, issue 8 point 2 d): hand-checked cases and a property."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from cluster6.engine import Engine, Parameters, Plan, Reinforcement
from cluster6.engine.model import (
    Carrier,
    CarrierRollout,
    Certainty,
    FeasibilityClass,
    GridArea,
    GridLevel,
    Infrastructure,
)
from cluster6.engine.results import PlanOutcome

from .strategies import World, worlds

FIRM, PLANNED, UNCERTAIN = Certainty.FIRM, Certainty.PLANNED, Certainty.UNCERTAIN
H2 = Carrier.HYDROGEN


def plan(plan_id: str, **fields: Any) -> Plan:
    values: dict[str, Any] = {
        "location_id": f"L-{plan_id}",
        "province": "Gelderland",
        "sector": "keramiek",
        "route": "elektrificatie",
        "planned_year": 2027,
        "co2_reduction_t": 1000.0,
        "grid_operator": "Liander",
    }
    values.update(fields)
    return Plan(id=plan_id, **values)


def outcome(plans: list[Plan], infra: Infrastructure, plan_id: str = "P") -> PlanOutcome:
    return Engine(plans, infra, Parameters()).analyse().outcome_by_id(plan_id)


def test_the_range_follows_the_certainty_of_each_reinforcement() -> None:
    # given area A: 1 MW now, +2 MW from 2028 (uncertain), +2 MW from 2030 (planned), +2 MW from 2033 (firm)
    area = GridArea(
        "A",
        GridLevel.REGIONAL,
        1.0,
        reinforcements=(
            Reinforcement("R-mogelijk", 2028, 2.0, UNCERTAIN),
            Reinforcement("R-gepland", 2030, 2.0, PLANNED),
            Reinforcement("R-vast", 2033, 2.0, FIRM),
        ),
    )
    # when a plan for 2027 asks 3 MW
    o = outcome([plan("P", grid_area_id="A", grid_mw=3.0)], Infrastructure(areas=(area,)))
    # then it connects at the earliest in 2028 (every item on time), most likely in 2030 (firm and planned),
    # at the latest in 2033 (firm items only)
    assert o.grid is not None
    assert (o.grid.connection_year, o.grid.connection_year_certain, o.grid.connection_year_firm) == (
        2028,
        2030,
        2033,
    )
    # and its reduction is realised in 2028, 2030 or 2033
    assert (o.realisation_year, o.realisation_year_likely, o.realisation_year_latest) == (2028, 2030, 2033)
    assert (o.ready_year, o.ready_year_certain, o.ready_year_firm) == (2028, 2030, 2033)
    assert o.feasibility == FeasibilityClass.MAY_NOT
    assert not o.year_unknown


def test_the_latest_year_is_the_latest_of_every_requirement() -> None:
    # given the grid firm from 2026 (capacity free) and hydrogen planned in 2029, firm only in 2031
    area = GridArea("A", GridLevel.REGIONAL, 10.0)
    rollouts = (
        CarrierRollout("H-gepland", H2, 2029, PLANNED, region="Gelderland"),
        CarrierRollout("H-vast", H2, 2031, FIRM, region="Gelderland"),
    )
    # when a plan for 2030 needs 2 MW and hydrogen
    p = plan("P", grid_area_id="A", grid_mw=2.0, planned_year=2030, needs={H2: 5.0})
    o = outcome([p], Infrastructure(areas=(area,), rollouts=rollouts))
    # then hydrogen decides the range: likely in its planned year 2030, at the latest in 2031
    assert o.carriers[0].year_firm == 2031
    assert (o.realisation_year, o.realisation_year_likely, o.realisation_year_latest) == (2030, 2030, 2031)
    assert o.feasibility == FeasibilityClass.CAN


def test_without_a_firm_item_the_latest_year_is_open() -> None:
    # given an area whose only reinforcement is planned
    area = GridArea("A", GridLevel.REGIONAL, 0.0, reinforcements=(Reinforcement("R", 2029, 5.0, PLANNED),))
    o = outcome([plan("P", grid_area_id="A", grid_mw=3.0)], Infrastructure(areas=(area,)))
    # then the latest year is not within the horizon (None), the others are 2029
    assert o.grid is not None
    assert (o.grid.connection_year, o.grid.connection_year_certain, o.grid.connection_year_firm) == (
        2029,
        2029,
        None,
    )
    assert o.realisation_year_latest is None


def test_a_shortage_without_a_published_year_is_unknown_not_never() -> None:
    # given a congested area with 0 MW free and no end year: on the map a shortage "2099" (unknown)
    unknown = GridArea("A", GridLevel.REGIONAL, 0.0, congestion_end_unknown=True)
    o = outcome([plan("P", grid_area_id="A", grid_mw=3.0)], Infrastructure(areas=(unknown,)))
    # then the connection year is unknown, said as such, and the plan cannot go ahead on the current planning
    assert o.grid is not None
    assert o.grid.connection_year is None
    assert o.grid.year_unknown
    assert o.year_unknown
    assert o.feasibility == FeasibilityClass.CANNOT
    assert o.explanation == (
        "Kan niet op de huidige planning: de netaansluiting heeft een onbekend jaar; de netbeheerder meldt "
        "een tekort zonder verwacht jaar van einde congestie (plaats 1 van 1 in de wachtrij van A, 0,0 MW "
        "voor u; het regionale net is beperkend)."
    )
    # and the same area without that flag (0 MW free, nothing planned) gives "not within the horizon"
    never = GridArea("A", GridLevel.REGIONAL, 0.0)
    o = outcome([plan("P", grid_area_id="A", grid_mw=3.0)], Infrastructure(areas=(never,)))
    assert o.grid is not None
    assert not o.grid.year_unknown
    assert not o.year_unknown
    assert o.explanation.startswith("Kan niet: de netaansluiting is niet beschikbaar binnen de horizon")
    # and a reinforcement that reaches the plan gives a year, however unknown the end of congestion is
    reinforced = GridArea(
        "A",
        GridLevel.REGIONAL,
        0.0,
        reinforcements=(Reinforcement("R", 2035, 5.0),),
        congestion_end_unknown=True,
    )
    o = outcome([plan("P", grid_area_id="A", grid_mw=3.0)], Infrastructure(areas=(reinforced,)))
    assert o.grid is not None
    assert o.grid.connection_year == 2035
    assert not o.year_unknown


def test_an_unknown_tennet_year_makes_a_regional_plan_unknown() -> None:
    # given a regional area with room, under a TenneT region with a shortage without a year
    tennet = GridArea("T", GridLevel.TENNET, 0.0, congestion_end_unknown=True)
    area = GridArea("A", GridLevel.REGIONAL, 10.0, parent_id="T")
    p = plan("P", grid_area_id="A", tennet_region_id="T", grid_mw=3.0)
    o = outcome([p], Infrastructure(areas=(tennet, area)))
    # then TenneT binds and the year is unknown
    assert o.grid is not None
    assert o.grid.tennet_year is None
    assert o.year_unknown


def _order(year: int | None) -> float:
    return float("inf") if year is None else float(year)


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_earliest_likely_latest_are_in_order(world: World) -> None:
    # given random plans, queues, areas and rollouts with every certainty
    result = Engine(world.plans, world.infra, world.params).analyse()
    # then for every plan: earliest <= most likely <= latest, for the grid, each carrier and the realisation
    for o in result.plan_outcomes():
        if o.grid is not None:
            g = o.grid
            assert (
                _order(g.connection_year)
                <= _order(g.connection_year_certain)
                <= _order(g.connection_year_firm)
            )
        for c in o.carriers:
            assert _order(c.year) <= _order(c.year_certain) <= _order(c.year_firm)
        if o.feasibility not in (FeasibilityClass.EXCLUDED,):
            assert (
                _order(o.realisation_year)
                <= _order(o.realisation_year_likely)
                <= _order(o.realisation_year_latest)
            )
        # and the class agrees with the range: "can" means the most likely year is in time
        if o.feasibility == FeasibilityClass.CAN:
            assert o.realisation_year_likely == o.realisation_year


def test_plans_with_an_unknown_year_are_counted_apart() -> None:
    # given one plan behind a shortage without a year and one behind an area that never has room
    unknown = GridArea("A", GridLevel.REGIONAL, 0.0, congestion_end_unknown=True)
    never = GridArea("B", GridLevel.REGIONAL, 0.0)
    plans = [plan("P1", grid_area_id="A", grid_mw=3.0), plan("P2", grid_area_id="B", grid_mw=3.0)]
    # when the engine analyses them
    result = Engine(plans, Infrastructure(areas=(unknown, never)), Parameters()).analyse()
    # then both cannot go ahead, and one of them is counted apart as "year unknown"
    total = result.aggregates.total
    assert (total.n_cannot, total.n_unknown) == (2, 1)
    by_operator = {r.key: r.n_unknown for r in result.aggregates.by["grid_operator"]}
    assert by_operator == {"Liander": 1}
