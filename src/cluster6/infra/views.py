"""Pages of the infrastructure timeline: the service areas of the capacity map, one area with its timeline
and projects, the carrier rollouts (hydrogen, CO2, green gas, heat) with their network points, and the
GeoJSON layers of the maps."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from .constants import Carrier, CongestionLayer
from .forms import AreaFilterForm, RolloutFilterForm
from .models import CarrierRollout
from .selectors import (
    area_geometry,
    area_timeline,
    congestion_zone_features,
    grid_area_get,
    rollout_features,
    rollout_get,
    rollout_list,
    rollout_provinces,
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
    timeline = area_timeline(actor=request.user, area=area)
    context = {
        "area": area,
        "timeline": timeline,
        "projects": timeline.projects,
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


# ------------------------------------------------------------------------------- carrier rollouts

#: Colours of the carriers on the rollout map and in its legend.
CARRIER_COLOURS = {
    Carrier.HYDROGEN: "#007bc7",
    Carrier.CO2: "#42145f",
    Carrier.GREEN_GAS: "#39870c",
    Carrier.HEAT: "#d52b1e",
}


def source_links(text: str) -> list[dict[str, str]]:
    """The web addresses in a source-URL field (several are separated by `;` or spaces), http(s) only,
    each with its host name as the label."""
    links = []
    for part in text.replace(";", " ").split():
        parts = urlsplit(part)
        if parts.scheme in ("http", "https") and parts.netloc:
            links.append({"url": part, "label": parts.netloc.removeprefix("www.")})
    return links


def _rows(rollouts: list[CarrierRollout]) -> list[dict[str, Any]]:
    return [{"rollout": r, "links": source_links(r.source_url)} for r in rollouts]


def _map_config(features_url: str, province_code: str | None) -> dict[str, Any]:
    return {
        "featuresUrl": features_url,
        "provincesUrl": reverse("map_provinces"),
        "provinceCode": province_code,
        "detailUrl": reverse("infra:rollout_detail", args=[0]),
        "carrierColours": {str(k): v for k, v in CARRIER_COLOURS.items()},
        "carrierLabels": {str(k): str(v) for k, v in Carrier.choices},
    }


def _map_text() -> dict[str, str]:
    return {
        "year": str(_("Vanaf")),
        "certainty": str(_("Zekerheid")),
        "mode": str(_("Wijze")),
        "region": str(_("Regio")),
        "national": str(_("landelijk")),
        "closed": str(_("capaciteit vergeven: telt niet mee in de analyse")),
        "open": str(_("Bekijk de uitrolfase")),
        "countOne": str(_("%s netwerkpunt")),
        "countMany": str(_("%s netwerkpunten")),
        "none": str(_("Geen netwerkpunten bij deze filters.")),
        "loadError": str(_("De kaart kon niet worden geladen.")),
    }


@login_required
@require_GET
def rollout_list_page(request: HtmxHttpRequest) -> HttpResponse:
    """The rollouts of hydrogen, CO2, green gas and heat by carrier, filtered, with a map of their network
    points: the carrier timeline of the analysis."""
    form = RolloutFilterForm(request.GET, provinces=rollout_provinces(actor=request.user))
    filters = form.filters()
    rollouts = list(rollout_list(actor=request.user, filters=filters))
    groups = []
    for value, label in Carrier.choices:
        rows = [r for r in rollouts if r.carrier == value]
        if rows:
            groups.append(
                {
                    "carrier": value,
                    "label": label,
                    "colour": CARRIER_COLOURS[Carrier(value)],
                    "rows": _rows(rows),
                }
            )
    query = request.GET.urlencode()
    features_url = reverse("infra:rollout_features") + (f"?{query}" if query else "")
    context = {
        "form": form,
        "groups": groups,
        "count": len(rollouts),
        "carrier_colours": [(label, CARRIER_COLOURS[Carrier(value)]) for value, label in Carrier.choices],
        "map_config": _map_config(features_url, filters.province or None),
        "map_text": _map_text(),
    }
    return render(request, "infra/rollout_list.html", context)


@login_required
@require_GET
def rollout_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    rollout = rollout_get(actor=request.user, rollout_id=pk)
    features_url = reverse("infra:rollout_features") + f"?uitrolfase={rollout.pk}"
    context = {
        "rollout": rollout,
        "points": list(rollout.points.all()),
        "links": source_links(rollout.source_url),
        "colour": CARRIER_COLOURS[Carrier(rollout.carrier)],
        "map_config": _map_config(features_url, rollout.province.code if rollout.province else None),
        "map_text": _map_text(),
    }
    return render(request, "infra/rollout_detail.html", context)


@login_required
@require_GET
def rollout_points(request: HtmxHttpRequest) -> JsonResponse:
    """GeoJSON of the network points of the visible rollouts, with the page's filters (drager, provincie,
    zekerheid) or of one rollout (uitrolfase=<id>)."""
    form = RolloutFilterForm(request.GET)
    rollout_id = request.GET.get("uitrolfase", "")
    if rollout_id and not (rollout_id.isdecimal() and len(rollout_id) <= 18):
        return JsonResponse({"error": str(_("ongeldige uitrolfase"))}, status=400)
    return JsonResponse(
        rollout_features(
            actor=request.user, filters=form.filters(), rollout_id=int(rollout_id) if rollout_id else None
        )
    )
