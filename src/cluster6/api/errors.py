"""The API's error format (DRF's default) and its description in the OpenAPI schema.

- 400: an object with one key per invalid field (or `non_field_errors`), each a list of messages.
- 401, 403, 404, 405, 406, 415, 429, 500: an object with one key, `detail`, holding the message.

Messages follow the request language (Dutch by default, English with `Accept-Language: en`).
DRF answers the errors of its views itself; `not_found` answers every other URL under /api/ (the last
route of api/urls.py), and `server_error` (handler500) an unhandled exception under /api/, so that no
API client ever gets an HTML page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound

#: The path prefix of the API.
API_PREFIX = "/api/"


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """404 in the API's format for any URL under /api/ that no endpoint serves, whatever the method."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the API's format under /api/, else the HTML error page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": _("Er ging iets mis op de server. Probeer het later opnieuw.")}, status=500
        )
    return defaults.server_error(request, template_name)


class ErrorSerializer(serializers.Serializer[Any]):
    """An error without fields (401, 403, 404)."""

    detail = serializers.CharField(help_text="What went wrong, in the request language.")


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One key per invalid field (query parameter or body field), or `non_field_errors`, "
    "each with a list of messages; a nested object (such as `parameters`) holds its fields' errors in the "
    "same form. A body that cannot be parsed gives `detail` with one message.",
    "properties": {"detail": {"type": "string", "description": "The body could not be parsed."}},
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
    "example": {"year_min": ["Zorg ervoor dat deze waarde groter is dan of gelijk is aan 1990."]},
}

BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Invalid query parameters or body.")
UNAUTHORIZED = OpenApiResponse(
    ErrorSerializer,
    description="Not authenticated: no session and no valid `Authorization: Token ...` header "
    "(also for inactive users).",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="Authenticated, but the action is not allowed (for example a session request without "
    "a CSRF token on an unsafe method). Objects outside the user's visibility give 404, not 403.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such object, or the user may not see it (the API does not reveal that it exists).",
)
PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="The requested page does not exist.")

#: Responses of a list endpoint besides 200.
LIST_ERRORS: dict[int, OpenApiResponse] = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: PAGE_NOT_FOUND,
}
#: Responses of a detail endpoint besides 200.
DETAIL_ERRORS: dict[int, OpenApiResponse] = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
}
