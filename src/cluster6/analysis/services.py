"""Writes of the analysis app: running the engine and storing the run, and keeping scenarios.

A run is reproducible (architecture rule 7): it records the engine version, the SHA-256 of its input
(plans, infrastructure, parameters and scenario in the canonical form of docs/formats.md) and the
parameters. `analysis_current` reuses a stored run with the same hash, so a page can ask for the current
analysis without computing it twice.
"""

from __future__ import annotations

import json
import logging
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster6.accounts.models import User
from cluster6.audit.services import audit_record
from cluster6.plans.models import SurveyRound

from . import adapters
from .constants import RunKind
from .models import AnalysisRun, PlanResult, Scenario

logger = logging.getLogger(__name__)

#: How many entries of the unlock ranking a run stores (ranked by CO2 gained; the tail adds nothing).
RANKING_LIMIT = 500


def default_parameters() -> dict[str, Any]:
    """The parameters of an analysis now: this year as the base year, the engine's defaults otherwise."""
    return adapters.default_parameters(timezone.localdate().year)


def parameters_from(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Checked parameters from a form, file or API payload (missing values take the defaults); a
    ValidationError names every problem."""
    try:
        return adapters.parameters(data, timezone.localdate().year)
    except adapters.InputError as exc:
        raise ValidationError(exc.errors) from exc


@transaction.atomic
def analysis_run(
    *,
    actor: User | None,
    params: Mapping[str, Any] | None = None,
    scenario: Scenario | None = None,
    survey_round: SurveyRound | None = None,
    reuse: bool = True,
) -> AnalysisRun:
    """Run the engine on the current plans and timeline (with `scenario`: compared with the baseline of
    the same parameters, which is run too) and store the run with a result per plan. With `reuse`, a
    stored run with the same engine version and input hash is returned instead. The database is read
    once, for the scenario and its baseline alike."""
    inputs = adapters.prepare(parameters_from(params), survey_round)
    if scenario is None:
        return _run(actor=actor, inputs=inputs, reuse=reuse)
    engine_scenario = adapters.scenario_for(inputs, scenario)
    if reuse and (existing := _stored(adapters.digest(inputs, engine_scenario))) is not None:
        return existing
    baseline = _run(actor=actor, inputs=inputs, reuse=True)
    return _run(
        actor=actor, inputs=inputs, scenario=scenario, engine_scenario=engine_scenario, baseline=baseline
    )


def _stored(input_hash: str) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.filter(input_hash=input_hash, engine_version=adapters.ENGINE_VERSION)
        .order_by("-created_at", "-id")
        .first()
    )


def _run(
    *,
    actor: User | None,
    inputs: adapters.EngineInput,
    reuse: bool = False,
    scenario: Scenario | None = None,
    engine_scenario: adapters.EngineScenario | None = None,
    baseline: AnalysisRun | None = None,
) -> AnalysisRun:
    input_hash = adapters.digest(inputs, engine_scenario)
    if reuse and (existing := _stored(input_hash)) is not None:
        return existing
    try:
        c = adapters.compute(inputs, engine_scenario, input_hash)
    except adapters.InputError as exc:
        raise ValidationError([_("Invoer van de analyse: %(e)s") % {"e": e} for e in exc.errors]) from exc
    total = c.aggregates["total"]
    run = AnalysisRun.objects.create(
        created_by=actor if actor is not None and actor.pk else None,
        kind=RunKind.SCENARIO if scenario is not None else RunKind.BASELINE,
        engine_version=c.engine_version,
        input_hash=c.input_hash,
        parameters=c.parameters,
        scenario=scenario,
        scenario_snapshot=c.scenario_snapshot,
        baseline=baseline,
        basis=c.basis,
        n_plans=total["n_plans"],
        n_dependent=total["n_dependent"],
        headline_share=total["headline_share"],
        co2_by_deadline_t=total["co2_by_deadline_t"],
        aggregates=c.aggregates,
        comparison=c.comparison,
        unlock_ranking=c.unlock_ranking[:RANKING_LIMIT],
        miek_candidates=c.miek_candidates,
        notes=c.notes,
        duration_ms=c.duration_ms,
    )
    store_results(run, c.results)
    audit_record(
        actor=actor,
        verb="analysis.run",
        target=run,
        changes={
            "input_hash": c.input_hash,
            "engine_version": c.engine_version,
            "scenario": scenario.pk if scenario else None,
            "plans": total["n_plans"],
            "headline_share": total["headline_share"],
        },
    )
    logger.info("analysis.completed run_id=%s plans=%s ms=%s", run.pk, total["n_plans"], c.duration_ms)
    return run


#: Rows per INSERT on databases without COPY (SQLite); Django lowers it to the backend's limit on
#: query parameters when needed.
INSERT_BATCH = 5000


def store_results(run: AnalysisRun, rows: Sequence[Mapping[str, Any]]) -> None:
    """Store the per-plan results of a run in bulk, in the caller's transaction: with COPY on PostgreSQL
    (no model instances, one round trip per chunk of data), with large INSERT batches elsewhere. Both
    store the same rows, in the order given (tests/analysis/test_store_results.py)."""
    if connection.vendor == "postgresql":
        _copy_results(run, rows)
    else:
        PlanResult.objects.bulk_create((PlanResult(run=run, **row) for row in rows), batch_size=INSERT_BATCH)


def _result_columns() -> list[tuple[str, str, bool, Any]]:
    """(attribute, column, is JSON, default) of every stored PlanResult field except the primary key."""
    return [
        (f.attname, str(f.column), isinstance(f, JSONField), f.get_default())
        for f in PlanResult._meta.concrete_fields
        if not f.primary_key
    ]


def _copy_results(run: AnalysisRun, rows: Sequence[Mapping[str, Any]]) -> None:
    """COPY the rows into PlanResult's table (PostgreSQL, psycopg 3). Values are the rows' own (the ids
    of related objects under their attribute names, `plan_id` etc.; a field a row lacks takes its
    default); JSON fields are sent as JSON text."""
    columns = _result_columns()
    table = connection.ops.quote_name(PlanResult._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for _a, column, _j, _d in columns)
    fields = [
        (attr, is_json, run.pk if attr == "run_id" else default) for attr, _c, is_json, default in columns
    ]
    dumps = json.dumps
    # `defaults | row` then one itemgetter: the row's value or the field's default, in column order.
    defaults = {attr: default for attr, _j, default in fields}
    getter = operator.itemgetter(*defaults)
    json_at = [k for k, (_a, is_json, _d) in enumerate(fields) if is_json]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            values = list(getter(defaults | (row if type(row) is dict else dict(row))))
            for k in json_at:
                values[k] = dumps(values[k])
            write(values)


def analysis_current(*, actor: User | None, params: Mapping[str, Any] | None = None) -> AnalysisRun:
    """The baseline analysis of the current data: a stored run with the same input, or a new one."""
    return analysis_run(actor=actor, params=params, reuse=True)


SCENARIO_FIELDS = (
    "name",
    "description",
    "reinforcement_shifts",
    "congestion_end_shifts",
    "rollout_shifts",
    "extra_capacity",
    "flexible_share",
    "all_plans_flexible",
)


def _validate_scenario(values: dict[str, Any]) -> None:
    """The overrides must be well-formed (the engine format); unknown project or area codes are reported
    when the scenario runs, against the timeline of that moment."""
    data = {k: values.get(k) for k in SCENARIO_FIELDS if k not in ("description",)}
    try:
        adapters.scenario_check(data)
    except adapters.InputError as exc:
        raise ValidationError(exc.errors) from exc


@transaction.atomic
def scenario_create(*, actor: User, values: dict[str, Any]) -> Scenario:
    _validate_scenario(values)
    scenario = Scenario(created_by=actor, **{k: v for k, v in values.items() if k in SCENARIO_FIELDS})
    scenario.full_clean()
    scenario.save()
    audit_record(actor=actor, verb="scenario.created", target=scenario, changes=_jsonable(values))
    return scenario


@transaction.atomic
def scenario_update(*, scenario: Scenario, actor: User, values: dict[str, Any]) -> Scenario:
    """Change a scenario. Stored runs keep the snapshot they were computed with."""
    _validate_scenario({**{k: getattr(scenario, k) for k in SCENARIO_FIELDS}, **values})
    changes = {}
    for k, v in values.items():
        if k in SCENARIO_FIELDS and getattr(scenario, k) != v:
            changes[k] = {"from": getattr(scenario, k), "to": v}
            setattr(scenario, k, v)
    scenario.full_clean()
    scenario.save()
    audit_record(actor=actor, verb="scenario.updated", target=scenario, changes=_jsonable(changes))
    return scenario


@transaction.atomic
def scenario_archive(*, scenario: Scenario, actor: User) -> Scenario:
    scenario.is_archived = True
    scenario.save(update_fields=["is_archived", "updated_at"])
    audit_record(actor=actor, verb="scenario.archived", target=scenario)
    return scenario


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if isinstance(v, str | int | float | bool | list | dict | None)}
