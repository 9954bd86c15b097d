"""Pages of the feasibility analysis: the overview ("Haalbaarheid"), the plan results, one plan's answer
("Wanneer kan ik aansluiten?"), the company's own answers, scenarios with their comparison, and the unlock
ranking with the candidate MIEK areas; exports as CSV and XLSX.

Runs hold aggregates and are for the aggregate roles (ministry, RVO, Stichting Cluster 6, provinces, grid
operators); per-plan results follow the plan's own policy (the company, the ministry, requesters with
consent). Every page or export that shows another organisation's plan results logs the reads
(`log_result_reads`: channel web for pages, export for files).

Each view parses (a form), calls one service or selector, and renders; htmx requests for the table per
group get the fragment, a partial of the same template."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from cluster6.accounts.models import User
from cluster6.authz.policies import Action, can_view_aggregates, own_company_ids
from cluster6.core.bbox import limit_of, parse_bbox
from cluster6.core.charts import figure_html
from cluster6.core.exports import (
    FORM_PARAMETER,
    csv_attachment,
    csv_streaming_attachment,
    form_of,
    xlsx_streaming_attachment,
)
from cluster6.infra.constants import Certainty as InfraCertainty
from cluster6.infra.selectors import grid_area_list
from cluster6.plans.constants import Route
from cluster6.plans.sharing import CHANNEL_EXPORT, CHANNEL_WEB
from cluster6.registry.constants import Sector

from . import export
from .adapters import CONGESTION_END_PREFIX
from .constants import DIMENSIONS, FEASIBILITY_COLOURS, Binding, Bottleneck, Feasibility, ProjectKind
from .disclosure import max_share, min_companies
from .forms import (
    CARRIER_LABELS,
    DimensionForm,
    ParameterForm,
    ResultFilterForm,
    ScenarioEditor,
    ScenarioOptions,
    UnlockFilterForm,
)
from .freshness import Freshness, analysis_request_refresh, refresh_state
from .models import AnalysisRun, PlanResult, Scenario
from .selectors import (
    CLASS_ORDER,
    aggregate_view,
    bottleneck_counts,
    class_changes,
    disclose_queues,
    export_results,
    for_viewer,
    latest_baseline_id,
    log_map_reads,
    log_result_reads,
    plan_result_get,
    plan_result_latest,
    plan_result_list,
    plan_results_for_company,
    result_area_features,
    result_location_map,
    run_get,
    run_latest,
    scenario_can,
    scenario_comparison,
    scenario_get,
    scenario_latest_runs,
    scenario_list,
    scenario_runs,
    unlock_rows,
)
from .services import (
    analysis_run,
    default_parameters,
    scenario_archive,
    scenario_create,
    scenario_update,
)

PAGE_SIZE = 50
#: The L-CES figure the headline is compared with (domain.md section 3).
LCES_SHARE = 0.73

#: What each class means, in one sentence (docs/engine.md, rule 11).
CLASS_HELP = {
    Feasibility.CAN: gettext_lazy(
        "Alle infrastructuur die het plan nodig heeft, is er zeker op tijd: uiterlijk in het geplande jaar."
    ),
    Feasibility.MAY_NOT: gettext_lazy(
        "De infrastructuur komt er uiterlijk in 2030, maar later dan gepland (of alleen op tijd dankzij "
        "onzekere projecten): het plan moet wachten."
    ),
    Feasibility.CANNOT: gettext_lazy(
        "De benodigde infrastructuur is er pas na 2030 en na het geplande jaar, of niet binnen de horizon "
        "van de analyse."
    ),
    Feasibility.NOT_DEPENDENT: gettext_lazy(
        "Het plan heeft geen nieuwe of zwaardere energie-infrastructuur nodig en telt niet mee in het "
        "aandeel dat niet of nog niet kan."
    ),
    Feasibility.EXCLUDED: gettext_lazy("Het plan is afgeblazen of niet actief en telt niet mee."),
}

#: Classes in the order of the pages (the infrastructure-dependent ones first).
CLASSES = (Feasibility.CAN, Feasibility.MAY_NOT, Feasibility.CANNOT, Feasibility.NOT_DEPENDENT)

PLOT_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 13}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _aggregates_only(
    view: Callable[..., HttpResponseBase], *, send_company: bool
) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not can_view_aggregates(user):
            if send_company and own_company_ids(user) and request.method == "GET":
                return redirect("analysis:company")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def aggregate_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page for the aggregate roles. A company user is sent to its own answers; anyone else gets a 403."""
    return _aggregates_only(view, send_company=True)


def aggregate_data(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Data (GeoJSON, files) for the aggregate roles; anyone else gets a 403."""
    return _aggregates_only(view, send_company=False)


def _run_param(request: HttpRequest) -> str | None:
    value = request.GET.get("run") or request.POST.get("run")
    return value or None


def _chosen_run(request: HttpRequest) -> AnalysisRun | None:
    """The run of `?run=<id>` (404 when not visible), else the latest baseline run."""
    actor = _user(request)
    run_id = _run_param(request)
    if run_id is not None:
        return run_get(actor=actor, run_id=run_id)
    return run_latest(actor=actor)


def _with_run(name: str, run: AnalysisRun, *args: Any, **params: Any) -> str:
    """The URL of `name` (with `args`) for `run`, with the other non-empty `params` in the query."""
    query = {"run": run.pk, **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{reverse(name, args=args)}?{urlencode(query)}"


def _group_label(dimension: str, key: str) -> str:
    if key == "onbekend":
        return _("onbekend")
    if dimension == "sector":
        return str(dict(Sector.choices).get(key, key))
    if dimension == "route":
        return str(dict(Route.choices).get(key, key))
    return key


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")


def _figure_html(fig: Any, div_id: str) -> str:
    """The figure as an HTML fragment with its own fixed height (so that it lays out the same when htmx
    swaps it in); plotly.js is loaded by the page from the local static files."""
    height = fig.layout.height
    return figure_html(fig, div_id, height=f"{height}px" if height else "100%")


# ------------------------------------------------------------------------------------------ overview


def _groups_chart(rows: list[dict[str, Any]], dimension: str) -> str:
    """Plans per class for each group, as horizontal stacked bars (plotly.js is loaded by the page). The
    element id names the dimension: htmx settles the attributes of elements that keep their id, which would
    undo the classes plotly.js sets."""
    if not rows:
        return ""
    import plotly.graph_objects as go

    labels = [r["label"] for r in rows][::-1]
    series = [
        (Feasibility.CAN, "n_can"),
        (Feasibility.MAY_NOT, "n_may_not"),
        (Feasibility.CANNOT, "n_cannot"),
        (Feasibility.NOT_DEPENDENT, "n_not_dependent"),
    ]
    unit = _("plannen")
    fig = go.Figure(
        [
            go.Bar(
                name=str(cls.label),
                y=labels,
                x=[r[key] for r in rows][::-1],
                orientation="h",
                marker_color=FEASIBILITY_COLOURS[cls],
                hovertemplate=f"%{{y}}: %{{x}} {unit}<extra>{cls.label}</extra>",
            )
            for cls, key in series
        ]
    )
    fig.update_layout(
        barmode="stack",
        separators=",." if _dutch() else ".,",
        height=max(260, 90 + 30 * len(rows)),
        margin={"l": 10, "r": 16, "t": 40, "b": 50},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font=PLOT_FONT,
        xaxis={"title": {"text": _("Aantal plannen")}, "gridcolor": "#e6e6e6", "rangemode": "tozero"},
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
        bargap=0.3,
    )
    return _figure_html(fig, f"groups-chart-{dimension}")


def _groups_context(run: AnalysisRun, dimension: str) -> dict[str, Any]:
    view = aggregate_view(run, dimension)
    rows = []
    for r in view.rows:
        row = dict(r)
        row["label"] = _group_label(view.dimension, str(r.get("key", "")))
        row["n_not_dependent"] = int(r.get("n_plans") or 0) - int(r.get("n_dependent") or 0)
        rows.append(row)
    tabs = [
        {
            "key": key,
            "label": label,
            "url": _with_run("analysis:overview", run, per=key),
            "current": key == view.dimension,
        }
        for key, label in DIMENSIONS.items()
    ]
    return {
        "groups": view,
        "group_rows": rows,
        "group_tabs": tabs,
        "groups_chart": _groups_chart([r for r in rows if not r["suppression"]], view.dimension),
    }


def _class_rows(total: Mapping[str, Any]) -> list[dict[str, Any]]:
    dependent = int(total.get("n_dependent") or 0)
    n_plans = int(total.get("n_plans") or 0)
    values = {
        Feasibility.CAN: (total.get("n_can", 0), total.get("co2_can_t", 0)),
        Feasibility.MAY_NOT: (total.get("n_may_not", 0), total.get("co2_may_not_t", 0)),
        Feasibility.CANNOT: (total.get("n_cannot", 0), total.get("co2_cannot_t", 0)),
        Feasibility.NOT_DEPENDENT: (n_plans - dependent, total.get("co2_not_dependent_t", 0)),
    }
    rows = []
    for cls in CLASSES:
        n, co2 = values[cls]
        rows.append(
            {
                "value": cls.value,
                "label": str(cls.label),
                "colour": FEASIBILITY_COLOURS[cls],
                "n": n,
                "co2_t": co2,
                "share": (n / dependent) if dependent and cls != Feasibility.NOT_DEPENDENT else None,
                "help": CLASS_HELP[cls],
            }
        )
    return rows


def _parameter_rows(parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The run's parameters as (label, value) for the provenance panel."""
    labels = {
        "base_year": _("Basisjaar"),
        "horizon_year": _("Horizon"),
        "deadline_year": _("Peiljaar (2030)"),
        "flexible_share": _("Niet-vast deel bij een flexibel contract"),
        "allow_alternatives": _("Alternatieven (schip, vrachtwagen) toegestaan"),
        "all_plans_flexible": _("Alle plannen flexibel"),
        "unlock_years_earlier": _("Jaren eerder (ontsluitingsrangorde)"),
        "miek_threshold_mw": _("Drempel kandidaat-MIEK"),
    }
    rows: list[tuple[str, str]] = []
    for key, label in labels.items():
        if key not in parameters:
            continue
        value = parameters[key]
        if isinstance(value, bool):
            text = _("ja") if value else _("nee")
        elif key == "flexible_share":
            text = f"{number_format(round(float(value) * 100, 2), decimal_pos=0)}%"
        elif key == "miek_threshold_mw":
            text = f"{number_format(value, decimal_pos=1)} MW"
        else:
            text = str(value)
        rows.append((label, text))
    for carrier, km in sorted((parameters.get("max_distance_km") or {}).items()):
        label = _("Maximale afstand %(carrier)s") % {
            "carrier": str(CARRIER_LABELS.get(carrier, carrier)).lower()
        }
        rows.append((label, f"{number_format(km, decimal_pos=0)} km"))
    return rows


def _map_config(run: AnalysisRun) -> dict[str, Any]:
    return {
        "locationsUrl": _with_run("analysis:map_locations", run),
        "areasUrl": _with_run("analysis:map_areas", run),
        "provincesUrl": reverse("map_provinces"),
        "resultsUrl": _with_run("analysis:results", run),
        "colours": {cls.value: FEASIBILITY_COLOURS[cls] for cls in Feasibility},
        "labels": {cls.value: str(cls.label) for cls in Feasibility},
        "order": [c.value for c in (*CLASSES, Feasibility.EXCLUDED)],
    }


def _map_text() -> dict[str, str]:
    return {
        "countOne": _("%s locatie op de kaart"),
        "countMany": _("%s locaties op de kaart"),
        "truncated": _("(%s in totaal: zoom in om ze alle te zien)"),
        "noLocations": _(
            "U mag geen afzonderlijke plannen inzien: de kaart toont alleen de voedingsgebieden."
        ),
        "worst": _("Kleur: de slechtste klasse van de plannen op de locatie."),
        "classes": _("Klasse (plannen)"),
        "areas": _("Voedingsgebieden: aandeel dat niet of nog niet kan"),
        "dependent": _("afhankelijke plannen"),
        "held": _("kan niet of mag niet"),
        "noPlans": _("geen afhankelijke plannen"),
        "suppressed": _("onvoldoende bedrijven: aantallen niet getoond"),
        "open": _("Toon de plannen"),
        "bbox": _("Getoond als omhullend kader: de bron geeft geen gebiedsgrens."),
        "loadError": _("Een kaartlaag kon niet worden geladen."),
    }


def _overview_context(run: AnalysisRun, dimension: str, form: ParameterForm | None) -> dict[str, Any]:
    groups = _groups_context(run, dimension)
    total = groups["groups"].total
    bottleneck_labels = dict(Bottleneck.choices)
    return {
        **groups,
        "run": run,
        "total": total,
        "lces_share": LCES_SHARE,
        "classes": _class_rows(total),
        "bottlenecks": [(str(bottleneck_labels.get(k, k)), n) for k, n in bottleneck_counts(run)],
        "parameters": _parameter_rows(run.parameters),
        "param_form": form or ParameterForm.for_run(run, default_parameters()),
        "map_config": _map_config(run),
        "map_text": _map_text(),
        "is_latest": run.pk == latest_baseline_id(),
        "exports": _export_links(run),
    }


def _export_links(run: AnalysisRun) -> dict[str, str]:
    links = {name: _with_run("analysis:export_csv", run, name) for name in export.TABLES}
    for name in export.TABLES:
        links[f"{name}_machine"] = _with_run("analysis:export_csv", run, name, vorm="machine")
    links["xlsx"] = _with_run("analysis:export_xlsx", run)
    return links


@aggregate_page
@require_http_methods(["GET", "POST"])
def overview(request: HtmxHttpRequest) -> HttpResponse:
    """The feasibility of the plans: the current analysis (reused when the input is unchanged), or the run
    of `?run=`; a POST reruns it with other parameters and shows that run."""
    actor = _user(request)
    form: ParameterForm | None = None
    errors: list[str] = []
    run: AnalysisRun | None = None
    if request.method == "POST":
        form = ParameterForm(request.POST)
        if form.is_valid():
            try:
                new = analysis_run(actor=actor, params=form.params())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("De analyse met deze parameters staat hieronder (run %(id)s).") % {"id": new.pk},
                )
                return redirect(_with_run("analysis:overview", new))
        run = _chosen_run(request)
    elif _run_param(request) is not None:
        run = _chosen_run(request)
    else:
        # the newest stored baseline run; a background refresh keeps it current (analysis/freshness.py)
        run = run_latest(actor=actor)
    freshness = refresh_state()
    if run is None:
        if not freshness.refreshing:
            analysis_request_refresh(reason="analysis.missing")
        context = {"run": None, "errors": errors, "freshness": Freshness(refreshing=True)}
        return render(request, "analysis/overview.html", context)
    run = for_viewer(run, actor)  # the disclosure rule for this viewer (what it reads in full)
    dimension = DimensionForm(request.GET).dimension()
    if request.htmx and request.htmx.target == "groups-panel":
        return render(request, "analysis/overview.html#groups", _groups_context(run, dimension))
    context = _overview_context(run, dimension, form)
    context["errors"] = errors
    context["freshness"] = freshness
    status = 400 if form is not None and form.errors else 200
    return render(request, "analysis/overview.html", context, status=status)


@aggregate_data
@require_GET
def map_locations(request: HttpRequest) -> JsonResponse:
    """GeoJSON points of the locations whose plan results the user may see, coloured by their worst class.
    Reading other companies' results this way is logged."""
    run = _chosen_run(request)
    if run is None:
        raise Http404
    actor = _user(request)
    features, reads = result_location_map(
        actor=actor,
        run=run,
        bbox=parse_bbox(request.GET.get("bbox")),
        limit=limit_of(request.GET.get("limit")),
    )
    log_map_reads(actor=actor, reads=reads, channel=CHANNEL_WEB)
    return JsonResponse(features)


@aggregate_data
@require_GET
def map_areas(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the service areas with the share of dependent plans held back (an aggregate)."""
    run = _chosen_run(request)
    if run is None:
        raise Http404
    return JsonResponse(result_area_features(actor=_user(request), run=run))


# -------------------------------------------------------------------------------------------- exports


def _export_run(request: HttpRequest) -> AnalysisRun:
    run = _chosen_run(request)
    if run is None:
        raise Http404
    return run


@aggregate_data
@require_GET
def export_csv(request: HttpRequest, table: str) -> HttpResponseBase:
    """One table of a run as CSV (for Dutch Excel; `?vorm=machine` for machines). The plan results are
    those the user may see (with the filters of the list page), and every one of another company is
    logged as read (channel export)."""
    if table not in export.TABLES:
        raise Http404
    run = _export_run(request)
    actor = _user(request)
    form = form_of(request.GET.get(FORM_PARAMETER))
    if table == "plannen":
        # streamed: the reads are logged before the first byte (one row per company)
        filters = ResultFilterForm(request.GET, provinces=_provinces(run)).filters()
        results = export_results(actor=actor, run=run, filters=filters, channel=CHANNEL_EXPORT)
        return csv_streaming_attachment(
            export.results_csv_stream(results, form), f"analyse-{run.pk}-{table}.csv"
        )
    content = export.to_csv(export.table(run, table), form)
    return csv_attachment(content, f"analyse-{run.pk}-{table}.csv")


@aggregate_data
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The whole run as a workbook (provenance, groups, the plan results the user may see, the unlock
    ranking and the MIEK candidates); the plan results of other companies are logged as read."""
    run = _export_run(request)
    actor = _user(request)
    results = export_results(actor=actor, run=run, channel=CHANNEL_EXPORT)
    # streams: the reads are logged by `export_results`, the plan rows read as the file is sent
    return xlsx_streaming_attachment(export.to_xlsx_stream(run, results), f"analyse-{run.pk}.xlsx")


# --------------------------------------------------------------------------------------- plan results


def _page(request: HttpRequest, items: Any) -> dict[str, Any]:
    """A page of `items` (`?pagina=`) with its elided range, as templates/_pagination.html needs them."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def _provinces(run: AnalysisRun | None) -> list[str]:
    if run is None:
        return []
    # the shown aggregates keep every group (blanked or not) and come from the disclosure cache
    return sorted(
        str(r["key"]) for r in run.shown_aggregates.get("by", {}).get("province", []) if r.get("key")
    )


@aggregate_page
@require_GET
def result_list(request: HttpRequest) -> HttpResponse:
    """The plan results of a run that the user may see, with filters and pages; the rows on the page are
    logged as read."""
    actor = _user(request)
    run = _chosen_run(request)
    form = ResultFilterForm(request.GET, provinces=_provinces(run))
    context: dict[str, Any] = {"run": run, "form": form}
    if run is not None:
        pages = _page(request, plan_result_list(actor=actor, run=run, filters=form.filters()))
        results = disclose_queues(actor=actor, results=pages["page"].object_list)
        log_result_reads(actor=actor, results=results, channel=CHANNEL_WEB)
        context.update(pages, results=results)
    return render(request, "analysis/result_list.html", context)


def _timeline_chart(
    result: PlanResult, carriers: list[dict[str, Any]], *, horizon: int, deadline: int
) -> str:
    """The years of one plan on a line: planned, grid connection, each carrier, ready; 2030 marked."""
    import plotly.graph_objects as go

    rows: list[tuple[str, int | None, int | None]] = [(_("Gepland jaar"), result.planned_year, None)]
    if result.grid_area_code:
        rows.append((_("Netaansluiting"), result.connection_year, result.connection_year_certain))
    for c in carriers:
        rows.append((str(c["label"]), c["year"], c["year_certain"]))
    if result.ready_year is not None or len(rows) > 1:
        rows.append((_("Alles gereed"), result.ready_year, result.ready_year_certain))
    years = [y for _label, a, b in rows for y in (a, b) if y is not None]
    if not years:
        return ""
    labels = [r[0] for r in rows]
    lo = min([*years, deadline]) - 1
    hi = max([*years, deadline]) + 2
    never = hi - 0.4  # "not within the horizon": an arrow at the right edge
    later = _("na %(y)s") % {"y": horizon}
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name=_("verwacht"),
            y=labels,
            x=[a if a is not None else never for _l, a, _b in rows],
            mode="markers+text",
            text=[str(a) if a is not None else later for _l, a, _b in rows],
            textposition="middle right",
            marker={
                "size": 14,
                "color": "#154273",
                "symbol": ["circle" if a is not None else "triangle-right" for _l, a, _b in rows],
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    certain = [(label, b) for label, a, b in rows[1:] if a is not None and b != a]
    if certain:
        fig.add_trace(
            go.Scatter(
                name=_("zonder onzekere projecten"),
                y=[c[0] for c in certain],
                x=[c[1] if c[1] is not None else never for c in certain],
                mode="markers",
                text=[str(c[1]) if c[1] is not None else later for c in certain],
                marker={
                    "size": 13,
                    "color": "#ffffff",
                    "line": {"color": "#e17000", "width": 3},
                    "symbol": ["circle" if c[1] is not None else "triangle-right" for c in certain],
                },
                hovertemplate="%{y}: %{text}<extra>" + _("zonder onzekere projecten") + "</extra>",
            )
        )
    fig.add_vline(x=deadline, line={"color": "#d52b1e", "dash": "dash", "width": 1.5})
    fig.add_annotation(
        x=deadline,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        text=str(deadline),
        showarrow=False,
        font={"color": "#d52b1e"},
    )
    fig.update_layout(
        height=120 + 46 * len(rows),
        margin={"l": 10, "r": 20, "t": 34, "b": 40},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font=PLOT_FONT,
        xaxis={"range": [lo, hi], "dtick": 1, "gridcolor": "#eeeeee", "title": {"text": _("Jaar")}},
        yaxis={"automargin": True, "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.35, "x": 0},
        showlegend=bool(certain),
    )
    return _figure_html(fig, "timeline-chart")


def _carrier_rows(result: PlanResult) -> list[dict[str, Any]]:
    names = {
        str(e["code"]): str(e["name"])
        for e in result.run.unlock_ranking
        if e.get("kind") == ProjectKind.CARRIER_ROLLOUT
    }
    rows = []
    for c in result.carriers or []:
        via = c.get("via")
        rows.append(
            {
                "carrier": c.get("carrier"),
                "label": CARRIER_LABELS.get(str(c.get("carrier")), c.get("carrier")),
                "year": c.get("year"),
                "year_certain": c.get("year_certain"),
                "via": names.get(str(via), via) if via else None,
                "via_code": via,
                "extra_cost": bool(c.get("extra_cost")),
                "distance_km": c.get("distance_km"),
            }
        )
    return rows


@login_required
@require_GET
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    """ "Wanneer kan ik aansluiten?": what one run says about one plan (404 when the plan is not visible);
    a read by another organisation is logged."""
    actor = _user(request)
    result = plan_result_get(actor=actor, result_id=result_id)
    log_result_reads(actor=actor, results=[result], channel=CHANNEL_WEB)
    latest = plan_result_latest(actor=actor, plan_id=result.plan_id)
    carriers = _carrier_rows(result)
    requested, firm = result.requested_mw, result.firm_mw
    horizon = int(result.run.parameters.get("horizon_year", 2050))
    deadline = int(result.run.parameters.get("deadline_year", 2030))
    own = own_company_ids(actor)
    context = {
        "result": result,
        "version": result.plan_version,
        "location": result.plan.location,
        "class_help": CLASS_HELP.get(Feasibility(result.feasibility), ""),
        "carriers": carriers,
        "flexible_mw": (requested - firm)
        if requested is not None and firm is not None and firm < requested
        else None,
        "binding_label": dict(Binding.choices).get(result.binding, "") if result.binding else "",
        "requirement_label": (
            _("netaansluiting")
            if result.binding_requirement == "grid"
            else str(CARRIER_LABELS.get(result.binding_requirement, result.binding_requirement)).lower()
        ),
        "chart": _timeline_chart(result, carriers, horizon=horizon, deadline=deadline),
        "newer": latest if latest is not None and latest.pk != result.pk else None,
        "horizon": horizon,
        "deadline": deadline,
        "is_own": result.organisation_id in own or result.plan.location.operator_id in own,
        "can_view_run": can_view_aggregates(actor),
        "freshness": refresh_state(),
    }
    return render(request, "analysis/result_detail.html", context)


@login_required
@require_GET
def company_page(request: HttpRequest) -> HttpResponse:
    """A company's own plans in the latest baseline run, each with its answer."""
    actor = _user(request)
    if not own_company_ids(actor):
        if can_view_aggregates(actor):
            return redirect("analysis:results")
        raise PermissionDenied
    order = {cls.value: i for i, cls in enumerate(CLASS_ORDER)}
    results = sorted(
        plan_results_for_company(actor=actor),
        key=lambda r: (order.get(r.feasibility, len(order)), r.planned_year, r.pk),
    )
    log_result_reads(actor=actor, results=results, channel=CHANNEL_WEB)
    context = {
        "results": results,
        "has_run": bool(results) or latest_baseline_id() is not None,
        "run": results[0].run if results else None,
        "freshness": refresh_state(),
        "horizon": int(results[0].run.parameters.get("horizon_year", 2050)) if results else 2050,
    }
    return render(request, "analysis/company.html", context)


# ----------------------------------------------------------------------------------------- scenarios


def _scenario_options(actor: User) -> ScenarioOptions:
    """The editor's projects in a public order (kind, name, code): the ranking's order would tell the
    gain of projects whose figures are suppressed."""
    run = run_latest(actor=actor)
    areas = list(grid_area_list(actor=actor).values_list("code", "name"))
    projects = sorted(
        run.unlock_ranking if run is not None else [],
        key=lambda e: (str(e["kind"]), str(e["name"]), str(e["code"])),
    )
    return ScenarioOptions(projects, areas)


@aggregate_page
@require_GET
def scenario_list_view(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    archived = request.GET.get("gearchiveerd") == "1"
    scenarios = list(scenario_list(actor=actor, archived=archived))
    runs = scenario_latest_runs(actor=actor, scenarios=scenarios)
    baseline_reasons: dict[Any, str] = {}  # the baselines the runs share, checked once
    rows = [
        {
            "scenario": s,
            "run": runs.get(s.pk),
            "comparison": scenario_comparison(run, actor=actor, baseline_reasons=baseline_reasons)
            if (run := runs.get(s.pk))
            else None,
            "can_edit": scenario_can(actor=actor, scenario=s, action=Action.EDIT),
        }
        for s in scenarios
    ]
    return render(request, "analysis/scenario_list.html", {"rows": rows, "archived": archived})


def _editor_page(
    request: HttpRequest, editor: ScenarioEditor, scenario: Scenario | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "analysis/scenario_form.html", {"editor": editor, "scenario": scenario}, status=status
    )


def _save_scenario(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    actor = _user(request)
    options = _scenario_options(actor)
    if request.method != "POST":
        prefill = {"project": request.GET.get("project"), "years": request.GET.get("jaren")}
        return _editor_page(
            request, ScenarioEditor(options=options, scenario=scenario, prefill=prefill), scenario
        )
    editor = ScenarioEditor(request.POST, options=options)
    if editor.is_valid():
        try:
            if scenario is None:
                saved = scenario_create(actor=actor, values=editor.values())
            else:
                saved = scenario_update(scenario=scenario, actor=actor, values=editor.values())
        except ValidationError as exc:
            editor.add_errors(exc.messages)
        else:
            messages.success(request, _("Scenario ‘%(name)s’ is opgeslagen.") % {"name": saved.name})
            return redirect("analysis:scenario_detail", pk=saved.pk)
    return _editor_page(request, editor, scenario, status=400)


@aggregate_page
@require_http_methods(["GET", "POST"])
def scenario_create_view(request: HttpRequest) -> HttpResponse:
    return _save_scenario(request, None)


@aggregate_page
@require_http_methods(["GET", "POST"])
def scenario_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get(actor=_user(request), scenario_id=pk, action=Action.EDIT)
    return _save_scenario(request, scenario)


@aggregate_page
@require_POST
def scenario_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    scenario = scenario_get(actor=actor, scenario_id=pk, action=Action.EDIT)
    scenario_archive(scenario=scenario, actor=actor)
    messages.success(request, _("Scenario ‘%(name)s’ is gearchiveerd.") % {"name": scenario.name})
    return redirect("analysis:scenarios")


def _counts_chart(comparison: Mapping[str, Any]) -> str:
    import plotly.graph_objects as go

    before, after = comparison.get("counts_baseline") or {}, comparison.get("counts_scenario") or {}
    labels = [str(c.label) for c in CLASSES]
    fig = go.Figure(
        [
            go.Bar(
                name=_("Basis"), x=labels, y=[before.get(c.value, 0) for c in CLASSES], marker_color="#8fcae7"
            ),
            go.Bar(
                name=_("Scenario"),
                x=labels,
                y=[after.get(c.value, 0) for c in CLASSES],
                marker_color="#154273",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        separators=",." if _dutch() else ".,",
        height=300,
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font=PLOT_FONT,
        yaxis={"title": {"text": _("Aantal plannen")}, "gridcolor": "#e6e6e6", "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.12, "x": 0},
    )
    return _figure_html(fig, "counts-chart")


def _overrides(scenario: Scenario, ranking: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What the scenario changes, as (what, how) lines for the page."""
    names = {str(e["code"]): ScenarioOptions.label(e) for e in ranking}

    def shift(years: int) -> str:
        n = abs(int(years))
        if years < 0:
            return _("%(n)s jaar eerder") % {"n": n}
        return _("%(n)s jaar later") % {"n": n}

    lines: list[tuple[str, str]] = []
    for code, years in (scenario.reinforcement_shifts or {}).items():
        lines.append((names.get(code, code), shift(years)))
    for code, years in (scenario.congestion_end_shifts or {}).items():
        label = names.get(f"{CONGESTION_END_PREFIX}{code}", _("Einde congestie %(code)s") % {"code": code})
        lines.append((label, shift(years)))
    for code, years in (scenario.rollout_shifts or {}).items():
        lines.append((names.get(code, code), shift(years)))
    for x in scenario.extra_capacity or []:
        lines.append(
            (
                _("Extra capaciteit in %(area)s") % {"area": x.get("area_id", "")},
                _("%(mw)s MW vanaf %(year)s (%(certainty)s)")
                % {
                    "mw": number_format(x.get("mw", 0), decimal_pos=1),
                    "year": x.get("year"),
                    "certainty": {"firm": _("vast"), "planned": _("gepland"), "uncertain": _("onzeker")}.get(
                        str(x.get("certainty")), x.get("certainty")
                    ),
                },
            )
        )
    if scenario.flexible_share is not None:
        lines.append(
            (
                _("Niet-vast deel bij een flexibel contract"),
                f"{number_format(round(scenario.flexible_share * 100, 2), decimal_pos=0)}%",
            )
        )
    if scenario.all_plans_flexible:
        lines.append((_("Alle plannen"), _("accepteren een flexibel contract")))
    return lines


def _class_changes_rows(comparison: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Plans per class, baseline and scenario; "–" where the disclosure rule blanked the counts."""
    before, after = comparison.get("counts_baseline"), comparison.get("counts_scenario")
    rows = []
    for c in CLASSES:
        b = int(before.get(c.value, 0)) if before is not None else None
        a = int(after.get(c.value, 0)) if after is not None else None
        rows.append(
            {
                "label": str(c.label),
                "colour": FEASIBILITY_COLOURS[c],
                "before": "–" if b is None else b,
                "after": "–" if a is None else a,
                "delta": None if a is None or b is None else a - b,
            }
        )
    return rows


@aggregate_page
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A scenario compared with the baseline: its latest run, or ‘Doorrekenen’ (POST) to run it now."""
    actor = _user(request)
    scenario = scenario_get(actor=actor, scenario_id=pk)
    if request.method == "POST":
        try:
            done = analysis_run(actor=actor, scenario=scenario)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Het scenario is doorgerekend (run %(id)s).") % {"id": done.pk})
        return redirect("analysis:scenario_detail", pk=scenario.pk)
    runs = list(scenario_runs(actor=actor, scenario=scenario)[:10])
    run = runs[0] if runs else None
    shown: list[dict[str, Any]] = []
    total_changes = 0
    # the comparison as the disclosure rule lets this viewer see it (no difference resting on too few
    # companies, or on one dominant company, that it may not read)
    comparison = (scenario_comparison(run, actor=actor) if run is not None else None) or {}
    if run is not None and not comparison.get("suppression"):
        shown, total_changes = class_changes(actor=actor, run=run)
        log_result_reads(actor=actor, results=[c["result"] for c in shown], channel=CHANNEL_WEB)
    latest = run_latest(actor=actor)
    context = {
        "scenario": scenario,
        "run": run,
        "runs": runs,
        "comparison": comparison,
        "disclosure_min": min_companies(),
        "disclosure_share": round(max_share() * 100),
        "class_rows": _class_changes_rows(comparison),
        "changes": shown,
        "total_changes": total_changes,
        "hidden_changes": total_changes - len(shown),
        "chart": _counts_chart(comparison) if comparison and comparison.get("counts_scenario") else "",
        "stale": run is not None and scenario.updated_at > run.created_at,
        "can_edit": scenario_can(actor=actor, scenario=scenario, action=Action.EDIT),
        "overrides": _overrides(scenario, latest.unlock_ranking if latest else []),
    }
    return render(request, "analysis/scenario_detail.html", context)


# ---------------------------------------------------------------------------------------- unlock page


@aggregate_page
@require_GET
def unlock_page(request: HttpRequest) -> HttpResponse:
    """The latest baseline run's unlock ranking (which projects unlock most if they came N years earlier)
    and the candidate MIEK areas."""
    run = _chosen_run(request)
    form = UnlockFilterForm(request.GET)
    context: dict[str, Any] = {"run": run, "form": form}
    if run is not None:
        kind, carrier = form.values()
        pages = _page(request, unlock_rows(run, kind=kind, carrier=carrier, limit=None))
        certainty = dict(InfraCertainty.choices)
        rows = [
            {
                **e,
                "certainty_label": certainty.get(e.get("certainty") or "", e.get("certainty") or ""),
                "carrier_label": CARRIER_LABELS.get(e.get("carrier") or "", ""),
            }
            for e in pages["page"].object_list
        ]
        context.update(
            {
                **pages,
                "rows": rows,
                "years_earlier": run.parameters.get("unlock_years_earlier", 2),
                "miek": run.shown_miek_candidates,
                "miek_threshold": run.parameters.get("miek_threshold_mw"),
                "exports": _export_links(run),
                "n_gaining": sum(1 for e in run.shown_unlock_ranking if e.get("co2_gained_t")),
                "n_suppressed": sum(1 for e in run.shown_unlock_ranking if e.get("suppression")),
                "disclosure_min": min_companies(),
            }
        )
    return render(request, "analysis/unlock.html", context)
