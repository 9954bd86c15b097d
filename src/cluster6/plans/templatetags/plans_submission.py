"""Template helpers of the submission pages: the navigation item and numbers in Dutch notation."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from cluster6.authz.policies import own_company_ids
from cluster6.plans.intake import format_number
from cluster6.plans.selectors import is_round_staff

register = template.Library()


@register.simple_tag(takes_context=True)
def plans_nav(context: template.Context) -> bool:
    """Whether the navigation offers "Uitvragen": to company users and to the survey staff."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(own_company_ids(user)) or is_round_staff(user)


@register.filter
def nl_number(value: Any) -> str:
    """1234.5 -> '1.234,5'; '–' for empty values."""
    if value is None or value == "":
        return "–"
    try:
        return format_number(float(value))
    except (TypeError, ValueError):
        return str(value)
