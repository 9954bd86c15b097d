"""Consent and sharing of plan data (issue 3, point 4): a company grants a requester organisation read
access to its plan data per purpose and period, and revokes it; requesters read what is consented; every
read of a company's plan data by another organisation is logged, and the company sees that log.

Who sees what is decided in `cluster6.authz.policies` (PlanVersionPolicy, ConsentPolicy, ReadLogPolicy);
this module only starts from `visible_to` / `access`. Services (`consent_grant`, `consent_revoke`,
`log_plan_reads`) write in one transaction; consent writes audit themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cluster6.accounts.models import User
from cluster6.audit.models import ReadLog
from cluster6.audit.services import audit_record
from cluster6.authz.policies import (
    PUBLIC_ORGANISATION_KINDS,
    Action,
    Actor,
    ConsentPolicy,
    PlanVersionPolicy,
    access,
    active_consent_q,
    member_organisation_ids,
    memberships,
    own_company_ids,
    sees_all_plans,
    visible_to,
)
from cluster6.core.signals import inputs_changed_on_commit
from cluster6.registry.models import Organisation, Province

from .constants import ConsentPurpose, SubmissionStatus
from .models import Consent, PlanVersion, SurveyRound

#: How a read reached the data (ReadLog.channel).
CHANNEL_WEB = "web"
CHANNEL_API = "api"
CHANNEL_EXPORT = "export"
CHANNEL_ADMIN = "admin"
CHANNELS = (CHANNEL_WEB, CHANNEL_API, CHANNEL_EXPORT, CHANNEL_ADMIN)

#: ReadLog.target_type of a plan version.
PLAN_VERSION_TARGET = PlanVersion._meta.label_lower


class ConsentState(models.TextChoices):
    ACTIVE = "actief", gettext_lazy("Actief")
    FUTURE = "toekomstig", gettext_lazy("Nog niet geldig")
    EXPIRED = "verlopen", gettext_lazy("Verlopen")
    REVOKED = "ingetrokken", gettext_lazy("Ingetrokken")


def consent_state(consent: Consent, on: date | None = None) -> ConsentState:
    """Revoked, expired, not yet valid, or active on `on` (default today)."""
    day = on or timezone.localdate()
    if consent.revoked_at is not None:
        return ConsentState.REVOKED
    if consent.valid_until < day:
        return ConsentState.EXPIRED
    if consent.valid_from > day:
        return ConsentState.FUTURE
    return ConsentState.ACTIVE


# --- Consent: services ---------------------------------------------------------------------------------


def _consent_changes(consent: Consent) -> dict[str, object]:
    return {
        "owner": consent.owner_id,
        "grantee": consent.grantee_id,
        "grantee_name": consent.grantee.name,
        "purpose": consent.purpose,
        "valid_from": consent.valid_from.isoformat(),
        "valid_until": consent.valid_until.isoformat(),
    }


@transaction.atomic
def consent_grant(
    *,
    owner: Organisation,
    grantee: Organisation,
    purpose: str,
    valid_from: date,
    valid_until: date,
    actor: User,
) -> Consent:
    """Give `grantee` read access to `owner`'s submitted plan data for `purpose` from `valid_from` to
    `valid_until` (inclusive). Only a company user of `owner` may; the grantee must be a grid operator,
    province, the ministry, RVO or Stichting Cluster 6; an unrevoked consent for the same grantee and
    purpose may not overlap the period (revoke it first). Raises PermissionDenied or ValidationError."""
    consent = Consent(
        owner=owner,
        grantee=grantee,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=actor,
    )
    if not ConsentPolicy().can(actor, consent, Action.GRANT):
        raise PermissionDenied(_("Alleen het bedrijf zelf kan toestemming geven voor zijn gegevens."))
    errors: dict[str, list[str]] = {}
    if grantee.kind not in PUBLIC_ORGANISATION_KINDS:
        errors.setdefault("grantee", []).append(
            _(
                "Toestemming kan alleen worden gegeven aan een netbeheerder, provincie, het ministerie, "
                "RVO of Stichting Cluster 6."
            )
        )
    if grantee.pk == owner.pk:
        errors.setdefault("grantee", []).append(_("Een organisatie kan zichzelf geen toestemming geven."))
    if purpose not in ConsentPurpose.values:
        errors.setdefault("purpose", []).append(_("Kies een doel uit de lijst."))
    if valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("De einddatum ligt voor de begindatum."))
    elif valid_until < timezone.localdate():
        errors.setdefault("valid_until", []).append(_("De einddatum ligt in het verleden."))
    if not errors:
        overlapping = Consent.objects.filter(
            owner=owner,
            grantee=grantee,
            purpose=purpose,
            revoked_at__isnull=True,
            valid_from__lte=valid_until,
            valid_until__gte=valid_from,
        )
        if overlapping.exists():
            errors.setdefault("__all__", []).append(
                _(
                    "Er is al een toestemming voor deze organisatie en dit doel in (een deel van) deze "
                    "periode. Trek die eerst in of kies een andere periode."
                )
            )
    if errors:
        raise ValidationError(errors)
    consent.full_clean()
    consent.save()
    audit_record(actor=actor, verb="consent.granted", target=consent, changes=_consent_changes(consent))
    inputs_changed_on_commit(reason="consent.granted")
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, actor: User) -> Consent:
    """Revoke a consent from now on: sets `revoked_at` and `revoked_by`; the row stays (the history).
    Only a company user of the owner may; an already revoked or expired consent cannot be revoked."""
    if not ConsentPolicy().can(actor, consent, Action.REVOKE):
        raise PermissionDenied(_("Alleen het bedrijf zelf kan een toestemming intrekken."))
    locked = Consent.objects.select_for_update().select_related("grantee").get(pk=consent.pk)
    state = consent_state(locked)
    if state == ConsentState.REVOKED:
        raise ValidationError(_("Deze toestemming is al ingetrokken."))
    if state == ConsentState.EXPIRED:
        raise ValidationError(_("Deze toestemming is al verlopen."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        actor=actor,
        verb="consent.revoked",
        target=locked,
        changes={**_consent_changes(locked), "state_before": state.value},
    )
    inputs_changed_on_commit(reason="consent.revoked")
    return locked


# --- Consent: selectors --------------------------------------------------------------------------------


def consent_list(
    *, actor: Actor, active: bool | None = None, received: bool | None = None, on: date | None = None
) -> models.QuerySet[Consent]:
    """The consents the actor may see (given by its company, received by its organisation; the ministry
    all), newest first; `active` True/False keeps only those (not) in force on `on` (default today);
    `received` True keeps those given to the actor's organisations, False those its companies gave."""
    qs = visible_to(actor, Consent.objects.select_related("owner", "grantee", "granted_by", "revoked_by"))
    if received is True:
        qs = qs.filter(grantee_id__in=member_organisation_ids(actor))
    elif received is False:
        qs = qs.filter(owner_id__in=own_company_ids(actor))
    if active is True:
        qs = qs.filter(active_consent_q(on))
    elif active is False:
        qs = qs.exclude(active_consent_q(on))
    return qs.order_by("-created_at", "-pk")


def consent_get(*, actor: Actor, consent_id: object, action: Action | str = Action.VIEW) -> Consent:
    """One consent: 404 when the actor may not see it, 403 when it may see but not do `action`."""
    return access(actor, Consent.objects.select_related("owner", "grantee"), consent_id, action)


def consent_owner_options(*, actor: Actor) -> models.QuerySet[Organisation]:
    """The organisations the actor can grant consent for: its own companies."""
    return visible_to(actor, Organisation.objects.filter(pk__in=own_company_ids(actor))).order_by(
        "name", "pk"
    )


def consent_grantee_options(*, actor: Actor) -> models.QuerySet[Organisation]:
    """The requester organisations a company can give consent to (the public bodies), by kind and name."""
    own = own_company_ids(actor)
    return (
        visible_to(actor, Organisation.objects.filter(kind__in=sorted(PUBLIC_ORGANISATION_KINDS)))
        .exclude(pk__in=own)
        .order_by("kind", "name", "pk")
    )


# --- Shared plans: selectors ---------------------------------------------------------------------------

#: The relations a shared plan version shows.
VERSION_RELATIONS = (
    "plan",
    "plan__location",
    "plan__location__operator",
    "plan__location__province",
    "plan__location__grid_operator",
    "plan__location__grid_service_area",
    "submission",
    "submission__organisation",
    "submission__round",
)


def newer_submitted_revision() -> Exists:
    """True for a version when the same plan has a version in a later submitted revision of the same
    round (so it is not the latest submitted one)."""
    return Exists(
        PlanVersion.objects.filter(
            plan_id=OuterRef("plan_id"),
            submission__round_id=OuterRef("submission__round_id"),
            submission__status=SubmissionStatus.SUBMITTED,
            submission__revision__gt=OuterRef("submission__revision"),
        )
    )


@dataclass(frozen=True)
class SharedPlanFilters:
    round: int | None = None  # SurveyRound id
    province: str = ""  # CBS province code of the location, e.g. PV25
    route: str = ""
    status: str = ""
    grid_area: int | None = None  # GridServiceArea id of the location
    purpose: str = ""  # only consents for this purpose count (ConsentPurpose)
    owner: int | None = None  # Organisation id of the submitting company


def submitted_versions(actor: Actor, purpose: str = "") -> models.QuerySet[PlanVersion]:
    """Submitted versions the actor may see (narrowed to consents for `purpose` when given): the policy's
    scope with the purpose, which is `visible_to` when there is none."""
    qs = PlanVersion.objects.filter(submission__status=SubmissionStatus.SUBMITTED)
    return PlanVersionPolicy().scope(actor, qs, purpose=purpose or None)


def shared_version_list(
    *, actor: Actor, filters: SharedPlanFilters | None = None
) -> models.QuerySet[PlanVersion]:
    """The submitted plan versions the actor may see, the latest submitted revision per plan and round,
    filtered; newest round first, then company, location and reference. Drafts never appear."""
    f = filters or SharedPlanFilters()
    qs = submitted_versions(actor, f.purpose).exclude(newer_submitted_revision())
    if f.round is not None:
        qs = qs.filter(submission__round_id=f.round)
    if f.province:
        qs = qs.filter(plan__location__province__code=f.province)
    if f.route:
        qs = qs.filter(route=f.route)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.grid_area is not None:
        qs = qs.filter(plan__location__grid_service_area_id=f.grid_area)
    if f.owner is not None:
        qs = qs.filter(submission__organisation_id=f.owner)
    return qs.select_related(*VERSION_RELATIONS).order_by(
        "-submission__round__opens_on",
        "-submission__round_id",
        "submission__organisation__name",
        "plan__location__name",
        "plan__reference",
        "pk",
    )


def shared_version_get(*, actor: Actor, version_id: object) -> PlanVersion:
    """One submitted plan version the actor may see, annotated with `is_superseded` (a later submitted
    revision of the same round exists); 404 otherwise (also for drafts)."""
    qs = (
        PlanVersion.objects.filter(submission__status=SubmissionStatus.SUBMITTED)
        .select_related(*VERSION_RELATIONS)
        .annotate(is_superseded=newer_submitted_revision())
    )
    return access(actor, qs, version_id, Action.VIEW)


@dataclass(frozen=True)
class SharedPlanOptions:
    """What the filter menus of the shared plans offer: only values that occur in the visible versions."""

    rounds: list[SurveyRound]
    provinces: list[Province]
    grid_areas: list[tuple[int, str]]  # (id, name)
    purposes: list[tuple[str, str]]  # (value, label)


def rounds_of(versions: models.QuerySet[PlanVersion]) -> list[SurveyRound]:
    """The survey rounds the versions were submitted in, newest first (one query)."""
    return list(
        SurveyRound.objects.filter(pk__in=versions.values("submission__round_id")).order_by(
            "-opens_on", "-pk"
        )
    )


def shared_filter_options(*, actor: Actor) -> SharedPlanOptions:
    visible = submitted_versions(actor)
    rounds = rounds_of(visible)
    provinces = list(Province.objects.filter(pk__in=visible.values("plan__location__province_id")))
    areas = sorted(
        {
            (pk, name)
            for pk, name in visible.filter(plan__location__grid_service_area__isnull=False)
            .values_list("plan__location__grid_service_area_id", "plan__location__grid_service_area__name")
            .distinct()
            .order_by()
        },
        key=lambda a: (a[1], a[0]),
    )
    return SharedPlanOptions(
        rounds=rounds, provinces=provinces, grid_areas=areas, purposes=consented_purposes(actor=actor)
    )


def consented_purposes(*, actor: Actor) -> list[tuple[str, str]]:
    """The purposes for which the actor's organisations hold an active consent (every purpose for the
    ministry, which needs none), in the order of ConsentPurpose."""
    if sees_all_plans(actor):
        return [(value, str(label)) for value, label in ConsentPurpose.choices]
    grantees = member_organisation_ids(actor)
    held = set(
        Consent.objects.filter(active_consent_q(), grantee_id__in=grantees)
        .values_list("purpose", flat=True)
        .distinct()
        .order_by()
    )
    return [(value, str(label)) for value, label in ConsentPurpose.choices if value in held]


# --- Read log ------------------------------------------------------------------------------------------


def _version_label(version: PlanVersion) -> str:
    location = version.plan.location
    return f"{version.plan.reference} – {version.title} ({location.name}; {version.submission.round.name})"[
        :300
    ]


def _versions_label(labels: list[str], n: int) -> str:
    """The label of a read of `n` versions of one company: the version's own label when there is one,
    else the count and the first labels."""
    if n == 1 and labels:
        return labels[0][:300]
    shown = "; ".join(labels[:3])
    more = "; …" if n > 3 else ""
    head = ngettext("%(n)s planversie", "%(n)s planversies", n) % {"n": n}
    return (head + (f": {shown}{more}" if shown else ""))[:300]


@transaction.atomic
def log_reads_by_owner(
    *,
    actor: Actor,
    reads: Mapping[int, Sequence[int]],
    channel: str,
    purpose: str | None = None,
    labels: Mapping[int, str] | None = None,
) -> list[ReadLog]:
    """Log that `actor` read plan data of other companies: `reads` maps each owner (the submitting
    company) to the ids of its plan versions shown. One ReadLog per owner that is not one of the actor's
    organisations (the read's rows counted in `row_count`, their ids in `target_ids`), in one bulk insert
    plus one query for the consents: a page that shows thousands of results of hundreds of companies
    writes one row per company, not per result.

    The reader's organisation is the one of the actor's organisations that holds an active consent from
    the owner (else its first membership). `purpose` is the purpose the reader stated (an export, a
    filter); None records the purposes of the active consents that give access (comma-separated values,
    empty for the ministry, which reads without consent). `labels` (version id -> label) name the
    versions in the log."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown read channel {channel!r}")
    if not actor.is_authenticated:
        return []
    assert isinstance(actor, User)
    mine = member_organisation_ids(actor)
    read = {owner: sorted(set(ids)) for owner, ids in reads.items() if owner not in mine and ids}
    if not read:
        return []
    granted: dict[int, dict[int, set[str]]] = {}
    for owner_id, grantee_id, consent_purpose in (
        Consent.objects.filter(active_consent_q(), owner_id__in=list(read), grantee_id__in=mine)
        .values_list("owner_id", "grantee_id", "purpose")
        .order_by()
    ):
        granted.setdefault(owner_id, {}).setdefault(grantee_id, set()).add(consent_purpose)
    first_org = mine[0] if mine else None
    label = actor.get_full_name() or actor.get_username()
    names = labels or {}
    logs = []
    for owner_id, ids in sorted(read.items()):
        by_grantee = granted.get(owner_id, {})
        # the actor's organisation that holds a consent, in membership order
        reader_org = next((org for org in mine if org in by_grantee), first_org)
        if purpose is not None:
            stated = purpose
        else:
            stated = ",".join(sorted(by_grantee.get(reader_org, set()))) if reader_org is not None else ""
        target_id = ",".join(str(i) for i in ids)
        logs.append(
            ReadLog(
                actor=actor,
                actor_label=label,
                actor_organisation_id=reader_org,
                owner_id=owner_id,
                target_type=PLAN_VERSION_TARGET,
                target_id=target_id if len(target_id) <= 80 else f"{ids[0]},…",
                target_label=_versions_label([names[i] for i in ids if i in names], len(ids)),
                purpose=stated[:200],
                channel=channel,
                row_count=len(ids),
                target_ids=ids,
            )
        )
    return ReadLog.objects.bulk_create(logs)


def log_plan_reads(
    *, actor: Actor, versions: Iterable[PlanVersion], channel: str, purpose: str | None = None
) -> list[ReadLog]:
    """Log that `actor` read `versions`: one ReadLog per company (the submitting organisation) that is not
    one of the actor's organisations, with the versions of that company it read (`log_reads_by_owner`).
    `versions` should come with their plan, location, submission and round loaded (the selectors of this
    module do that), for the labels."""
    if not actor.is_authenticated:
        if channel not in CHANNELS:
            raise ValueError(f"unknown read channel {channel!r}")
        return []
    reads: dict[int, list[int]] = {}
    labels: dict[int, str] = {}
    mine = set(member_organisation_ids(actor))
    for v in versions:
        owner = v.submission.organisation_id
        if owner in mine:
            continue
        reads.setdefault(owner, []).append(v.pk)
        if v.pk not in labels:
            labels[v.pk] = _version_label(v)
    return log_reads_by_owner(actor=actor, reads=reads, channel=channel, purpose=purpose, labels=labels)


@dataclass(frozen=True)
class ReadLogFilters:
    channel: str = ""
    reader: int | None = None  # Organisation id of the reader


def read_log_list(*, actor: Actor, filters: ReadLogFilters | None = None) -> models.QuerySet[ReadLog]:
    """The reads of confidential data the actor may see (its company's data; the ministry all), newest
    first."""
    f = filters or ReadLogFilters()
    # not the ids of every row read (a list shows the label and the count)
    qs = visible_to(actor, ReadLog.objects.select_related("actor_organisation", "owner").defer("target_ids"))
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.reader is not None:
        qs = qs.filter(actor_organisation_id=f.reader)
    return qs.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ReaderSummary:
    organisation_id: int | None
    organisation: str
    reads: int
    last_read: datetime | None


def read_log_summary(*, actor: Actor) -> list[ReaderSummary]:
    """Per reading organisation: the number of reads and the last one (one grouped query), most reads
    first."""
    rows = (
        visible_to(actor, ReadLog.objects.all())
        .values("actor_organisation_id", "actor_organisation__name")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .order_by("-n", "actor_organisation__name")
    )
    return [
        ReaderSummary(
            organisation_id=row["actor_organisation_id"],
            organisation=row["actor_organisation__name"] or "",
            reads=row["n"],
            last_read=row["last"],
        )
        for row in rows
    ]


def purpose_labels(value: str) -> str:
    """A ReadLog.purpose (comma-separated ConsentPurpose values) as labels, for display."""
    labels = dict(ConsentPurpose.choices)
    return ", ".join(str(labels.get(p, p)) for p in value.split(",") if p)


def sees_shared_plans(actor: Actor) -> bool:
    """Whether the shared-plans pages are for the actor: any signed-in member of an organisation (a
    requester sees what is consented, possibly nothing yet) or a superuser."""
    return bool(actor.is_authenticated and actor.is_active and (memberships(actor) or actor.is_superuser))
