"""Writes of the notifications app: making notifications for changed answers, e-mailing them, and
marking them as read. The analysis app calls `notifications_for_answer_changes` and
`notifications_email` from its background refresh (never from a request)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster6.accounts.constants import Role
from cluster6.accounts.models import User
from cluster6.audit.services import audit_record

from .models import Notification, NotificationKind
from .selectors import notification_visible

#: The fields of an answer whose change is notified, the first changed one gives the notification's kind.
ANSWER_FIELDS: tuple[tuple[str, NotificationKind], ...] = (
    ("connection_year", NotificationKind.CONNECTION_YEAR),
    ("realisation_year", NotificationKind.REALISATION_YEAR),
    ("feasibility", NotificationKind.FEASIBILITY),
)


@dataclass(frozen=True)
class AnswerChange:
    """One plan whose answer differs between two runs: {field: (old, new)} for each changed field."""

    plan_id: int
    organisation_id: int
    result_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def notifications_for_answer_changes(*, run_id: int, changes: Iterable[AnswerChange]) -> list[Notification]:
    """One notification per changed plan, for every user of the plan's company: its kind is the first
    changed field of connection year, realisation year and class; `details` holds every change."""
    rows = []
    for change in changes:
        kind_field = next((f for f, _kind in ANSWER_FIELDS if f in change.changes), None)
        if kind_field is None:
            continue
        old, new = change.changes[kind_field]
        rows.append(
            Notification(
                organisation_id=change.organisation_id,
                kind=dict(ANSWER_FIELDS)[kind_field],
                plan_id=change.plan_id,
                run_id=run_id,
                result_id=change.result_id,
                old_value=_text(old),
                new_value=_text(new),
                details={k: [v[0], v[1]] for k, v in change.changes.items()},
            )
        )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if created:
        audit_record(
            actor=None,
            verb="notifications.created",
            changes={"run": run_id, "notifications": len(created), "kind": "answer_changed"},
        )
    return created


def _recipients(notification: Notification) -> list[User]:
    if notification.user_id is not None:
        return [notification.user] if notification.user is not None else []
    organisations = [notification.organisation_id]
    if notification.organisation.parent_id is not None:
        organisations.append(notification.organisation.parent_id)
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.BEDRIJF,
            memberships__organisation_id__in=organisations,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _site_url(path: str) -> str:
    return settings.CLUSTER6_SITE_URL.rstrip("/") + path


def notifications_email(*, notifications: Sequence[Notification]) -> int:
    """E-mail the unsent notifications: one mail per user with all of its new notifications (in Dutch,
    with a link to each answer), then mark them as e-mailed. Returns the number of mails sent."""
    pending = (
        Notification.objects.filter(pk__in=[n.pk for n in notifications], emailed_at__isnull=True)
        .select_related("organisation", "user", "plan__location")
        .order_by("organisation_id", "plan__reference", "pk")
    )
    per_user: dict[int, tuple[User, list[Notification]]] = {}
    by_recipients: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_recipients[n.pk].append(n)
        for user in _recipients(n):
            per_user.setdefault(user.pk, (user, []))[1].append(n)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, items in per_user.values():
            lines = [
                _("Beste %(name)s,") % {"name": user.get_full_name() or user.get_username()},
                "",
                _("Een nieuwe analyse van het Cluster 6-platform geeft een ander antwoord voor uw plannen:"),
                "",
            ]
            for n in items:
                lines.append(f"- {n.message()}")
                if n.result_id is not None:
                    lines.append("  " + _site_url(reverse("analysis:result_detail", args=[n.result_id])))
            lines += ["", _("U ziet deze meldingen ook op uw startpagina: %(url)s") % {"url": _site_url("/")}]
            message = EmailMessage(
                subject=_("Cluster 6: het antwoord voor uw plannen is veranderd"),
                body="\n".join(lines),
                to=[user.email],
            )
            message.send()
            sent += 1
    Notification.objects.filter(pk__in=list(by_recipients)).update(emailed_at=timezone.now())
    return sent


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark a notification as read (for everyone it is for). Only someone it is for may."""
    if not notification_visible(actor).filter(pk=notification.pk).exists():
        raise PermissionDenied(_("Deze melding is niet voor u."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.read_by = actor
        notification.save(update_fields=["read_at", "read_by"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification the actor may see as read; returns how many."""
    return (
        notification_visible(actor).filter(read_at__isnull=True).update(read_at=timezone.now(), read_by=actor)
    )
