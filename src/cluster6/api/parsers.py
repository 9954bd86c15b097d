"""The API's JSON parser: request bodies go through the same checks as imported JSON files
(core.safefiles.load_json), so a deeply nested body, NaN or 1e400 is a 400 in the API's error format,
never a RecursionError and a 500."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from cluster6.core.safefiles import UnsafeFile, file_limits, load_json


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            return load_json(text, "", file_limits("plan"))
        except UnsafeFile as exc:
            raise ParseError(exc.message) from None
