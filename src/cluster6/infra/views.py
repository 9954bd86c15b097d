"""Pages of the grid data: the service areas of the capacity map, one area with its projects, and the
GeoJSON layers of the map."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from .constants import CongestionLayer
from .forms import AreaFilterForm
from .selectors import (
    area_geometry,
    congestion_zone_features,
    grid_area_get,
    service_area_features,
    service_area_list,
    service_area_locations,
    service_area_provinces,
)

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


#: Colours of the capacity map's status codes (-1 n.v.t., 0 available ... 3 shortage).
STATUS_COLOURS = {"-1": "#b4b4b4", "0": "#39870c", "1": "#f9e11e", "2": "#e17000", "3": "#d52b1e"}


@login_required
@require_GET
def area_list(request: HtmxHttpRequest) -> HttpResponse:
    """The service areas with capacity, queue and expected end of congestion; htmx gets the table."""
    partial = bool(request.htmx) and request.htmx.target == "area-results"
    provinces = [] if partial else service_area_provinces(actor=request.user)
    form = AreaFilterForm(request.GET, provinces=provinces)
    key, descending = form.sort()
    areas = service_area_list(actor=request.user, filters=form.filters(), key=key, descending=descending)
    page = Paginator(areas, PAGE_SIZE).get_page(request.GET.get("pagina"))
    template = "infra/area_list.html"
    return render(request, f"{template}#results" if partial else template, {"form": form, "page": page})


@login_required
@require_GET
def area_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    area = grid_area_get(actor=request.user, area_id=pk)
    geometry, is_bbox = area_geometry(area)
    context = {
        "area": area,
        "projects": list(area.projects.all()),
        "locations": service_area_locations(actor=request.user, area=area),
        "map_data": {
            "area": geometry,
            "isBbox": is_bbox,
            "colour": STATUS_COLOURS.get(str(area.status_withdrawal), "#154273"),
            "provincesUrl": reverse("map_provinces"),
            "provinceCode": area.province.code if area.province else None,
        },
    }
    return render(request, "infra/area_detail.html", context)


@login_required
@require_GET
def area_features(request: HtmxHttpRequest) -> JsonResponse:
    """GeoJSON of the visible service areas (their geometry, else the bounding box)."""
    return JsonResponse(service_area_features(actor=request.user))


@login_required
@require_GET
def zone_features(request: HtmxHttpRequest) -> JsonResponse:
    """GeoJSON of the congestion-status polygons of one layer (default: regional grid, withdrawal)."""
    layer = request.GET.get("laag", CongestionLayer.RNB_WITHDRAWAL)
    if layer not in CongestionLayer.values:
        return JsonResponse({"error": "onbekende laag", "layers": list(CongestionLayer.values)}, status=400)
    return JsonResponse(congestion_zone_features(actor=request.user, layer=layer))
