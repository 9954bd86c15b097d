"""The one policy layer: who sees which rows, and who may do what (architecture.md rules 3 and 4).

Each policy holds the queryset filter (`scope`) and the object check (`can`) together, so that the list
and the detail view cannot drift apart. Views and API endpoints reach data only through `visible_to`
and `access`, which selectors call.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from cluster6.accounts.constants import IMPORT_ROLES, NATIONAL_ROLES, PROGRAMME_ROLES, Role
from cluster6.accounts.models import Membership, User
from cluster6.infra.models import CongestionZone, GridProject, GridServiceArea
from cluster6.registry.constants import CLUSTER6
from cluster6.registry.models import EmissionRecord, Organisation, ProductionLocation

Actor = User | AnonymousUser
M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    OVERRIDE_CLUSTER = "override_cluster"


def memberships(actor: Actor) -> list[Membership]:
    if not actor.is_authenticated or not actor.is_active:
        return []
    assert isinstance(actor, User)
    return actor.active_memberships


def is_national(actor: Actor) -> bool:
    """Sees everything: the ministry, RVO, and superusers (for administration)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return bool(actor.is_superuser) or any(m.role in NATIONAL_ROLES for m in memberships(actor))


def can_import(actor: Actor) -> bool:
    return is_national(actor) or any(m.role in IMPORT_ROLES for m in memberships(actor))


def can_use_admin(actor: Actor) -> bool:
    """The Django admin is for the ministry role (and superusers)."""
    return is_national(actor) and (
        bool(actor.is_superuser) or any(m.role == Role.MINISTERIE for m in memberships(actor))
    )


@dataclass(frozen=True)
class LocationPolicy:
    """Production locations: national roles see all, Stichting Cluster 6 all cluster-6 locations, a
    province its own province, a grid operator the locations in its service areas, a company its own
    (and its subsidiaries'). The anonymous public sees none (only aggregates, elsewhere)."""

    def filter(self, actor: Actor) -> Q | None:
        """A Q for the visible locations; None means every location."""
        if is_national(actor):
            return None
        q = Q(pk__in=[])
        for m in memberships(actor):
            org = m.organisation
            if m.role in PROGRAMME_ROLES:
                q |= Q(cluster=CLUSTER6)
            elif m.role == Role.PROVINCIE and org.province_id:
                q |= Q(province_id=org.province_id)
            elif m.role == Role.NETBEHEERDER:
                areas = GridServiceArea.objects.filter(operators=org).values("pk")
                q |= Q(grid_operator_id=org.pk) | Q(grid_service_area_id__in=areas)
            elif m.role == Role.BEDRIJF:
                q |= Q(operator_id=org.pk) | Q(operator__parent_id=org.pk)
        return q

    def scope(
        self, actor: Actor, qs: models.QuerySet[ProductionLocation]
    ) -> models.QuerySet[ProductionLocation]:
        q = self.filter(actor)
        return qs if q is None else qs.filter(q)

    def can(self, actor: Actor, obj: ProductionLocation, action: Action) -> bool:
        if action == Action.VIEW:
            return self.scope(actor, ProductionLocation.objects.filter(pk=obj.pk)).exists()
        roles = {m.role for m in memberships(actor)}
        if action == Action.OVERRIDE_CLUSTER:
            return is_national(actor) or bool(roles & PROGRAMME_ROLES)
        if action == Action.EDIT:
            if is_national(actor) or (roles & PROGRAMME_ROLES and obj.cluster == CLUSTER6):
                return True
            own = {m.organisation_id for m in memberships(actor) if m.role == Role.BEDRIJF}
            return obj.operator_id in own or (
                obj.operator.parent_id in own if obj.operator.parent_id else False
            )
        return False


@dataclass(frozen=True)
class EmissionPolicy:
    """Emission records follow their location."""

    def scope(self, actor: Actor, qs: models.QuerySet[EmissionRecord]) -> models.QuerySet[EmissionRecord]:
        q = LocationPolicy().filter(actor)
        if q is None:
            return qs
        return qs.filter(location__in=ProductionLocation.objects.filter(q).values("pk"))

    def can(self, actor: Actor, obj: EmissionRecord, action: Action) -> bool:
        return action == Action.VIEW and self.scope(actor, EmissionRecord.objects.filter(pk=obj.pk)).exists()


@dataclass(frozen=True)
class PublicInfraPolicy:
    """The capacity map is public information: every signed-in user sees all service areas and projects."""

    def scope(self, actor: Actor, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return qs if actor.is_authenticated and actor.is_active else qs.none()

    def can(self, actor: Actor, obj: models.Model, action: Action) -> bool:
        if action == Action.VIEW:
            return bool(actor.is_authenticated and actor.is_active)
        return is_national(actor)


@dataclass(frozen=True)
class OrganisationPolicy:
    """National and programme roles see every organisation; others their own, the operators of the
    locations they see, and the grid operators."""

    def scope(self, actor: Actor, qs: models.QuerySet[Organisation]) -> models.QuerySet[Organisation]:
        if is_national(actor) or any(m.role in PROGRAMME_ROLES for m in memberships(actor)):
            return qs
        if not actor.is_authenticated:
            return qs.none()
        own = [m.organisation_id for m in memberships(actor)]
        locations = LocationPolicy().scope(actor, ProductionLocation.objects.all())
        return qs.filter(Q(pk__in=own) | Q(pk__in=locations.values("operator_id")) | Q(kind="netbeheerder"))

    def can(self, actor: Actor, obj: Organisation, action: Action) -> bool:
        if action == Action.VIEW:
            return self.scope(actor, Organisation.objects.filter(pk=obj.pk)).exists()
        return is_national(actor)


POLICIES: dict[type[models.Model], Any] = {
    ProductionLocation: LocationPolicy(),
    EmissionRecord: EmissionPolicy(),
    GridServiceArea: PublicInfraPolicy(),
    GridProject: PublicInfraPolicy(),
    CongestionZone: PublicInfraPolicy(),
    Organisation: OrganisationPolicy(),
}


def policy_for(model: type[models.Model]) -> Any:
    try:
        return POLICIES[model]
    except KeyError:
        raise LookupError(
            f"No visibility policy for {model.__name__}: add one to cluster6.authz.policies"
        ) from None


def visible_to[M: models.Model](actor: Actor, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `qs` that `actor` may see."""
    return cast(models.QuerySet[M], policy_for(qs.model).scope(actor, qs))


def access[M: models.Model](
    actor: Actor, qs: models.QuerySet[M], pk: object, action: Action | str = Action.VIEW
) -> M:
    """Fetch one object and check `action`: 404 when the actor may not see it, 403 when it may see it
    but not do the action."""
    policy = policy_for(qs.model)
    try:
        obj = policy.scope(actor, qs).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    act = Action(action)
    if act != Action.VIEW and not policy.can(actor, obj, act):
        raise PermissionDenied
    return cast(M, obj)


def access_location(
    actor: Actor, location_id: object, action: Action | str = Action.VIEW
) -> ProductionLocation:
    return access(actor, ProductionLocation.objects.select_related("operator"), location_id, action)
