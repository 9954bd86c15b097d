"""Reads from the registry, always scoped to the actor through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When

from cluster6.authz.policies import Action, Actor, access_location, visible_to

from .constants import EMISSION_SOURCE_PRIORITY
from .models import EmissionRecord, ProductionLocation

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
