"""Reads of the grid data (service areas and planned projects), always scoped through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, F, Prefetch, Q, Value, When

from cluster6.authz.policies import Action, Actor, access, visible_to
from cluster6.registry.models import Organisation

from .constants import CongestionColour
from .models import GridProject, GridServiceArea


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
