"""Reads of the plans app, scoped to the actor through the policy layer.

This first part serves the submission pages (a company's rounds, submissions and plan versions, and the
staff's round overview). Other helpers append their selectors at the end of this module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404

from cluster6.accounts.constants import PROGRAMME_ROLES
from cluster6.authz.policies import (
    Action,
    Actor,
    access,
    is_national,
    memberships,
    own_company_ids,
    policy_for,
    visible_to,
)
from cluster6.registry.models import EmissionRecord, Organisation, ProductionLocation
from cluster6.registry.selectors import source_priority

from .constants import RoundStatus, SubmissionStatus
from .intake import VERSION_FIELDS, IntakeContext, LocationInfo, round_columns
from .models import PlanVersion, Submission, SurveyRound

# -- organisations and rounds ------------------------------------------------------------------------------


def company_organisations(*, actor: Actor) -> list[Organisation]:
    """The companies the actor acts for (its bedrijf memberships), by name."""
    own = own_company_ids(actor)
    if not own:
        return []
    return list(visible_to(actor, Organisation.objects.filter(pk__in=own)).order_by("name", "pk"))


def company_organisation(
    *, actor: Actor, organisation_id: object = None, companies: list[Organisation] | None = None
) -> Organisation:
    """The company the actor acts for on a page: the one asked for (404 when it is not one of its own),
    else the first by name. 403 for users who act for no company. `companies`: the actor's
    `company_organisations`, when the caller has read them already."""
    if companies is None:
        companies = company_organisations(actor=actor)
    if not companies:
        raise PermissionDenied
    if organisation_id in (None, ""):
        return companies[0]
    for company in companies:
        if str(company.pk) == str(organisation_id):
            return company
    raise Http404


def is_round_staff(actor: Actor) -> bool:
    """Who follows the survey rounds across companies: the ministry, RVO and Stichting Cluster 6 (the
    submissions' metadata, as SubmissionPolicy says)."""
    return is_national(actor) or any(m.role in PROGRAMME_ROLES for m in memberships(actor))


def round_get(*, actor: Actor, code: str) -> SurveyRound:
    """A round by its code, for signed-in users (rounds are not confidential); 404 otherwise."""
    if not actor.is_authenticated or not actor.is_active:
        raise Http404
    try:
        return SurveyRound.objects.select_related("previous").get(code=code)
    except SurveyRound.DoesNotExist:
        raise Http404 from None


def round_list(*, actor: Actor) -> list[SurveyRound]:
    """Open and past rounds (not the planned ones), newest first."""
    if not actor.is_authenticated or not actor.is_active:
        return []
    return list(SurveyRound.objects.exclude(status=RoundStatus.PLANNED).order_by("-opens_on", "code"))


@dataclass(frozen=True)
class RoundRow:
    """A round on "Mijn uitvragen": the company's latest revision in it, if any."""

    round: SurveyRound
    current: Submission | None
    submitted_revisions: int


def company_round_rows(*, actor: Actor, organisation: Organisation) -> list[RoundRow]:
    """Every open or past round with the company's submission status (two queries)."""
    rounds = round_list(actor=actor)
    subs = visible_to(actor, Submission.objects.filter(organisation=organisation)).order_by(
        "round_id", "revision"
    )
    latest: dict[int, Submission] = {}
    submitted: dict[int, int] = {}
    for sub in subs:
        latest[sub.round_id] = sub
        if sub.status == SubmissionStatus.SUBMITTED:
            submitted[sub.round_id] = submitted.get(sub.round_id, 0) + 1
    return [RoundRow(r, latest.get(r.pk), submitted.get(r.pk, 0)) for r in rounds]


# -- submissions ------------------------------------------------------------------------------------------


def submission_current(*, actor: Actor, organisation: Organisation, round: SurveyRound) -> Submission | None:
    """The company's latest revision in a round (the open draft, or the last submitted one)."""
    qs = visible_to(actor, Submission.objects.filter(organisation=organisation, round=round))
    return qs.select_related("round", "organisation", "submitted_by").order_by("-revision").first()


def submission_revisions(*, actor: Actor, organisation: Organisation, round: SurveyRound) -> list[Submission]:
    """The company's submitted revisions in a round, newest first, with their number of plans."""
    qs = visible_to(
        actor,
        Submission.objects.filter(organisation=organisation, round=round, status=SubmissionStatus.SUBMITTED),
    )
    return list(
        qs.select_related("submitted_by", "reopened_by")
        .annotate(plan_count=Count("versions"))
        .order_by("-revision")
    )


def submission_get(*, actor: Actor, submission_id: object, action: Action | str = Action.VIEW) -> Submission:
    """One submission: 404 when the actor may not see it, 403 when it may not do `action`."""
    qs = Submission.objects.select_related("round", "organisation")
    return access(actor, qs, submission_id, action)


def submission_revision_get(
    *, actor: Actor, organisation: Organisation, round: SurveyRound, revision: int
) -> Submission:
    qs = visible_to(
        actor, Submission.objects.filter(organisation=organisation, round=round, revision=revision)
    )
    found = qs.select_related("round", "organisation", "submitted_by").first()
    if found is None:
        raise Http404
    return found


def submission_can(*, actor: Actor, submission: Submission, action: Action | str) -> bool:
    return bool(policy_for(Submission).can(actor, submission, Action(action)))


def previous_submission(*, organisation: Organisation, round: SurveyRound) -> Submission | None:
    """The company's latest submitted revision of the round's previous round (what a new draft copies)."""
    if round.previous_id is None:
        return None
    return (
        Submission.objects.filter(
            organisation=organisation, round_id=round.previous_id, status=SubmissionStatus.SUBMITTED
        )
        .order_by("-revision")
        .first()
    )


# -- plan versions ----------------------------------------------------------------------------------------


def submission_versions(*, actor: Actor, submission: Submission) -> models.QuerySet[PlanVersion]:
    """The plan versions of one submission that the actor may see, by location and reference."""
    return (
        visible_to(actor, PlanVersion.objects.filter(submission=submission))
        .select_related("plan", "plan__location")
        .order_by("plan__location__name", "plan__reference", "pk")
    )


def plan_version_get(
    *, actor: Actor, submission: Submission, version_id: object, action: Action | str = Action.VIEW
) -> PlanVersion:
    """One version of `submission` (404 when invisible or of another submission; 403 without `action`)."""
    qs = PlanVersion.objects.filter(submission=submission).select_related(
        "plan", "plan__location", "submission"
    )
    return access(actor, qs, version_id, action)


def version_values(version: PlanVersion) -> dict[str, Any]:
    """The content fields of a version, keyed by field name."""
    return {name: getattr(version, name) for name in VERSION_FIELDS}


# -- locations and the intake context ----------------------------------------------------------------------


def organisation_locations(
    *, organisation: Organisation, actor: Actor | None = None
) -> models.QuerySet[ProductionLocation]:
    """The locations a company reports on: operated by it or by one of its subsidiaries (and visible to
    the actor, when one is given)."""
    qs = ProductionLocation.objects.filter(Q(operator=organisation) | Q(operator__parent=organisation))
    if actor is not None:
        qs = visible_to(actor, qs)
    return qs.select_related("grid_operator").order_by("name", "pk")


def latest_emissions(location_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per location: (year, t CO2-eq) of its latest year with a figure, from the preferred source."""
    out: dict[int, tuple[int, int]] = {}
    rows = (
        EmissionRecord.objects.filter(location_id__in=location_ids)
        .order_by("location_id", "-year", source_priority())
        .values_list("location_id", "year", "tco2e")
    )
    for location_id, year, tco2e in rows:
        out.setdefault(location_id, (year, tco2e))
    return out


def location_infos(*, organisation: Organisation, actor: Actor | None = None) -> list[LocationInfo]:
    """The company's locations with their registry data and latest emissions (for the form, the template
    and the checks)."""
    locations = list(organisation_locations(organisation=organisation, actor=actor))
    emissions = latest_emissions([loc.pk for loc in locations])
    infos = []
    for loc in locations:
        year, tco2e = emissions.get(loc.pk, (None, None))
        infos.append(
            LocationInfo(
                pk=loc.pk,
                name=loc.name,
                ets_installation_id=loc.ets_installation_id,
                city=loc.city,
                sector=str(loc.get_sector_display()),
                latest_emission_year=year,
                latest_emission_t=tco2e,
                gas_use_m3=loc.gas_use_m3,
                electricity_use_gwh=loc.electricity_use_gwh,
                contracted_capacity_mw=loc.contracted_capacity_mw,
                grid_operator=loc.grid_operator.name if loc.grid_operator else "",
            )
        )
    return infos


def intake_context(
    *,
    organisation: Organisation,
    round: SurveyRound,
    actor: Actor | None = None,
    submission: Submission | None = None,
) -> IntakeContext:
    """What the form, the file and the services check against: the round's columns and year, the
    company's locations, and the values `submission` already holds per (location, reference)."""
    infos = location_infos(organisation=organisation, actor=actor)
    existing: dict[tuple[int, str], dict[str, Any]] = {}
    if submission is not None:
        for version in PlanVersion.objects.filter(submission=submission).select_related("plan"):
            existing[(version.plan.location_id, version.plan.reference)] = version_values(version)
    return IntakeContext(
        round_year=round.opens_on.year,
        columns=round_columns(round.requested_fields),
        locations={info.pk: info for info in infos},
        existing=existing,
    )


def template_rows(
    *, actor: Actor, organisation: Organisation, round: SurveyRound, locations: list[LocationInfo]
) -> list[dict[str, Any]]:
    """The rows the template is prefilled with: the versions of the company's current submission in the
    round, or else of its latest submitted revision of the previous round."""
    source = submission_current(actor=actor, organisation=organisation, round=round)
    if source is None:
        source = previous_submission(organisation=organisation, round=round)
    if source is None:
        return []
    tokens = {info.pk: info.token for info in locations}
    rows = []
    for version in submission_versions(actor=actor, submission=source):
        if version.plan.location_id not in tokens:
            continue
        row = version_values(version)
        row["location"] = tokens[version.plan.location_id]
        row["reference"] = version.plan.reference
        rows.append(row)
    return rows


# -- the staff's round overview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    """One company in a round: its latest revision and how many revisions it has."""

    organisation: Organisation
    latest: Submission
    revisions: int


def round_overview(*, actor: Actor, round: SurveyRound) -> list[OverviewRow]:
    """Per company with a submission in the round: its latest revision (metadata only: no plan content,
    not even the number of plans).
    Empty for actors who may not follow rounds."""
    if not is_round_staff(actor):
        return []
    subs = (
        visible_to(actor, Submission.objects.filter(round=round))
        .select_related("organisation", "submitted_by", "reopened_by")
        .order_by("organisation__name", "organisation_id", "revision")
    )
    latest: dict[int, Submission] = {}
    counts: dict[int, int] = {}
    for sub in subs:
        latest[sub.organisation_id] = sub
        counts[sub.organisation_id] = counts.get(sub.organisation_id, 0) + 1
    return [
        OverviewRow(organisation=sub.organisation, latest=sub, revisions=counts[org_id])
        for org_id, sub in latest.items()
    ]


def round_overview_counts(*, actor: Actor) -> dict[int, dict[str, int]]:
    """Per round id: how many companies have a draft and how many have submitted (latest revisions), in
    one query: by revision, so the last status seen per company and round is its latest revision's."""
    if not is_round_staff(actor):
        return {}
    latest: dict[tuple[int, int], str] = {}
    for round_id, org_id, status in (
        visible_to(actor, Submission.objects.all())
        .order_by("revision")
        .values_list("round_id", "organisation_id", "status")
    ):
        latest[(round_id, org_id)] = status
    out: dict[int, dict[str, int]] = {}
    for (round_id, _org_id), status in latest.items():
        bucket = out.setdefault(round_id, {"draft": 0, "submitted": 0})
        bucket["submitted" if status == SubmissionStatus.SUBMITTED else "draft"] += 1
    return out
