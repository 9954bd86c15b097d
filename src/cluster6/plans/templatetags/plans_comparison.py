"""Template helper of the round comparison: whether the navigation offers "Vergelijking"."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from cluster6.authz.policies import can_view_aggregates

register = template.Library()


@register.simple_tag(takes_context=True)
def comparison_nav(context: template.Context) -> bool:
    """True for the programme roles that see the aggregates (not for company users)."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and can_view_aggregates(user)
