"""Reads of the notifications app. A notification is for one user (`user` set) or for every company
user of its organisation and of that organisation's parent group (as the plan results they follow)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import Http404

from cluster6.authz.policies import Actor, own_company_ids

from .models import Notification


def notification_visible(actor: Actor) -> models.QuerySet[Notification]:
    if not actor.is_authenticated or not actor.is_active:
        return Notification.objects.none()
    companies = own_company_ids(actor)
    scope = Q(user_id=actor.pk)
    if companies:
        scope |= Q(user__isnull=True) & (
            Q(organisation_id__in=companies) | Q(organisation__parent_id__in=companies)
        )
    return Notification.objects.filter(scope)


def notification_list(*, actor: Actor, unread: bool = False, limit: int | None = None) -> list[Notification]:
    qs = (
        notification_visible(actor)
        .select_related("plan__location", "organisation")
        .order_by("-created_at", "-id")
    )
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:limit] if limit else qs)


def notification_unread_count(*, actor: Actor) -> int:
    return notification_visible(actor).filter(read_at__isnull=True).count()


def notification_get(*, actor: Actor, pk: object) -> Notification:
    """The notification (404 when it is not for the actor)."""
    try:
        return notification_visible(actor).select_related("plan__location").get(pk=int(str(pk)))
    except (Notification.DoesNotExist, ValueError):
        raise Http404 from None
