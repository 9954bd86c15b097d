"""Reads of the analysis app, scoped by the policy layer.

Runs hold aggregates only and are visible to the aggregate roles; per-plan results follow the plan
version they were computed from (the company, the ministry, requesters with consent). Reads of another
company's results are logged in its read log, like reads of its plans.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q
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
from .disclosure import disclosed_areas, disclosed_comparison, rule
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
    # the baseline is joined: a scenario run's shown figures are checked against it (disclosure)
    qs = visible_to(actor, AnalysisRun.objects.select_related("scenario", "created_by", "baseline"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def readable_companies(*, actor: Actor, run: AnalysisRun | int) -> frozenset[str]:
    """The organisations (ids as strings) every plan result of which in `run` the actor may read, by the
    policy layer (`PlanResultPolicy`: its own, those shared with it by consent, all for the ministry).
    The disclosure rule does not protect these companies from the actor: it reads them in full."""
    if not actor.is_authenticated:
        return frozenset()
    run_id = run.pk if isinstance(run, AnalysisRun) else run
    base = PlanResult.objects.filter(run_id=run_id).order_by()

    def per_org(qs: models.QuerySet[PlanResult]) -> dict[int, int]:
        rows = qs.values("organisation_id").annotate(n=Count("id")).values_list("organisation_id", "n")
        return {int(org): int(n) for org, n in rows}

    every = per_org(base)
    seen = per_org(visible_to(actor, base))
    return frozenset(str(org) for org, n in seen.items() if every.get(org) == n)


def for_viewer(run: AnalysisRun, actor: Actor) -> AnalysisRun:
    """The run with the companies the viewer reads in full set, so that its shown figures (aggregates,
    ranking, MIEK candidates) apply the disclosure rule for this viewer."""
    run.known_companies = readable_companies(actor=actor, run=run)
    return run


def run_get(*, actor: Actor, run_id: object) -> AnalysisRun:
    run = access(actor, AnalysisRun.objects.select_related("scenario", "baseline"), run_id, Action.VIEW)
    return for_viewer(run, actor)


def run_latest(*, actor: Actor) -> AnalysisRun | None:
    run = run_list(actor=actor, kind=RunKind.BASELINE).first()
    return for_viewer(run, actor) if run is not None else None


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


#: What replaces "<n> MW voor u" in an explanation when the MW ahead is not shown.
QUEUE_HIDDEN_TEXT = "MW voor u niet getoond: onvoldoende andere bedrijven"
_MW_AHEAD = re.compile(r"[0-9][0-9.,]* MW voor u")


def disclose_queues(*, actor: Actor, results: Iterable[PlanResult]) -> list[PlanResult]:
    """ "MW ahead of you in the queue" with the disclosure rule (docs/sharing.md, "Wat een bedrijf over de
    wachtrij leert"): the MW ahead of a plan is shown only when the platform plans ahead of it in that
    queue that belong to companies the actor may not read rest on at least N companies and no one of
    them holds more than the maximum share of their MW (or there are none). Otherwise the MW ahead (and
    the figure in the explanation) is blanked on these in-memory objects (`queue_hidden` says which
    level); the place in the queue stays (a count of requests, never a name). Never saved."""
    results = list(results)
    for r in results:
        r.queue_hidden = ""
        r.tennet_queue_hidden = ""
    grid = [r for r in results if r.mw_ahead is not None or r.tennet_mw_ahead is not None]
    if not grid:
        return results
    r0 = rule()
    for run_id in {r.run_id for r in grid}:
        known = readable_companies(actor=actor, run=run_id)
        rows = list(
            PlanResult.objects.filter(run_id=run_id)
            .exclude(grid_area_code="")
            .order_by()
            .values_list(
                "organisation_id",
                "grid_area_code",
                "queue_position",
                "tennet_queue_position",
                "firm_mw",
                "requested_mw",
            )
        )
        codes = {str(code).removeprefix(VIRTUAL_TENNET) for _o, code, *_rest in rows}
        above = {
            code: tennet or code
            for code, tennet in GridServiceArea.objects.filter(code__in=codes).values_list(
                "code", "tennet_region__code"
            )
        }

        def tennet_queue(code: str, above: dict[str, str] = above) -> str:
            plain = code.removeprefix(VIRTUAL_TENNET)
            return str(above.get(plain, plain))

        for r in (x for x in grid if x.run_id == run_id):
            regional: dict[str, list[float]] = {}
            tennet: dict[str, list[float]] = {}
            for org, code, position, t_position, firm, requested in rows:
                mw = float(firm if firm is not None else requested or 0.0)
                if (
                    r.queue_position is not None
                    and position is not None
                    and code == r.grid_area_code
                    and position < r.queue_position
                ):
                    regional.setdefault(str(org), [0.0])[0] += mw
                if (
                    r.tennet_queue_position is not None
                    and t_position is not None
                    and tennet_queue(code) == tennet_queue(r.grid_area_code)
                    and t_position < r.tennet_queue_position
                ):
                    tennet.setdefault(str(org), [0.0])[0] += mw
            own = frozenset(known | {str(r.organisation_id)})
            if r.mw_ahead is not None and (reason := r0.check(regional, own)):
                r.mw_ahead, r.queue_hidden = None, reason
                r.explanation = _MW_AHEAD.sub(QUEUE_HIDDEN_TEXT, r.explanation)
            if r.tennet_mw_ahead is not None and (reason := r0.check(tennet, own)):
                r.tennet_mw_ahead, r.tennet_queue_hidden = None, reason
    return results


def plan_results_for_company(*, actor: Actor) -> list[PlanResult]:
    """The company's own plans in the latest baseline run ("wanneer kan ik aansluiten?"), with the MW
    ahead in the queue as the disclosure rule lets it see (`disclose_queues`)."""
    run_id = latest_baseline_id()
    own = own_company_ids(actor)
    if run_id is None or not own:
        return []
    return disclose_queues(
        actor=actor,
        results=plan_result_list(actor=actor, run=run_id).filter(
            Q(organisation_id__in=own) | Q(location__operator_id__in=own)
        ),
    )


def plan_result_get(*, actor: Actor, result_id: object) -> PlanResult:
    """One plan result (404 when not visible), with the MW ahead as the disclosure rule lets the actor
    see it."""
    result = access(
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
    return disclose_queues(actor=actor, results=[result])[0]


def plan_result_latest(*, actor: Actor, plan_id: int) -> PlanResult | None:
    run_id = latest_baseline_id()
    if run_id is None:
        return None
    result = plan_result_list(actor=actor, run=run_id).filter(plan_id=plan_id).first()
    return disclose_queues(actor=actor, results=[result])[0] if result is not None else None


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
    """The unlock ranking as the viewer may see it (`AnalysisRun.shown_unlock_ranking`: projects whose
    figures fail the disclosure rule without figures, after the others), filtered."""
    rows = [
        r
        for r in run.shown_unlock_ranking
        if (not kind or r["kind"] == kind) and (not carrier or r.get("carrier") == carrier)
    ]
    return rows[:limit] if limit else rows


def scenario_changes(run: AnalysisRun) -> dict[str, list[float]]:
    """Per organisation (id as string) whose plan results differ between a scenario run and its baseline:
    [|change of CO2 by the deadline|, |the same without uncertain items|, plans changing class, plans
    whose ready year moves]. What the scenario's difference from the baseline rests on."""
    if run.baseline_id is None:
        return {}
    fields = (
        "plan_id",
        "organisation_id",
        "feasibility",
        "by_deadline",
        "co2_reduction_t",
        "ready_year",
        "ready_year_certain",
        "planned_year",
    )
    deadline = int((run.parameters or {}).get("deadline_year", 2030))

    def rows(run_id: int) -> dict[int, tuple[Any, ...]]:
        qs = PlanResult.objects.filter(run_id=run_id).order_by().values_list(*fields)
        return {int(r[0]): r for r in qs}

    def certain(r: tuple[Any, ...]) -> bool:
        return r[6] is not None and max(int(r[7]), int(r[6])) <= deadline

    base, scen = rows(run.baseline_id), rows(run.pk)
    net: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for plan_id in set(base) | set(scen):
        b, s = base.get(plan_id), scen.get(plan_id)
        if b is None or s is None:
            r = b if b is not None else s
            assert r is not None
            v = net[str(r[1])]
            v[0] += float(r[4])
            v[2] += 1
            continue
        v = net[str(s[1])]
        co2 = float(s[4])
        v[0] += co2 * (int(bool(s[3])) - int(bool(b[3])))
        v[1] += co2 * (int(certain(s)) - int(certain(b)))
        v[2] += float(s[2] != b[2])
        v[3] += float(s[5] != b[5])
    return {org: [abs(x) for x in v] for org, v in net.items() if any(v)}


def scenario_comparison(
    run: AnalysisRun,
    *,
    actor: Actor,
    known: frozenset[str] | None = None,
    baseline_reasons: dict[Any, str] | None = None,
) -> dict[str, Any] | None:
    """A scenario run's comparison with its baseline as `actor` may see it (disclosure rule on the
    companies whose results change; the baseline's figures follow the baseline's total). A list of
    scenarios passes one `baseline_reasons` dict, so that a baseline shared by its runs is checked once
    per set of companies the viewer reads in full. `known`: `readable_companies` of the run, when the
    caller has it already (`for_viewer`)."""
    if not run.comparison:
        return None
    if known is None:
        known = readable_companies(actor=actor, run=run)
    baseline_reason = ""
    if run.baseline_id is not None:
        cache = {} if baseline_reasons is None else baseline_reasons
        if (run.baseline_id, known) not in cache:
            base = AnalysisRun.objects.only("id", "aggregates").filter(pk=run.baseline_id).first()
            if base is not None:
                base.known_companies = known
            cache[run.baseline_id, known] = (
                str(base.shown_aggregates["total"].get("suppression") or "") if base is not None else ""
            )
        baseline_reason = cache[run.baseline_id, known]
    return disclosed_comparison(
        run.comparison, scenario_changes(run), known=known, baseline_reason=baseline_reason
    )


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
    companies: dict[str, dict[str, list[float]]] = defaultdict(dict)
    dependent_classes = {Feasibility.CAN, Feasibility.MAY_NOT, Feasibility.CANNOT}
    for code, cls, org in (
        PlanResult.objects.filter(run=run)
        .exclude(grid_area_code="")
        .values_list("grid_area_code", "feasibility", "organisation_id")
    ):
        plain = code.removeprefix(VIRTUAL_TENNET)
        counts[plain][cls] += 1
        v = companies[plain].setdefault(str(org), [0.0, 0.0])
        v[0] += float(cls in dependent_classes)
        v[1] += float(cls in (Feasibility.MAY_NOT, Feasibility.CANNOT))
    hidden = disclosed_areas(companies, known=readable_companies(actor=actor, run=run))
    features = []
    for area in visible_to(actor, GridServiceArea.objects.filter(code__in=list(counts))):
        geometry, is_bbox = area_geometry(area)
        if geometry is None:
            continue
        c = counts[area.code]
        dependent = c[Feasibility.CAN] + c[Feasibility.MAY_NOT] + c[Feasibility.CANNOT]
        held = c[Feasibility.MAY_NOT] + c[Feasibility.CANNOT]
        reason = hidden.get(area.code, "")
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": area.code,
                    "name": area.name,
                    # blanked when the counts fail the disclosure rule (the area is drawn uncoloured)
                    "dependent": None if reason else dependent,
                    "held": None if reason else held,
                    "share": None if reason or not dependent else held / dependent,
                    "suppression": reason,
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
