"""Queue requests as columns (QueueTable): the same requests as a tuple of QueueRequest give the same
analysis, the same input checks and the same file (and input hash)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from cluster6.engine import (
    Engine,
    EngineInputError,
    GridArea,
    GridLevel,
    Infrastructure,
    Parameters,
    Plan,
    Priority,
    QueueRequest,
    QueueTable,
    Scenario,
)
from cluster6.engine import io as engine_io
from cluster6.engine.model import NO_DAY
from cluster6.engine.validate import check_inputs

from .strategies import World, aggregate_dict, result_dicts, worlds

EXAMPLES = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def as_table(infra: Infrastructure) -> Infrastructure:
    return replace(infra, queue=QueueTable.from_requests(infra.queue))


@EXAMPLES
@given(worlds())
def test_a_queue_table_gives_the_analysis_of_the_same_requests_one_by_one(world: World) -> None:
    # given random inputs, and the same inputs with the queue as columns
    table = as_table(world.infra)
    # when both are analysed, the baseline and a scenario with every plan flexible
    for scenario in (None, Scenario(all_plans_flexible=True)):
        objects = Engine(world.plans, world.infra, world.params).analyse(scenario)
        columns = Engine(world.plans, table, world.params).analyse(scenario)
        # then every plan's outcome, the aggregates and the unlock ranking agree
        assert result_dicts(columns) == result_dicts(objects)
        assert aggregate_dict(columns.aggregates.total) == aggregate_dict(objects.aggregates.total)
    assert Engine(world.plans, table, world.params).unlock_ranking() == (
        Engine(world.plans, world.infra, world.params).unlock_ranking()
    )
    # and the file and its hash are those of the requests one by one
    assert engine_io.infra_to_dict(table) == engine_io.infra_to_dict(world.infra)
    assert engine_io.input_hash(world.plans, table, world.params) == engine_io.input_hash(
        world.plans, world.infra, world.params
    )


def test_a_queue_table_is_a_sequence_of_its_requests() -> None:
    requests = (
        QueueRequest("q1", "A", 1.5),
        QueueRequest("q2", "B", 2.0, Priority.BASIC_NEEDS, date(2026, 3, 1)),
        QueueRequest("q3", "A", 0.25, Priority.CONGESTION_RELIEF, date(2025, 12, 31)),
    )
    table = QueueTable.from_requests(requests)
    assert len(table) == 3
    assert tuple(table) == requests
    assert table[-1] == requests[-1]
    assert table[1:] == requests[1:]
    assert table.area_ids() == ["A", "B", "A"]
    assert table.day[0] == NO_DAY
    with pytest.raises(IndexError):
        table[3]
    with pytest.raises(ValueError, match="read-only"):
        table.mw[0] = 9.0


def test_a_queue_table_needs_one_value_per_request_and_known_area_codes() -> None:
    with pytest.raises(ValueError, match="one value per request"):
        QueueTable.of(["q1", "q2"], ["A"], [0, 0], [1.0])
    with pytest.raises(ValueError, match="area_code"):
        QueueTable.of(["q1"], ["A"], [1], [1.0])


def _world_with_bad_queue() -> tuple[tuple[Plan, ...], Infrastructure]:
    areas = (GridArea("T", GridLevel.TENNET, 10.0), GridArea("A", GridLevel.REGIONAL, 5.0, parent_id="T"))
    queue = (
        QueueRequest("q1", "A", 1.0),
        QueueRequest("q2", "X", 2.0),  # unknown area
        QueueRequest("q1", "A", -3.0),  # duplicate id, negative MW
        QueueRequest("P1", "A", float("nan"), request_date=date(2026, 1, 1)),  # a plan's id, MW not a number
    )
    plans = (
        Plan("P1", "L1", "Utrecht", "chemie", "electrification", 2028, 100.0, grid_area_id="A", grid_mw=2.0),
    )
    return plans, Infrastructure(areas=areas, queue=queue)


def test_a_queue_table_is_checked_with_the_same_messages_in_the_same_order() -> None:
    # given a queue with an unknown area, a duplicate id, negative and missing MW and a plan's id
    plans, infra = _world_with_bad_queue()
    params = Parameters()
    # when the inputs are checked with the queue one by one and as columns
    expected = check_inputs(plans, infra, params)
    got = check_inputs(plans, as_table(infra), params)
    # then the problems are the same
    assert got == expected
    assert any("onbekend voedingsgebied X" in e for e in got)
    with pytest.raises(EngineInputError):
        Engine(plans, as_table(infra), params)


def test_a_queue_table_day_must_be_a_date() -> None:
    infra = Infrastructure(
        areas=(GridArea("A", GridLevel.TENNET, 5.0),),
        queue=QueueTable.of(["q1", "q2"], ["A"], [0, 0], [1.0, 1.0], day=np.array([0, NO_DAY])),
    )
    assert check_inputs((), infra, Parameters()) == ["wachtrijverzoek q1: ongeldige datum (dagnummer 0)"]
