"""Shared fixtures. The database is a real one (SQLite, or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs in an event loop


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets in ../shared/data; tests that need them skip, with the reason, when absent."""
    path = Path(settings.SHARED_DATA_DIR)
    if not (path / "ets" / "nl_ets_installations_2005_2022.csv").exists():
        pytest.skip(f"the public data folder {path} is absent (set CLUSTER6_SHARED_DATA)")
    return path
