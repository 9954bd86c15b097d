"""`{% notifications_banner %}`: the unread notifications of the signed-in user, for the start page."""

from __future__ import annotations

from typing import Any

from django import template

from cluster6.notifications.selectors import notification_list

register = template.Library()

#: At most this many on the page; the rest are counted.
SHOWN = 10


@register.inclusion_tag("notifications/banner.html", takes_context=True)
def notifications_banner(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications": []}
    unread = notification_list(actor=user, unread=True, limit=SHOWN + 1)
    return {
        "notifications": unread[:SHOWN],
        "more": len(unread) > SHOWN,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "/",
    }
