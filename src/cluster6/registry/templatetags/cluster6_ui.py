"""Template helpers of the web UI: navigation by role (through the policy layer), query strings and units."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from cluster6.authz.policies import can_import, can_use_admin, can_view_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_flags(context: template.Context) -> dict[str, bool]:
    """What the navigation offers the current user: the import page and the admin follow the policies."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"can_import": False, "can_use_admin": False, "can_view_scope": False}
    return {
        "can_import": can_import(user),
        "can_use_admin": can_use_admin(user),
        "can_view_scope": can_view_scope(user),
    }


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes one); starts with '?'.
    Changing anything but the page resets the page."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    if "pagina" not in changes:
        params.pop("pagina", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def megatonnes(value: Any) -> float | None:
    """Tonnes to megatonnes (for display with floatformat)."""
    if value is None or value == "":
        return None
    return float(value) / 1_000_000


@register.filter
def kilotonnes(value: Any) -> float | None:
    """Tonnes to kilotonnes (for display with floatformat)."""
    if value is None or value == "":
        return None
    return float(value) / 1_000


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[key], or "" when absent (for colour tables and the like)."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""
