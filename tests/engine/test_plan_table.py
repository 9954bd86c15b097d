"""Plans as columns (PlanTable) and the binary-search first year of the grid queues (issue 8, point 5):
the same plans as a tuple of Plan give the same analysis, the same input checks, the same file and input
hash; the binary search gives the first covering year of the matrix comparison it replaces."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster6.engine import (
    Carrier,
    Engine,
    EngineInputError,
    Plan,
    PlanEntries,
    PlanStatus,
    PlanTable,
    QueueTable,
    synthetic,
)
from cluster6.engine import io as engine_io
from cluster6.engine.arrays import INF_KW
from cluster6.engine.grid import first_year_index, grouped_first_year_index
from cluster6.engine.validate import check_inputs

from .strategies import World, aggregate_dict, result_dicts, worlds

EXAMPLES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@given(worlds())
@EXAMPLES
def test_a_plan_table_gives_the_analysis_of_its_plans(world: World) -> None:
    # given random plans, as objects and as a table (with the queue as a table too, as the adapter does)
    table = PlanTable.from_plans(world.plans)
    infra = replace(world.infra, queue=QueueTable.from_requests(world.infra.queue))
    # then the table is the same sequence of plans
    assert list(table) == list(world.plans)
    assert len(table) == len(world.plans)
    # and the analysis, its aggregates, the ranking and the input hash are the same
    by_objects = Engine(world.plans, world.infra, world.params)
    by_table = Engine(table, infra, world.params)
    assert result_dicts(by_table.analyse()) == result_dicts(by_objects.analyse())
    assert aggregate_dict(by_table.analyse().aggregates.total) == aggregate_dict(
        by_objects.analyse().aggregates.total
    )
    assert by_table.analyse().aggregates == by_objects.analyse().aggregates
    assert by_table.unlock_ranking() == by_objects.unlock_ranking()
    assert engine_io.input_hash(table, infra, world.params) == engine_io.input_hash(
        world.plans, world.infra, world.params
    )


def test_a_plan_table_of_the_national_data_set_gives_the_same_analysis() -> None:
    data = synthetic.generate(1, 2)
    table = PlanTable.from_plans(data.plans)
    a = Engine(data.plans, data.infra, data.params).analyse()
    b = Engine(table, data.infra, data.params).analyse()
    assert result_dicts(a) == result_dicts(b)
    assert a.aggregates == b.aggregates
    assert engine_io.plans_to_dict(table) == engine_io.plans_to_dict(data.plans)


def test_a_plan_table_is_checked_like_its_plans() -> None:
    # given plans with errors: an unknown area, a negative amount, an unknown carrier, half coordinates
    data = synthetic.generate(1, 1)
    bad = list(data.plans[:20])
    bad[2] = replace(bad[2], grid_area_id="nergens", grid_mw=1.0)
    bad[5] = replace(bad[5], co2_reduction_t=-1.0)
    bad[7] = replace(bad[7], needs={Carrier.HYDROGEN: float("nan")})
    bad[9] = replace(bad[9], lon=5.0, lat=None)
    table = PlanTable.from_plans(bad)
    errors = check_inputs(bad, data.infra, data.params)
    assert len(errors) >= 4
    assert check_inputs(table, data.infra, data.params) == errors
    with pytest.raises(EngineInputError) as raised:
        Engine(table, data.infra, data.params)
    assert raised.value.errors == errors


def test_a_plan_table_made_of_columns() -> None:
    # given two plans as columns, the optional ones left to their defaults
    table = PlanTable.of(
        {
            "id": ["P1", "P2"],
            "location_id": ["L1", "L2"],
            "province": ["Gelderland", "Limburg"],
            "sector": ["chemie", "voedsel"],
            "route": ["elektrificatie", "waterstof"],
            "planned_year": [2028, 2030],
            "co2_reduction_t": [100.0, 200.0],
            "status": [PlanStatus.ACTIVE, PlanStatus.CANCELLED],
        },
        needs=PlanEntries((1, 1), (Carrier.HYDROGEN, Carrier.CO2), (5.0, 7.0)),
    )
    # then each plan is the Plan of those values
    assert table[0] == Plan("P1", "L1", "Gelderland", "chemie", "elektrificatie", 2028, 100.0)
    assert table[-1] == Plan(
        "P2",
        "L2",
        "Limburg",
        "voedsel",
        "waterstof",
        2030,
        200.0,
        needs={Carrier.HYDROGEN: 5.0, Carrier.CO2: 7.0},
        status=PlanStatus.CANCELLED,
    )
    assert table[0:1] == (table[0],)
    with pytest.raises(IndexError):
        table[2]
    # and columns of the wrong length, unknown columns or entries out of order are refused
    with pytest.raises(ValueError, match="one value per plan"):
        PlanTable.of({**dict(table.columns), "route": ["x"]})
    with pytest.raises(ValueError, match="unknown columns"):
        PlanTable.of({**dict(table.columns), "colour": ["x", "y"]})
    with pytest.raises(ValueError, match="plan order"):
        PlanTable.of(table.columns, needs=PlanEntries((1, 0), (Carrier.HEAT, Carrier.CO2), (1.0, 1.0)))


@st.composite
def capacities(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_areas = draw(st.integers(1, 5))
    n_years = draw(st.integers(1, 6))
    steps = draw(st.lists(st.integers(0, 6), min_size=n_areas * n_years, max_size=n_areas * n_years))
    cap = np.cumsum(np.array(steps, dtype=np.int64).reshape(n_areas, n_years), axis=1)
    for a in range(n_areas):  # congestion ends in some areas: unconstrained from a year on
        end = draw(st.integers(0, n_years + 1))
        if end < n_years:
            cap[a, end:] = INF_KW
    n = draw(st.integers(0, 25))
    group = np.sort(
        np.array(draw(st.lists(st.integers(0, n_areas - 1), min_size=n, max_size=n)), dtype=np.int64)
    )
    cum = np.array(draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)), dtype=np.int64)
    return cap, group, cum


@given(capacities())
@settings(max_examples=300, deadline=None)
def test_the_binary_search_finds_the_first_covering_year(
    case: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    cap, group, cum = case
    expected = first_year_index(cap[group], cum) if group.shape[0] else np.zeros(0, dtype=np.int64)
    assert grouped_first_year_index(cap, group, cum).tolist() == expected.tolist()


def test_the_binary_search_falls_back_when_the_keys_do_not_fit() -> None:
    cap = np.array([[0, 5, INF_KW], [1, 1, 1]], dtype=np.int64)
    group = np.array([0, 0, 1], dtype=np.int64)
    cum = np.array([3, 2**61, 2], dtype=np.int64)  # (areas + 1) x (max claim + 1) beyond int64
    assert grouped_first_year_index(cap, group, cum).tolist() == [1, 2, 3]
