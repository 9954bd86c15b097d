"""Reads of the capacity map for the web pages, scoped through the policy layer.

Service areas and grid projects are public capacity-map data (PublicInfraPolicy): every signed-in user
sees them. Congestion zones are the same public map data and follow that same policy.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from cluster6.authz.policies import Actor, visible_to

from .constants import CongestionLayer
from .models import CongestionZone, GridServiceArea
from .selectors import GridAreaFilters, grid_area_list

#: Sort keys of the service-area list.
AREA_SORT_KEYS = ("name", "queue", "capacity", "end_year", "projects")


def service_area_list(
    *, actor: Actor, filters: GridAreaFilters | None = None, key: str = "name", descending: bool = False
) -> models.QuerySet[GridServiceArea]:
    """`grid_area_list` (visible, filtered, with `project_count`) ordered by one of AREA_SORT_KEYS."""
    field = {
        "name": "name",
        "queue": "queue_withdrawal_mw",
        "capacity": "existing_capacity_withdrawal_mw",
        "end_year": "congestion_end_withdrawal_rnb",
        "projects": "project_count",
    }.get(key)
    if field is None:
        raise ValueError(f"unknown sort key {key!r}")
    expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return grid_area_list(actor=actor, filters=filters).order_by(expr, "name", "pk")


def service_area_provinces(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the provinces that have visible service areas, for the filter menu."""
    rows = (
        visible_to(actor, GridServiceArea.objects.filter(province__isnull=False))
        .values_list("province__code", "province__name")
        .distinct()
        .order_by("province__name")
    )
    return list(rows)


def _bbox_polygon(area: GridServiceArea) -> dict[str, Any] | None:
    w, s, e, n = area.bbox_west, area.bbox_south, area.bbox_east, area.bbox_north
    if w is None or s is None or e is None or n is None:
        return None
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def area_geometry(area: GridServiceArea) -> tuple[dict[str, Any] | None, bool]:
    """The area's geometry, or its bounding box as a rectangle; the flag says whether it is the box."""
    geometry = area.geometry
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if isinstance(geometry, dict) and "coordinates" in geometry:
        return geometry, False
    return _bbox_polygon(area), True


def service_area_features(*, actor: Actor) -> dict[str, Any]:
    """The visible service areas as a GeoJSON FeatureCollection (geometry, else the bounding box)."""
    features = []
    for area in service_area_list(actor=actor):
        geometry, is_bbox = area_geometry(area)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": area.pk,
                "geometry": geometry,
                "properties": {
                    "id": area.pk,
                    "code": area.code,
                    "name": area.name,
                    "operators": area.operator_names,
                    "status": area.status_withdrawal,
                    "status_label": str(area.get_status_withdrawal_display() or ""),
                    "tennet_status": area.tennet_status_withdrawal,
                    "queue_mw": area.queue_withdrawal_mw,
                    "queue_requests": area.queue_requests_withdrawal,
                    "capacity_mw": area.existing_capacity_withdrawal_mw,
                    "end_year": area.congestion_end_withdrawal_rnb,
                    "end_year_tennet": area.congestion_end_withdrawal_tennet,
                    "projects": area.project_count,  # type: ignore[attr-defined]
                    "is_bbox": is_bbox,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def congestion_zone_features(*, actor: Actor, layer: str = CongestionLayer.RNB_WITHDRAWAL) -> dict[str, Any]:
    """The congestion-status polygons of one capacity-map layer as a GeoJSON FeatureCollection."""
    qs = visible_to(actor, CongestionZone.objects.filter(layer=layer))
    features = []
    for zone_id, colour, operator_name, geometry in qs.values_list(
        "pk", "colour", "operator_name", "geometry"
    ).order_by("pk"):
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if not isinstance(geometry, dict):
            continue
        features.append(
            {
                "type": "Feature",
                "id": zone_id,
                "geometry": geometry,
                "properties": {"colour": colour, "operator": operator_name},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def service_area_locations(*, actor: Actor, area: GridServiceArea) -> models.QuerySet[Any]:
    """The production locations in an area that the actor may see, with their latest emissions."""
    from cluster6.registry.selectors import location_list

    return location_list(actor=actor).filter(grid_service_area=area).order_by("name", "pk")
