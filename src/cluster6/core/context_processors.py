"""Context for every page: the platform name, the user's roles and the synthetic-data banner."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest

#: The value of `origin` that marks generated demo data (registry.constants.DataOrigin.DEMO; core may not
#: import the registry, so the model is looked up by name).
DEMO_ORIGIN = "demo"


def synthetic_data_present(request: HttpRequest) -> bool:
    """Whether the database holds synthetic demo locations: one EXISTS query, at most once
    per request (the answer is kept on the request)."""
    cached = getattr(request, "_cluster6_synthetic", None)
    if cached is None:
        location = apps.get_model("registry", "ProductionLocation")
        cached = location._default_manager.filter(origin=DEMO_ORIGIN).exists()
        request._cluster6_synthetic = cached  # type: ignore[attr-defined]
    return bool(cached)


def platform(request: HttpRequest) -> dict[str, Any]:
    """Navigation and the synthetic-data banner, for every page. The banner check is lazy: templates
    that do not show it (htmx fragments) cost no query."""
    user = getattr(request, "user", None)
    enabled = getattr(settings, "CLUSTER6_SYNTHETIC_BANNER", True)
    return {
        "platform_name": "Cluster 6",
        "roles": getattr(user, "role_set", frozenset()) if user and user.is_authenticated else frozenset(),
        "show_synthetic_banner": (lambda: enabled and synthetic_data_present(request)),
    }
