"""Template helpers of the analysis pages: the navigation items, classes with their colours, shares and
years in Dutch notation."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cluster6.analysis.constants import FEASIBILITY_COLOURS, Feasibility, ProjectKind
from cluster6.authz.policies import can_view_aggregates, own_company_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def analysis_nav(context: template.Context) -> dict[str, bool]:
    """What the navigation offers: the feasibility pages to the aggregate roles, "Wanneer kan ik
    aansluiten?" to company users."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"aggregates": False, "company": False}
    return {"aggregates": can_view_aggregates(user), "company": bool(own_company_ids(user))}


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """0.7263 -> '73%' (or '72,6%' with digits=1); '–' for empty values."""
    if value is None or value == "":
        return "–"
    try:
        number = float(value) * 100
    except (TypeError, ValueError):
        return str(value)
    return f"{number_format(round(number, int(digits)), decimal_pos=int(digits))}%"


@register.filter
def year(value: Any) -> str:
    """A year without thousands separator; '–' when empty."""
    if value is None or value == "":
        return "–"
    return str(value)


@register.filter
def year_or_after(value: Any, horizon: Any) -> str:
    """A year of a range; empty: "na <horizon>" (not within the horizon)."""
    if value is None or value == "":
        return _("na %(y)s") % {"y": horizon} if horizon else "–"
    return str(value)


def _choice_label(choices: type[models.TextChoices], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def feasibility_label(value: Any) -> str:
    return _choice_label(Feasibility, value)


@register.filter
def feasibility_colour(value: Any) -> str:
    try:
        return FEASIBILITY_COLOURS[Feasibility(value)]
    except (ValueError, KeyError):
        return "#999999"


@register.filter
def project_kind_label(value: Any) -> str:
    return _choice_label(ProjectKind, value)


@register.filter
def signed(value: Any) -> str:
    """A whole number with its sign: '+1.234', '−56', '0'."""
    if value is None or value == "":
        return "–"
    number = round(float(value))
    text = number_format(abs(number), decimal_pos=0, force_grouping=True)
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"−{text}"
    return "0"
