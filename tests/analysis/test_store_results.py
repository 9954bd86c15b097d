"""Storing a run's results in bulk (issue 8, national scale): COPY on PostgreSQL, large INSERT batches on
SQLite. Whichever database the suite runs on (CI runs both), the rows stored are those of one PlanResult
object per row; and the plans read as columns are those read from the model instances."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from cluster6 import engine as eng
from cluster6.analysis import adapters
from cluster6.analysis.models import AnalysisRun, PlanResult
from cluster6.analysis.services import analysis_run, store_results
from cluster6.engine import io as engine_io
from tests.analysis.world import build_world

pytestmark = pytest.mark.django_db

PARAMS = {"base_year": 2026}
FIELDS = [f.attname for f in PlanResult._meta.concrete_fields if f.attname not in ("id", "run_id")]


def stored(run: AnalysisRun) -> list[tuple[Any, ...]]:
    return list(run.results.order_by("id").values_list(*FIELDS))


def copy_of(run: AnalysisRun) -> AnalysisRun:
    return AnalysisRun.objects.create(
        **{f.attname: getattr(run, f.attname) for f in AnalysisRun._meta.concrete_fields if not f.primary_key}
    )


def test_the_bulk_path_stores_the_rows_of_one_object_per_row() -> None:
    # given a run of the hand-checked world, its per-plan rows recomputed, and one odd row more: every
    # nullable value empty, text with quotes, tabs, a backslash and a newline, and carriers as JSON
    build_world()
    run = analysis_run(actor=None, params=PARAMS)
    inputs = adapters.prepare(PARAMS)
    rows = adapters.compute(inputs, None, run.input_hash).results
    assert rows
    assert any(r["carriers"] for r in rows)
    odd = {
        **rows[0],
        "plan_id": rows[-1]["plan_id"],
        "explanation": 'Regel 1\ttab "quote" \\ backslash\nregel 2 – é',
        "ready_year": None,
        "mw_ahead": None,
        "grid_area_code": "",
        "carriers": [{"carrier": "hydrogen", "year": None, "distance_km": 1.5e-7}],
    }
    rows_first, rows_bulk = copy_of(run), copy_of(run)
    rows = [*rows[:-1], odd]

    # when they are stored one object per row, and in bulk (COPY on PostgreSQL)
    PlanResult.objects.bulk_create([PlanResult(run=rows_first, **row) for row in rows])
    store_results(rows_bulk, rows)

    # then both runs hold the same rows, in the same order
    assert stored(rows_bulk) == stored(rows_first)
    assert len(stored(rows_bulk)) == len(rows)
    # and the run itself stored the rows of its computation
    assert stored(run)[:-1] == stored(rows_first)[:-1]
    assert connection.vendor in ("postgresql", "sqlite")


def test_a_row_without_a_field_stores_the_fields_default() -> None:
    build_world()
    run = analysis_run(actor=None, params=PARAMS)
    inputs = adapters.prepare(PARAMS)
    rows = adapters.compute(inputs, None, run.input_hash).results
    row = {k: v for k, v in rows[0].items() if k not in ("carriers", "by_deadline")}
    bulk = copy_of(run)
    store_results(bulk, [row])
    result = bulk.results.get()
    assert result.carriers == []
    assert result.by_deadline is False


def test_the_plans_read_as_columns_are_those_of_the_model_instances() -> None:
    # given the hand-checked world
    build_world()
    grid = adapters._grid(2026)
    # when the plans are read as values and from the model instances
    from_rows = [adapters.engine_plan_of_row(row, grid) for row in adapters.plan_rows()]
    from_instances = [adapters.engine_plan(v, grid) for v in adapters.current_versions()]
    # then they are the same plans
    assert from_rows == from_instances
    assert len(from_rows) >= 3


def test_the_plan_table_holds_the_plans_of_the_rows() -> None:
    # given the hand-checked world
    build_world()
    grid = adapters._grid(2026)
    rows = list(adapters.plan_rows())
    # when the rows are read as columns (as load_inputs does) and one plan at a time
    table, refs, unplaced = adapters.plan_table(rows, grid)
    one_by_one = [adapters.engine_plan_of_row(row, grid) for row in rows]
    # then the table is the same sequence of plans, with each plan's references and the unplaced count
    assert list(table) == [plan for plan, _lost in one_by_one]
    assert unplaced == sum(lost for _plan, lost in one_by_one)
    assert {
        p.id: (r.plan_id, r.version_id, r.location_id, r.organisation_id)
        for p, r in zip(table, (refs[p.id] for p in table), strict=True)
    } == {str(row[0]): tuple(row[:4]) for row in rows}
    assert len(table) >= 3
    # and the engine's input hash is that of the plans one by one
    inputs = adapters.prepare(PARAMS)
    assert isinstance(inputs.plans, eng.PlanTable)
    assert engine_io.input_hash(inputs.plans, inputs.infra, inputs.params) == engine_io.input_hash(
        tuple(inputs.plans), inputs.infra, inputs.params
    )
