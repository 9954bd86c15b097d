"""Reads of the infrastructure timeline (service areas, planned projects, congestion zones, carrier rollouts
and their network points), always scoped through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, Value, When

from cluster6.authz.policies import Action, Actor, access, visible_to
from cluster6.registry.models import Organisation, Province

from .constants import Carrier, Certainty, CongestionColour, CongestionLayer, OperatorType
from .models import CarrierRollout, CongestionZone, GridProject, GridServiceArea, NetworkPoint


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

#: From this congestion status on (investigation, shortage) an area has no capacity free now; the same
#: threshold as `analysis.adapters.CONGESTED` (infra may not import the analysis app).
CONGESTED_FROM = CongestionColour.INVESTIGATION

#: Where the capacity free now comes from (`AreaTimeline.capacity_basis`).
CAPACITY_STORED = "stored"  # "beschikbare capaciteit afname nu" is filled in
CAPACITY_CONGESTED = "congested"  # derived: 0, the area is congested
CAPACITY_EXISTING_MINUS_REQUIRED = "existing_minus_required"  # derived: existing minus required
CAPACITY_UNKNOWN = "unknown"  # no figures and no congestion: the analysis sets no limit


def _own_level(area: GridServiceArea) -> tuple[int | None, tuple[int | None, ...], str]:
    """The expected end of congestion, the statuses and the certainty that the analysis reads for the
    area's own level: the regional operator's for a regional area, TenneT's for a TenneT area."""
    if area.operator_type == OperatorType.TENNET:
        end = area.congestion_end_withdrawal_tennet or area.congestion_end_withdrawal_rnb
        return (
            end,
            (area.tennet_status_withdrawal, area.status_withdrawal),
            area.tennet_congestion_end_certainty,
        )
    return area.congestion_end_withdrawal_rnb, (area.status_withdrawal,), area.congestion_end_certainty


def _congested(statuses: tuple[int | None, ...]) -> bool:
    return any(s is not None and s >= CONGESTED_FROM for s in statuses)


def derived_capacity_now_mw(area: GridServiceArea) -> float | None:
    """The withdrawal capacity free now for the waiting list, as the analysis derives it (the same rule as
    `analysis.adapters.capacity_now_mw`, docs/engine.md "From the registry to the engine"): the stored value
    when given; otherwise 0 in a congested area (a status of investigation or shortage, or an expected end
    year of congestion), else the existing minus the required capacity (at least 0). None: unknown and not
    congested, which the analysis treats as unconstrained. A pure function of the area's fields."""
    if area.available_capacity_withdrawal_mw is not None:
        return float(area.available_capacity_withdrawal_mw)
    end, statuses, _certainty = _own_level(area)
    if end is not None or _congested(statuses):
        return 0.0
    existing, required = area.existing_capacity_withdrawal_mw, area.required_capacity_withdrawal_mw
    if existing is not None and required is not None:
        return max(0.0, float(existing) - float(required))
    return None


def capacity_basis(area: GridServiceArea) -> str:
    """Which rule of `derived_capacity_now_mw` gives the area's capacity free now (a CAPACITY_* value)."""
    if area.available_capacity_withdrawal_mw is not None:
        return CAPACITY_STORED
    end, statuses, _certainty = _own_level(area)
    if end is not None or _congested(statuses):
        return CAPACITY_CONGESTED
    if area.existing_capacity_withdrawal_mw is not None and area.required_capacity_withdrawal_mw is not None:
        return CAPACITY_EXISTING_MINUS_REQUIRED
    return CAPACITY_UNKNOWN


@dataclass(frozen=True)
class AreaTimeline:
    """What the analysis reads for one service area: the capacity free now and where it comes from, the
    expected end of congestion of the area's own level and of the TenneT level above it, with their
    certainties, and the planned reinforcements (soonest first)."""

    capacity_now_mw: float | None
    capacity_basis: str
    end_year: int | None
    end_certainty: str
    end_certainty_label: str
    is_tennet: bool
    #: The TenneT area above (`tennet_region`), when the actor may see it.
    tennet_area: GridServiceArea | None
    #: TenneT's expected end of congestion above this area: from the TenneT area above when linked,
    #: otherwise from the area's own TenneT figures ("region", "own"; "" for a TenneT area itself).
    tennet_end_year: int | None
    tennet_end_certainty: str
    tennet_end_certainty_label: str
    tennet_end_from: str
    #: Whether the analysis puts a TenneT level above this regional area: the linked TenneT area, or a
    #: level of its own when the area reports TenneT congestion (a status or an expected end year).
    has_tennet_level: bool
    #: For a TenneT area: how many visible regional areas hang below it.
    regional_area_count: int
    projects: list[GridProject]


def area_timeline(*, actor: Actor, area: GridServiceArea) -> AreaTimeline:
    """The timeline of an area from `grid_area_get` (its projects are prefetched there)."""
    end, _statuses, certainty = _own_level(area)
    is_tennet = area.operator_type == OperatorType.TENNET
    tennet_area: GridServiceArea | None = None
    tennet_end: int | None = None
    tennet_certainty = ""
    tennet_from = ""
    has_level = False
    regional = 0
    if is_tennet:
        regional = visible_to(actor, GridServiceArea.objects.filter(tennet_region=area)).count()
    else:
        if area.tennet_region_id is not None:
            tennet_area = (
                visible_to(actor, GridServiceArea.objects.filter(pk=area.tennet_region_id))
                .filter(operator_type=OperatorType.TENNET)
                .first()
            )
        if tennet_area is not None:
            tennet_end, _s, tennet_certainty = _own_level(tennet_area)
            tennet_from = "region"
            has_level = True
        else:
            tennet_end = area.congestion_end_withdrawal_tennet
            tennet_certainty = area.tennet_congestion_end_certainty
            tennet_from = "own"
            has_level = tennet_end is not None or _congested((area.tennet_status_withdrawal,))
    return AreaTimeline(
        capacity_now_mw=derived_capacity_now_mw(area),
        capacity_basis=capacity_basis(area),
        end_year=end,
        end_certainty=certainty,
        end_certainty_label=str(Certainty(certainty).label),
        is_tennet=is_tennet,
        tennet_area=tennet_area,
        tennet_end_year=tennet_end,
        tennet_end_certainty=tennet_certainty,
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
