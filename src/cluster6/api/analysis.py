"""The analysis part of the API: runs of the feasibility engine, their plan results, the unlock ranking,
candidate MIEK areas, exports, scenarios, and "wanneer kan ik aansluiten?" for one plan.

Runs, rankings and scenarios are aggregates: they are for the aggregate roles (ministry, RVO, Stichting
Cluster 6, provinces, grid operators; `can_view_aggregates`); company users get 403. Per-plan rows (the
plan results of a run, the export's plan table, the class changes of a scenario run, the connection
answer) follow `PlanResultPolicy`: the company its own, the ministry all, others only with the company's
consent; a company may list its own results in a baseline run (`/runs/{id}/plans/`), nothing else of
it. Every plan result of another organisation that is served is logged in the company's read log
(channel "api"; the export "export"). Writes go through the analysis services; their Dutch validation
messages come back as 400.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster6.accounts.models import User
from cluster6.analysis.constants import RunKind
from cluster6.analysis.export import results_csv_stream, to_csv, to_xlsx_stream
from cluster6.analysis.export import table as export_table
from cluster6.analysis.freshness import analysis_request_refresh, refresh_state
from cluster6.analysis.models import AnalysisRun, Scenario
from cluster6.analysis.selectors import (
    class_changes,
    disclose_queues,
    export_results,
    for_viewer,
    log_result_reads,
    plan_result_latest,
    plan_result_list,
    run_for_results,
    run_get,
    run_list,
    run_summaries,
    scenario_comparison,
    scenario_get,
    scenario_list,
    scenario_runs,
    unlock_rows,
)
from cluster6.analysis.services import (
    SCENARIO_FIELDS,
    analysis_run,
    scenario_archive,
    scenario_create,
    scenario_update,
)
from cluster6.authz.policies import Action, can_view_aggregates
from cluster6.core.exports import (
    XLSX_CONTENT_TYPE,
    CsvForm,
    csv_attachment,
    csv_streaming_attachment,
    xlsx_streaming_attachment,
)
from cluster6.plans.sharing import CHANNEL_API, CHANNEL_EXPORT

from .errors import (
    BAD_REQUEST,
    DETAIL_ERRORS,
    FORBIDDEN,
    LIST_ERRORS,
    NOT_FOUND,
    UNAUTHORIZED,
    ErrorSerializer,
)
from .filters import parse_query
from .parsers import SafeJSONParser
from .serializers_analysis import (
    AnalysisRunCreateSerializer,
    AnalysisRunDetailSerializer,
    AnalysisRunSerializer,
    ConnectionSerializer,
    ExportQuerySerializer,
    MiekCandidateSerializer,
    PlanResultQuerySerializer,
    PlanResultSerializer,
    RunQuerySerializer,
    ScenarioDetailSerializer,
    ScenarioQuerySerializer,
    ScenarioRunSerializer,
    ScenarioSerializer,
    UnlockEntrySerializer,
    UnlockQuerySerializer,
)
from .views import AUTHENTICATION, ID, ReadViewSet

AGGREGATE_ROLES_ONLY = (
    "For the ministry, RVO, Stichting Cluster 6, provinces and grid operators; company users get 403."
)
RUN_OR_PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such run, or a page past the end.")
WRITE_ERRORS: dict[int, OpenApiResponse] = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN}
RUN_ANSWERS = {
    201: OpenApiResponse(AnalysisRunDetailSerializer, description="A new run."),
    200: OpenApiResponse(
        AnalysisRunDetailSerializer,
        description="A stored run with the same engine version and input hash (nothing was computed).",
    ),
}


class CanViewAggregates(BasePermission):
    """The aggregate roles (not company users): checked before anything else, so a company gets 403."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_view_aggregates(request.user)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)  # IsAuthenticated
    return request.user


_MESSAGE_PATH = re.compile(r"^(?P<root>\w+)(?:\.(?P<field>\w+))?")


def api_validation_error(
    exc: DjangoValidationError, *, fields: Collection[str], root: str = ""
) -> ValidationError:
    """A service's ValidationError as a 400 in the API's error format. A message of the engine's format
    ("scenario.extra_capacity[0].mw: verplicht veld ontbreekt", "parameters.base_year: ...") goes under
    the body field it names, when that is one of `fields` (after `root`, the message's own prefix);
    everything else under `non_field_errors`. Errors of a model's full_clean keep their fields."""
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            name = "non_field_errors" if key == NON_FIELD_ERRORS or key not in fields else key
            errors.setdefault(name, []).extend(messages)
        return ValidationError(errors)
    for message in exc.messages:
        key = "non_field_errors"
        match = _MESSAGE_PATH.match(message)
        if match is not None:
            name = match["field"] if root and match["root"] == root else match["root"]
            if name in fields:
                key = name
        errors.setdefault(key, []).append(message)
    return ValidationError(errors)


class LatestRunSerializer(AnalysisRunDetailSerializer):
    """The latest baseline run with the state of its background refresh."""

    refreshing = serializers.BooleanField(
        read_only=True, help_text="A newer run is queued or being computed."
    )
    refresh_requested_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the inputs changed (null when no refresh is pending).",
    )
    refresh_failed = serializers.BooleanField(read_only=True, help_text="The newest refresh failed.")

    class Meta(AnalysisRunDetailSerializer.Meta):
        fields = [
            *AnalysisRunDetailSerializer.Meta.fields,
            "refreshing",
            "refresh_requested_at",
            "refresh_failed",
        ]
        read_only_fields = fields


def _run_answer(
    request: Request,
    run: AnalysisRun,
    *,
    created: bool = False,
    serializer: type[AnalysisRunDetailSerializer] = AnalysisRunDetailSerializer,
) -> Response:
    """A run in full. The class changes of a scenario run are limited to the plans the user may see (with
    the total number); the ones shown are logged as read."""
    user = request.user
    run = for_viewer(run, user)
    # the comparison with the baseline as the disclosure rule lets this user see it
    comparison = scenario_comparison(run, actor=user, known=run.known_companies)
    shown: list[dict[str, Any]] = []
    total = 0
    if comparison is not None and not comparison.get("suppression"):
        shown, total = class_changes(actor=user, run=run)
        log_result_reads(actor=user, results=[c["result"] for c in shown], channel=CHANNEL_API)
    data = serializer(
        run, context={"request": request, "class_changes": (shown, total), "comparison": comparison}
    ).data
    return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _run(request: Request, *, params: Any, scenario: Scenario | None) -> Response:
    """Run (or reuse) an analysis: 201 with a new run, 200 with a stored one of the same input."""
    started = timezone.now()
    try:
        run = analysis_run(actor=_user(request), params=params, scenario=scenario, reuse=True)
    except DjangoValidationError as exc:
        raise api_validation_error(exc, fields=("parameters", "scenario")) from None
    return _run_answer(request, run, created=run.created_at >= started)


class IgnoreFormatParameter(DefaultContentNegotiation):
    """On the export, `?format=` names the file format, not a renderer: answers other than the file (the
    errors) are JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


# --- Runs ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List analysis runs",
        description="The stored runs of the feasibility engine, newest first (baseline and scenario "
        f"runs). {AGGREGATE_ROLES_ONLY}",
        parameters=[RunQuerySerializer],
        responses={200: AnalysisRunSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One analysis run",
        description="A run with its parameters, engine version, input hash, input basis, notes, figures "
        "per group and, for a scenario run, the comparison with the baseline. The class changes in the "
        "comparison list only the plans the user may see (reads logged, channel `api`); "
        f"`class_changes_total` counts all. {AGGREGATE_ROLES_ONLY}",
        parameters=[ID],
        responses={200: AnalysisRunDetailSerializer, **DETAIL_ERRORS},
    ),
    latest=extend_schema(
        summary="The latest complete baseline analysis",
        description="The newest stored baseline run. The analysis is recomputed in the background when its "
        "inputs change (a submission, consent, import or timeline edit); `refreshing` is true while a newer "
        "run is queued or being computed, with `refresh_requested_at` the moment the inputs changed, and "
        "`refresh_failed` true when the newest refresh failed. Without any stored run one is queued and "
        f"the answer is 404. {AGGREGATE_ROLES_ONLY}",
        responses={200: LatestRunSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Run the analysis",
        description="Runs the engine on the current plans and timeline with the given parameters (missing "
        "ones take the defaults) and, with `scenario`, that scenario compared with the baseline of the "
        "same parameters. Answers 201 with the new run, or 200 with a stored run of the same input (the "
        "engine is deterministic). Invalid parameters give 400 with a message per field, in Dutch "
        f'(`parameters`: ["parameters.base_year: ..."]). {AGGREGATE_ROLES_ONLY}',
        request=AnalysisRunCreateSerializer,
        responses={**RUN_ANSWERS, **WRITE_ERRORS},
    ),
    plans=extend_schema(
        summary="Plan results of a run",
        description="What the run says about each plan the user may see (the company its own, the "
        "ministry all, others with the company's consent), by class, then CO2 reduction. Every result on "
        "the page that belongs to another organisation is logged as read (channel `api`). Company users "
        "may list the results of their own plans in a baseline run (the run id is in the answer of "
        "`/api/analysis/plans/{plan_id}/connection/`); a scenario run is 404 for them.",
        parameters=[ID, PlanResultQuerySerializer],
        responses={200: PlanResultSerializer(many=True), **LIST_ERRORS, 404: RUN_OR_PAGE_NOT_FOUND},
    ),
    unlock_ranking=extend_schema(
        summary="Unlock ranking of a run",
        description="The infrastructure projects ranked by the extra CO2 reduction by 2030 when each is "
        f"ready `unlock_years_earlier` years earlier (the run's parameter). {AGGREGATE_ROLES_ONLY}",
        parameters=[ID, UnlockQuerySerializer],
        responses={200: UnlockEntrySerializer(many=True), **LIST_ERRORS, 404: RUN_OR_PAGE_NOT_FOUND},
    ),
    miek_candidates=extend_schema(
        summary="Candidate MIEK areas of a run",
        description="Congested areas whose demand reaches the run's `miek_threshold_mw`. "
        f"{AGGREGATE_ROLES_ONLY}",
        parameters=[ID],
        responses={200: MiekCandidateSerializer(many=True), **LIST_ERRORS, 404: RUN_OR_PAGE_NOT_FOUND},
    ),
    export=extend_schema(
        summary="Export a run (CSV or XLSX)",
        description="A file download. CSV: one `table`; by default for machines (comma-separated, "
        "decimal point, UTF-8 without BOM), with `vorm=excel` for Dutch Excel (semicolon-separated, decimal "
        "comma, UTF-8 with BOM). Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is "
        "written as text: prefixed with `'` in CSV, a string cell with the quote prefix in XLSX. "
        "XLSX: a workbook with every table and a sheet with the run's provenance (engine version, input "
        "hash, parameters). The plan table holds only the plan results the user may see, and each one of "
        f"another organisation is logged as read (channel `export`). {AGGREGATE_ROLES_ONLY}",
        parameters=[ID, ExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The file (CSV or XLSX)."),
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (CSV or XLSX)."
            ),
            **DETAIL_ERRORS,
        },
    ),
)
class RunViewSet(ReadViewSet):
    """Analysis runs, their plan results, rankings and exports."""

    permission_classes = [IsAuthenticated, CanViewAggregates]
    parser_classes = [SafeJSONParser]
    serializer_class = AnalysisRunSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return run_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(RunQuerySerializer, request).validated_data
        return self.paginated(run_summaries(actor=request.user, kind=query.get("kind")))

    def retrieve(self, request: Request, pk: str) -> Response:
        return _run_answer(request, run_get(actor=request.user, run_id=pk))

    @action(detail=False, methods=["get"])
    def latest(self, request: Request) -> Response:
        freshness = refresh_state()
        latest = run_list(actor=request.user, kind=RunKind.BASELINE).first()
        if latest is None:
            if not freshness.refreshing:
                analysis_request_refresh(reason="analysis.missing")
            raise NotFound(_("Er is nog geen analyse; die wordt nu berekend."))
        latest.refreshing = freshness.refreshing  # type: ignore[attr-defined]
        latest.refresh_requested_at = freshness.since  # type: ignore[attr-defined]
        latest.refresh_failed = freshness.failed  # type: ignore[attr-defined]
        return _run_answer(request, latest, serializer=LatestRunSerializer)

    def create(self, request: Request) -> Response:
        body = AnalysisRunCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scenario = None
        if body.validated_data.get("scenario") is not None:
            try:
                scenario = scenario_get(actor=request.user, scenario_id=body.validated_data["scenario"])
            except Http404:
                raise ValidationError({"scenario": [_("Onbekend scenario.")]}) from None
        return _run(request, params=body.validated_data.get("parameters"), scenario=scenario)

    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def plans(self, request: Request, pk: str) -> Response:
        query = parse_query(PlanResultQuerySerializer, request)
        run = run_for_results(actor=request.user, run_id=pk)
        qs = plan_result_list(actor=request.user, run=run, filters=query.filters())
        results = disclose_queues(actor=request.user, results=self.paginate_queryset(qs) or [])
        log_result_reads(actor=request.user, results=results, channel=CHANNEL_API)
        return self.get_paginated_response(PlanResultSerializer(results, many=True).data)

    @action(detail=True, methods=["get"], url_path="unlock-ranking")
    def unlock_ranking(self, request: Request, pk: str) -> Response:
        query = parse_query(UnlockQuerySerializer, request).validated_data
        run = run_get(actor=request.user, run_id=pk)
        rows = unlock_rows(run, kind=query.get("kind", ""), carrier=query.get("carrier", ""), limit=None)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UnlockEntrySerializer(page, many=True).data)

    @action(detail=True, methods=["get"], url_path="miek-candidates")
    def miek_candidates(self, request: Request, pk: str) -> Response:
        run = run_get(actor=request.user, run_id=pk)
        page = self.paginate_queryset(run.shown_miek_candidates)
        return self.get_paginated_response(MiekCandidateSerializer(page, many=True).data)

    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        renderer_classes=[JSONRenderer],
        content_negotiation_class=IgnoreFormatParameter,
    )
    def export(self, request: Request, pk: str) -> HttpResponseBase:
        query = parse_query(ExportQuerySerializer, request).validated_data
        run = run_get(actor=request.user, run_id=pk)
        fmt, name = query["format"], query.get("table", "")
        if fmt == "xlsx" or name == "plannen":
            # the reads are logged first (one row per company); the CSV streams
            results = export_results(actor=request.user, run=run, channel=CHANNEL_EXPORT)
            if fmt == "xlsx":
                return xlsx_streaming_attachment(to_xlsx_stream(run, results), f"analyse-{run.pk}.xlsx")
            return csv_streaming_attachment(
                results_csv_stream(results, CsvForm(query["vorm"])), f"analyse-{run.pk}-{name}.csv"
            )
        content = to_csv(export_table(run, name), CsvForm(query["vorm"]))
        return csv_attachment(content, f"analyse-{run.pk}-{name}.csv")


# --- "Wanneer kan ik aansluiten?" ----------------------------------------------------------------------


#: The largest id a database row can have (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class PlanConnectionView(APIView):
    """One plan's result in the latest baseline run."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="When can this plan connect?",
        description="'Wanneer kan ik aansluiten?': the plan's result in the latest baseline run: its class, "
        "bottleneck, the year its infrastructure is ready and, for a grid request, the expected connection "
        "year, the place in the queue and the MW ahead. For the company itself, the ministry, and others "
        "with the company's consent; 404 when the user may not see the plan's result or there is no run "
        "yet. A read by another organisation is logged (channel `api`).",
        parameters=[
            OpenApiParameter("plan_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan's id.")
        ],
        responses={200: ConnectionSerializer, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, plan_id: int) -> Response:
        if plan_id > MAX_ID:  # no such plan; SQLite cannot even compare an integer this large
            raise Http404
        result = plan_result_latest(actor=request.user, plan_id=plan_id)
        if result is None:
            raise Http404
        log_result_reads(actor=request.user, results=[result], channel=CHANNEL_API)
        return Response(ConnectionSerializer(result).data)


# --- Scenarios -----------------------------------------------------------------------------------------

#: What a PUT sets for an editable field it leaves out (PATCH leaves such a field as it is).
SCENARIO_DEFAULTS: dict[str, Any] = {
    "description": "",
    "reinforcement_shifts": {},
    "congestion_end_shifts": {},
    "rollout_shifts": {},
    "extra_capacity": [],
    "flexible_share": None,
    "all_plans_flexible": False,
}
SCENARIO_BODY_ERRORS = (
    "Invalid fields give 400 with the Dutch messages of the service under the field they concern, each "
    'naming the row and key (`extra_capacity`: ["scenario.extra_capacity[0].mw: verplicht veld '
    'ontbreekt"]).'
)
SCENARIO_EDITORS = "Only its maker and the ministry may change a scenario (others 403)."


def _scenario_change(summary: str, description: str) -> Any:
    """The schema of a PUT or PATCH of a scenario: the same body and answers, with its own description."""
    return extend_schema(
        summary=summary,
        description=f"{description} {SCENARIO_BODY_ERRORS}",
        parameters=[ID],
        request=ScenarioSerializer,
        responses={200: ScenarioDetailSerializer, **DETAIL_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List scenarios",
        description=f"Scenarios by name: the current ones, or with `archived=true` the archived ones. "
        f"{AGGREGATE_ROLES_ONLY}",
        parameters=[ScenarioQuerySerializer],
        responses={200: ScenarioSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Create a scenario",
        description=f"The user becomes its maker. {SCENARIO_BODY_ERRORS} {AGGREGATE_ROLES_ONLY}",
        request=ScenarioSerializer,
        responses={201: ScenarioDetailSerializer, **WRITE_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One scenario with its runs",
        description=f"With its runs, newest first. {AGGREGATE_ROLES_ONLY}",
        parameters=[ID],
        responses={200: ScenarioDetailSerializer, **DETAIL_ERRORS},
    ),
    update=_scenario_change(
        "Replace a scenario",
        f"Editable fields left out take their defaults. {SCENARIO_EDITORS} Stored runs keep the snapshot "
        "they were computed with.",
    ),
    partial_update=_scenario_change("Change a scenario", f"Only the fields given change. {SCENARIO_EDITORS}"),
    archive=extend_schema(
        summary="Archive a scenario",
        description="Moves it to the archived list; its runs stay. Only its maker and the ministry (others "
        "403).",
        parameters=[ID],
        request=None,
        responses={200: ScenarioDetailSerializer, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    run=extend_schema(
        summary="Run a scenario",
        description="Runs the scenario against the baseline of the same parameters (which is run too when "
        "it is not stored yet) and answers with the run and its comparison. The class changes list only "
        "the plans the user may see (reads logged, channel `api`); `class_changes_total` counts all. 201 "
        "for a new run, 200 for a stored run of the same input. Unknown project or area codes in the "
        f"scenario give 400. {AGGREGATE_ROLES_ONLY}",
        parameters=[ID],
        request=ScenarioRunSerializer,
        responses={**RUN_ANSWERS, **DETAIL_ERRORS},
    ),
)
class ScenarioViewSet(ReadViewSet):
    """Scenarios: overrides of the infrastructure timeline, run against the baseline."""

    permission_classes = [IsAuthenticated, CanViewAggregates]
    parser_classes = [SafeJSONParser]
    serializer_class = ScenarioSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        return scenario_list(actor=self.request.user)

    def _answer(self, scenario: Scenario, code: int = status.HTTP_200_OK) -> Response:
        runs = list(scenario_runs(actor=self.request.user, scenario=scenario))
        context = {**self.get_serializer_context(), "runs": runs}
        return Response(ScenarioDetailSerializer(scenario, context=context).data, status=code)

    def _values(self, data: Any, instance: Scenario | None = None, partial: bool = False) -> dict[str, Any]:
        body = ScenarioSerializer(instance, data=data, partial=partial, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def list(self, request: Request) -> Response:
        archived = parse_query(ScenarioQuerySerializer, request).validated_data["archived"]
        return self.paginated(scenario_list(actor=request.user, archived=archived))

    def create(self, request: Request) -> Response:
        values = self._values(request.data)
        try:
            scenario = scenario_create(actor=_user(request), values=values)
        except DjangoValidationError as exc:
            raise api_validation_error(exc, fields=SCENARIO_FIELDS, root="scenario") from None
        return self._answer(scenario, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(scenario_get(actor=request.user, scenario_id=pk))

    def _update(self, request: Request, pk: str, *, partial: bool) -> Response:
        scenario = scenario_get(actor=request.user, scenario_id=pk, action=Action.EDIT)
        values = self._values(request.data, scenario, partial=partial)
        if not partial:
            values = {**SCENARIO_DEFAULTS, **values}
        try:
            scenario = scenario_update(scenario=scenario, actor=_user(request), values=values)
        except DjangoValidationError as exc:
            raise api_validation_error(exc, fields=SCENARIO_FIELDS, root="scenario") from None
        return self._answer(scenario)

    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk, partial=True)

    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        scenario = scenario_get(actor=request.user, scenario_id=pk, action=Action.EDIT)
        return self._answer(scenario_archive(scenario=scenario, actor=_user(request)))

    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str) -> Response:
        scenario = scenario_get(actor=request.user, scenario_id=pk)
        body = ScenarioRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _run(request, params=body.validated_data.get("parameters"), scenario=scenario)
