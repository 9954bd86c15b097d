"""The API's error format (DRF's default) and its description in the OpenAPI schema.

- 400: an object with one key per invalid field (or `non_field_errors`), each a list of messages.
- 401, 403, 404: an object with one key, `detail`, holding the message.

Messages follow the request language (Dutch by default, English with `Accept-Language: en`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    """An error without fields (401, 403, 404)."""

    detail = serializers.CharField(help_text="What went wrong, in the request language.")


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One key per invalid field (query parameter or body field), or `non_field_errors`, "
    "each with a list of messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
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
