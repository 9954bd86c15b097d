"""Property tests: the vectorised engine equals the loop-based reference on random inputs, and the rules'
invariants hold (monotonicity, flexible share 0 equals firm, queue order, case invariance)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster6.engine import Engine, Parameters, Plan, Reinforcement, Scenario
from cluster6.engine.model import GridLevel, Infrastructure

from . import reference as ref
from .strategies import World, aggregate_dict, result_dicts, scenarios, worlds

EXAMPLES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _approx(expected: object) -> object:
    return pytest.approx(expected, rel=1e-12, abs=1e-9) if isinstance(expected, float) else expected


def assert_same_plans(engine_plans: dict, reference_plans: dict) -> None:
    assert engine_plans.keys() == reference_plans.keys()
    for plan_id, expected in reference_plans.items():
        got = engine_plans[plan_id]
        assert got == expected, f"plan {plan_id}:\nengine    {got}\nreference {expected}"


# ---------------------------------------------------------------------------- engine == reference


@EXAMPLES
@given(worlds())
def test_connection_timing_and_classification_equal_the_reference(world: World) -> None:
    # given random plans, queues, areas, rollouts and parameters
    # when both implementations analyse them
    result = Engine(world.plans, world.infra, world.params).analyse()
    expected = ref.analyse(world.plans, world.infra, world.params)
    # then every plan's grid timing, carriers, class, bottleneck and explanation agree
    assert_same_plans(result_dicts(result), expected["plans"])
    # and so do the aggregates
    assert aggregate_dict(result.aggregates.total) == expected["aggregates"]["total"]
    for dim, rows in result.aggregates.by.items():
        assert [aggregate_dict(r) for r in rows] == expected["aggregates"]["by"][dim]


@EXAMPLES
@given(st.data())
def test_scenario_deltas_equal_the_reference(data: st.DataObject) -> None:
    world = data.draw(worlds())
    scenario = data.draw(scenarios(world))
    engine = Engine(world.plans, world.infra, world.params)
    comparison = engine.compare(scenario)
    expected = ref.compare(world.plans, world.infra, world.params, scenario)
    assert comparison.co2_by_deadline_baseline_t == expected["co2_by_deadline_baseline_t"]
    assert comparison.co2_by_deadline_scenario_t == expected["co2_by_deadline_scenario_t"]
    assert comparison.co2_by_deadline_delta_t == expected["co2_by_deadline_delta_t"]
    assert comparison.co2_by_deadline_certain_delta_t == expected["co2_by_deadline_certain_delta_t"]
    assert comparison.headline_share_baseline == expected["headline_share_baseline"]
    assert comparison.headline_share_scenario == expected["headline_share_scenario"]
    assert comparison.plans_earlier == expected["plans_earlier"]
    assert comparison.plans_later == expected["plans_later"]
    got = [
        (c.plan_id, c.baseline.value, c.scenario.value, c.baseline_ready_year, c.scenario_ready_year)
        for c in comparison.class_changes
    ]
    assert got == expected["class_changes"]
    # the scenario's own analysis equals the reference on the scenario's timeline
    s_infra, s_params = ref.apply_scenario(world.infra, world.params, scenario)
    assert_same_plans(
        result_dicts(engine.analyse(scenario)), ref.analyse(world.plans, s_infra, s_params)["plans"]
    )


@EXAMPLES
@given(worlds(max_plans=6), st.integers(0, 4))
def test_unlock_ranking_equals_the_brute_force_reference(world: World, years_earlier: int) -> None:
    ranking = Engine(world.plans, world.infra, world.params).unlock_ranking(years_earlier)
    expected = ref.unlock_ranking(world.plans, world.infra, world.params, years_earlier)
    got = [(e.project_id, e.co2_gained_t, e.plans_unlocked, e.plans_earlier) for e in ranking]
    assert got == expected
    assert [e.rank for e in ranking] == list(range(1, len(ranking) + 1))


@settings(max_examples=150, deadline=None)
@given(worlds(), st.sampled_from([0.0, 5.0, 25.0]))
def test_miek_candidates_equal_the_reference(world: World, threshold: float) -> None:
    got = Engine(world.plans, world.infra, world.params).miek_candidates(threshold)
    assert [(m.area_id, m.demand_mw, m.n_plans) for m in got] == ref.miek_candidates(
        world.plans, world.infra, threshold
    )


# ----------------------------------------------------------------------------------- invariants


def _connection_years(
    world: World, infra: Infrastructure | None = None, params: Parameters | None = None
) -> dict:
    result = Engine(world.plans, infra or world.infra, params or world.params).analyse()
    big = 10**6
    return {
        o.plan_id: (
            big if o.grid.connection_year is None else o.grid.connection_year,
            big if o.grid.connection_year_certain is None else o.grid.connection_year_certain,
        )
        for o in result.plan_outcomes()
        if o.grid is not None
    }


def _never_later(before: dict, after: dict) -> None:
    for plan_id, (year, year_certain) in before.items():
        assert after[plan_id][0] <= year
        assert after[plan_id][1] <= year_certain


@EXAMPLES
@given(st.data())
def test_adding_capacity_never_delays_anyone(data: st.DataObject) -> None:
    world = data.draw(worlds())
    area = data.draw(st.sampled_from(world.infra.areas))
    extra = Reinforcement("extra", data.draw(st.integers(2020, 2045)), data.draw(st.floats(0, 20)))
    grown = replace(area, reinforcements=(*area.reinforcements, extra), capacity_now_mw=area.capacity_now_mw)
    bigger_now = replace(area, capacity_now_mw=area.capacity_now_mw + data.draw(st.floats(0, 20)))
    for changed in (grown, bigger_now):
        infra = replace(
            world.infra, areas=tuple(changed if a.id == area.id else a for a in world.infra.areas)
        )
        _never_later(_connection_years(world), _connection_years(world, infra=infra))


@EXAMPLES
@given(st.data())
def test_making_a_reinforcement_or_congestion_end_earlier_never_delays_anyone(data: st.DataObject) -> None:
    world = data.draw(worlds())
    ids = [r.id for a in world.infra.areas for r in a.reinforcements]
    ends = [a.id for a in world.infra.areas if a.congestion_end_year is not None]
    if not ids and not ends:
        return
    shift = -data.draw(st.integers(1, 6))
    scenario = Scenario(
        reinforcement_shifts={data.draw(st.sampled_from(ids)): shift} if ids else {},
        congestion_end_shifts={data.draw(st.sampled_from(ends)): shift} if ends else {},
    )
    engine = Engine(world.plans, world.infra, world.params)
    base, earlier = engine.analyse(), engine.analyse(scenario)
    for b, s in zip(base.plan_outcomes(), earlier.plan_outcomes(), strict=True):
        if b.grid is not None:
            assert (s.grid.connection_year or 10**6) <= (b.grid.connection_year or 10**6)
        # and nobody's class gets worse
        order = ["cannot", "may_not", "can"]
        if b.feasibility.value in order:
            assert order.index(s.feasibility.value) >= order.index(b.feasibility.value)


@EXAMPLES
@given(worlds())
def test_flexible_share_zero_equals_firm(world: World) -> None:
    zero = replace(world.params, flexible_share=0.0)
    firm_plans = [replace(p, accepts_flexible=False) for p in world.plans]
    firm_params = replace(zero, all_plans_flexible=False)
    a = result_dicts(Engine(world.plans, world.infra, zero).analyse())
    b = result_dicts(Engine(firm_plans, world.infra, firm_params).analyse())
    assert a == b


@EXAMPLES
@given(worlds(), st.sampled_from([0.25, 0.5, 1.0]))
def test_a_larger_flexible_share_never_delays_anyone(world: World, share: float) -> None:
    low = replace(world.params, flexible_share=0.0)
    high = replace(world.params, flexible_share=share)
    _never_later(_connection_years(world, params=low), _connection_years(world, params=high))


@EXAMPLES
@given(worlds())
def test_queue_order_is_respected(world: World) -> None:
    # In every queue, a request later in the order (class, date, id) is never connected before an earlier one,
    # and positions are 1..n with MW ahead non-decreasing.
    result = Engine(world.plans, world.infra, world.params).analyse()
    plans = {p.id: p for p in world.plans}
    by_area: dict[str, list] = {}
    for o in result.plan_outcomes():
        if o.grid is not None and o.grid.queue_position is not None:
            by_area.setdefault(o.grid.area_id, []).append(o)
    for outcomes in by_area.values():
        outcomes.sort(key=lambda o: o.grid.queue_position)
        for first, second in itertools.pairwise(outcomes):
            p, q = plans[first.plan_id], plans[second.plan_id]
            key_p = (p.priority, p.request_date.toordinal() if p.request_date else 10**9, p.id)
            key_q = (q.priority, q.request_date.toordinal() if q.request_date else 10**9, q.id)
            assert key_p < key_q
            assert first.grid.mw_ahead <= second.grid.mw_ahead
            assert (first.grid.regional_year or 10**6) <= (second.grid.regional_year or 10**6)


@EXAMPLES
@given(worlds())
def test_the_published_waiting_list_is_ahead_of_every_plan_of_its_class(world: World) -> None:
    # An undated request of others (the published waiting list) is ahead of every plan of its class or a
    # later class in the same regional queue, whatever the plan's date: the plan's MW ahead includes it.
    result = Engine(world.plans, world.infra, world.params).analyse()
    plans = {p.id: p for p in world.plans}
    for o in result.plan_outcomes():
        if o.grid is None or o.grid.queue_position is None:
            continue
        p = plans[o.plan_id]
        waiting = sum(
            ref.kw(q.mw)
            for q in world.infra.queue
            if q.area_id == o.grid.area_id and q.request_date is None and q.priority <= p.priority
        )
        assert round(o.grid.mw_ahead * 1000) >= waiting


@EXAMPLES
@given(worlds())
def test_a_case_never_changes_a_place_or_an_outcome(world: World) -> None:
    flipped = [replace(p, in_case=not p.in_case) for p in world.plans]
    a = result_dicts(Engine(world.plans, world.infra, world.params).analyse())
    b = result_dicts(Engine(flipped, world.infra, world.params).analyse())
    assert a == b


@EXAMPLES
@given(worlds(), st.randoms())
def test_the_input_order_does_not_matter(world: World, rnd) -> None:
    plans: list[Plan] = list(world.plans)
    rnd.shuffle(plans)
    areas = list(world.infra.areas)
    rnd.shuffle(areas)
    queue = list(world.infra.queue)
    rnd.shuffle(queue)
    rollouts = list(world.infra.rollouts)
    rnd.shuffle(rollouts)
    infra = Infrastructure(tuple(areas), tuple(queue), tuple(rollouts), world.infra.points)
    a = result_dicts(Engine(world.plans, world.infra, world.params).analyse())
    b = result_dicts(Engine(plans, infra, world.params).analyse())
    assert a == b


@EXAMPLES
@given(worlds())
def test_the_tennet_region_binds_too(world: World) -> None:
    # The connection year is never before either level's year, and equals the later one.
    result = Engine(world.plans, world.infra, world.params).analyse()
    levels = {a.id: a.level for a in world.infra.areas}
    for o in result.plan_outcomes():
        g = o.grid
        if g is None:
            continue
        years = [
            y
            for y, has in ((g.regional_year, g.queue_position), (g.tennet_year, g.tennet_queue_position))
            if has
        ]
        if any(y is None for y in years):
            assert g.connection_year is None
        else:
            assert g.connection_year == max([world.params.base_year, *years])
        if levels[g.area_id] == GridLevel.TENNET:
            assert g.queue_position is None
            assert g.tennet_queue_position is not None
