from typing import Any

from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Navigation and the synthetic-data banner, for every page."""
    from django.conf import settings

    user = getattr(request, "user", None)
    return {
        "platform_name": "Cluster 6",
        "roles": getattr(user, "role_set", frozenset()) if user and user.is_authenticated else frozenset(),
        "show_synthetic_banner": getattr(settings, "CLUSTER6_SYNTHETIC_BANNER", True),
    }
