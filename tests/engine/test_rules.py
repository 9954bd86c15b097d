"""Hand-checked cases for every rule of docs/engine.md, laid out given / when / then.

Every figure asserted here was computed by hand (the arithmetic is in the comments and, for the examples,
in docs/engine.md, which quotes these very cases). Every case is also run through the loop-based
reference implementation (tests/engine/reference.py) wherever that covers it, so that a hand-checked case
pins both implementations down.

Defaults unless a case says otherwise: Parameters() (base year 2026, horizon 2050, deadline 2030, flexible
share 0.3, maximum distance 15 km for hydrogen and CO2), plans in Gelderland planned for 2030 with a
reduction of 1 000 t/yr.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from cluster6.engine import (
    AnalysisResult,
    Binding,
    Bottleneck,
    Carrier,
    CarrierRollout,
    Certainty,
    Engine,
    ExtraCapacity,
    FeasibilityClass,
    GridArea,
    GridLevel,
    GridOutcome,
    Infrastructure,
    NetworkPoint,
    Parameters,
    Plan,
    PlanOutcome,
    PlanStatus,
    Priority,
    ProjectKind,
    QueueRequest,
    Reinforcement,
    Scenario,
    SupplyMode,
)

from . import reference as ref
from .strategies import aggregate_dict, result_dicts

CAN, MAY_NOT, CANNOT = FeasibilityClass.CAN, FeasibilityClass.MAY_NOT, FeasibilityClass.CANNOT
NOT_DEPENDENT, EXCLUDED = FeasibilityClass.NOT_DEPENDENT, FeasibilityClass.EXCLUDED
H2, CO2, GAS, HEAT = Carrier.HYDROGEN, Carrier.CO2, Carrier.GREEN_GAS, Carrier.HEAT
PLANNED, FIRM, UNCERTAIN = Certainty.PLANNED, Certainty.FIRM, Certainty.UNCERTAIN
DEFAULT = Parameters()

#: An empty, unused TenneT region that the cases about other carriers add (the engine also works without
#: any grid area: test_an_analysis_without_grid_areas).
UNUSED_AREA = GridArea("T-leeg", GridLevel.TENNET, 0.0)


# ----------------------------------------------------------------------------------------------- helpers


def plan(plan_id: str, **fields: Any) -> Plan:
    values: dict[str, Any] = {
        "location_id": f"L-{plan_id}",
        "province": "Gelderland",
        "sector": "keramiek",
        "route": "elektrificatie",
        "planned_year": 2030,
        "co2_reduction_t": 1000.0,
        "grid_operator": "Liander",
    }
    values.update(fields)
    return Plan(id=plan_id, **values)


def regional(
    area_id: str, capacity_mw: float, *reinforcements: Reinforcement, parent: str | None = None, **kw: Any
) -> GridArea:
    return GridArea(
        area_id, GridLevel.REGIONAL, capacity_mw, parent_id=parent, reinforcements=reinforcements, **kw
    )


def tennet(area_id: str, capacity_mw: float, *reinforcements: Reinforcement, **kw: Any) -> GridArea:
    return GridArea(area_id, GridLevel.TENNET, capacity_mw, reinforcements=reinforcements, **kw)


def carriers_only(*rollouts: CarrierRollout, points: tuple[NetworkPoint, ...] = ()) -> Infrastructure:
    return Infrastructure(areas=(UNUSED_AREA,), rollouts=rollouts, points=points)


def check_against_reference(
    result: AnalysisResult, plans: list[Plan], infra: Infrastructure, params: Parameters
) -> None:
    """The engine's outcomes equal the reference implementation's, plan by plan and row by row."""
    expected = ref.analyse(plans, infra, params)
    got = result_dicts(result)
    assert got.keys() == expected["plans"].keys()
    for plan_id, outcome in expected["plans"].items():
        assert got[plan_id] == outcome, f"plan {plan_id}: engine {got[plan_id]} reference {outcome}"
    assert aggregate_dict(result.aggregates.total) == expected["aggregates"]["total"]
    for dim, rows in result.aggregates.by.items():
        assert [aggregate_dict(r) for r in rows] == expected["aggregates"]["by"][dim]


def analyse(plans: list[Plan], infra: Infrastructure, params: Parameters = DEFAULT) -> AnalysisResult:
    result = Engine(plans, infra, params).analyse()
    check_against_reference(result, plans, infra, params)
    return result


def grid_of(result: AnalysisResult, plan_id: str) -> GridOutcome:
    grid = result.outcome_by_id(plan_id).grid
    assert grid is not None
    return grid


def queue_row(
    result: AnalysisResult, plan_id: str
) -> tuple[int | None, int | None, int | None, float | None]:
    """(connection year, queue position, queue length, MW ahead) in the plan's regional queue."""
    g = grid_of(result, plan_id)
    return g.connection_year, g.queue_position, g.queue_length, g.mw_ahead


def tennet_row(
    result: AnalysisResult, plan_id: str
) -> tuple[int | None, int | None, int | None, float | None]:
    g = grid_of(result, plan_id)
    return g.tennet_year, g.tennet_queue_position, g.tennet_queue_length, g.tennet_mw_ahead


def outcome(result: AnalysisResult, plan_id: str) -> PlanOutcome:
    return result.outcome_by_id(plan_id)


# ------------------------------------------------------------------------- rule 1: scope and timeline


def test_rule1_a_cancelled_plan_is_excluded_and_holds_no_place_in_the_queue() -> None:
    # given area A with 5 MW now, a cancelled plan of 4 MW and an active plan of 3 MW behind it
    plans = [
        plan("P1", grid_area_id="A", grid_mw=4.0, request_date=date(2023, 1, 1), status=PlanStatus.CANCELLED),
        plan("P2", grid_area_id="A", grid_mw=3.0, request_date=date(2024, 1, 1)),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(regional("A", 5.0),)))
    # then the cancelled plan is excluded: no grid outcome, no years, not counted anywhere
    p1 = outcome(result, "P1")
    assert (p1.feasibility, p1.grid, p1.ready_year, p1.realisation_year, p1.by_deadline) == (
        EXCLUDED,
        None,
        None,
        None,
        False,
    )
    assert p1.explanation == "Niet meegeteld: het plan is niet actief."
    # and the active plan is first in the queue, with nothing ahead (3 MW <= 5 MW now)
    assert queue_row(result, "P2") == (2026, 1, 1, 0.0)
    assert outcome(result, "P2").feasibility == CAN
    total = result.aggregates.total
    assert (total.n_plans, total.n_dependent, total.co2_t) == (1, 1, 1000)


def test_rule1_a_plan_without_new_infrastructure_is_not_dependent() -> None:
    # given a plan without grid request or carrier, one with an area but 0 MW, and one planned after 2030
    plans = [
        plan("P1", planned_year=2029),
        plan("P2", grid_area_id="A", grid_mw=0.0),
        plan("P3", planned_year=2031),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(regional("A", 0.0),)))
    # then all three are not dependent, realised in their planned year
    for plan_id, year, by_deadline in (("P1", 2029, True), ("P2", 2030, True), ("P3", 2031, False)):
        o = outcome(result, plan_id)
        assert o.feasibility == NOT_DEPENDENT
        assert (o.ready_year, o.realisation_year, o.by_deadline, o.bottleneck, o.grid) == (
            None,
            year,
            by_deadline,
            None,
            None,
        )
        assert o.explanation == "Dit plan heeft geen nieuwe of zwaardere energie-infrastructuur nodig."
    # and they count in the totals but not in the shares of dependent plans
    total = result.aggregates.total
    assert (total.n_plans, total.n_dependent, total.headline_share) == (3, 0, None)
    assert (total.co2_not_dependent_t, total.co2_by_deadline_t) == (3000, 2000)


# ----------------------------------------------------------------------------- rule 2: units, rounding


def test_rule2_amounts_are_rounded_to_whole_kw_and_whole_tonnes() -> None:
    # given area A with 1 MW now; a request of 1.0004 MW (1 000.4 kW), one of 0.0004 MW (0.4 kW),
    # reductions of 1 234.5, 10.5 and 0.6 t/yr
    plans = [
        plan("P1", grid_area_id="A", grid_mw=1.0004, co2_reduction_t=1234.5),
        plan("P2", grid_area_id="A", grid_mw=0.0004, co2_reduction_t=10.5),
        plan("P3", co2_reduction_t=0.6),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(regional("A", 1.0),)))
    # then 1 000.4 kW is 1 000 kW, which fits the 1 000 kW now
    g = grid_of(result, "P1")
    assert (g.requested_mw, g.firm_mw, g.connection_year, g.queue_length) == (1.0, 1.0, 2026, 1)
    # and 0.4 kW rounds to 0 kW: no grid request at all
    assert outcome(result, "P2").grid is None
    assert outcome(result, "P2").feasibility == NOT_DEPENDENT
    # and tonnes are rounded half to even: 1 234.5 -> 1 234, 10.5 -> 10, 0.6 -> 1
    total = result.aggregates.total
    assert (total.co2_t, total.co2_can_t, total.co2_not_dependent_t) == (1245, 1234, 11)


@pytest.mark.parametrize(
    ("distance_km", "year"),
    [(15.0, 2027), (15.0004, 2027), (15.0006, None)],
)
def test_rule2_distances_are_rounded_to_whole_metres(distance_km: float, year: int | None) -> None:
    # given a hydrogen network from 2027 and a plan at a given distance (maximum 15 km = 15 000 m)
    plans = [plan("P", needs={H2: 1.0}, distance_km={H2: distance_km})]
    infra = carriers_only(CarrierRollout("H", H2, 2027))
    # when the engine analyses it
    result = analyse(plans, infra)
    # then 15.0004 km is 15 000 m (within), 15.0006 km is 15 001 m (too far)
    assert outcome(result, "P").carriers[0].year == year


# ------------------------------------------------------------------------------- rule 3: capacity


@pytest.mark.parametrize(
    ("request_mw", "year"),
    [(6.0, 2026), (6.001, 2028), (9.0, 2028), (9.001, None)],
)
def test_rule3_capacity_is_capacity_now_plus_reinforcements_from_their_year(
    request_mw: float, year: int | None
) -> None:
    # given area A: 2 MW now, +4 MW dated 2024 (before the base year: counts from 2026), +3 MW from 2028,
    # +10 MW in 2051 (after the horizon: never); so 6 MW in 2026-2027 and 9 MW from 2028
    area = regional(
        "A",
        2.0,
        Reinforcement("R-oud", 2024, 4.0),
        Reinforcement("R1", 2028, 3.0),
        Reinforcement("R-laat", 2051, 10.0),
    )
    plans = [plan("P", grid_area_id="A", grid_mw=request_mw)]
    # when the engine analyses a single request
    result = analyse(plans, Infrastructure(areas=(area,)))
    # then the capacity row (kW) is as computed by hand
    assert result.capacity.all[0, :4].tolist() == [6000, 6000, 9000, 9000]
    assert int(result.capacity.all[0, -1]) == 9000
    # and the request is served in the first year that covers it
    assert grid_of(result, "P").connection_year == year


def test_rule3_the_capacity_is_unconstrained_from_the_end_of_congestion() -> None:
    # given three areas with 1 MW now: A's congestion ends in 2029 (planned), B's in 2029 (uncertain),
    # C's in 2024 (before the base year); a 50 MW request in each
    areas = (
        regional("A", 1.0, congestion_end_year=2029),
        regional("B", 1.0, congestion_end_year=2029, congestion_end_certainty=UNCERTAIN),
        regional("C", 1.0, congestion_end_year=2024),
    )
    plans = [plan(f"P{a.id}", grid_area_id=a.id, grid_mw=50.0) for a in areas]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=areas))
    # then A connects in 2029 and can go ahead (planned 2030)
    a = grid_of(result, "PA")
    assert (a.connection_year, a.connection_year_certain, a.binding) == (2029, 2029, Binding.REGIONAL)
    assert outcome(result, "PA").feasibility == CAN
    # and B connects in 2029 only through the uncertain end: may not, never without it
    b = grid_of(result, "PB")
    assert (b.connection_year, b.connection_year_certain) == (2029, None)
    pb = outcome(result, "PB")
    assert (pb.feasibility, pb.bottleneck, pb.binding_requirement) == (
        MAY_NOT,
        Bottleneck.GRID_CONGESTION,
        "grid",
    )
    assert pb.explanation == (
        "Mag (nog) niet: de netaansluiting is alleen op tijd beschikbaar via onzekere projecten; zonder die "
        "projecten niet vóór 2051 (plaats 1 van 1 in de wachtrij van B, 0,0 MW voor u; "
        "het regionale net is beperkend)."
    )
    # and C is unconstrained from the base year: connected now, nothing binds
    c = grid_of(result, "PC")
    assert (c.connection_year, c.binding) == (2026, Binding.NONE)


# ---------------------------------------------------------------------------- rule 4: queue order


def test_rule4_priority_class_comes_before_the_request_date() -> None:
    # given area A: 2 MW now, +2 MW from 2028, +2 MW from 2030; four 2 MW requests, the oldest of class
    # "other" (a request of another company), then basic needs, public safety, congestion relief (no date)
    area = regional("A", 2.0, Reinforcement("R1", 2028, 2.0), Reinforcement("R2", 2030, 2.0))
    queue = (QueueRequest("Q1", "A", 2.0, Priority.OTHER, date(2020, 1, 1)),)
    plans = [
        plan(
            "P-basis",
            grid_area_id="A",
            grid_mw=2.0,
            priority=Priority.BASIC_NEEDS,
            request_date=date(2024, 1, 1),
        ),
        plan(
            "P-veilig",
            grid_area_id="A",
            grid_mw=2.0,
            priority=Priority.PUBLIC_SAFETY,
            request_date=date(2025, 1, 1),
        ),
        plan("P-congestie", grid_area_id="A", grid_mw=2.0, priority=Priority.CONGESTION_RELIEF),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,), queue=queue))
    # then congestion relief (cumulative 2 MW) is served now, public safety (4 MW) in 2028,
    # basic needs (6 MW) in 2030; the older "other" request is last (8 MW: never)
    assert queue_row(result, "P-congestie") == (2026, 1, 4, 0.0)
    assert queue_row(result, "P-veilig") == (2028, 2, 4, 2.0)
    assert queue_row(result, "P-basis") == (2030, 3, 4, 4.0)


def test_rule4_within_a_class_the_earliest_request_date_first_and_no_date_last() -> None:
    # given area A: 1 MW now, +1 MW from 2027, +1 MW from 2029; three 1 MW requests of class "other"
    area = regional("A", 1.0, Reinforcement("R1", 2027, 1.0), Reinforcement("R2", 2029, 1.0))
    plans = [
        plan("P-laat", grid_area_id="A", grid_mw=1.0, request_date=date(2024, 6, 1)),
        plan("P-zonder", grid_area_id="A", grid_mw=1.0, request_date=None),
        plan("P-vroeg", grid_area_id="A", grid_mw=1.0, request_date=date(2023, 1, 1)),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,)))
    # then they are served by date, the undated request last
    assert queue_row(result, "P-vroeg") == (2026, 1, 3, 0.0)
    assert queue_row(result, "P-laat") == (2027, 2, 3, 1.0)
    assert queue_row(result, "P-zonder") == (2029, 3, 3, 2.0)


def test_rule4_the_published_waiting_list_is_ahead_of_every_plan_of_its_class() -> None:
    # given area A: 3 MW now, +2 MW from 2028; the published waiting list as two undated 1 MW requests of
    # others (W1, W2), another company's request with a dated place (Q-datum, 1 January 2021), and 1 MW plans:
    # P-oud requested long ago (2020), P-prio (congestion relief, 2025), P-zonder (no date)
    area = regional("A", 3.0, Reinforcement("R1", 2028, 2.0))
    queue = (
        QueueRequest("W1", "A", 1.0),
        QueueRequest("W2", "A", 1.0),
        QueueRequest("Q-datum", "A", 1.0, Priority.OTHER, date(2021, 1, 1)),
    )
    plans = [
        plan("P-oud", grid_area_id="A", grid_mw=1.0, request_date=date(2020, 1, 1)),
        plan(
            "P-prio",
            grid_area_id="A",
            grid_mw=1.0,
            priority=Priority.CONGESTION_RELIEF,
            request_date=date(2025, 1, 1),
        ),
        plan("P-zonder", grid_area_id="A", grid_mw=1.0),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,), queue=queue))
    # then the order is P-prio (a better class), W1, W2 (the waiting list, whatever P-oud's date), P-oud,
    # Q-datum (its dated place, after P-oud), P-zonder: cumulative 1, 2, 3, 4, 5, 6 MW against 3 MW now
    # and 5 MW from 2028
    assert queue_row(result, "P-prio") == (2026, 1, 6, 0.0)
    assert queue_row(result, "P-oud") == (2028, 4, 6, 3.0)
    assert queue_row(result, "P-zonder") == (None, 6, 6, 5.0)


def test_rule4_ties_are_broken_by_id_compared_as_text() -> None:
    # given area A: 1 MW now, +1 MW from 2027, +1 MW from 2028; requests P2, P10 and Q1 of 1 MW, same
    # class and date
    area = regional("A", 1.0, Reinforcement("R1", 2027, 1.0), Reinforcement("R2", 2028, 1.0))
    same_day = date(2024, 1, 1)
    queue = (QueueRequest("Q1", "A", 1.0, Priority.OTHER, same_day),)
    plans = [
        plan("P2", grid_area_id="A", grid_mw=1.0, request_date=same_day),
        plan("P10", grid_area_id="A", grid_mw=1.0, request_date=same_day),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,), queue=queue))
    # then "P10" < "P2" < "Q1" as text
    assert queue_row(result, "P10") == (2026, 1, 3, 0.0)
    assert queue_row(result, "P2") == (2027, 2, 3, 1.0)


def test_rule4_a_case_never_changes_a_place() -> None:
    # given the priority case, with the last plan in the case approach
    area = regional("A", 2.0, Reinforcement("R1", 2028, 2.0), Reinforcement("R2", 2030, 2.0))
    plans = [
        plan("P-basis", grid_area_id="A", grid_mw=2.0, priority=Priority.BASIC_NEEDS, in_case=True),
        plan("P-congestie", grid_area_id="A", grid_mw=2.0, priority=Priority.CONGESTION_RELIEF),
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,)))
    # then the plan in a case keeps its place behind the higher class
    assert queue_row(result, "P-congestie") == (2026, 1, 2, 0.0)
    assert queue_row(result, "P-basis") == (2028, 2, 2, 2.0)


# --------------------------------------------------------------------------------- rule 5: serving


def test_rule5_a_request_waits_for_the_capacity_of_itself_and_everything_before_it() -> None:
    # given area A: 3 MW now, +3 MW from 2028, +4 MW from 2031; requests of 2, 3, 1 and 0.5 MW by date
    area = regional("A", 3.0, Reinforcement("R1", 2028, 3.0), Reinforcement("R2", 2031, 4.0))
    plans = [
        plan(f"P{i}", grid_area_id="A", grid_mw=mw, request_date=date(2023, i, 1))
        for i, mw in ((1, 2.0), (2, 3.0), (3, 1.0), (4, 0.5))
    ]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=(area,)))
    # then cumulative claims 2, 5, 6 and 6.5 MW against 3 / 6 / 10 MW:
    assert queue_row(result, "P1") == (2026, 1, 4, 0.0)
    assert queue_row(result, "P2") == (2028, 2, 4, 2.0)
    # a cumulative claim equal to the capacity is covered
    assert queue_row(result, "P3") == (2028, 3, 4, 5.0)
    # and nobody overtakes: 0.5 MW would fit in the 1 MW left in 2026, but waits for 6.5 MW (2031)
    assert queue_row(result, "P4") == (2031, 4, 4, 6.0)
    assert outcome(result, "P4").feasibility == CANNOT
    assert outcome(result, "P4").explanation == (
        "Kan niet: de netaansluiting is pas in 2031 beschikbaar, na 2030 (plaats 4 van 4 in de wachtrij "
        "van A, 6,0 MW voor u; het regionale net is beperkend)."
    )


# ---------------------------------------------------------------------------- rule 6: flexible share


@pytest.mark.parametrize(
    ("flexible", "firm_mw", "year"),
    [(True, 0.455, 2026), (False, 0.7, 2029)],
)
def test_rule6_a_flexible_plan_queues_with_its_firm_part_only(
    flexible: bool, firm_mw: float, year: int
) -> None:
    # given area A: 0.455 MW now, +1 MW from 2029; a 0.7 MW request; a flexible share of 0.35
    area = regional("A", 0.455, Reinforcement("R1", 2029, 1.0))
    plans = [plan("P", grid_area_id="A", grid_mw=0.7, accepts_flexible=flexible)]
    params = replace(DEFAULT, flexible_share=0.35)
    # when the engine analyses it
    result = analyse(plans, Infrastructure(areas=(area,)), params)
    # then the non-firm part is floor(700 kW x 0.35) = 245 kW, the firm part 455 kW: it fits now;
    # without a flexible contract the whole 700 kW waits for 2029
    g = grid_of(result, "P")
    assert (g.requested_mw, g.firm_mw, g.connection_year) == (0.7, firm_mw, year)


def test_rule6_only_firm_claims_count_for_the_requests_behind() -> None:
    # given area A: 4 MW now, +3 MW from 2029; P1 4 MW flexible, P2 2 MW firm, Q1 2 MW (another company),
    # P3 1 MW firm, by date; a flexible share of 0.5
    area = regional("A", 4.0, Reinforcement("R1", 2029, 3.0))
    queue = (QueueRequest("Q1", "A", 2.0, Priority.OTHER, date(2025, 1, 1)),)
    plans = [
        plan("P1", grid_area_id="A", grid_mw=4.0, accepts_flexible=True, request_date=date(2023, 1, 1)),
        plan("P2", grid_area_id="A", grid_mw=2.0, request_date=date(2024, 1, 1)),
        plan("P3", grid_area_id="A", grid_mw=1.0, request_date=date(2026, 1, 1)),
    ]
    infra = Infrastructure(areas=(area,), queue=queue)
    params = replace(DEFAULT, flexible_share=0.5)
    # when the engine analyses them
    result = analyse(plans, infra, params)
    # then P1 claims 2 MW; P2 (cumulative 4 MW) connects now with 2 MW ahead; Q1 brings it to 6 MW,
    # P3 to 7 MW: 2029
    assert grid_of(result, "P1").firm_mw == 2.0
    assert queue_row(result, "P2") == (2026, 2, 4, 2.0)
    assert queue_row(result, "P3") == (2029, 4, 4, 6.0)
    # when every plan is treated as flexible
    everyone = analyse(plans, infra, replace(params, all_plans_flexible=True))
    # then P2 claims 1 MW and P3 0.5 MW, but Q1 (not a plan) still claims 2 MW: 2 + 1 + 2 = 5 MW ahead of P3
    assert grid_of(everyone, "P2").firm_mw == 1.0
    assert queue_row(everyone, "P3") == (2029, 4, 4, 5.0)
    assert grid_of(everyone, "P3").firm_mw == 0.5


@pytest.mark.parametrize(
    ("share", "firm_mw", "year", "binding"),
    [(0.0, 2.0, 2030, Binding.REGIONAL), (1.0, 0.0, 2026, Binding.NONE)],
)
def test_rule6_share_zero_is_firm_and_share_one_claims_nothing(
    share: float, firm_mw: float, year: int, binding: Binding
) -> None:
    # given area A: nothing now, +2 MW from 2030; a flexible 2 MW request
    area = regional("A", 0.0, Reinforcement("R1", 2030, 2.0))
    plans = [plan("P", grid_area_id="A", grid_mw=2.0, accepts_flexible=True)]
    # when the engine analyses it with a share of 0 and of 1
    result = analyse(plans, Infrastructure(areas=(area,)), replace(DEFAULT, flexible_share=share))
    # then share 0 waits for 2030 like a firm request, share 1 claims 0 kW and connects now
    g = grid_of(result, "P")
    assert (g.firm_mw, g.connection_year, g.binding) == (firm_mw, year, binding)
    assert outcome(result, "P").feasibility == CAN


# ------------------------------------------------------------------- rule 7: two levels, binding element


def two_level_world() -> tuple[list[Plan], Infrastructure]:
    """TenneT region T (5 MW now, +5 MW from 2029) above regional areas A (2 MW now, +3 MW from 2028) and
    B (10 MW now); another company's 4 MW request directly at T; plans in A, B and directly at T."""
    areas = (
        tennet("T", 5.0, Reinforcement("RT", 2029, 5.0)),
        regional("A", 2.0, Reinforcement("RA", 2028, 3.0), parent="T"),
        regional("B", 10.0, parent="T"),
    )
    queue = (QueueRequest("QT", "T", 4.0, Priority.OTHER, date(2022, 1, 1)),)
    plans = [
        plan("PA1", grid_area_id="A", grid_mw=1.0, request_date=date(2023, 1, 1)),
        plan("PA2", grid_area_id="A", grid_mw=2.0, request_date=date(2023, 6, 1), planned_year=2028),
        plan("PB", grid_area_id="B", grid_mw=1.0, request_date=date(2024, 1, 1)),
        plan("PT", grid_area_id="T", grid_mw=1.0, request_date=date(2024, 3, 15), planned_year=2028),
    ]
    return plans, Infrastructure(areas=areas, queue=queue)


def test_rule7_a_request_queues_at_both_levels_and_the_later_one_binds() -> None:
    # given the two-level world
    plans, infra = two_level_world()
    # when the engine analyses it
    result = analyse(plans, infra)
    # then in A: PA1 1 MW -> 2026, PA2 3 MW -> 2028; in B: PB 1 MW -> 2026;
    # in T: QT 4, PA1 5 -> 2026; PA2 7, PB 8, PT 9 MW -> 2029 (10 MW)
    assert queue_row(result, "PA1") == (2026, 1, 2, 0.0)
    assert tennet_row(result, "PA1") == (2026, 2, 5, 4.0)
    assert grid_of(result, "PA1").binding == Binding.NONE
    pa2 = grid_of(result, "PA2")
    assert (pa2.regional_year, pa2.tennet_year, pa2.connection_year, pa2.binding) == (
        2028,
        2029,
        2029,
        Binding.TENNET,
    )
    assert (pa2.queue_position, pa2.mw_ahead) == (2, 1.0)
    assert tennet_row(result, "PA2") == (2029, 3, 5, 5.0)
    pb = grid_of(result, "PB")
    assert (pb.regional_year, pb.tennet_year, pb.binding, pb.tennet_mw_ahead) == (
        2026,
        2029,
        Binding.TENNET,
        7.0,
    )
    # and a plan connected to T directly has no regional queue
    pt = grid_of(result, "PT")
    assert (pt.queue_position, pt.queue_length, pt.mw_ahead, pt.regional_year) == (None, None, None, None)
    assert (pt.tennet_region_id, pt.connection_year, pt.binding) == ("T", 2029, Binding.TENNET)
    assert tennet_row(result, "PT") == (2029, 5, 5, 8.0)
    # and the explanation names the binding element
    assert outcome(result, "PA2").explanation == (
        "Mag (nog) niet: de netaansluiting is pas in 2029 beschikbaar, later dan het geplande jaar 2028 maar "
        "uiterlijk in 2030 (plaats 2 van 2 in de wachtrij van A, 1,0 MW voor u; het TenneT-net is beperkend)."
    )
    assert outcome(result, "PT").explanation == (
        "Mag (nog) niet: de netaansluiting is pas in 2029 beschikbaar, later dan het geplande jaar 2028 maar "
        "uiterlijk in 2030 (het TenneT-net is beperkend)."
    )


def test_rule7_a_tie_goes_to_the_regional_area_and_an_area_without_parent_has_one_level() -> None:
    # given T and A under it, both 1 MW now and +10 MW from 2029; C without TenneT region, +1 MW from 2027
    areas = (
        tennet("T", 1.0, Reinforcement("RT", 2029, 10.0)),
        regional("A", 1.0, Reinforcement("RA", 2029, 10.0), parent="T"),
        regional("C", 0.0, Reinforcement("RC", 2027, 1.0)),
    )
    plans = [plan("PA", grid_area_id="A", grid_mw=2.0), plan("PC", grid_area_id="C", grid_mw=1.0)]
    # when the engine analyses them
    result = analyse(plans, Infrastructure(areas=areas))
    # then PA waits for 2029 at both levels: the regional area binds
    pa = grid_of(result, "PA")
    assert (pa.regional_year, pa.tennet_year, pa.binding) == (2029, 2029, Binding.REGIONAL)
    # and PC only queues in C
    pc = grid_of(result, "PC")
    assert (pc.connection_year, pc.binding, pc.tennet_region_id) == (2027, Binding.REGIONAL, None)
    assert tennet_row(result, "PC") == (None, None, None, None)


# ------------------------------------------------------------------------ rule 8: the grid answer


def test_rule8_the_certain_connection_year_leaves_out_uncertain_reinforcements() -> None:
    # given area A: 1 MW now, +2 MW from 2028 (uncertain), +2 MW from 2032 (firm); a 3 MW request
    area = regional(
        "A", 1.0, Reinforcement("R-onzeker", 2028, 2.0, UNCERTAIN), Reinforcement("R-vast", 2032, 2.0, FIRM)
    )
    plans = [plan("P", grid_area_id="A", grid_mw=3.0)]
    # when the engine analyses it
    result = analyse(plans, Infrastructure(areas=(area,)))
    # then it connects in 2028 counting every item, in 2032 without the uncertain one
    g = grid_of(result, "P")
    assert (g.connection_year, g.connection_year_certain) == (2028, 2032)
    o = outcome(result, "P")
    assert (o.feasibility, o.ready_year, o.ready_year_certain, o.realisation_year) == (
        MAY_NOT,
        2028,
        2032,
        2030,
    )
    assert o.explanation == (
        "Mag (nog) niet: de netaansluiting is alleen op tijd beschikbaar via onzekere projecten; zonder die "
        "projecten pas in 2032 (plaats 1 van 1 in de wachtrij van A, 0,0 MW voor u; het regionale net is "
        "beperkend)."
    )
    # and the reduction counts by 2030, but not by 2030 without uncertain items
    total = result.aggregates.total
    assert (total.co2_by_deadline_t, total.co2_by_deadline_certain_t) == (1000, 0)
    # when the horizon ends in 2031
    short = analyse(plans, Infrastructure(areas=(area,)), replace(DEFAULT, horizon_year=2031))
    # then the certain year is not within the horizon
    assert grid_of(short, "P").connection_year_certain is None
    assert outcome(short, "P").explanation.startswith(
        "Mag (nog) niet: de netaansluiting is alleen op tijd beschikbaar via onzekere projecten; zonder die "
        "projecten niet vóór 2032 ("
    )


# ------------------------------------------------------------------------- rule 9: carrier availability


def test_rule9_the_earliest_rollout_that_serves_the_province() -> None:
    # given hydrogen phases: Gelderland 2029, Gelderland 2027 (uncertain), Limburg 2027, national 2032
    infra = carriers_only(
        CarrierRollout("H-gld", H2, 2029, region="Gelderland"),
        CarrierRollout("H-gld-onzeker", H2, 2027, UNCERTAIN, region="Gelderland"),
        CarrierRollout("H-lim", H2, 2027, region="Limburg"),
        CarrierRollout("H-nl", H2, 2032),
    )
    plans = [
        plan(f"P-{p[:3].lower()}", province=p, needs={H2: 10.0}) for p in ("Gelderland", "Limburg", "Zeeland")
    ]
    # when the engine analyses them
    result = analyse(plans, infra)
    # then each plan gets the earliest phase of its own province or the national one
    rows = {
        o.plan_id: (o.carriers[0].year, o.carriers[0].year_certain, o.carriers[0].via, o.feasibility)
        for o in result.plan_outcomes()
    }
    assert rows == {
        "P-gel": (2027, 2029, "H-gld-onzeker", CAN),
        "P-lim": (2027, 2027, "H-lim", CAN),
        "P-zee": (2032, 2032, "H-nl", CANNOT),
    }
    assert outcome(result, "P-zee").explanation == "Kan niet: waterstof is pas in 2032 beschikbaar, na 2030."
    assert outcome(result, "P-gel").explanation == (
        "Kan doorgaan: alle benodigde infrastructuur is uiterlijk in 2029 beschikbaar, op tijd voor het "
        "geplande jaar 2030."
    )


def test_rule9_rollouts_before_the_base_year_count_from_it_after_the_horizon_never() -> None:
    # given hydrogen since 2020 and CO2 transport from 2051 (horizon 2050)
    infra = carriers_only(CarrierRollout("H-oud", H2, 2020), CarrierRollout("C-laat", CO2, 2051))
    plans = [plan("P-h2", needs={H2: 1.0}), plan("P-co2", needs={CO2: 50_000.0})]
    # when the engine analyses them
    result = analyse(plans, infra)
    # then hydrogen is available from 2026, CO2 transport not within the horizon
    assert outcome(result, "P-h2").carriers[0].year == 2026
    co2 = outcome(result, "P-co2")
    assert (co2.carriers[0].year, co2.carriers[0].via, co2.feasibility, co2.bottleneck) == (
        None,
        None,
        CANNOT,
        Bottleneck.CO2,
    )
    assert co2.explanation == (
        "Kan niet: CO2-transport en -opslag is niet beschikbaar binnen de horizon (tot en met 2050)."
    )


def test_rule9_ties_go_to_a_network_before_an_alternative_then_to_the_lowest_id() -> None:
    # given CO2 by ship, and two CO2 networks, all from 2028
    ship = CarrierRollout("C-schip", CO2, 2028, mode=SupplyMode.ALTERNATIVE)
    networks = (CarrierRollout("C-b", CO2, 2028), CarrierRollout("C-a", CO2, 2028))
    plans = [plan("P", needs={CO2: 1.0})]
    # when the engine analyses it with all three, and with the ship only
    both = analyse(plans, carriers_only(ship, *networks))
    ship_only = analyse(plans, carriers_only(ship))
    # then the network with the lowest id serves it; with the ship only, at extra cost
    c = outcome(both, "P").carriers[0]
    assert (c.year, c.via, c.extra_cost) == (2028, "C-a", False)
    c = outcome(ship_only, "P").carriers[0]
    assert (c.year, c.via, c.extra_cost) == (2028, "C-schip", True)


# -------------------------------------------------------------------- rule 10: distance, alternatives


def hydrogen_world() -> Infrastructure:
    """A hydrogen network from 2027 with one connection point at (5.0 E, 52.0 N)."""
    return carriers_only(
        CarrierRollout("H-net", H2, 2027), points=(NetworkPoint("H-punt", "H-net", 5.0, 52.0),)
    )


def test_rule10_a_network_reaches_a_plan_only_within_the_maximum_distance() -> None:
    # given the hydrogen network; plans 0.1 and 0.2 degrees north of its point (great circle:
    # 6 371 km x 0.1 x pi / 180 = 11.119 km and 22.239 km), one without location, and one at the point
    # with a precomputed distance of 20 km
    plans = [
        plan("P-dicht", needs={H2: 5.0}, lon=5.0, lat=52.1),
        plan("P-ver", needs={H2: 5.0}, lon=5.0, lat=52.2),
        plan("P-onbekend", needs={H2: 5.0}),
        plan("P-opgegeven", needs={H2: 5.0}, lon=5.0, lat=52.0, distance_km={H2: 20.0}),
    ]
    # when the engine analyses them (maximum 15 km)
    result = analyse(plans, hydrogen_world())
    # then only the plan within 15 km and the plan of unknown distance are reached
    rows = {
        o.plan_id: (o.carriers[0].year, o.carriers[0].distance_km, o.bottleneck)
        for o in result.plan_outcomes()
    }
    assert rows == {
        "P-dicht": (2027, 11.119, None),
        "P-ver": (None, 22.239, Bottleneck.DISTANCE),
        "P-onbekend": (2027, None, None),
        "P-opgegeven": (None, 20.0, Bottleneck.DISTANCE),
    }
    assert outcome(result, "P-ver").explanation == (
        "Kan niet: het waterstofnetwerk ligt te ver weg voor een directe aansluiting (het dichtstbijzijnde "
        "punt ligt op 22,2 km, maximaal 15,0 km), dus waterstof is niet beschikbaar binnen de horizon "
        "(tot en met 2050)."
    )
    # when the maximum distance for hydrogen is 25 km
    wider = analyse(plans, hydrogen_world(), replace(DEFAULT, max_distance_km={H2: 25.0}))
    # then the far plan and the precomputed 20 km are reached too
    assert outcome(wider, "P-ver").carriers[0].year == 2027
    assert outcome(wider, "P-opgegeven").carriers[0].year == 2027


def co2_world() -> Infrastructure:
    """A CO2 network from 2028 with one point at (5.0 E, 52.0 N), and CO2 by ship from 2029."""
    return carriers_only(
        CarrierRollout("C-net", CO2, 2028),
        CarrierRollout("C-schip", CO2, 2029, mode=SupplyMode.ALTERNATIVE),
        points=(NetworkPoint("C-punt", "C-net", 5.0, 52.0),),
    )


def test_rule10_co2_by_ship_is_the_costlier_alternative_without_a_distance_limit() -> None:
    # given the CO2 world; plans 11.119 km and 22.239 km from the network point, planned for 2028
    plans = [
        plan("P-dicht", needs={CO2: 50_000.0}, lon=5.0, lat=52.1, planned_year=2028),
        plan("P-ver", needs={CO2: 50_000.0}, lon=5.0, lat=52.2, planned_year=2028),
    ]
    # when the engine analyses them
    result = analyse(plans, co2_world())
    # then the near plan uses the network (2028, can go ahead)
    near = outcome(result, "P-dicht")
    assert (near.carriers[0].year, near.carriers[0].via, near.carriers[0].extra_cost, near.feasibility) == (
        2028,
        "C-net",
        False,
        CAN,
    )
    # and the far plan only the ship (2029, extra cost): may not, held back by the distance
    far = outcome(result, "P-ver")
    c = far.carriers[0]
    assert (c.year, c.via, c.extra_cost, c.distance_km) == (2029, "C-schip", True, 22.239)
    assert (far.feasibility, far.bottleneck, far.binding_requirement) == (MAY_NOT, Bottleneck.DISTANCE, "co2")
    assert far.explanation == (
        "Mag (nog) niet: het CO2-netwerk ligt te ver weg voor een directe aansluiting (het dichtstbijzijnde "
        "punt ligt op 22,2 km, maximaal 15,0 km), dus CO2-transport en -opslag is pas in 2029 beschikbaar, "
        "later dan het geplande jaar 2028 maar uiterlijk in 2030 (alleen per schip of vrachtwagen, tegen "
        "hogere kosten)."
    )
    # when alternatives are not allowed
    strict = analyse(plans, co2_world(), replace(DEFAULT, allow_alternatives=False))
    # then the far plan is not reached at all: cannot, still held back by the distance
    far = outcome(strict, "P-ver")
    assert (far.carriers[0].year, far.carriers[0].extra_cost, far.feasibility, far.bottleneck) == (
        None,
        False,
        CANNOT,
        Bottleneck.DISTANCE,
    )


# ----------------------------------------------------------------------------- rule 11: classification


@pytest.mark.parametrize(
    ("planned", "rollouts", "expected", "ready", "ready_certain"),
    [
        (2029, [(2029, PLANNED)], CAN, 2029, 2029),
        (2029, [(2029, FIRM)], CAN, 2029, 2029),
        (2028, [(2030, PLANNED)], MAY_NOT, 2030, 2030),
        (2028, [(2031, PLANNED)], CANNOT, 2031, 2031),
        (2029, [(2027, UNCERTAIN)], MAY_NOT, 2027, None),
        (2028, [(2030, UNCERTAIN)], MAY_NOT, 2030, None),
        (2028, [(2031, UNCERTAIN)], CANNOT, 2031, None),
        (2032, [(2032, PLANNED)], CAN, 2032, 2032),
        (2032, [(2033, PLANNED)], CANNOT, 2033, 2033),
        (2032, [(2031, UNCERTAIN), (2034, PLANNED)], MAY_NOT, 2031, 2034),
        (2030, [], CANNOT, None, None),
        (2025, [(2020, PLANNED)], MAY_NOT, 2026, 2026),
    ],
)
def test_rule11_can_may_not_cannot(
    planned: int,
    rollouts: list[tuple[int, Certainty]],
    expected: FeasibilityClass,
    ready: int | None,
    ready_certain: int | None,
) -> None:
    # given a plan that needs hydrogen, and hydrogen phases with a year and a certainty
    infra = carriers_only(*(CarrierRollout(f"H{i}", H2, y, c) for i, (y, c) in enumerate(rollouts)))
    plans = [plan("P", needs={H2: 1.0}, planned_year=planned)]
    # when the engine analyses it
    result = analyse(plans, infra)
    # then: can when available without uncertain items by the planned year; may not when available
    # (uncertain items included) by the planned year or 2030, whichever is later; cannot otherwise
    o = outcome(result, "P")
    assert (o.feasibility, o.ready_year, o.ready_year_certain) == (expected, ready, ready_certain)


# ------------------------------------------------------------------- rule 12: the binding bottleneck


def test_rule12_the_latest_requirement_binds() -> None:
    # given a plan planned for 2028 needing 1 MW in A (+5 MW from 2029) and hydrogen (from 2031)
    infra = Infrastructure(
        areas=(regional("A", 0.0, Reinforcement("R1", 2029, 5.0)),), rollouts=(CarrierRollout("H", H2, 2031),)
    )
    plans = [plan("P", grid_area_id="A", grid_mw=1.0, needs={H2: 1.0}, planned_year=2028)]
    # when the engine analyses it
    result = analyse(plans, infra)
    # then it is ready in 2031 (after 2030): cannot, held back by hydrogen
    o = outcome(result, "P")
    assert (o.feasibility, o.ready_year, o.binding_requirement, o.bottleneck) == (
        CANNOT,
        2031,
        "hydrogen",
        Bottleneck.HYDROGEN,
    )
    assert o.explanation == "Kan niet: waterstof is pas in 2031 beschikbaar, na 2030."


@pytest.mark.parametrize(
    ("grid", "needs", "requirement", "bottleneck"),
    [
        (True, (H2,), "grid", Bottleneck.GRID_CONGESTION),
        (False, (GAS, CO2), "co2", Bottleneck.CO2),
        (False, (HEAT, GAS), "green_gas", Bottleneck.GREEN_GAS),
    ],
)
def test_rule12_ties_follow_grid_hydrogen_co2_green_gas_heat(
    grid: bool, needs: tuple[Carrier, ...], requirement: str, bottleneck: Bottleneck
) -> None:
    # given grid capacity (A), hydrogen, CO2, green gas and heat, all from 2031, and a plan planned for
    # 2028 needing two of them
    infra = Infrastructure(
        areas=(regional("A", 0.0, Reinforcement("R1", 2031, 5.0)),),
        rollouts=tuple(CarrierRollout(f"S-{c.value}", c, 2031) for c in (H2, CO2, GAS, HEAT)),
    )
    fields: dict[str, Any] = {"grid_area_id": "A", "grid_mw": 1.0} if grid else {}
    plans = [plan("P", needs=dict.fromkeys(needs, 1.0), planned_year=2028, **fields)]
    # when the engine analyses it
    result = analyse(plans, infra)
    # then the first in the fixed order binds
    o = outcome(result, "P")
    assert (o.feasibility, o.binding_requirement, o.bottleneck) == (CANNOT, requirement, bottleneck)


def test_rule12_on_time_only_through_uncertain_items_the_latest_certain_year_binds() -> None:
    # given a plan planned for 2028 needing 1 MW in A (+1 MW from 2027) and hydrogen: 2027 (uncertain)
    # or 2029
    infra = Infrastructure(
        areas=(regional("A", 0.0, Reinforcement("R1", 2027, 1.0)),),
        rollouts=(CarrierRollout("H-onzeker", H2, 2027, UNCERTAIN), CarrierRollout("H", H2, 2029)),
    )
    plans = [plan("P", grid_area_id="A", grid_mw=1.0, needs={H2: 1.0}, planned_year=2028)]
    # when the engine analyses it
    result = analyse(plans, infra)
    # then it is on time (2027) only through the uncertain phase; without it hydrogen (2029) is later than
    # the grid (2027): hydrogen binds
    o = outcome(result, "P")
    assert (o.feasibility, o.ready_year, o.ready_year_certain, o.binding_requirement) == (
        MAY_NOT,
        2027,
        2029,
        "hydrogen",
    )
    assert o.explanation == (
        "Mag (nog) niet: waterstof is alleen op tijd beschikbaar via onzekere projecten; zonder die "
        "projecten pas in 2029."
    )


# ----------------------------------------------------------------------------- rule 13: explanation


def test_rule13_numbers_in_the_explanation_are_in_dutch_notation() -> None:
    # given area A without capacity and another company's request of 1 234.5 MW ahead of a plan
    infra = Infrastructure(
        areas=(regional("A", 0.0),),
        queue=(QueueRequest("Q1", "A", 1234.5, Priority.OTHER, date(2020, 1, 1)),),
    )
    plans = [plan("P", grid_area_id="A", grid_mw=1.0, request_date=date(2024, 1, 1))]
    # when the engine analyses it
    result = analyse(plans, infra)
    # then the sentence uses a point for thousands and a comma for decimals
    assert outcome(result, "P").explanation == (
        "Kan niet: de netaansluiting is niet beschikbaar binnen de horizon (tot en met 2050) (plaats 2 van 2 "
        "in de wachtrij van A, 1.234,5 MW voor u; het regionale net is beperkend)."
    )


# ------------------------------------------------------------------ rule 14: realisation, by deadline


def test_rule14_the_reduction_is_realised_in_the_planned_year_or_when_the_infrastructure_is_ready() -> None:
    # given hydrogen phases per province: Gelderland 2030, Limburg 2031, Zeeland 2027; no CO2 at all
    infra = carriers_only(
        CarrierRollout("H-gld", H2, 2030, region="Gelderland"),
        CarrierRollout("H-lim", H2, 2031, region="Limburg"),
        CarrierRollout("H-zee", H2, 2027, region="Zeeland"),
    )
    plans = [
        plan("P1", needs={H2: 1.0}, planned_year=2028, co2_reduction_t=100.0),
        plan("P2", needs={H2: 1.0}, planned_year=2029, province="Limburg", co2_reduction_t=200.0),
        plan("P3", needs={H2: 1.0}, planned_year=2032, province="Zeeland", co2_reduction_t=400.0),
        plan("P4", planned_year=2030, co2_reduction_t=800.0),
        plan("P5", needs={CO2: 1.0}, planned_year=2027, co2_reduction_t=1600.0),
    ]
    # when the engine analyses them
    result = analyse(plans, infra)
    # then realisation = max(planned year, ready year); by 2030 includes 2030
    rows = {o.plan_id: (o.feasibility, o.realisation_year, o.by_deadline) for o in result.plan_outcomes()}
    assert rows == {
        "P1": (MAY_NOT, 2030, True),
        "P2": (CANNOT, 2031, False),
        "P3": (CAN, 2032, False),
        "P4": (NOT_DEPENDENT, 2030, True),
        "P5": (CANNOT, None, False),
    }
    # and the reduction realisable by 2030 is P1 + P4
    assert result.co2_by_deadline_t == 900


# -------------------------------------------------------------------------------- rule 15: aggregates


def aggregate_world() -> tuple[list[Plan], Infrastructure]:
    """Six plans: can (grid), may not (hydrogen), cannot (grid), not dependent, cancelled, cannot
    (hydrogen only in Gelderland)."""
    infra = Infrastructure(
        areas=(regional("A", 2.0, Reinforcement("R1", 2031, 2.0), operator="Liander"),),
        rollouts=(CarrierRollout("H-gld", H2, 2030, region="Gelderland"),),
    )
    plans = [
        plan("P1", grid_area_id="A", grid_mw=2.0, request_date=date(2023, 1, 1), planned_year=2028),
        plan(
            "P2", sector="glas", route="waterstof", needs={H2: 1.0}, planned_year=2028, co2_reduction_t=2000.0
        ),
        plan(
            "P3",
            province="Limburg",
            grid_operator="Enexis",
            grid_area_id="A",
            grid_mw=1.0,
            request_date=date(2024, 1, 1),
            planned_year=2029,
            co2_reduction_t=4000.0,
        ),
        plan(
            "P4",
            province="Limburg",
            sector="glas",
            grid_operator="",
            planned_year=2027,
            co2_reduction_t=500.0,
        ),
        plan("P5", route="ccs", status=PlanStatus.CANCELLED, co2_reduction_t=800.0),
        plan(
            "P6",
            province="Limburg",
            sector="glas",
            route="waterstof",
            grid_operator="Enexis",
            needs={H2: 1.0},
            co2_reduction_t=3000.0,
        ),
    ]
    return plans, infra


def test_rule15_counts_shares_and_co2_per_class_in_total_and_per_dimension() -> None:
    # given the aggregate world
    plans, infra = aggregate_world()
    # when the engine analyses it
    result = analyse(plans, infra)
    # then each plan's class is as computed by hand
    classes = {o.plan_id: o.feasibility for o in result.plan_outcomes()}
    assert classes == {
        "P1": CAN,
        "P2": MAY_NOT,
        "P3": CANNOT,
        "P4": NOT_DEPENDENT,
        "P5": EXCLUDED,
        "P6": CANNOT,
    }
    # and the total counts 5 plans (not the cancelled one), 4 dependent, headline (1 + 2) / 4
    t = result.aggregates.total
    assert (t.key, t.n_plans, t.n_dependent, t.n_can, t.n_may_not, t.n_cannot) == ("totaal", 5, 4, 1, 1, 2)
    assert (t.share_can, t.share_may_not, t.share_cannot, t.headline_share) == (0.25, 0.25, 0.5, 0.75)
    assert (t.co2_t, t.co2_can_t, t.co2_may_not_t, t.co2_cannot_t, t.co2_not_dependent_t) == (
        10500,
        1000,
        2000,
        7000,
        500,
    )
    # by 2030: P1 (2028) + P2 (2030) + P4 (2027)
    assert (t.co2_by_deadline_t, t.co2_by_deadline_certain_t) == (3500, 3500)
    assert dict(t.bottlenecks) == {"grid_congestion": 1, "hydrogen": 2}

    def rows(dim: str) -> list[tuple[Any, ...]]:
        return [
            (r.key, r.n_plans, r.n_dependent, r.n_can, r.n_may_not, r.n_cannot, r.headline_share, r.co2_t)
            for r in result.aggregates.by[dim]
        ]

    # and per dimension, rows sorted by key; a key with only cancelled plans gives an empty row
    assert rows("province") == [
        ("Gelderland", 2, 2, 1, 1, 0, 0.5, 3000),
        ("Limburg", 3, 2, 0, 0, 2, 1.0, 7500),
    ]
    assert rows("sector") == [("glas", 3, 2, 0, 1, 1, 1.0, 5500), ("keramiek", 2, 2, 1, 0, 1, 0.5, 5000)]
    assert rows("route") == [
        ("ccs", 0, 0, 0, 0, 0, None, 0),
        ("elektrificatie", 3, 2, 1, 0, 1, 0.5, 5500),
        ("waterstof", 2, 2, 0, 1, 1, 1.0, 5000),
    ]
    assert rows("grid_operator") == [
        ("", 1, 0, 0, 0, 0, None, 500),
        ("Enexis", 2, 2, 0, 0, 2, 1.0, 7000),
        ("Liander", 2, 2, 1, 1, 0, 0.5, 3000),
    ]
    by_province = {r.key: r.co2_by_deadline_t for r in result.aggregates.by["province"]}
    assert by_province == {"Gelderland": 3000, "Limburg": 500}


# --------------------------------------------------------------------------------- rule 16: scenarios


def scenario_world() -> tuple[list[Plan], Infrastructure]:
    """A: 1 MW now, +4 MW from 2031; B: 1 MW now; C: congested until 2032; hydrogen nationally from 2029."""
    infra = Infrastructure(
        areas=(
            regional("A", 1.0, Reinforcement("R1", 2031, 4.0)),
            regional("B", 1.0),
            regional("C", 0.0, congestion_end_year=2032),
        ),
        rollouts=(CarrierRollout("H1", H2, 2029),),
    )
    plans = [
        plan("P1", grid_area_id="A", grid_mw=3.0, planned_year=2029, co2_reduction_t=1000.0),
        plan("P2", needs={H2: 1.0}, planned_year=2029, co2_reduction_t=2000.0),
        plan("P3", grid_area_id="B", grid_mw=2.0, accepts_flexible=True, co2_reduction_t=4000.0),
        plan("P4", grid_area_id="C", grid_mw=10.0, co2_reduction_t=500.0),
    ]
    return plans, infra


def compare_both(plans: list[Plan], infra: Infrastructure, scenario: Scenario) -> Any:
    engine = Engine(plans, infra, DEFAULT)
    comparison = engine.compare(scenario)
    expected = ref.compare(plans, infra, DEFAULT, scenario)
    got = {
        "co2_by_deadline_baseline_t": comparison.co2_by_deadline_baseline_t,
        "co2_by_deadline_scenario_t": comparison.co2_by_deadline_scenario_t,
        "co2_by_deadline_delta_t": comparison.co2_by_deadline_delta_t,
        "co2_by_deadline_certain_delta_t": comparison.co2_by_deadline_certain_delta_t,
        "headline_share_baseline": comparison.headline_share_baseline,
        "headline_share_scenario": comparison.headline_share_scenario,
        "plans_earlier": comparison.plans_earlier,
        "plans_later": comparison.plans_later,
        "class_changes": [
            (c.plan_id, c.baseline.value, c.scenario.value, c.baseline_ready_year, c.scenario_ready_year)
            for c in comparison.class_changes
        ],
    }
    assert got == expected
    s_infra, s_params = ref.apply_scenario(infra, DEFAULT, scenario)
    check_against_reference(engine.analyse(scenario), plans, s_infra, s_params)
    return comparison


def test_rule16_the_baseline_of_the_scenario_world() -> None:
    # given the scenario world
    plans, infra = scenario_world()
    # when the engine analyses the baseline
    result = analyse(plans, infra)
    # then P1 waits for 2031 (3 MW > 1 MW), P2 has hydrogen in 2029, P3 claims 2 - 0.6 = 1.4 MW > 1 MW
    # (never), P4 waits for the end of congestion in 2032
    rows = {o.plan_id: (o.feasibility, o.ready_year) for o in result.plan_outcomes()}
    assert rows == {"P1": (CANNOT, 2031), "P2": (CAN, 2029), "P3": (CANNOT, None), "P4": (CANNOT, 2032)}
    assert (result.co2_by_deadline_t, result.headline_share) == (2000, 0.75)


def test_rule16_a_reinforcement_earlier_and_a_hydrogen_phase_later() -> None:
    # given the scenario world
    plans, infra = scenario_world()
    # when R1 comes two years earlier (2029) and H1 two years later (2031)
    scenario = Scenario(name="schuiven", reinforcement_shifts={"R1": -2}, rollout_shifts={"H1": 2})
    comparison = compare_both(plans, infra, scenario)
    # then P1 can go ahead (+1 000 t) and P2 cannot (-2 000 t)
    assert comparison.name == "schuiven"
    assert (
        comparison.co2_by_deadline_baseline_t,
        comparison.co2_by_deadline_scenario_t,
        comparison.co2_by_deadline_delta_t,
        comparison.co2_by_deadline_certain_delta_t,
    ) == (2000, 1000, -1000, -1000)
    assert [
        (c.plan_id, c.baseline, c.scenario, c.baseline_ready_year, c.scenario_ready_year)
        for c in comparison.class_changes
    ] == [
        ("P1", CANNOT, CAN, 2031, 2029),
        ("P2", CAN, CANNOT, 2029, 2031),
    ]
    assert (comparison.plans_earlier, comparison.plans_later) == (1, 1)
    assert (comparison.headline_share_baseline, comparison.headline_share_scenario) == (0.75, 0.75)
    assert dict(comparison.counts_baseline) == {
        "excluded": 0,
        "not_dependent": 0,
        "cannot": 3,
        "may_not": 0,
        "can": 1,
    }
    assert dict(comparison.counts_scenario) == dict(comparison.counts_baseline)


def test_rule16_extra_capacity() -> None:
    # given the scenario world
    plans, infra = scenario_world()
    # when A gets 2 MW extra from 2028 (3 MW in total)
    comparison = compare_both(plans, infra, Scenario(extra_capacity=(ExtraCapacity("A", 2028, 2.0),)))
    # then P1 (3 MW) connects in 2028: can go ahead, +1 000 t by 2030
    assert comparison.co2_by_deadline_delta_t == 1000
    assert [(c.plan_id, c.scenario, c.scenario_ready_year) for c in comparison.class_changes] == [
        ("P1", CAN, 2028)
    ]
    assert (comparison.plans_earlier, comparison.plans_later, comparison.headline_share_scenario) == (
        1,
        0,
        0.5,
    )


def test_rule16_a_larger_share_of_flexible_contracts_and_every_plan_flexible() -> None:
    # given the scenario world
    plans, infra = scenario_world()
    # when the flexible share is 0.5
    half = compare_both(plans, infra, Scenario(flexible_share=0.5))
    # then P3 claims 1 MW and connects now: +4 000 t; P1 is not flexible and does not move
    assert half.co2_by_deadline_delta_t == 4000
    assert [(c.plan_id, c.baseline, c.scenario, c.scenario_ready_year) for c in half.class_changes] == [
        ("P3", CANNOT, CAN, 2026)
    ]
    # when every plan is flexible with a share of 1
    everyone = compare_both(plans, infra, Scenario(flexible_share=1.0, all_plans_flexible=True))
    # then P1, P3 and P4 claim nothing and connect now: +5 500 t, every plan can go ahead
    assert everyone.co2_by_deadline_delta_t == 5500
    assert [c.plan_id for c in everyone.class_changes] == ["P1", "P3", "P4"]
    assert everyone.headline_share_scenario == 0.0


def test_rule16_the_end_of_congestion_earlier() -> None:
    # given the scenario world
    plans, infra = scenario_world()
    # when congestion in C ends two years earlier (2030)
    comparison = compare_both(plans, infra, Scenario(congestion_end_shifts={"C": -2}))
    # then P4 connects in 2030: +500 t
    assert comparison.co2_by_deadline_delta_t == 500
    assert [(c.plan_id, c.baseline, c.scenario, c.scenario_ready_year) for c in comparison.class_changes] == [
        ("P4", CANNOT, CAN, 2030)
    ]


# ---------------------------------------------------------------------------- rule 17: unlock ranking


def unlock_world() -> tuple[list[Plan], Infrastructure]:
    """A: nothing now, +3 MW from 2031; B: congested until 2035, no plans; hydrogen nationally from 2032."""
    infra = Infrastructure(
        areas=(
            regional("A", 0.0, Reinforcement("R1", 2031, 3.0, name="Station A")),
            regional("B", 0.0, congestion_end_year=2035, name="Station B"),
        ),
        rollouts=(CarrierRollout("H1", H2, 2032, name="Waterstof fase 1"),),
    )
    plans = [
        plan("P1", grid_area_id="A", grid_mw=2.0, planned_year=2029, co2_reduction_t=1000.0),
        plan("P2", needs={H2: 1.0}, planned_year=2030, co2_reduction_t=3000.0),
        plan("P3", needs={H2: 1.0}, planned_year=2033, co2_reduction_t=500.0),
    ]
    return plans, infra


def ranking_both(plans: list[Plan], infra: Infrastructure, years_earlier: int) -> list[tuple[Any, ...]]:
    ranking = Engine(plans, infra, DEFAULT).unlock_ranking(years_earlier)
    rows = [(e.project_id, e.co2_gained_t, e.plans_unlocked, e.plans_earlier) for e in ranking]
    assert rows == ref.unlock_ranking(plans, infra, DEFAULT, years_earlier)
    assert [e.rank for e in ranking] == list(range(1, len(ranking) + 1))
    return rows


def test_rule17_every_project_two_years_earlier() -> None:
    # given the unlock world: P1 cannot (grid 2031), P2 cannot (hydrogen 2032), P3 can (2032 <= 2033)
    plans, infra = unlock_world()
    # when every project is, in turn, ready two years earlier
    rows = ranking_both(plans, infra, 2)
    # then H1 in 2030 makes P2 go ahead (+3 000 t) and brings P3 forward; R1 in 2029 makes P1 go ahead
    # (+1 000 t); the end of congestion in B touches nobody
    assert rows == [("H1", 3000, 1, 2), ("R1", 1000, 1, 1), ("einde-congestie:B", 0, 0, 0)]
    entries = Engine(plans, infra, DEFAULT).unlock_ranking()  # the default is 2 years
    assert [
        (e.project_id, e.kind, e.name, e.area_id, e.carrier, e.year, e.year_earlier) for e in entries
    ] == [
        ("H1", ProjectKind.CARRIER_ROLLOUT, "Waterstof fase 1", None, H2, 2032, 2030),
        ("R1", ProjectKind.GRID_REINFORCEMENT, "Station A", "A", None, 2031, 2029),
        ("einde-congestie:B", ProjectKind.CONGESTION_END, "Station B", "B", None, 2035, 2033),
    ]


def test_rule17_one_year_earlier_counts_a_move_from_cannot_to_may_not() -> None:
    # given the unlock world
    plans, infra = unlock_world()
    # when every project is, in turn, ready one year earlier
    rows = ranking_both(plans, infra, 1)
    # then R1 in 2030: P1 (planned 2029) may not, but is realised in 2030 (+1 000 t, one class up);
    # H1 in 2031: still after 2030 for P2, only earlier for P2 and P3
    assert rows == [("R1", 1000, 1, 1), ("H1", 0, 0, 2), ("einde-congestie:B", 0, 0, 0)]


# ------------------------------------------------------------------------------ rule 18: MIEK candidates


def miek_world() -> tuple[list[Plan], Infrastructure]:
    """TenneT region T over A (6 MW now) and B; plans of 6 + 5 MW in A, 4 MW in B; a cancelled 20 MW plan
    and another company's 50 MW request in B."""
    infra = Infrastructure(
        areas=(
            tennet("T", 100.0, name="Regio T", operator="TenneT"),
            regional("A", 6.0, parent="T", name="Station A", operator="Liander"),
            regional("B", 100.0, parent="T", name="Station B", operator="Liander"),
        ),
        queue=(QueueRequest("QB", "B", 50.0),),
    )
    plans = [
        plan("PA1", grid_area_id="A", grid_mw=6.0, request_date=date(2023, 1, 1)),
        plan("PA2", grid_area_id="A", grid_mw=5.0, accepts_flexible=True, request_date=date(2024, 1, 1)),
        plan("PB", grid_area_id="B", grid_mw=4.0),
        plan("PB-gestopt", grid_area_id="B", grid_mw=20.0, status=PlanStatus.CANCELLED),
    ]
    return plans, infra


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (10.0, [("T", 15.0, 3), ("A", 11.0, 2)]),
        (15.0, [("T", 15.0, 3)]),
        (15.001, []),
        (4.0, [("T", 15.0, 3), ("A", 11.0, 2), ("B", 4.0, 1)]),
    ],
)
def test_rule18_areas_whose_cluster6_demand_reaches_the_threshold(
    threshold: float, expected: list[tuple[str, float, int]]
) -> None:
    # given the MIEK world
    plans, infra = miek_world()
    engine = Engine(plans, infra, DEFAULT)
    # when the candidates are listed for a threshold
    got = engine.miek_candidates(threshold)
    # then A has 6 + 5 = 11 MW (the full request of the flexible plan), B 4 MW (not the cancelled plan nor
    # the other company), T 15 MW; an area qualifies when it reaches the threshold; largest first
    assert [(m.area_id, m.demand_mw, m.n_plans) for m in got] == expected
    assert [(m.area_id, m.demand_mw, m.n_plans) for m in got] == ref.miek_candidates(plans, infra, threshold)


def test_rule18_candidate_details_and_the_default_threshold() -> None:
    # given the MIEK world: in A, PA1 (6 MW) fills the 6 MW now; PA2 claims 5 - 1.5 = 3.5 MW more: never
    plans, infra = miek_world()
    engine = Engine(plans, infra, DEFAULT)
    check_against_reference(engine.analyse(), plans, infra, DEFAULT)
    assert engine.analyse().outcome_by_id("PA2").bottleneck == Bottleneck.GRID_CONGESTION
    # when the candidates are listed with the default threshold (10 MW)
    got = engine.miek_candidates()
    # then each candidate carries its name, level, operator, reduction and the plans held back by the grid
    assert [(m.area_id, m.name, m.level, m.operator, m.co2_t, m.n_grid_bottleneck) for m in got] == [
        ("T", "Regio T", GridLevel.TENNET, "TenneT", 3000, 1),
        ("A", "Station A", GridLevel.REGIONAL, "Liander", 2000, 1),
    ]


# -------------------------------------------------------------------- case approach: never changes a thing


def test_a_case_never_changes_any_outcome() -> None:
    # given every world above
    worlds = [two_level_world(), aggregate_world(), scenario_world(), unlock_world(), miek_world()]
    for plans, infra in worlds:
        engine = Engine(plans, infra, DEFAULT)
        # when every plan is put in the case approach
        in_case = Engine([replace(p, in_case=True) for p in plans], infra, DEFAULT)
        # then the outcomes, aggregates, scenario comparison, ranking and candidates are identical
        assert result_dicts(in_case.analyse()) == result_dicts(engine.analyse())
        assert in_case.analyse().aggregates == engine.analyse().aggregates
        scenario = (
            Scenario(reinforcement_shifts={"R1": -2})
            if any(r.id == "R1" for a in infra.areas for r in a.reinforcements)
            else Scenario(flexible_share=0.5)
        )
        assert in_case.compare(scenario) == engine.compare(scenario)
        assert in_case.unlock_ranking(2) == engine.unlock_ranking(2)
        assert in_case.miek_candidates(1.0) == engine.miek_candidates(1.0)


# --------------------------------------------------------------------------------- a timeline without grid


def test_an_analysis_without_grid_areas() -> None:
    # given a plan that needs hydrogen, and a timeline without any grid area
    plans = [plan("P", needs={H2: 1.0})]
    infra = Infrastructure(rollouts=(CarrierRollout("H", H2, 2029),))
    # when the engine analyses it
    result = analyse(plans, infra)
    # then hydrogen decides alone
    assert outcome(result, "P").feasibility == CAN
