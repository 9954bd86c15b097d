"""Reads of the infrastructure timeline (service areas, planned projects, congestion zones, carrier rollouts
and their network points), always scoped through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, Value, When

from cluster6.authz.policies import Action, Actor, access, policy_for, visible_to
from cluster6.registry.models import Organisation, Province

from .constants import Carrier, Certainty, CongestionColour, CongestionLayer, OperatorType
from .models import CarrierRollout, CongestionZone, GridProject, GridServiceArea, NetworkPoint
from .timeline import capacity_now, congested, own_level


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
        .select_related("province", "tennet_region")
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


# ------------------------------------------------------------------------- the timeline of one area


@dataclass(frozen=True)
class AreaTimeline:
    """What the analysis reads for one service area: the capacity free now and where it comes from, the
    expected end of congestion of the area's own level and of the TenneT level above it, with their
    certainties, and the planned reinforcements (soonest first)."""

    capacity_now_mw: float | None
    capacity_basis: str
    end_year: int | None
    end_certainty_label: str
    is_tennet: bool
    #: The TenneT area above (`tennet_region`), when the actor may see it.
    tennet_area: GridServiceArea | None
    #: TenneT's expected end of congestion above this area: from the TenneT area above when linked,
    #: otherwise from the area's own TenneT figures ("region", "own"; "" for a TenneT area itself).
    tennet_end_year: int | None
    tennet_end_certainty_label: str
    tennet_end_from: str
    #: Whether the analysis puts a TenneT level above this regional area: the linked TenneT area, or a
    #: level of its own when the area reports TenneT congestion (a status or an expected end year).
    has_tennet_level: bool
    #: For a TenneT area: how many visible regional areas hang below it.
    regional_area_count: int
    projects: list[GridProject]


def _tennet_area_above(actor: Actor, area: GridServiceArea) -> GridServiceArea | None:
    """The TenneT area a regional area hangs below (`tennet_region`), when it is one and the actor may see
    it."""
    above = area.tennet_region
    if above is None or above.operator_type != OperatorType.TENNET:
        return None
    return above if policy_for(GridServiceArea).can(actor, above, Action.VIEW) else None


def area_timeline(*, actor: Actor, area: GridServiceArea) -> AreaTimeline:
    """The timeline of an area from `grid_area_get` (which fetches its projects and the TenneT area
    above)."""
    end, _statuses, certainty = own_level(area)
    capacity_mw, basis = capacity_now(area)
    is_tennet = area.operator_type == OperatorType.TENNET
    tennet_area: GridServiceArea | None = None
    tennet_end: int | None = None
    tennet_certainty = ""
    tennet_from = ""
    has_level = False
    regional = 0
    if is_tennet:
        regional = visible_to(actor, GridServiceArea.objects.filter(tennet_region=area)).count()
    elif (tennet_area := _tennet_area_above(actor, area)) is not None:
        tennet_end, _s, tennet_certainty = own_level(tennet_area)
        tennet_from = "region"
        has_level = True
    else:
        tennet_end = area.congestion_end_withdrawal_tennet
        tennet_certainty = area.tennet_congestion_end_certainty
        tennet_from = "own"
        has_level = tennet_end is not None or congested((area.tennet_status_withdrawal,))
    return AreaTimeline(
        capacity_now_mw=capacity_mw,
        capacity_basis=basis,
        end_year=end,
        end_certainty_label=str(Certainty(certainty).label),
        is_tennet=is_tennet,
        tennet_area=tennet_area,
        tennet_end_year=tennet_end,
        tennet_end_certainty_label=str(Certainty(tennet_certainty).label) if tennet_certainty else "",
        tennet_end_from=tennet_from,
        has_tennet_level=has_level,
        regional_area_count=regional,
        projects=list(area.projects.all()),
    )


# ------------------------------------------------------------------------------- carrier rollouts

#: Carriers in the order of the pages (hydrogen, CO2, green gas, heat).
CARRIER_ORDER = Case(
    *(When(carrier=value, then=Value(i)) for i, value in enumerate(Carrier.values)),
    default=Value(len(Carrier.values)),
)


@dataclass(frozen=True)
class RolloutFilters:
    carrier: str = ""
    #: Province code (PV25): the rollouts whose region holds the province, its own and the national ones
    #: (a national rollout applies in every province, as in the analysis).
    province: str = ""
    certainty: str = ""


def _rollouts(actor: Actor) -> models.QuerySet[CarrierRollout]:
    points = visible_to(actor, NetworkPoint.objects.order_by("code", "pk"))
    return (
        visible_to(actor, CarrierRollout.objects.all())
        .select_related("province")
        .prefetch_related(Prefetch("points", queryset=points))
    )


def rollout_list(*, actor: Actor, filters: RolloutFilters | None = None) -> models.QuerySet[CarrierRollout]:
    """The carrier rollouts `actor` may see, filtered, by carrier (hydrogen, CO2, green gas, heat), year and
    code, each with its network points."""
    f = filters or RolloutFilters()
    qs = _rollouts(actor)
    if f.carrier:
        qs = qs.filter(carrier=f.carrier)
    if f.province:
        qs = qs.filter(Q(province__code=f.province) | Q(province__isnull=True))
    if f.certainty:
        qs = qs.filter(certainty=f.certainty)
    return qs.order_by(CARRIER_ORDER, "year", "code", "pk")


def rollout_get(*, actor: Actor, rollout_id: object) -> CarrierRollout:
    """One carrier rollout with its network points, or 404 when the actor may not see it."""
    return access(actor, _rollouts(actor), rollout_id, Action.VIEW)


def rollout_provinces(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of every province (public reference data), for the rollout filter; none for anonymous."""
    if not actor.is_authenticated or not actor.is_active:
        return []
    return list(Province.objects.order_by("name").values_list("code", "name"))


def rollout_features(
    *, actor: Actor, filters: RolloutFilters | None = None, rollout_id: int | None = None
) -> dict[str, Any]:
    """The network points of the visible rollouts (filtered, or of one rollout) as a GeoJSON
    FeatureCollection of points, each with its rollout's code, name, carrier, year, certainty and mode."""
    rollouts = rollout_list(actor=actor, filters=filters)
    if rollout_id is not None:
        rollouts = rollouts.filter(pk=rollout_id)
    features = []
    for rollout in rollouts:
        for point in rollout.points.all():
            features.append(
                {
                    "type": "Feature",
                    "id": point.pk,
                    "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                    "properties": {
                        "code": point.code,
                        "name": point.name or point.code,
                        "rollout_id": rollout.pk,
                        "rollout_code": rollout.code,
                        "rollout_name": rollout.name,
                        "carrier": rollout.carrier,
                        "carrier_label": str(rollout.get_carrier_display()),
                        "year": rollout.year,
                        "certainty": rollout.certainty,
                        "certainty_label": str(rollout.get_certainty_display()),
                        "mode": rollout.mode,
                        "mode_label": str(rollout.get_mode_display()),
                        "open_access": rollout.open_access,
                        "province": rollout.province.name if rollout.province else None,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
