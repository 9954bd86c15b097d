"""Writes of the plan submissions: a company's draft per round, its plan versions, submitting (locking),
reopening (a new revision) and uploading a file. Each service is keyword-only, runs in one transaction and
audits itself.

State rules:
- A draft is started only while the round is open; it copies the company's latest submitted revision of
  the previous round (nothing is asked twice).
- Only a draft changes. Submitting locks it; RVO or Stichting Cluster 6 reopen it as a NEW revision (a
  draft copying its versions); the submitted revision stays as it was.
- An upload replaces the draft's versions only after every row passed; any problem rejects the whole file.

`actor=None` means the system (commands, the demo generator); a user acts for the companies of its
bedrijf memberships (`cluster6.authz.policies.own_company_ids`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster6.accounts.models import User
from cluster6.audit.services import audit_record
from cluster6.authz.policies import Action, own_company_ids, policy_for
from cluster6.core.errors import RowError, ValidationFailed
from cluster6.core.safefiles import file_limits
from cluster6.core.signals import inputs_changed_on_commit
from cluster6.registry.models import Organisation, ProductionLocation

from .constants import RoundStatus, SubmissionStatus
from .intake import (
    COLUMNS_BY_NAME,
    DEFAULTS,
    SHEET_PLANS,
    VERSION_FIELDS,
    IntakeContext,
    LocationInfo,
    check_plan,
    parse_table,
    read_table,
)
from .models import Plan, PlanVersion, Submission, SurveyRound
from .selectors import intake_context, organisation_locations, previous_submission, version_values


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_acts_for(actor: User | None, organisation_id: int) -> None:
    if actor is not None and organisation_id not in own_company_ids(actor):
        raise PermissionDenied(_("U handelt niet namens deze organisatie."))


def _check_draft(submission: Submission) -> None:
    if submission.status != SubmissionStatus.DRAFT:
        raise ValidationError(
            _(
                "Deze inzending is ingediend en vergrendeld; "
                "alleen RVO of Stichting Cluster 6 kan haar heropenen."
            )
        )


def _context(submission: Submission, actor: User | None) -> IntakeContext:
    return intake_context(
        organisation=submission.organisation, round=submission.round, actor=actor, submission=submission
    )


def _copy_versions(source: Submission, target: Submission, location_ids: set[int] | None = None) -> int:
    """Copy every version of `source` into `target` (same plans); only plans at `location_ids` if given."""
    copies = []
    for version in PlanVersion.objects.filter(submission=source).select_related("plan"):
        if location_ids is not None and version.plan.location_id not in location_ids:
            continue
        copies.append(PlanVersion(plan=version.plan, submission=target, **version_values(version)))
    PlanVersion.objects.bulk_create(copies)
    return len(copies)


# -- starting a draft -------------------------------------------------------------------------------------


@transaction.atomic
def submission_start(*, organisation: Organisation, round: SurveyRound, actor: User | None) -> Submission:
    """The company's draft for a round: the open draft if there is one, else revision 1, prefilled with
    the versions of its latest submitted revision of the previous round. Refused when the round is not
    open, and when the company has already submitted (reopening is for RVO and Stichting Cluster 6)."""
    _check_acts_for(actor, organisation.pk)
    latest = Submission.objects.filter(organisation=organisation, round=round).order_by("-revision").first()
    if latest is not None:
        if latest.status == SubmissionStatus.DRAFT:
            return latest
        raise ValidationError(
            _("U hebt deze ronde al ingediend; alleen RVO of Stichting Cluster 6 kan haar heropenen.")
        )
    if round.status != RoundStatus.OPEN:
        raise ValidationError(_("De ronde %(name)s is niet open.") % {"name": round.name})
    try:
        with transaction.atomic():
            submission = Submission.objects.create(organisation=organisation, round=round, revision=1)
    except IntegrityError:  # started at the same moment by a colleague
        return Submission.objects.get(organisation=organisation, round=round, revision=1)
    source = previous_submission(organisation=organisation, round=round)
    copied = 0
    if source is not None:
        own = set(organisation_locations(organisation=organisation).values_list("pk", flat=True))
        copied = _copy_versions(source, submission, own)
    audit_record(
        actor=actor,
        verb="submission.started",
        target=submission,
        changes={"revision": 1, "prefilled_from": source.pk if source else None, "versions_copied": copied},
    )
    return submission


# -- plan versions in a draft ----------------------------------------------------------------------------


def _next_reference(used: Collection[str]) -> str:
    """A new reference at a location: PLAN-001, PLAN-002, … (the first one not in `used`, the references
    the location's plans have)."""
    n = 1
    while f"PLAN-{n:03d}" in used:
        n += 1
    return f"PLAN-{n:03d}"


def _location_key(value: object) -> int | None:
    if isinstance(value, ProductionLocation):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _validate_version(
    version: PlanVersion, context: IntakeContext, location: LocationInfo | None
) -> dict[str, list[str]]:
    """Model validation (full_clean without the plan/submission relations) plus the domain checks."""
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["plan", "submission"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    values = version_values(version)
    for name, message in check_plan(values, context, location, unreadable=errors.keys()):
        errors.setdefault(name, []).append(message)
    return errors


@transaction.atomic
def plan_version_save(
    *, submission: Submission, data: Mapping[str, Any], actor: User | None, plan: Plan | None = None
) -> PlanVersion:
    """Create or update the version of a plan in a draft and return it.

    `data` holds PlanVersion field values (fields the round does not ask for keep their current value);
    for a new plan (`plan=None`) also "location" (a ProductionLocation or its id) and optionally
    "reference" (else PLAN-nnn is assigned). Raises ValidationError keyed by field."""
    _check_acts_for(actor, submission.organisation_id)
    submission = (
        Submission.objects.select_for_update().select_related("round", "organisation").get(pk=submission.pk)
    )
    _check_draft(submission)
    context = _context(submission, actor)

    version: PlanVersion | None = None
    if plan is None:
        location_key = _location_key(data.get("location"))
        if location_key is None or location_key not in context.locations:
            raise ValidationError({"location": [_("Kies een van uw eigen locaties.")]})
        reference = str(data.get("reference") or "").strip()
        if reference:
            existing_plan = Plan.objects.filter(location_id=location_key, reference=reference).first()
            if existing_plan is not None:
                if PlanVersion.objects.filter(submission=submission, plan=existing_plan).exists():
                    raise ValidationError(
                        {"reference": [_("Dit kenmerk bestaat al voor deze locatie in uw concept.")]}
                    )
                plan = existing_plan  # a plan of an earlier round comes back under its own reference
        if plan is None:
            if not reference:
                used = Plan.objects.filter(location_id=location_key).values_list("reference", flat=True)
                reference = _next_reference(set(used))
            plan = Plan(location_id=location_key, reference=reference)
    else:
        if plan.location_id not in context.locations:
            raise PermissionDenied(_("Dit plan hoort niet bij uw locaties."))
        version = PlanVersion.objects.filter(submission=submission, plan=plan).first()

    before = version_values(version) if version is not None else {}
    values = dict(DEFAULTS) | before
    values.update({k: v for k, v in data.items() if k in VERSION_FIELDS})
    target = version or PlanVersion(submission=submission)
    for name, value in values.items():
        setattr(target, name, value)
    location = context.locations.get(plan.location_id)
    errors = _validate_version(target, context, location)
    if plan.pk is None:
        try:
            plan.full_clean(exclude=["location"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if plan.pk is None:
        plan.save()
    target.plan = plan
    target.save()
    changes = {
        name: [_jsonable(before.get(name)), _jsonable(values[name])]
        for name in VERSION_FIELDS
        if name in values and before.get(name) != values[name] and (before or name in data)
    }
    audit_record(
        actor=actor,
        verb="plan_version.updated" if before else "plan_version.created",
        target=target,
        changes={"submission": submission.pk, "plan": plan.reference, "fields": changes},
    )
    return target


def _drop_orphan_plans(plan_ids: set[int]) -> int:
    """Delete plans that no longer have any version (they were new in a draft); returns how many."""
    orphans = Plan.objects.filter(pk__in=plan_ids, versions__isnull=True)
    count = orphans.count()
    orphans.delete()
    return count


@transaction.atomic
def plan_version_remove(*, version: PlanVersion, actor: User | None) -> None:
    """Remove a plan from a draft; a plan that was new in this draft disappears with it."""
    submission = Submission.objects.select_for_update().get(pk=version.submission_id)
    _check_acts_for(actor, submission.organisation_id)
    _check_draft(submission)
    plan_id, reference = version.plan_id, version.plan.reference
    audit_record(
        actor=actor,
        verb="plan_version.removed",
        target=submission,
        changes={"plan": reference, "title": version.title},
    )
    version.delete()
    _drop_orphan_plans({plan_id})


# -- submitting and reopening -------------------------------------------------------------------------------


@transaction.atomic
def submission_submit(*, submission: Submission, actor: User | None, no_plans: bool = False) -> Submission:
    """Check every version of a draft and lock it (status submitted, time and user). An empty submission
    is refused unless the company marks it explicitly as "no plans"."""
    _check_acts_for(actor, submission.organisation_id)
    submission = (
        Submission.objects.select_for_update().select_related("round", "organisation").get(pk=submission.pk)
    )
    _check_draft(submission)
    versions = list(
        PlanVersion.objects.filter(submission=submission)
        .select_related("plan", "plan__location")
        .order_by("plan__location__name", "plan__reference")
    )
    if not versions and not no_plans:
        raise ValidationError(
            _("Uw inzending bevat geen plannen. Voeg plannen toe of verklaar dat u geen plannen hebt.")
        )
    if versions and no_plans:
        raise ValidationError(_("U verklaart geen plannen te hebben, maar uw inzending bevat plannen."))
    context = _context(submission, actor)
    messages: list[str] = []
    for version in versions:
        location = context.locations.get(version.plan.location_id)
        if location is None:
            messages.append(
                _("Plan %(ref)s: de locatie %(loc)s hoort niet (meer) bij uw locaties.")
                % {"ref": version.plan.reference, "loc": version.plan.location.name}
            )
            continue
        for name, problems in _validate_version(version, context, location).items():
            column = COLUMNS_BY_NAME.get(name)
            label = str(column.label) if column else name
            for problem in problems:
                messages.append(
                    _("Plan %(ref)s (%(loc)s), %(field)s: %(msg)s")
                    % {"ref": version.plan.reference, "loc": location.name, "field": label, "msg": problem}
                )
    if messages:
        raise ValidationError(messages)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = actor if actor is not None and actor.pk else None
    submission.no_plans = no_plans
    submission.full_clean()
    submission.save(update_fields=["status", "submitted_at", "submitted_by", "no_plans", "updated_at"])
    audit_record(
        actor=actor,
        verb="submission.submitted",
        target=submission,
        changes={"revision": submission.revision, "versions": len(versions), "no_plans": no_plans},
    )
    inputs_changed_on_commit(reason="submission.submitted")
    return submission


@transaction.atomic
def submission_reopen(*, submission: Submission, actor: User | None, reason: str) -> Submission:
    """Reopen a submitted revision for the company (RVO and Stichting Cluster 6 only): a new revision as
    a draft with copies of every version. The submitted revision is not changed."""
    if actor is not None and not policy_for(Submission).can(actor, submission, Action.REOPEN):
        raise PermissionDenied(_("Alleen RVO of Stichting Cluster 6 kan een inzending heropenen."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Alleen een ingediende inzending kan worden heropend."))
    newer = Submission.objects.filter(
        organisation_id=submission.organisation_id,
        round_id=submission.round_id,
        revision__gt=submission.revision,
    ).exists()
    if newer:
        raise ValidationError(_("Er is al een nieuwere revisie van deze inzending."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Geef een reden voor de heropening.")]})
    reopened = Submission.objects.create(
        organisation_id=submission.organisation_id,
        round_id=submission.round_id,
        revision=submission.revision + 1,
        status=SubmissionStatus.DRAFT,
        reopened_at=timezone.now(),
        reopened_by=actor if actor is not None and actor.pk else None,
        reopen_reason=reason,
    )
    copied = _copy_versions(submission, reopened)
    audit_record(
        actor=actor,
        verb="submission.reopened",
        target=reopened,
        changes={
            "from_revision": submission.revision,
            "revision": reopened.revision,
            "reason": reason,
            "versions_copied": copied,
        },
    )
    inputs_changed_on_commit(reason="submission.reopened")
    return reopened


# -- uploading a file -------------------------------------------------------------------------------------


def _read_upload(file: IO[bytes]) -> tuple[bytes, str]:
    name = str(getattr(file, "name", "") or "")
    max_bytes = file_limits("plan").max_bytes  # core/safefiles.py; read_table checks the rest
    content = file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationFailed(
            [RowError(None, "", _("het bestand is groter dan %(mb)s MB") % {"mb": max_bytes // 2**20})]
        )
    return content, name.rsplit("/", 1)[-1]


@transaction.atomic
def submission_import(*, submission: Submission, file: IO[bytes], actor: User | None) -> list[PlanVersion]:
    """Replace a draft's plan versions with the content of an XLSX or CSV file.

    Every row is parsed and checked first; any problem raises ValidationFailed with every RowError
    (sheet, line, column, Dutch message) and nothing is written. Plans are matched on (location,
    reference); a row without a reference is a new plan. Versions of other submissions (the previous
    round, submitted revisions) are never touched."""
    _check_acts_for(actor, submission.organisation_id)
    submission = (
        Submission.objects.select_for_update().select_related("round", "organisation").get(pk=submission.pk)
    )
    _check_draft(submission)
    content, name = _read_upload(file)
    table, errors = read_table(content, name)
    if table is None:
        raise ValidationFailed(errors)
    context = _context(submission, actor)
    result = parse_table(table, context)
    errors = result.errors
    # the model's own validation of each row (lengths, choices), named by the column header; the rows
    # parse_table returns have no problem of their own yet
    headers = {c.name: c.header for c in context.columns}
    built: list[tuple[PlanVersion, str, int]] = []
    for row in result.rows:
        version = PlanVersion(submission=submission, **row.values)
        for field_name, messages in _validate_version(version, context, row.location).items():
            errors.extend(
                RowError(row.line, headers.get(field_name, field_name), m, result.sheet) for m in messages
            )
        built.append((version, row.reference, row.location.pk))
    if errors:
        raise ValidationFailed(sorted(errors, key=lambda e: (e.line or 0, e.field)))

    old_versions = PlanVersion.objects.filter(submission=submission)
    old_plan_ids = set(old_versions.values_list("plan_id", flat=True))
    removed = old_versions.count()
    old_versions.delete()
    plans = {(p.location_id, p.reference): p for p in Plan.objects.filter(location_id__in=context.locations)}
    references: dict[int, set[str]] = defaultdict(set)  # per location, the references its plans have
    for location_id, ref in plans:
        references[location_id].add(ref)
    created_plans = 0
    saved: list[PlanVersion] = []
    for version, reference, location_id in built:
        plan = plans.get((location_id, reference)) if reference else None
        if plan is None:
            ref = reference or _next_reference(references[location_id])
            references[location_id].add(ref)
            plan = Plan.objects.create(location_id=location_id, reference=ref)
            plans[(location_id, ref)] = plan
            created_plans += 1
        version.plan = plan
        saved.append(version)
    PlanVersion.objects.bulk_create(saved)
    dropped = _drop_orphan_plans(old_plan_ids)
    audit_record(
        actor=actor,
        verb="submission.imported",
        target=submission,
        changes={
            "file": name,
            "sheet": result.sheet if result.sheet == SHEET_PLANS else "csv",
            "versions": len(saved),
            "replaced": removed,
            "plans_created": created_plans,
            "plans_dropped": dropped,
        },
    )
    return saved
