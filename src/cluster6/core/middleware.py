"""Request middleware shared by every app."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: The Cache-Control of every response with data (SecurityHeadersMiddleware).
NO_STORE = "no-store, private"


class DutchByDefaultMiddleware:
    """The web interface is Dutch unless the user picks English with the language switch (a cookie):
    the browser's Accept-Language is ignored there, so that an English-language browser still gets the
    Dutch interface of a Dutch government service. API clients keep Accept-Language for their messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers that Django's own middleware does not set (docs/runbook.md, "Security headers"):

    - `Permissions-Policy`: every feature in settings.PERMISSIONS_POLICY_DENIED is off for every page.
    - `Cache-Control: no-store, private` on every response the application itself produces: pages, API
      answers and downloads all carry data that depends on who asks, and no browser or proxy may keep a
      copy. For a signed-in user it replaces whatever a view set; for an anonymous request (the login page,
      the public token endpoint) it is set unless the view set its own. Static files never pass through
      here (WhiteNoise answers them before the middleware chain; in development the static handler), so
      they stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        denied = getattr(settings, "PERMISSIONS_POLICY_DENIED", ())
        self.permissions_policy = ", ".join(f"{feature}=()" for feature in denied)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
