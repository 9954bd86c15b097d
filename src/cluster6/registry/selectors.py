"""Reads from the registry, always scoped to the actor through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When

from cluster6.authz.policies import (
    Action,
    Actor,
    access,
    access_location,
    can_view_scope,
    policy_for,
    scope_review_locations,
    visible_to,
)
from cluster6.core.bbox import MAP_LIMIT, BBox

from .constants import CLUSTER6, EMISSION_SOURCE_PRIORITY, Cluster, EmissionSource, Sector
from .models import EmissionRecord, ProductionLocation, Province, ScopeRule

#: The year whose emissions the location list shows by default (the last year of the public EUTL data).
DEFAULT_EMISSION_YEAR = 2022


def source_priority() -> Case:
    """Orders emission sources: EU ETS before NEa before company figures before demo data."""
    return Case(
        *[When(source=s, then=Value(i)) for i, s in enumerate(EMISSION_SOURCE_PRIORITY)],
        default=Value(99),
        output_field=IntegerField(),
    )


def preferred_emissions(year: int) -> models.QuerySet[EmissionRecord]:
    """One figure per location for `year`: the one from the most preferred source (for subqueries)."""
    return EmissionRecord.objects.filter(location=OuterRef("pk"), year=year).order_by(source_priority())


@dataclass(frozen=True)
class LocationFilters:
    q: str = ""
    sector: str = ""
    province: str = ""  # province code, e.g. PV25
    cluster: int | None = None
    is_ets: bool | None = None
    in_lces_scope: bool | None = None
    grid_operator: int | None = None
    emission_year: int = DEFAULT_EMISSION_YEAR


def location_list(
    *, actor: Actor, filters: LocationFilters | None = None
) -> models.QuerySet[ProductionLocation]:
    """The locations `actor` may see, filtered, annotated with `emission_tco2e` for the filter year."""
    f = filters or LocationFilters()
    qs = visible_to(actor, ProductionLocation.objects.all())
    if f.q:
        qs = qs.filter(
            Q(name__icontains=f.q)
            | Q(operator__name__icontains=f.q)
            | Q(city__icontains=f.q)
            | Q(ets_installation_id__iexact=f.q)
            | Q(nea_permit_id__iexact=f.q)
        )
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.province:
        qs = qs.filter(province__code=f.province)
    if f.cluster is not None:
        qs = qs.filter(cluster=f.cluster)
    if f.is_ets is not None:
        qs = qs.filter(is_ets=f.is_ets)
    if f.in_lces_scope is not None:
        qs = qs.filter(in_lces_scope=f.in_lces_scope)
    if f.grid_operator is not None:
        qs = qs.filter(grid_operator_id=f.grid_operator)
    return qs.select_related("operator", "province", "municipality", "grid_operator").annotate(
        emission_tco2e=Subquery(preferred_emissions(f.emission_year).values("tco2e")[:1])
    )


def location_get(
    *, actor: Actor, location_id: object, action: Action | str = Action.VIEW
) -> ProductionLocation:
    """One location, or 404 when the actor may not see it (403 when it may see but not do `action`)."""
    return access_location(actor, location_id, action)


def emission_series(*, location: ProductionLocation) -> list[tuple[int, int, str, bool]]:
    """(year, t CO2-eq, source, verified) per year, the preferred source for each year, oldest first.
    The caller has already fetched `location` through `location_get`."""
    best: dict[int, tuple[int, int, str, bool]] = {}
    rows = location.emissions.order_by("year", source_priority()).values_list(
        "year", "tco2e", "source", "verified"
    )
    for year, tco2e, source, verified in rows:
        best.setdefault(year, (year, tco2e, source, verified))
    return [best[y] for y in sorted(best)]


def emission_totals(
    *, actor: Actor, years: range | list[int], location_filter: Q | None = None
) -> dict[int, tuple[int, int]]:
    """Per year: (number of visible locations with emissions > 0, total t CO2-eq), preferred source per
    location and year."""
    qs = visible_to(actor, ProductionLocation.objects.all())
    if location_filter is not None:
        qs = qs.filter(location_filter)
    out: dict[int, tuple[int, int]] = {}
    for year in years:
        values = (
            qs.annotate(e=Subquery(preferred_emissions(year).values("tco2e")[:1]))
            .filter(e__gt=0)
            .values_list("e", flat=True)
        )
        vals = list(values)
        out[year] = (len(vals), int(sum(vals)))
    return out


# --- Web UI reads: ordering, facets, overview and map layers ------------------------------------------

#: Sort keys of the location list; each orders by its field, then by name and id for a stable order.
LOCATION_SORT_KEYS = ("name", "emissions", "sector", "province")


def location_list_ordered(
    qs: models.QuerySet[ProductionLocation], *, key: str = "name", descending: bool = False
) -> models.QuerySet[ProductionLocation]:
    """Order a `location_list` result by one of LOCATION_SORT_KEYS; empty values always come last."""
    field = {
        "name": "name",
        "emissions": "emission_tco2e",
        "sector": "sector",
        "province": "province__name",
    }.get(key)
    if field is None:
        raise ValueError(f"unknown sort key {key!r}")
    expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    tie_breakers = ("pk",) if key == "name" else ("name", "pk")
    return qs.order_by(expr, *tie_breakers)


@dataclass(frozen=True)
class LocationFacets:
    """Counts of the locations an actor may see, per sector and per province (for the filter menus)."""

    sectors: dict[str, int]
    provinces: list[tuple[str, str, int]]  # (code, name, count), by name


def location_facets(*, actor: Actor) -> LocationFacets:
    """Two grouped queries over the visible locations."""
    visible = visible_to(actor, ProductionLocation.objects.all())
    sectors = {row["sector"]: row["n"] for row in visible.values("sector").annotate(n=Count("pk")).order_by()}
    provinces = [
        (row["province__code"], row["province__name"], row["n"])
        for row in visible.filter(province__isnull=False)
        .values("province__code", "province__name")
        .annotate(n=Count("pk"))
        .order_by("province__name")
    ]
    return LocationFacets(sectors=sectors, provinces=provinces)


def emission_years(*, actor: Actor) -> list[int]:
    """The years with emission figures for any location the actor may see, oldest first."""
    qs = visible_to(actor, EmissionRecord.objects.all())
    return sorted(set(qs.values_list("year", flat=True).distinct().order_by()))


@dataclass(frozen=True)
class LocationOverview:
    """The numbers on the home page, for what the actor may see."""

    locations: int
    cluster6_locations: int
    ets_locations: int
    latest_year: int | None
    cluster6_ets_reporting: int
    cluster6_ets_tco2e: int


def location_overview(*, actor: Actor) -> LocationOverview:
    visible = visible_to(actor, ProductionLocation.objects.all())
    counts = visible.aggregate(
        total=Count("pk"),
        cluster6=Count("pk", filter=Q(cluster=CLUSTER6)),
        ets=Count("pk", filter=Q(is_ets=True)),
    )
    years = emission_years(actor=actor)
    latest = years[-1] if years else None
    reporting, total = 0, 0
    if latest is not None:
        reporting, total = emission_totals(
            actor=actor, years=[latest], location_filter=Q(cluster=CLUSTER6, is_ets=True)
        )[latest]
    return LocationOverview(
        locations=counts["total"],
        cluster6_locations=counts["cluster6"],
        ets_locations=counts["ets"],
        latest_year=latest,
        cluster6_ets_reporting=reporting,
        cluster6_ets_tco2e=total,
    )


def location_can(*, actor: Actor, location: ProductionLocation, action: Action | str) -> bool:
    """Whether the actor may do `action` on a location it has already fetched through `location_get`."""
    return bool(policy_for(ProductionLocation).can(actor, location, Action(action)))


def location_features(
    *,
    actor: Actor,
    filters: LocationFilters | None = None,
    bbox: BBox | None = None,
    limit: int = MAP_LIMIT,
) -> dict[str, Any]:
    """The visible, filtered locations with coordinates (within `bbox`, when given) as a GeoJSON
    FeatureCollection of points: at most `limit` of them, the largest emitters first; `total` is how many
    there are and `truncated` says when some were left out (the map then asks again by viewport). One
    query over the columns the map shows."""
    qs = location_list(actor=actor, filters=filters).filter(latitude__isnull=False, longitude__isnull=False)
    if bbox is not None:
        qs = qs.filter(bbox.q())
    total = qs.order_by().count()
    rows = qs.order_by(
        F("emission_tco2e").desc(nulls_last=True), "name", "pk"
    ).values_list(  # type: ignore[misc]
        "pk",
        "name",
        "longitude",
        "latitude",
        "operator__name",
        "sector",
        "cluster",
        "is_ets",
        "in_lces_scope",
        "province__name",
        "emission_tco2e",
    )[:limit]
    sectors = dict(Sector.choices)
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "name": name,
                "operator": operator,
                "sector": sector,
                "sector_label": str(sectors.get(sector, sector)),
                "cluster": cluster,
                "cluster_label": str(Cluster(cluster).label) if cluster is not None else "",
                "is_ets": is_ets,
                "in_lces_scope": in_lces,
                "province": province or "",
                "emission_tco2e": emission,
            },
        }
        for pk, name, lon, lat, operator, sector, cluster, is_ets, in_lces, province, emission in rows
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "truncated": total > len(features),
        "limit": limit,
    }


def province_features(*, actor: Actor) -> dict[str, Any]:
    """Province boundaries (public reference data, for signed-in users) as a GeoJSON FeatureCollection."""
    if not actor.is_authenticated or not actor.is_active:
        return {"type": "FeatureCollection", "features": []}
    rows = Province.objects.filter(geometry__isnull=False).values_list("code", "name", "geometry")
    features = []
    for code, name, stored in rows:
        geometry = _geometry(stored)
        if geometry is not None:
            features.append(
                {"type": "Feature", "geometry": geometry, "properties": {"code": code, "name": name}}
            )
    return {"type": "FeatureCollection", "features": features}


def _geometry(value: Any) -> dict[str, Any] | None:
    """A GeoJSON geometry from a stored value that may be a geometry, a Feature or a FeatureCollection."""
    if not isinstance(value, dict):
        return None
    if value.get("type") == "Feature":
        return _geometry(value.get("geometry"))
    if value.get("type") == "FeatureCollection":
        geoms = [g for g in (_geometry(f) for f in value.get("features", [])) if g is not None]
        return {"type": "GeometryCollection", "geometries": geoms} if geoms else None
    return value if "coordinates" in value or value.get("type") == "GeometryCollection" else None


# --- API reads: a full location record and emission records -------------------------------------------

#: The relations a full location record shows (the API); `location_list` joins the first four itself.
LOCATION_RECORD_RELATIONS = (
    "operator",
    "province",
    "municipality",
    "grid_operator",
    "grid_service_area",
    "business_park",
    "scope_rule",
)


def location_detail(
    *, actor: Actor, location_id: object, emission_year: int = DEFAULT_EMISSION_YEAR
) -> ProductionLocation:
    """`location_get` for display: one location with its relations and `emission_tco2e` for
    `emission_year` (as in `location_list`), or 404 when the actor may not see it."""
    qs = ProductionLocation.objects.select_related(*LOCATION_RECORD_RELATIONS).annotate(
        emission_tco2e=Subquery(preferred_emissions(emission_year).values("tco2e")[:1])
    )
    return access(actor, qs, location_id, Action.VIEW)


@dataclass(frozen=True)
class EmissionFilters:
    location: int | None = None
    year: int | None = None
    year_min: int | None = None
    year_max: int | None = None
    source: str = ""


def emission_list(*, actor: Actor, filters: EmissionFilters | None = None) -> models.QuerySet[EmissionRecord]:
    """The emission records of the locations `actor` may see (every source), filtered; by location id,
    year and source priority."""
    f = filters or EmissionFilters()
    qs = visible_to(actor, EmissionRecord.objects.select_related("location"))
    if f.location is not None:
        qs = qs.filter(location_id=f.location)
    if f.year is not None:
        qs = qs.filter(year=f.year)
    if f.year_min is not None:
        qs = qs.filter(year__gte=f.year_min)
    if f.year_max is not None:
        qs = qs.filter(year__lte=f.year_max)
    if f.source:
        qs = qs.filter(source=f.source)
    return qs.order_by("location_id", "year", source_priority(), "pk")


# --- The cluster-6 scope page (docs/scope.md) -----------------------------------------------------------


@dataclass(frozen=True)
class ScopeRuleRow:
    rule: ScopeRule | None  # None: no rule matched (outside the clusters), or decided before the rules
    locations: int
    tco2e: int


@dataclass(frozen=True)
class ScopeSite:
    location: ProductionLocation
    tco2e: int | None
    rule: ScopeRule | None
    overridden: bool


@dataclass(frozen=True)
class ScopeReview:
    year: int | None
    cluster6_locations: int
    cluster6_tco2e: int
    rules: list[ScopeRuleRow]
    borderline: list[ScopeSite]


def scope_review(*, actor: Actor, year: int | None = None) -> ScopeReview:
    """The figure of the programme's cluster 6 (ETS locations with emissions in `year`, the latest year
    with EU ETS figures by default), what each rule decided, and the borderline sites: those decided by
    a rule marked as borderline and those with a manual cluster. Raises PermissionDenied for actors
    without the programme's view (`can_view_scope`)."""
    if not can_view_scope(actor):
        raise PermissionDenied
    if year is None:
        year = (
            EmissionRecord.objects.filter(source=EmissionSource.EU_ETS)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
    base = scope_review_locations(actor, ProductionLocation.objects.all())
    emitted: dict[int, int] = {}
    if year is not None:
        emitted = dict(
            base.annotate(e=Subquery(preferred_emissions(year).values("tco2e")[:1]))
            .filter(is_ets=True, e__gt=0)
            .values_list("pk", "e")
        )
    rules = {rule.pk: rule for rule in ScopeRule.objects.order_by("position")}
    per_rule: dict[int | None, list[int]] = {}
    cluster6 = [0, 0]
    for pk, rule_id, cluster in base.filter(pk__in=emitted).values_list("pk", "scope_rule_id", "cluster"):
        row = per_rule.setdefault(rule_id, [0, 0])
        row[0] += 1
        row[1] += emitted[pk]
        if cluster == CLUSTER6:
            cluster6[0] += 1
            cluster6[1] += emitted[pk]
    rule_rows = [
        ScopeRuleRow(rule, *per_rule.get(pk, [0, 0])) for pk, rule in rules.items() if rule.is_active
    ]
    if None in per_rule:
        rule_rows.append(ScopeRuleRow(None, *per_rule[None]))
    borderline_ids = {pk for pk, rule in rules.items() if rule.borderline}
    sites = (
        base.filter(Q(scope_rule_id__in=borderline_ids) | Q(cluster_override__isnull=False))
        .select_related("operator", "municipality", "province")
        .order_by("name", "pk")
    )
    borderline = [
        ScopeSite(
            location=loc,
            tco2e=emitted.get(loc.pk),
            rule=rules.get(loc.scope_rule_id) if loc.scope_rule_id else None,
            overridden=loc.cluster_override is not None,
        )
        for loc in sites
    ]
    borderline.sort(key=lambda s: (s.rule.position if s.rule else 9999, -(s.tco2e or 0), s.location.name))
    return ScopeReview(
        year=year,
        cluster6_locations=cluster6[0],
        cluster6_tco2e=cluster6[1],
        rules=rule_rows,
        borderline=borderline,
    )
