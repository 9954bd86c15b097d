"""The one policy layer: who sees which rows, and who may do what (architecture.md rules 3 and 4).

Each policy holds the queryset filter (`scope`) and the object check (`can`) together, so that the list
and the detail view cannot drift apart. Views and API endpoints reach data only through `visible_to`
and `access`, which selectors call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cluster6.accounts.constants import IMPORT_ROLES, NATIONAL_ROLES, PROGRAMME_ROLES, Role
from cluster6.accounts.models import Membership, User
from cluster6.analysis.models import AnalysisRun, PlanResult, Scenario
from cluster6.audit.models import ReadLog
from cluster6.infra.models import CarrierRollout, CongestionZone, GridProject, GridServiceArea, NetworkPoint
from cluster6.plans.constants import SubmissionStatus
from cluster6.plans.models import Consent, Plan, PlanVersion, Submission
from cluster6.registry.constants import CLUSTER6, OrganisationKind
from cluster6.registry.models import EmissionRecord, Organisation, ProductionLocation

Actor = User | AnonymousUser
M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    OVERRIDE_CLUSTER = "override_cluster"
    SUBMIT = "submit"
    REOPEN = "reopen"
    GRANT = "grant"
    REVOKE = "revoke"


def memberships(actor: Actor) -> list[Membership]:
    if not actor.is_authenticated or not actor.is_active:
        return []
    assert isinstance(actor, User)
    return actor.active_memberships


def member_organisation_ids(actor: Actor) -> list[int]:
    """The organisations the actor is a member of, in membership order."""
    return [m.organisation_id for m in memberships(actor)]


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
            own = own_company_ids(actor)
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


#: Organisations that are public bodies (not companies): every signed-in user sees them, so that a company
#: can pick the requester it gives consent to.
PUBLIC_ORGANISATION_KINDS = frozenset(
    {
        OrganisationKind.GRID_OPERATOR,
        OrganisationKind.PROVINCE,
        OrganisationKind.MINISTRY,
        OrganisationKind.RVO,
        OrganisationKind.FOUNDATION,
    }
)


@dataclass(frozen=True)
class OrganisationPolicy:
    """National and programme roles see every organisation; others their own, the operators of the
    locations they see, and the public bodies (grid operators, provinces, ministry, RVO, the foundation)."""

    def scope(self, actor: Actor, qs: models.QuerySet[Organisation]) -> models.QuerySet[Organisation]:
        if is_national(actor) or any(m.role in PROGRAMME_ROLES for m in memberships(actor)):
            return qs
        if not actor.is_authenticated:
            return qs.none()
        own = member_organisation_ids(actor)
        locations = LocationPolicy().scope(actor, ProductionLocation.objects.all())
        return qs.filter(
            Q(pk__in=own)
            | Q(pk__in=locations.values("operator_id"))
            | Q(kind__in=sorted(PUBLIC_ORGANISATION_KINDS))
        )

    def can(self, actor: Actor, obj: Organisation, action: Action) -> bool:
        if action == Action.VIEW:
            return self.scope(actor, Organisation.objects.filter(pk=obj.pk)).exists()
        return is_national(actor)


def own_company_ids(actor: Actor) -> set[int]:
    """The organisations a company user acts for (its bedrijf memberships)."""
    return {m.organisation_id for m in memberships(actor) if m.role == Role.BEDRIJF}


def sees_all_plans(actor: Actor) -> bool:
    """The ministry sees every submitted plan (domain.md: "everything"); RVO, Stichting Cluster 6,
    provinces and grid operators need the company's consent."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return bool(actor.is_superuser) or any(m.role == Role.MINISTERIE for m in memberships(actor))


def active_consent_q(on: date | None = None) -> Q:
    """Consents in force on `on` (default today): not revoked, and `on` within [valid_from, valid_until]."""
    day = on or timezone.localdate()
    return Q(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day)


def consenting_owner_ids(
    actor: Actor, on: date | None = None, purpose: str | None = None
) -> models.QuerySet[Consent, Any]:
    """Ids of the organisations that have an active consent (not revoked, within its period on `on`,
    default today) for one of the actor's organisations; with `purpose`, only consents for that purpose."""
    grantees = member_organisation_ids(actor)
    qs = Consent.objects.filter(active_consent_q(on), grantee_id__in=grantees)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.values("owner_id").distinct()


def _owned_q(prefix: str, own: set[int]) -> Q:
    """Rows whose submission is by one of `own`, or whose location is operated by `own` or a subsidiary.

    The ids of those submissions and plans are looked up first (two indexed queries; a company has few),
    so that the filter is `submission_id IN (...) OR plan_id IN (...)` on the row's own indexed columns:
    an OR across joined tables cannot use an index, and at national scale it scanned every version."""
    submissions = list(Submission.objects.filter(organisation_id__in=own).values_list("pk", flat=True))
    operators = Organisation.objects.filter(Q(pk__in=own) | Q(parent_id__in=own)).values("pk")
    plans = list(Plan.objects.filter(location__operator_id__in=operators).values_list("pk", flat=True))
    return Q(**{f"{prefix}submission_id__in": submissions}) | Q(**{f"{prefix}plan_id__in": plans})


def _consented_submissions(actor: Actor, purpose: str | None = None) -> models.QuerySet[Submission, Any]:
    """The submitted submissions of the organisations that consented to the actor (a subquery on the
    indexed organisation column of submissions)."""
    return Submission.objects.filter(
        status=SubmissionStatus.SUBMITTED,
        organisation_id__in=consenting_owner_ids(actor, purpose=purpose),
    ).values("pk")


@dataclass(frozen=True)
class PlanVersionPolicy:
    """A company's plan data is confidential. The company sees its own versions (drafts included); the
    ministry every submitted version; any other organisation only the submitted versions of companies
    that gave it an active consent. Drafts are never visible outside the company.

    With a `purpose`, a consent counts only when it was given for that purpose (the grid-demand export
    uses the investment-plan purpose); the company's own versions and the ministry's view do not depend
    on consent and so not on the purpose."""

    def filter(self, actor: Actor, purpose: str | None = None) -> Q:
        submitted = Q(submission__status=SubmissionStatus.SUBMITTED)
        q = Q(pk__in=[])
        own = own_company_ids(actor)
        if own:
            q |= _owned_q("", own)
        if sees_all_plans(actor):
            return q | submitted
        if actor.is_authenticated and actor.is_active:
            q |= Q(submission_id__in=_consented_submissions(actor, purpose))
        return q

    def scope(
        self, actor: Actor, qs: models.QuerySet[PlanVersion], purpose: str | None = None
    ) -> models.QuerySet[PlanVersion]:
        return qs.filter(self.filter(actor, purpose))

    def can(self, actor: Actor, obj: PlanVersion, action: Action) -> bool:
        if action == Action.VIEW:
            return self.scope(actor, PlanVersion.objects.filter(pk=obj.pk)).exists()
        if action == Action.EDIT:
            return obj.submission.organisation_id in own_company_ids(actor) and not obj.submission.is_locked
        return False


@dataclass(frozen=True)
class PlanPolicy:
    """A plan's identity is visible with any visible version, and to the company whose location it is."""

    def scope(self, actor: Actor, qs: models.QuerySet[Plan]) -> models.QuerySet[Plan]:
        versions = PlanVersionPolicy().scope(actor, PlanVersion.objects.all()).values("plan_id")
        own = own_company_ids(actor)
        q = Q(pk__in=versions)
        if own:
            q |= Q(location__operator_id__in=own) | Q(location__operator__parent_id__in=own)
        return qs.filter(q)

    def can(self, actor: Actor, obj: Plan, action: Action) -> bool:
        return action == Action.VIEW and self.scope(actor, Plan.objects.filter(pk=obj.pk)).exists()


@dataclass(frozen=True)
class SubmissionPolicy:
    """Who delivered what when (not the content): the company its own; the ministry, RVO and Stichting
    Cluster 6 all (they follow the survey and may reopen); other organisations the submitted ones of
    companies that consented. Reopening is for RVO and Stichting Cluster 6."""

    def scope(self, actor: Actor, qs: models.QuerySet[Submission]) -> models.QuerySet[Submission]:
        if is_national(actor) or any(m.role in PROGRAMME_ROLES for m in memberships(actor)):
            return qs
        q = Q(pk__in=[])
        own = own_company_ids(actor)
        if own:
            q |= Q(organisation_id__in=own)
        if actor.is_authenticated and actor.is_active:
            q |= Q(status=SubmissionStatus.SUBMITTED, organisation_id__in=consenting_owner_ids(actor))
        return qs.filter(q)

    def can(self, actor: Actor, obj: Submission, action: Action) -> bool:
        if action == Action.VIEW:
            return self.scope(actor, Submission.objects.filter(pk=obj.pk)).exists()
        if action in (Action.EDIT, Action.SUBMIT):
            return obj.organisation_id in own_company_ids(actor) and not obj.is_locked
        if action == Action.REOPEN:
            roles = {m.role for m in memberships(actor)}
            return obj.is_locked and (
                bool(actor.is_superuser) or bool(roles & (PROGRAMME_ROLES | {Role.RVO}))
            )
        return False


@dataclass(frozen=True)
class ConsentPolicy:
    """A consent is seen by the company that gave it, by the organisation that received it, and by the
    ministry. Only the company grants and revokes."""

    def scope(self, actor: Actor, qs: models.QuerySet[Consent]) -> models.QuerySet[Consent]:
        if sees_all_plans(actor):
            return qs
        mine = member_organisation_ids(actor)
        return qs.filter(Q(owner_id__in=own_company_ids(actor)) | Q(grantee_id__in=mine))

    def can(self, actor: Actor, obj: Consent, action: Action) -> bool:
        """GRANT and REVOKE (and EDIT) need a bedrijf membership of the owner; `obj` may be unsaved (for a
        grant)."""
        if action == Action.VIEW:
            return obj.pk is not None and self.scope(actor, Consent.objects.filter(pk=obj.pk)).exists()
        if action in (Action.GRANT, Action.REVOKE, Action.EDIT):
            return obj.owner_id in own_company_ids(actor)
        return False


@dataclass(frozen=True)
class ReadLogPolicy:
    """A company sees who read its data; the ministry sees every read."""

    def scope(self, actor: Actor, qs: models.QuerySet[ReadLog]) -> models.QuerySet[ReadLog]:
        if sees_all_plans(actor):
            return qs
        return qs.filter(owner_id__in=own_company_ids(actor))

    def can(self, actor: Actor, obj: ReadLog, action: Action) -> bool:
        return action == Action.VIEW and self.scope(actor, ReadLog.objects.filter(pk=obj.pk)).exists()


def grid_demand_operator_ids(actor: Actor) -> set[int] | None:
    """The grid operators whose demand export the actor may draw: a netbeheerder its own organisation(s);
    the ministry (and superusers) any operator (None means all); everyone else none."""
    if sees_all_plans(actor):
        return None
    return {m.organisation_id for m in memberships(actor) if m.role == Role.NETBEHEERDER}


def can_export_grid_demand(actor: Actor, operator: Organisation) -> bool:
    if operator.kind != OrganisationKind.GRID_OPERATOR:
        return False
    ids = grid_demand_operator_ids(actor)
    return ids is None or operator.pk in ids


#: Roles that see the aggregates across companies (without consent) and use the analyses.
AGGREGATE_ROLES = frozenset(
    {Role.MINISTERIE, Role.RVO, Role.CLUSTERREGISSEUR, Role.REGIOMANAGER, Role.PROVINCIE, Role.NETBEHEERDER}
)


def can_view_aggregates(actor: Actor) -> bool:
    """Every programme role (and superusers) sees aggregates across companies without consent: they
    reveal no single company. Company users do not."""
    return is_national(actor) or any(m.role in AGGREGATE_ROLES for m in memberships(actor))


def can_view_scope(actor: Actor) -> bool:
    """The scope page (docs/scope.md, "Afbakening cluster 6") is for the programme: the national
    roles and Stichting Cluster 6. Provinces, grid operators and companies do not see it."""
    return is_national(actor) or any(m.role in PROGRAMME_ROLES for m in memberships(actor))


def scope_review_locations[M: models.Model](actor: Actor, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    """The locations the scope page may list: none without `can_view_scope`; every location for the
    national roles; for Stichting Cluster 6 its cluster-6 locations and every EU ETS installation (the
    EUTL publishes their names, operators and verified emissions), so that it sees which installations
    the rules leave out and why."""
    if not can_view_scope(actor):
        return qs.none()
    if is_national(actor):
        return qs
    return qs.filter(Q(cluster=CLUSTER6) | Q(is_ets=True))


@dataclass(frozen=True)
class AnalysisRunPolicy:
    """A run holds aggregates only (its per-plan results are PlanResult rows, under their own policy):
    the aggregate roles see every run. Running and scenarios are for the same roles."""

    def scope(self, actor: Actor, qs: models.QuerySet[AnalysisRun]) -> models.QuerySet[AnalysisRun]:
        return qs if can_view_aggregates(actor) else qs.none()

    def can(self, actor: Actor, obj: AnalysisRun, action: Action) -> bool:
        return action == Action.VIEW and can_view_aggregates(actor)


@dataclass(frozen=True)
class ScenarioPolicy:
    """Scenarios hold no company data: every aggregate role sees them; the maker and the ministry edit."""

    def scope(self, actor: Actor, qs: models.QuerySet[Scenario]) -> models.QuerySet[Scenario]:
        return qs if can_view_aggregates(actor) else qs.none()

    def can(self, actor: Actor, obj: Scenario, action: Action) -> bool:
        if not can_view_aggregates(actor):
            return False
        if action == Action.VIEW:
            return True
        if action == Action.EDIT:
            return obj.created_by_id == actor.pk or sees_all_plans(actor)
        return False


@dataclass(frozen=True)
class PlanResultPolicy:
    """What the analysis says about one plan is the plan's confidential data: visible exactly when the
    plan version it was computed from is visible (the company itself, the ministry, and requesters with
    the company's consent)."""

    def scope(self, actor: Actor, qs: models.QuerySet[PlanResult]) -> models.QuerySet[PlanResult]:
        if sees_all_plans(actor):
            return qs
        versions = PlanVersionPolicy().scope(actor, PlanVersion.objects.all()).values("pk")
        return qs.filter(plan_version_id__in=versions)

    def can(self, actor: Actor, obj: PlanResult, action: Action) -> bool:
        return action == Action.VIEW and self.scope(actor, PlanResult.objects.filter(pk=obj.pk)).exists()


POLICIES: dict[type[models.Model], Any] = {
    AnalysisRun: AnalysisRunPolicy(),
    PlanResult: PlanResultPolicy(),
    Scenario: ScenarioPolicy(),
    PlanVersion: PlanVersionPolicy(),
    Plan: PlanPolicy(),
    Submission: SubmissionPolicy(),
    Consent: ConsentPolicy(),
    ReadLog: ReadLogPolicy(),
    ProductionLocation: LocationPolicy(),
    EmissionRecord: EmissionPolicy(),
    GridServiceArea: PublicInfraPolicy(),
    GridProject: PublicInfraPolicy(),
    CongestionZone: PublicInfraPolicy(),
    CarrierRollout: PublicInfraPolicy(),
    NetworkPoint: PublicInfraPolicy(),
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
