"""Pages of the registry: home, location list, location page with its cluster override, and the map.

Each view parses (a form), calls selectors or one service, and renders; htmx requests get the fragment
(a partial of the same template)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cluster6.authz.policies import Action
from cluster6.core.bbox import limit_of, parse_bbox
from cluster6.core.charts import figure_html
from cluster6.infra.constants import CongestionColour
from cluster6.infra.selectors import area_geometry

from .constants import Cluster, EmissionSource, Sector
from .forms import ClusterOverrideForm, LocationFilterForm
from .models import ProductionLocation
from .selectors import (
    emission_series,
    emission_years,
    location_can,
    location_facets,
    location_features,
    location_get,
    location_list,
    location_list_ordered,
    location_overview,
    province_features,
    scope_review,
)
from .services import location_override_cluster

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


#: Map and legend colours (colour-blind aware where possible; the Rijkshuisstijl palette for clusters).
SECTOR_COLOURS: dict[str, str] = {
    Sector.CERAMICS: "#b2432f",
    Sector.GLASS: "#3fa9c9",
    Sector.CHEMICALS: "#7b3f98",
    Sector.FOOD: "#e69f00",
    Sector.BASIC_METAL: "#555555",
    Sector.PAPER: "#8b6d3f",
    Sector.WASTE: "#2e7d32",
    Sector.BUILDING_MATERIALS: "#b59b2a",
    Sector.OIL_GAS: "#1f3d7a",
    Sector.ICT: "#d6336c",
    Sector.OTHER_INDUSTRY: "#009e73",
    Sector.ENERGY: "#a90061",
    Sector.NON_INDUSTRIAL: "#9e9e9e",
}
CLUSTER_COLOURS: dict[int, str] = {
    Cluster.NOORD_NEDERLAND: "#39870c",
    Cluster.NOORDZEEKANAALGEBIED: "#42145f",
    Cluster.ROTTERDAM_MOERDIJK: "#ca005d",
    Cluster.ZEELAND: "#007bc7",
    Cluster.CHEMELOT: "#e17000",
    Cluster.CLUSTER6: "#154273",
}


def _filter_form(request: HtmxHttpRequest, *, menus: bool = True) -> LocationFilterForm:
    """The location filters from the query string; `menus` adds the facet counts for the filter menus."""
    actor = request.user
    years = emission_years(actor=actor)
    if not menus:
        return LocationFilterForm(request.GET, years=years)
    facets = location_facets(actor=actor)
    return LocationFilterForm(
        request.GET, years=years, sector_counts=facets.sectors, provinces=facets.provinces
    )


def _sort_columns(current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the sort value its header link sets and its aria-sort state."""
    columns: dict[str, dict[str, str]] = {}
    for key in ("naam", "sector", "provincie", "uitstoot"):
        if current == key:
            columns[key] = {"next": f"-{key}", "state": "ascending"}
        elif current == f"-{key}":
            columns[key] = {"next": key, "state": "descending"}
        else:  # emissions sort high to low first, the others A to Z
            columns[key] = {"next": f"-{key}" if key == "uitstoot" else key, "state": "none"}
    return columns


@login_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "registry/home.html", {"overview": location_overview(actor=request.user)})


@login_required
@require_GET
def scope_page(request: HtmxHttpRequest) -> HttpResponse:
    """Afbakening cluster 6: the figure, what each scope rule decided and the borderline sites with the
    rule (or manual cluster) that decided each. For the programme roles only (403 for the others)."""
    return render(request, "registry/scope.html", {"review": scope_review(actor=request.user)})


@login_required
@require_GET
def location_list_view(request: HtmxHttpRequest) -> HttpResponse:
    """The location list: search, filters, sorting and pages; htmx gets the results fragment only."""
    partial = bool(request.htmx) and request.htmx.target == "location-results"
    form = _filter_form(request, menus=not partial)
    key, descending = form.sort()
    locations = location_list_ordered(
        location_list(actor=request.user, filters=form.filters()), key=key, descending=descending
    )
    page = Paginator(locations, PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "sector_colours": SECTOR_COLOURS,
        "sort_columns": _sort_columns(form.sort_value),
    }
    template = "registry/location_list.html"
    return render(request, f"{template}#results" if partial else template, context)


def _emission_chart(series: list[tuple[int, int, str, bool]]) -> str:
    """The emissions per year as a Plotly bar chart (HTML fragment; plotly.js is loaded by the page)."""
    if not series:
        return ""
    import plotly.graph_objects as go

    years = [row[0] for row in series]
    values = [row[1] for row in series]
    source_labels = {value: str(label) for value, label in EmissionSource.choices}
    hover = [
        f"{source_labels.get(source, source)}{'' if verified else ' – ' + _('niet geverifieerd')}"
        for _year, _t, source, verified in series
    ]
    colours = ["#154273" if verified else "#8fcae7" for *_rest, verified in series]
    unit = _("t CO₂-eq")
    fig = go.Figure(
        go.Bar(
            x=years,
            y=values,
            marker_color=colours,
            customdata=hover,
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {unit}<br>%{{customdata}}<extra></extra>",
        )
    )
    dutch = (get_language() or "nl").startswith("nl")
    fig.update_layout(
        separators=",." if dutch else ".,",
        height=320,
        margin={"l": 70, "r": 16, "t": 16, "b": 40},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 13},
        xaxis={"dtick": 1, "title": {"text": _("Jaar")}, "showgrid": False},
        yaxis={"title": {"text": unit}, "gridcolor": "#e6e6e6", "rangemode": "tozero", "tickformat": ",.0f"},
        bargap=0.25,
    )
    return figure_html(fig, "emission-chart")


def _detail_context(
    request: HttpRequest, location: ProductionLocation, form: ClusterOverrideForm | None = None
) -> dict[str, Any]:
    series = emission_series(location=location)
    can_override = location_can(actor=request.user, location=location, action=Action.OVERRIDE_CLUSTER)
    if can_override and form is None:
        form = ClusterOverrideForm(
            initial={"cluster": location.cluster_override, "reason": location.cluster_override_reason}
        )
    area = location.grid_service_area
    area_shape = area_geometry(area)[0] if area is not None else None
    map_data = {
        "point": (
            [location.latitude, location.longitude]
            if location.latitude is not None and location.longitude is not None
            else None
        ),
        "name": location.name,
        "colour": SECTOR_COLOURS.get(location.sector, "#154273"),
        "provincesUrl": reverse("map_provinces"),
        "provinceCode": location.province.code if location.province else None,
        "area": area_shape,
    }
    source_labels = dict(EmissionSource.choices)
    return {
        "location": location,
        "series": [
            {"year": y, "tco2e": t, "source": source_labels.get(s, s), "verified": v} for y, t, s, v in series
        ],
        "chart": _emission_chart(series),
        "can_override": can_override,
        "override_form": form if can_override else None,
        "map_data": map_data,
        "sector_colour": SECTOR_COLOURS.get(location.sector, "#154273"),
    }


@login_required
@require_GET
def location_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    location = location_get(actor=request.user, location_id=pk)
    return render(request, "registry/location_detail.html", _detail_context(request, location))


@login_required
@require_POST
def location_cluster_override(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Set or clear the manual cluster (404 when invisible, 403 without the right)."""
    location = location_get(actor=request.user, location_id=pk, action=Action.OVERRIDE_CLUSTER)
    form = ClusterOverrideForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            location_override_cluster(
                location=location,
                cluster=form.cleaned_data["cluster"],
                reason=form.cleaned_data["reason"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except (ValidationError, ValueError) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [_("Ongeldige cluster.")]
            form.add_error(None, errors)
        else:
            saved = True
    if saved:
        try:
            location = location_get(actor=request.user, location_id=pk)
        except Http404:
            # Moved out of what the actor may see (Stichting Cluster 6 sees cluster 6 only).
            messages.success(
                request,
                _("De clusterindeling van %(name)s is opgeslagen; de locatie valt nu buiten uw overzicht.")
                % {"name": location.name},
            )
            if request.htmx:
                return HttpResponseClientRedirect(reverse("location_list"))
            return redirect("location_list")
        if not request.htmx:
            messages.success(request, _("De clusterindeling is opgeslagen."))
            return redirect("location_detail", pk=location.pk)
        context = _detail_context(request, location)
        context["saved"] = True
        return render(request, "registry/location_detail.html#cluster", context)
    context = _detail_context(request, location, form)
    if request.htmx:
        return render(request, "registry/location_detail.html#cluster", context)
    return render(request, "registry/location_detail.html", context, status=400)


@login_required
@require_GET
def map_page(request: HtmxHttpRequest) -> HttpResponse:
    """The map of the visible locations; the layers come from the JSON endpoints below."""
    form = _filter_form(request)
    form.is_valid()
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    config = {
        "locationsUrl": reverse("map_locations") + suffix,
        "provincesUrl": reverse("map_provinces"),
        "areasUrl": reverse("infra:area_features"),
        "zonesUrl": reverse("infra:zone_features"),
        "detailUrl": reverse("location_detail", args=[0]),
        "areaUrl": reverse("infra:area_detail", args=[0]),
        "sectorColours": SECTOR_COLOURS,
        "sectorLabels": {value: str(label) for value, label in Sector.choices},
        "clusterColours": {str(k): v for k, v in CLUSTER_COLOURS.items()},
        "clusterLabels": {str(value): str(label) for value, label in Cluster.choices},
        "language": get_language() or "nl",
    }
    return render(
        request,
        "registry/map.html",
        {"form": form, "map_config": config, "map_text": _map_text(form.year), "query": query},
    )


def _map_text(year: int | None) -> dict[str, Any]:
    """The map's texts for the browser, in the current language."""
    return {
        "countOne": _("%s locatie op de kaart"),
        "countMany": _("%s locaties op de kaart"),
        "truncated": _("(%s in totaal: zoom in om ze alle te zien)"),
        "sector": _("Sector"),
        "cluster": _("Cluster"),
        "province": _("Provincie"),
        "emission": _("Uitstoot %(year)s") % {"year": year} if year else _("Uitstoot"),
        "unit": _("t CO₂-eq"),
        "open": _("Open de locatiepagina"),
        "openArea": _("Open het voedingsgebied"),
        "sizeNote": _("De grootte van een stip volgt de uitstoot."),
        "areas": _("Voedingsgebieden (afname)"),
        "status": _("Status afname"),
        "queue": _("Wachtrij afname"),
        "requests": _("aanvragen"),
        "endYear": _("Verwacht einde congestie"),
        "projects": _("Netprojecten"),
        "bbox": _("Getoond als omhullend kader: de bron geeft geen gebiedsgrens."),
        "zonesNote": _("Congestiegebieden: vlakken van de capaciteitskaart (regionaal net, afname)."),
        "loadError": _("Een kaartlaag kon niet worden geladen."),
        "statusLabels": {str(value): str(label) for value, label in CongestionColour.choices},
    }


@login_required
@require_GET
def map_locations(request: HtmxHttpRequest) -> JsonResponse:
    """GeoJSON points of the visible locations, with the same filters as the list (query string)."""
    form = _filter_form(request, menus=False)
    return JsonResponse(
        location_features(
            actor=request.user,
            filters=form.filters(),
            bbox=parse_bbox(request.GET.get("bbox")),
            limit=limit_of(request.GET.get("limit")),
        )
    )


@login_required
@require_GET
def map_provinces(request: HtmxHttpRequest) -> JsonResponse:
    """GeoJSON of the province boundaries, the background of the maps."""
    return JsonResponse(province_features(actor=request.user))
