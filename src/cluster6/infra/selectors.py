"""Reads of the grid data (service areas and planned projects), always scoped through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, Value, When

from cluster6.authz.policies import Action, Actor, access, visible_to
from cluster6.registry.models import Organisation

from .constants import CongestionColour, CongestionLayer
from .models import CongestionZone, GridProject, GridServiceArea


def congestion_q() -> Q:
    """A service area is congested when it has a waiting list (withdrawal or injection, in MW) or a
    shortage status (colour 3) for withdrawal or injection, on the regional grid or at TenneT."""
    return (
        Q(queue_withdrawal_mw__gt=0)
        | Q(queue_injection_mw__gt=0)
        | Q(status_withdrawal=CongestionColour.SHORTAGE)
        | Q(status_injection=CongestionColour.SHORTAGE)
        | Q(tennet_status_withdrawal=CongestionColour.SHORTAGE)
        | Q(tennet_status_injection=CongestionColour.SHORTAGE)
    )


@dataclass(frozen=True)
class GridAreaFilters:
    q: str = ""
    operator_type: str = ""
    province: str = ""  # province code, e.g. PV25
    operator: int | None = None  # organisation id of a grid operator
    congested: bool | None = None


def _projects(actor: Actor) -> models.QuerySet[GridProject]:
    return visible_to(actor, GridProject.objects.all()).order_by(
        F("completion_year").asc(nulls_last=True), "name", "pk"
    )


def _areas(actor: Actor) -> models.QuerySet[GridServiceArea]:
    """The visible areas with their province, visible operators, `is_congested` and `project_count`."""
    return (
        visible_to(actor, GridServiceArea.objects.all())
        .select_related("province")
        .prefetch_related(
            Prefetch("operators", queryset=visible_to(actor, Organisation.objects.order_by("name", "pk")))
        )
        .annotate(
            is_congested=Case(When(congestion_q(), then=Value(True)), default=Value(False)),
            project_count=Count("projects", distinct=True),
        )
    )


def grid_area_list(
    *, actor: Actor, filters: GridAreaFilters | None = None
) -> models.QuerySet[GridServiceArea]:
    """The service areas `actor` may see, filtered, by name."""
    f = filters or GridAreaFilters()
    qs = _areas(actor)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__iexact=f.q) | Q(operator_names__icontains=f.q))
    if f.operator_type:
        qs = qs.filter(operator_type=f.operator_type)
    if f.province:
        qs = qs.filter(province__code=f.province)
    if f.operator is not None:
        qs = qs.filter(pk__in=GridServiceArea.objects.filter(operators=f.operator).values("pk"))
    if f.congested is not None:
        qs = qs.filter(congestion_q()) if f.congested else qs.exclude(congestion_q())
    return qs.order_by("name", "pk")


def grid_area_get(*, actor: Actor, area_id: object) -> GridServiceArea:
    """One service area with its planned projects (soonest first), or 404 when the actor may not see it."""
    qs = _areas(actor).prefetch_related(Prefetch("projects", queryset=_projects(actor)))
    return access(actor, qs, area_id, Action.VIEW)


@dataclass(frozen=True)
class GridProjectFilters:
    area: int | None = None
    operator_type: str = ""
    phase: str = ""
    completion_year_min: int | None = None
    completion_year_max: int | None = None


def grid_project_list(
    *, actor: Actor, filters: GridProjectFilters | None = None
) -> models.QuerySet[GridProject]:
    """The planned grid projects `actor` may see, filtered, soonest first."""
    f = filters or GridProjectFilters()
    qs = _projects(actor).select_related("area")
    if f.area is not None:
        qs = qs.filter(area_id=f.area)
    if f.operator_type:
        qs = qs.filter(operator_type=f.operator_type)
    if f.phase:
        qs = qs.filter(phase=f.phase)
    if f.completion_year_min is not None:
        qs = qs.filter(completion_year__gte=f.completion_year_min)
    if f.completion_year_max is not None:
        qs = qs.filter(completion_year__lte=f.completion_year_max)
    return qs


def grid_project_get(*, actor: Actor, project_id: object) -> GridProject:
    """One planned grid project, or 404 when the actor may not see it."""
    return access(actor, GridProject.objects.select_related("area"), project_id, Action.VIEW)


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
