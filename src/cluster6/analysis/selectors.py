"""Reads of the analysis app, scoped by the policy layer.

Runs hold aggregates only and are visible to the aggregate roles; per-plan results follow the plan
version they were computed from (the company, the ministry, requesters with consent). Reads of another
company's results are logged in its read log, like reads of its plans.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
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
from cluster6.core.bbox import MAP_LIMIT, BBox
from cluster6.core.disclosure import DOMINANCE, PRIMARY, Rule
from cluster6.infra.models import GridServiceArea
from cluster6.infra.selectors import area_geometry
from cluster6.plans.sharing import log_plan_reads, log_reads_by_owner

from .adapters import VIRTUAL_TENNET
from .constants import DIMENSIONS, FEASIBILITY_COLOURS, Feasibility, RunKind
from .disclosure import disclosed_areas, disclosed_comparison, rule
from .export import EXPORT_COLUMNS, ExportRow
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
    run_id = int(run.pk if isinstance(run, AnalysisRun) else run)
    # once a request: the answer is kept on the request's user object (a page asks for it several times)
    memo: dict[int, frozenset[str]] = actor.__dict__.setdefault("_cluster6_readable_companies", {})
    if run_id in memo:
        return memo[run_id]
    base = PlanResult.objects.filter(run_id=run_id).order_by()

    def per_org(qs: models.QuerySet[PlanResult]) -> dict[int, int]:
        rows = qs.values("organisation_id").annotate(n=Count("id")).values_list("organisation_id", "n")
        return {int(org): int(n) for org, n in rows}

    # the results per company of a run do not change (append-only): counted once a process per run
    key = _run_cache_key(run) if isinstance(run, AnalysisRun) else None
    every = _RESULTS_PER_COMPANY.get(key) if key is not None else None
    if every is None:
        every = per_org(base)
        if key is not None:
            _RESULTS_PER_COMPANY[key] = every
            while len(_RESULTS_PER_COMPANY) > 16:
                _RESULTS_PER_COMPANY.pop(next(iter(_RESULTS_PER_COMPANY)))
    visible = visible_to(actor, base)
    # the same query (the ministry reads every result): the same counts
    seen = every if str(visible.query) == str(base.query) else per_org(visible)
    memo[run_id] = out = frozenset(str(org) for org, n in seen.items() if every.get(org) == n)
    return out


#: Plan results per company of a run (`readable_companies`), by `_run_cache_key`.
_RESULTS_PER_COMPANY: dict[tuple[Any, ...], dict[int, int]] = {}


def _run_cache_key(run: AnalysisRun) -> tuple[Any, ...] | None:
    # the creation time and input hash as well as the id: ids are reused after a rolled-back test
    if run.pk is None or run._state.adding or "created_at" in run.get_deferred_fields():
        return None
    return (run.pk, run.created_at, run.input_hash)


def for_viewer(run: AnalysisRun, actor: Actor) -> AnalysisRun:
    """The run with the companies the viewer reads in full set, so that its shown figures (aggregates,
    ranking, MIEK candidates) apply the disclosure rule for this viewer."""
    run.known_companies = readable_companies(actor=actor, run=run)
    return run


#: The large JSON documents of a run.
RUN_LARGE_FIELDS = (
    "aggregates",
    "unlock_ranking",
    "miek_candidates",
    "comparison",
    "notes",
    "parameters",
    "scenario_snapshot",
)
#: Those shown through the disclosure cache (`shown_cache`): read from the database only when the cache
#: does not hold the viewer's figures yet (a deferred field is loaded on first use).
RUN_SHOWN_FIELDS = ("aggregates", "unlock_ranking", "miek_candidates")
#: A run's baseline is only read for its aggregates (a scenario run's disclosure), on a cache miss.
BASELINE_DEFERRED = tuple(f"baseline__{f}" for f in RUN_LARGE_FIELDS)


def run_get(*, actor: Actor, run_id: object) -> AnalysisRun:
    qs = AnalysisRun.objects.select_related("scenario", "baseline").defer(
        *RUN_SHOWN_FIELDS, *BASELINE_DEFERRED
    )
    run = access(actor, qs, run_id, Action.VIEW)
    return for_viewer(run, actor)


def run_latest(*, actor: Actor) -> AnalysisRun | None:
    run = run_list(actor=actor, kind=RunKind.BASELINE).defer(*RUN_SHOWN_FIELDS, *BASELINE_DEFERRED).first()
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
    # Never the run itself (its figures are a large JSON document: per row that made the map and the
    # exports take minutes at national scale) nor the boundaries of the provinces or the rounds' lists.
    qs = visible_to(
        actor,
        PlanResult.objects.filter(run_id=run_id)
        .select_related(
            "plan__location__province",
            "plan_version__submission__round",
            "plan_version__plan__location",
            "organisation",
            "location__province",
        )
        .defer(*RESULT_LIST_DEFERRED),
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


#: Large columns of the relations `plan_result_list` joins that no list, map or export shows.
RESULT_LIST_DEFERRED = (
    "plan__location__province__geometry",
    "location__province__geometry",
    "plan_version__submission__round__requested_fields",
)


def log_result_reads(*, actor: Actor, results: Iterable[PlanResult], channel: str) -> None:
    """Reading another company's plan results is reading its plan data: log it in its read log, one row
    per company per read (`log_plan_reads`)."""
    log_plan_reads(actor=actor, versions=[r.plan_version for r in results], channel=channel)


def log_map_reads(*, actor: Actor, reads: dict[int, list[int]], channel: str) -> None:
    """The read log of a map (`result_location_map`): one row per company whose plan results it showed."""
    log_reads_by_owner(actor=actor, reads=reads, channel=channel)


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
    for run_id in {r.run_id for r in grid}:
        mine = [x for x in grid if x.run_id == run_id]
        queues = QueueDisclosure(actor=actor, run_id=run_id, results=mine if len(mine) < 50 else None)
        for r in mine:
            queues.apply(r)
    return results


class QueueDisclosure:
    """The queues of one run (`run_queue_rows`), to apply `disclose_queues` to its results one at a time
    (an export streams them). `results` is not used any more (every queue is summed up when first
    needed)."""

    def __init__(self, *, actor: Actor, run_id: int, results: list[PlanResult] | None = None) -> None:
        self.rule = rule()
        self.known: frozenset[str] = readable_companies(actor=actor, run=run_id)
        self.regional_prefix: dict[str, QueuePrefix | None] = {}
        self.tennet_prefix: dict[str, QueuePrefix | None] = {}
        self.above = {
            code: tennet or code
            for code, tennet in GridServiceArea.objects.values_list("code", "tennet_region__code")
        }
        # every queue once: (position, organisation, MW) per regional area and per TenneT queue
        self.regional: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
        self.tennet: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
        for org, code, position, t_position, mw in run_queue_rows(run_id):
            if position is not None:
                self.regional[code].append((position, org, mw))
            if t_position is not None:
                self.tennet[self.tennet_queue(code)].append((t_position, org, mw))

    def tennet_queue(self, code: str) -> str:
        plain = code.removeprefix(VIRTUAL_TENNET)
        return str(self.above.get(plain, plain))

    @staticmethod
    def _ahead(queue: list[tuple[int, str, float]], place: int | None) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        if place is None:
            return out
        for position, org, mw in queue:
            if position < place:
                out.setdefault(org, [0.0])[0] += mw
        return out

    def _check(
        self,
        prefixes: dict[str, QueuePrefix | None],
        queues: dict[str, list[tuple[int, str, float]]],
        key: str,
        place: int | None,
        org: str,
    ) -> str:
        """The disclosure rule on the requests ahead of `place` in queue `key`, for a result of `org`."""
        if key not in prefixes:
            queue = queues.get(key, [])
            # the one-pass summary needs MW that only add up; otherwise the rule on the requests themselves
            prefixes[key] = QueuePrefix(queue, self.known) if all(mw >= 0 for _p, _o, mw in queue) else None
        prefix = prefixes[key]
        if prefix is None or place is None:
            return self.rule.check(self._ahead(queues.get(key, []), place), self.known | {org})
        return prefix.check(place, org, self.rule)

    def apply[R: (PlanResult, ExportRow)](self, r: R) -> R:
        """Blank the MW ahead of `r` (in memory) where the disclosure rule says so (`disclose_queues`)."""
        r.queue_hidden = ""
        r.tennet_queue_hidden = ""
        if r.mw_ahead is None and r.tennet_mw_ahead is None:
            return r
        org = str(r.organisation_id)
        if r.mw_ahead is not None:
            key = r.grid_area_code
            if reason := self._check(self.regional_prefix, self.regional, key, r.queue_position, org):
                r.mw_ahead, r.queue_hidden = None, reason
                r.explanation = _MW_AHEAD.sub(QUEUE_HIDDEN_TEXT, r.explanation)
        if r.tennet_mw_ahead is not None:
            key = self.tennet_queue(r.grid_area_code)
            if reason := self._check(self.tennet_prefix, self.tennet, key, r.tennet_queue_position, org):
                r.tennet_mw_ahead, r.tennet_queue_hidden = None, reason
        return r


QueueRows = tuple[tuple[str, str, int | None, int | None, float], ...]


def run_queue_rows(run_id: int) -> QueueRows:
    """The places of a run's plans in the grid queues: (organisation, area code, place, TenneT place, MW).
    A run's results never change (append-only), so the last few runs' rows are kept in memory, keyed by
    the run's id and creation time: a page of results reads them once per worker, not on every request."""
    created = AnalysisRun.objects.filter(pk=run_id).values_list("created_at", flat=True).first()
    return _run_queue_rows(run_id, created.isoformat() if created is not None else "")


@lru_cache(maxsize=4)
def _run_queue_rows(run_id: int, created: str) -> QueueRows:
    rows = (
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
    return tuple(
        (str(org), code, position, t_position, float(firm if firm is not None else requested or 0.0))
        for org, code, position, t_position, firm, requested in rows
    )


class QueuePrefix:
    """One queue summed up in one pass, so that the disclosure rule on "the requests ahead of place p"
    costs a binary search, not a walk over the queue (an export of every result of a national run checks
    tens of thousands of places in queues of thousands). For each place: over the companies the viewer
    cannot read (`known` left out), their number (those with MW), their total MW and the two largest
    (company, MW); per company, its MW before each place (to leave out the result's own company). The
    same answer as `Rule.check` on `QueueDisclosure._ahead` (the tests compare them); MW must not be
    negative (the caller falls back to the walk)."""

    def __init__(self, queue: list[tuple[int, str, float]], known: frozenset[str]) -> None:
        self.known = known
        self.positions: list[int] = []
        self.states: list[tuple[int, float, str | None, float, str | None, float]] = []
        self.own: dict[str, tuple[list[int], list[float]]] = {}
        running: dict[str, float] = {}
        count, total = 0, 0.0
        t1o: str | None = None
        t2o: str | None = None
        t1v = t2v = 0.0
        for position, org, mw in sorted(queue, key=lambda e: e[0]):
            if not self.positions or self.positions[-1] != position:
                self.positions.append(position)
                self.states.append((count, total, t1o, t1v, t2o, t2v))  # before this position
            places, cumulative = self.own.setdefault(org, ([], []))
            places.append(position)
            cumulative.append((cumulative[-1] if cumulative else 0.0) + mw)
            if org in known:
                continue
            old = running.get(org, 0.0)
            new = old + mw
            running[org] = new
            if old == 0 and new != 0:
                count += 1
            total += mw
            # the two largest; values only grow
            if org == t1o:
                t1v = new
            elif org == t2o:
                t2v = new
            elif t2o is None or new > t2v:
                t2o, t2v = org, new
            if t2o is not None and (t1o is None or t2v > t1v):
                t1o, t1v, t2o, t2v = t2o, t2v, t1o, t1v
        self.final = (count, total, t1o, t1v, t2o, t2v)

    def check(self, place: int, org: str, rule: Rule) -> str:
        i = bisect_left(self.positions, place)
        count, total, t1o, t1v, _t2o, t2v = self.states[i] if i < len(self.states) else self.final
        top = t1v
        if org not in self.known:
            places, cumulative = self.own.get(org, ([], []))
            j = bisect_left(places, place)
            mine = cumulative[j - 1] if j else 0.0
            if mine != 0:
                count -= 1
                total -= mine
            if t1o == org:
                top = t2v
        if count <= 0:
            return ""
        if count < rule.min_companies:
            return PRIMARY
        if total > 0 and top > rule.max_share * total:
            return DOMINANCE
        return ""


def export_results(
    *, actor: Actor, run: AnalysisRun | int, channel: str, filters: ResultFilters | None = None
) -> Iterator[ExportRow]:
    """The plan results of an export, streamed: the reads are logged first (one row per company, from
    one query over two columns), then the results come in chunks from the database, as the columns the
    table shows (`ExportRow`: no model instances), with the MW ahead as the disclosure rule lets the actor
    see it. Memory does not grow with the number of results."""
    run_id = run.pk if isinstance(run, AnalysisRun) else run
    qs = plan_result_list(actor=actor, run=run_id, filters=filters)
    reads: dict[int, list[int]] = defaultdict(list)
    for version_id, owner_id in qs.order_by().values_list(
        "plan_version_id", "plan_version__submission__organisation_id"
    ):
        reads[owner_id].append(version_id)
    log_reads_by_owner(actor=actor, reads=reads, channel=channel)
    queues = QueueDisclosure(actor=actor, run_id=run_id)
    for values in qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        yield queues.apply(ExportRow(*values))


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


def result_location_map(
    *,
    actor: Actor,
    run: AnalysisRun | int,
    bbox: BBox | None = None,
    limit: int = MAP_LIMIT,
    filters: ResultFilters | None = None,
) -> tuple[dict[str, Any], dict[int, list[int]]]:
    """The analysis map's points, by viewport: the locations of the plan results the actor may see
    (`plan_result_list`) within `bbox`, each with the worst class of its plans, at most `limit` of them
    (the worst classes first, then the most plans); `truncated` says when locations were left out, `total`
    how many there are. One query over the result columns the map shows (never the run or whole rows).
    Also returns the plan versions shown per owner (submitting company), for the read log."""
    qs = (
        plan_result_list(actor=actor, run=run, filters=filters)
        .filter(location__latitude__isnull=False, location__longitude__isnull=False)
        .order_by()
    )
    if bbox is not None:
        qs = qs.filter(bbox.q("location__"))
    by_location: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    places: dict[int, tuple[str, float, float]] = {}
    for loc_id, name, lat, lon, cls, version_id, owner_id in qs.values_list(
        "location_id",
        "location__name",
        "location__latitude",
        "location__longitude",
        "feasibility",
        "plan_version_id",
        "plan_version__submission__organisation_id",
    ):
        by_location[loc_id].append((cls, version_id, owner_id))
        places[loc_id] = (name, float(lat or 0.0), float(lon or 0.0))  # not null: filtered above

    def worst(rows: list[tuple[str, int, int]]) -> Feasibility:
        return min((Feasibility(c) for c, _v, _o in rows), key=CLASS_ORDER.index)

    ranked = sorted(
        by_location, key=lambda loc: (CLASS_ORDER.index(worst(by_location[loc])), -len(by_location[loc]), loc)
    )
    shown = ranked[:limit]
    reads: dict[int, list[int]] = defaultdict(list)
    features = []
    for loc_id in shown:
        rows = by_location[loc_id]
        name, lat, lon = places[loc_id]
        w = worst(rows)
        for _c, version_id, owner_id in rows:
            reads[owner_id].append(version_id)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": loc_id,
                    "name": name,
                    "class": w.value,
                    "class_label": str(w.label),
                    "colour": FEASIBILITY_COLOURS[w],
                    "plans": len(rows),
                    "classes": dict(Counter(str(Feasibility(c).label) for c, _v, _o in rows)),
                },
            }
        )
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "total": len(ranked),
        "truncated": len(ranked) > len(shown),
        "limit": limit,
    }
    return collection, dict(reads)


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
    comparison, notes, parameters, scenario snapshot), which a list does not show; the aggregates (the
    summary of a run) come from the disclosure cache and are read only when it misses."""
    return run_list(actor=actor, kind=kind).defer(*RUN_LARGE_FIELDS, *BASELINE_DEFERRED)


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
