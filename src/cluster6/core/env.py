"""The one place that reads environment variables (architecture.md rule 9).

Every setting has a help text; a development default where it is safe, none for production secrets.
`cluster6 env` (docs/runbook.md) lists them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class EnvVar:
    name: str
    help: str
    default: str | None


REGISTERED: dict[str, EnvVar] = {}
_MISSING = object()


def env(name: str, *, help: str, default: str | object | None = _MISSING) -> str:
    """The value of an environment variable; without a default it is required."""
    REGISTERED[name] = EnvVar(name, help, None if default is _MISSING else str(default))
    value = os.environ.get(name)
    if value is not None and value != "":
        return value
    if default is _MISSING:
        raise ImproperlyConfigured(f"Set the environment variable {name}: {help}")
    return str(default)


def env_bool(name: str, *, help: str, default: bool) -> bool:
    return env(name, help=help, default="1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, help: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, help=help, default=default).split(",") if item.strip()]
