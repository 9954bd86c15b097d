"""Request middleware shared by every app."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
