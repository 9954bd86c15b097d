"""Reads of the analysis app, scoped by the policy layer.

Runs hold aggregates only and are visible to the aggregate roles; per-plan results follow the plan
version they were computed from (the company, the ministry, requesters with consent). Reads of another
company's results are logged in its read log, like reads of its plans.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404

from cluster6.authz.policies import (
    Action,
    Actor,
    access,
    can_view_aggregates,
    own_company_ids,
    policy_for,
    visible_to,
)
from cluster6.infra.models import GridServiceArea
from cluster6.infra.selectors import area_geometry
from cluster6.plans.sharing import log_plan_reads

from .adapters import VIRTUAL_TENNET
from .constants import DIMENSIONS, FEASIBILITY_COLOURS, Feasibility, RunKind
from .models import AnalysisRun, PlanResult, Scenario

#: Classes from worst to best: a location on the map takes the worst class of its plans.
CLASS_ORDER = (
    Feasibility.CANNOT,
    Feasibility.MAY_NOT,
    Feasibility.CAN,
    Feasibility.NOT_DEPENDENT,
    Feasibility.EXCLUDED,
)


def run_list(*, actor: Actor, kind: str | None = None) -> models.QuerySet[AnalysisRun]:
    qs = visible_to(actor, AnalysisRun.objects.select_related("scenario", "created_by"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def run_get(*, actor: Actor, run_id: object) -> AnalysisRun:
    return access(actor, AnalysisRun.objects.select_related("scenario", "baseline"), run_id, Action.VIEW)


def run_latest(*, actor: Actor) -> AnalysisRun | None:
    return run_list(actor=actor, kind=RunKind.BASELINE).first()


def latest_baseline_id() -> int | None:
    """The newest baseline run (not scoped: used to pick the run whose plan results a company sees)."""
    return (
        AnalysisRun.objects.filter(kind=RunKind.BASELINE)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass(frozen=True)
class ResultFilters:
    feasibility: str = ""
    province: str = ""  # province name
    sector: str = ""
    route: str = ""
    bottleneck: str = ""
    grid_area: str = ""  # area code
    province_code: str = ""  # CBS code of the location's province, e.g. PV25 (the API)
    q: str = ""


def plan_result_list(
    *, actor: Actor, run: AnalysisRun | int, filters: ResultFilters | None = None
) -> models.QuerySet[PlanResult]:
    run_id = run.pk if isinstance(run, AnalysisRun) else run
    qs = visible_to(
        actor,
        PlanResult.objects.filter(run_id=run_id).select_related(
            "run",
            "plan__location__province",
            "plan_version__submission__round",
            "plan_version__plan__location",
            "organisation",
            "location__province",
        ),
    )
    f = filters or ResultFilters()
    if f.feasibility:
        qs = qs.filter(feasibility=f.feasibility)
    if f.province:
        qs = qs.filter(location__province__name=f.province)
    if f.province_code:
        qs = qs.filter(location__province__code=f.province_code)
    if f.sector:
        qs = qs.filter(location__sector=f.sector)
    if f.route:
        qs = qs.filter(plan_version__route=f.route)
    if f.bottleneck:
        qs = qs.filter(bottleneck=f.bottleneck)
    if f.grid_area:
        qs = qs.filter(grid_area_code=f.grid_area)
    if f.q:
        qs = qs.filter(
            Q(plan_version__title__icontains=f.q)
            | Q(location__name__icontains=f.q)
            | Q(organisation__name__icontains=f.q)
        )
    return qs.order_by("feasibility", "-co2_reduction_t", "id")


def log_result_reads(*, actor: Actor, results: Iterable[PlanResult], channel: str) -> None:
    """Reading another company's plan results is reading its plan data: log it in its read log."""
    log_plan_reads(actor=actor, versions=[r.plan_version for r in results], channel=channel)


def plan_results_for_company(*, actor: Actor) -> list[PlanResult]:
    """The company's own plans in the latest baseline run ("wanneer kan ik aansluiten?")."""
    run_id = latest_baseline_id()
    own = own_company_ids(actor)
    if run_id is None or not own:
        return []
    return list(
        plan_result_list(actor=actor, run=run_id).filter(
            Q(organisation_id__in=own) | Q(location__operator_id__in=own)
        )
    )


def plan_result_get(*, actor: Actor, result_id: object) -> PlanResult:
    return access(
        actor,
        PlanResult.objects.select_related(
            "run",
            "plan__location__province",
            "plan__location__grid_service_area",
            "plan_version__submission__round",
            "plan_version__plan__location",
            "organisation",
        ),
        result_id,
        Action.VIEW,
    )


def plan_result_latest(*, actor: Actor, plan_id: int) -> PlanResult | None:
    run_id = latest_baseline_id()
    if run_id is None:
        return None
    return plan_result_list(actor=actor, run=run_id).filter(plan_id=plan_id).first()


# -------------------------------------------------------------------------------------- aggregates


@dataclass(frozen=True)
class AggregateView:
    dimension: str
    label: str
    rows: list[dict[str, Any]]
    total: dict[str, Any]


def aggregate_view(run: AnalysisRun, dimension: str) -> AggregateView:
    """The run's figures per group of `dimension` (province, sector, route, grid_operator)."""
    if dimension not in DIMENSIONS:
        dimension = "province"
    shown = run.shown_aggregates
    rows = [dict(r) for r in shown["by"].get(dimension, [])]
    # shown groups first, largest first; suppressed groups after them, by key
    rows.sort(key=lambda r: (bool(r["suppression"]), -(r.get("n_dependent") or 0), r.get("key", "")))
    return AggregateView(dimension, str(DIMENSIONS[dimension]), rows, shown["total"])


def bottleneck_counts(run: AnalysisRun) -> list[tuple[str, int]]:
    counts = run.shown_aggregates["total"].get("bottlenecks") or {}
    return sorted(((str(k), int(v)) for k, v in counts.items()), key=lambda kv: -kv[1])


def unlock_rows(
    run: AnalysisRun, *, kind: str = "", carrier: str = "", limit: int | None = 100
) -> list[dict[str, Any]]:
    rows = [
        r
        for r in run.unlock_ranking
        if (not kind or r["kind"] == kind) and (not carrier or r.get("carrier") == carrier)
    ]
    return rows[:limit] if limit else rows


def class_changes(*, actor: Actor, run: AnalysisRun) -> tuple[list[dict[str, Any]], int]:
    """The plans that change class in a scenario run: those the actor may see (with their location), and
    the total number."""
    changes = list((run.comparison or {}).get("class_changes", []))
    if not changes:
        return [], 0
    ids = [int(c["plan_id"]) for c in changes]
    visible = {r.plan_id: r for r in plan_result_list(actor=actor, run=run).filter(plan_id__in=ids)}
    shown = []
    for c in changes:
        r = visible.get(int(c["plan_id"]))
        if r is not None:
            shown.append({**c, "result": r})
    return shown, len(changes)


# -------------------------------------------------------------------------------------------- maps


def result_location_features(results: Iterable[PlanResult]) -> dict[str, Any]:
    """The locations of `results` (from `plan_result_list`), each with the worst class of its plans."""
    by_location: dict[int, list[PlanResult]] = defaultdict(list)
    for r in results:
        by_location[r.location_id].append(r)
    features = []
    for results in by_location.values():
        loc = results[0].location
        if loc.latitude is None or loc.longitude is None:
            continue
        worst = min((Feasibility(r.feasibility) for r in results), key=CLASS_ORDER.index)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
                "properties": {
                    "id": loc.pk,
                    "name": loc.name,
                    "class": worst.value,
                    "class_label": str(worst.label),
                    "colour": FEASIBILITY_COLOURS[worst],
                    "plans": len(results),
                    "classes": dict(Counter(str(Feasibility(r.feasibility).label) for r in results)),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def result_area_features(*, actor: Actor, run: AnalysisRun) -> dict[str, Any]:
    """Service areas with the number of infrastructure-dependent plans and the share held back (an
    aggregate: shown to the aggregate roles only)."""
    if not can_view_aggregates(actor):
        return {"type": "FeatureCollection", "features": []}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for code, cls in (
        PlanResult.objects.filter(run=run)
        .exclude(grid_area_code="")
        .values_list("grid_area_code", "feasibility")
    ):
        counts[code.removeprefix(VIRTUAL_TENNET)][cls] += 1
    features = []
    for area in visible_to(actor, GridServiceArea.objects.filter(code__in=list(counts))):
        geometry, is_bbox = area_geometry(area)
        if geometry is None:
            continue
        c = counts[area.code]
        dependent = c[Feasibility.CAN] + c[Feasibility.MAY_NOT] + c[Feasibility.CANNOT]
        held = c[Feasibility.MAY_NOT] + c[Feasibility.CANNOT]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    "dependent": dependent,
                    "held": held,
                    "share": held / dependent if dependent else None,
                    "is_bbox": is_bbox,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------------------------------- scenarios


def scenario_list(*, actor: Actor, archived: bool = False) -> models.QuerySet[Scenario]:
    return visible_to(actor, Scenario.objects.filter(is_archived=archived).select_related("created_by"))


def scenario_get(*, actor: Actor, scenario_id: object, action: Action | str = Action.VIEW) -> Scenario:
    return access(actor, Scenario.objects.all(), scenario_id, action)


def scenario_runs(*, actor: Actor, scenario: Scenario) -> models.QuerySet[AnalysisRun]:
    """A scenario's runs, newest first, with their comparison (without the large per-run figures)."""
    return (
        run_list(actor=actor, kind=RunKind.SCENARIO)
        .filter(scenario=scenario)
        .defer("aggregates", "unlock_ranking", "miek_candidates", "notes")
    )


# ----------------------------------------------------------------------------------------- documents


def run_document(run: AnalysisRun, *, results: Iterable[PlanResult] | None = None) -> dict[str, Any]:
    """A stored run as the result file (format cluster6.engine.result). `results` are the per-plan rows
    to include (the caller scopes them); None includes every plan (command line only)."""
    rows = results if results is not None else run.results.select_related("plan_version").order_by("id")
    total = run.aggregates.get("total", {})
    return {
        "format": "cluster6.engine.result",
        "version": 1,
        "run_id": run.pk,
        "created_at": run.created_at.isoformat(),
        "kind": run.kind,
        "engine_version": run.engine_version,
        "input_hash": run.input_hash,
        "basis": run.basis,
        "parameters": run.parameters,
        "scenario": run.scenario_snapshot,
        "summary": {
            k: total.get(k)
            for k in (
                "n_plans",
                "n_dependent",
                "n_can",
                "n_may_not",
                "n_cannot",
                "headline_share",
                "co2_t",
                "co2_by_deadline_t",
                "co2_by_deadline_certain_t",
            )
        },
        "notes": run.notes,
        "plans": [result_dict(r) for r in rows],
        "aggregates": run.aggregates,
        "comparison": run.comparison,
        "unlock_ranking": run.unlock_ranking,
        "miek_candidates": run.miek_candidates,
    }


RESULT_FIELDS = (
    "feasibility",
    "bottleneck",
    "binding_requirement",
    "planned_year",
    "ready_year",
    "ready_year_certain",
    "realisation_year",
    "by_deadline",
    "co2_reduction_t",
    "grid_area_code",
    "requested_mw",
    "firm_mw",
    "connection_year",
    "connection_year_certain",
    "regional_year",
    "tennet_year",
    "binding",
    "queue_position",
    "queue_length",
    "mw_ahead",
    "tennet_queue_position",
    "tennet_queue_length",
    "tennet_mw_ahead",
    "carriers",
    "explanation",
)


def result_dict(r: PlanResult) -> dict[str, Any]:
    return {
        "plan_id": r.plan_id,
        "plan_version_id": r.plan_version_id,
        "location_id": r.location_id,
        "organisation_id": r.organisation_id,
        **{f: getattr(r, f) for f in RESULT_FIELDS},
    }


# ------------------------------------------------------------------------------------------ web pages


def scenario_can(*, actor: Actor, scenario: Scenario, action: Action | str) -> bool:
    """Whether the actor may do `action` on a scenario it sees (edit and archive: the maker, the ministry)."""
    return bool(policy_for(Scenario).can(actor, scenario, Action(action)))


def scenario_latest_runs(*, actor: Actor, scenarios: Iterable[Scenario]) -> dict[int, AnalysisRun]:
    """The newest run of each scenario, in one query (without the large figures of the runs)."""
    ids = [s.pk for s in scenarios]
    out: dict[int, AnalysisRun] = {}
    if not ids:
        return out
    runs = (
        run_list(actor=actor, kind=RunKind.SCENARIO)
        .filter(scenario_id__in=ids)
        .defer("aggregates", "unlock_ranking", "miek_candidates", "notes")
    )
    for run in runs:
        if run.scenario_id is not None:
            out.setdefault(run.scenario_id, run)
    return out


def run_summaries(*, actor: Actor, kind: str | None = None) -> models.QuerySet[AnalysisRun]:
    """`run_list` for lists of runs: without the large per-run lists (unlock ranking, MIEK candidates,
    comparison, notes, parameters, scenario snapshot), which a list does not show."""
    return run_list(actor=actor, kind=kind).defer(
        "unlock_ranking", "miek_candidates", "comparison", "notes", "parameters", "scenario_snapshot"
    )


def run_for_results(*, actor: Actor, run_id: object) -> AnalysisRun:
    """The run whose plan results `actor` lists: any run for the aggregate roles (`run_get`); for the
    others (company users) only a baseline run, of which they see no figures, just the results that
    `PlanResultPolicy` lets through (their own plans). 404 otherwise, as for an unknown run."""
    if can_view_aggregates(actor):
        return run_get(actor=actor, run_id=run_id)
    try:
        pk = int(str(run_id))
    except ValueError:
        raise Http404 from None
    run = AnalysisRun.objects.only("id", "kind").filter(pk=pk, kind=RunKind.BASELINE).first()
    if run is None or not actor.is_authenticated:
        raise Http404
    return run
