"""Background tasks of the analysis app (Django's tasks framework; the database queue of
django-tasks-db, run by `cluster6 db_worker`)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from .freshness import analysis_refresh_run


@task()
def analysis_refresh(reason: str = "") -> dict[str, Any]:
    """Refresh the baseline analysis after its inputs changed and notify the companies whose answer
    changed (analysis/freshness.py). Queued by `analysis_request_refresh`, never twice while waiting."""
    return analysis_refresh_run(reason=reason)
