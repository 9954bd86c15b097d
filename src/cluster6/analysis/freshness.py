"""Always fresh: the baseline analysis is recomputed in the background when its inputs change, and the
pages say when a newer one is being computed.

- `inputs_changed` (core/signals.py) is sent after a submission is submitted or reopened, a consent is
  given or withdrawn, grid or registry data are imported, or the timeline is edited in the admin; the
  receiver `on_inputs_changed` (connected in AnalysisConfig.ready) calls `analysis_request_refresh`.
- `analysis_request_refresh` queues the task `analysis.tasks.analysis_refresh` in the database queue
  (django-tasks-db), unless one is already waiting: changes coalesce into one refresh. A refresh that
  is already running may have read the inputs before the change, so a new one is queued beside it.
- The task (`analysis_refresh_run`) runs the baseline analysis (reusing a stored run of the same input
  when that is the newest), compares each plan's answer with the previous newest baseline run (class,
  connection year, realisation year), and notifies the companies whose answer changed
  (cluster6.notifications: a notification on the start page and an e-mail).
- `refresh_state` is what the pages ask: is a refresh waiting or running, since when (the moment the
  inputs changed: the queue time of the oldest waiting refresh), and did the last one fail. It reads the
  queue (two small indexed queries), never the inputs: nothing is hashed on a page view.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cluster6.notifications.services import (
    ANSWER_FIELDS,
    AnswerChange,
    notifications_email,
    notifications_for_answer_changes,
)

from .constants import Feasibility
from .models import PlanResult
from .selectors import latest_baseline_id
from .services import analysis_current, analysis_run

logger = logging.getLogger(__name__)

#: The import path of the refresh task, as the queue stores it.
REFRESH_TASK_PATH = "cluster6.analysis.tasks.analysis_refresh"
_PENDING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
#: The fields of a plan's answer that are compared between runs.
ANSWER = tuple(name for name, _kind in ANSWER_FIELDS)
#: How many changed plan ids the task's return value keeps (the notifications hold them all).
CHANGED_PLANS_KEPT = 1000


@dataclass(frozen=True)
class Freshness:
    #: A refresh is waiting or running: the stored run may be out of date.
    refreshing: bool = False
    #: When the inputs changed (the oldest waiting or running refresh was queued).
    since: dt.datetime | None = None
    #: The newest refresh failed and none is waiting: the stored run may be out of date.
    failed: bool = False

    @property
    def stale(self) -> bool:
        return self.refreshing or self.failed


def _refreshes() -> Any:
    return DBTaskResult.objects.filter(task_path=REFRESH_TASK_PATH)


def refresh_state() -> Freshness:
    """Whether a newer baseline analysis is being computed (from the queue only)."""
    since = (
        _refreshes()
        .filter(status__in=_PENDING)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if since is not None:
        return Freshness(refreshing=True, since=since)
    newest = _refreshes().order_by("-enqueued_at").values_list("status", flat=True).first()
    return Freshness(failed=newest == TaskResultStatus.FAILED)


def analysis_request_refresh(*, reason: str) -> str | None:
    """Queue a refresh of the baseline analysis, unless one is already waiting (then nothing is queued
    and None is returned); returns the id of the queued task. Call it after the change is committed
    (`core.signals.inputs_changed_on_commit` does)."""
    if _refreshes().filter(status=TaskResultStatus.READY).exists():
        logger.info("analysis.refresh_coalesced reason=%s", reason)
        return None
    from .tasks import analysis_refresh

    result = analysis_refresh.enqueue(reason=reason)
    logger.info("analysis.refresh_queued id=%s reason=%s", result.id, reason)
    return str(result.id)


def on_inputs_changed(sender: object, *, reason: str = "", **kwargs: Any) -> None:
    """Receiver of `core.signals.inputs_changed`."""
    analysis_request_refresh(reason=reason or "inputs_changed")


def answer_changes(*, previous_run_id: int, run_id: int) -> list[AnswerChange]:
    """The plans in both runs whose answer differs (class, connection year, realisation year), each with
    the changed fields as (old, new). Plans new in `run_id` or gone from it are not changes of an
    answer; a plan excluded in both is left out."""
    fields = ("pk", "plan_id", "organisation_id", *ANSWER)
    before = {r["plan_id"]: r for r in PlanResult.objects.filter(run_id=previous_run_id).values(*fields)}
    changes: list[AnswerChange] = []
    for row in PlanResult.objects.filter(run_id=run_id).values(*fields).order_by("plan_id"):
        old = before.get(row["plan_id"])
        if old is None or (old["feasibility"] == row["feasibility"] == Feasibility.EXCLUDED):
            continue
        changed = {f: (old[f], row[f]) for f in ANSWER if old[f] != row[f]}
        if changed:
            changes.append(
                AnswerChange(
                    plan_id=row["plan_id"],
                    organisation_id=row["organisation_id"],
                    result_id=row["pk"],
                    changes=changed,
                )
            )
    return changes


def analysis_refresh_run(*, reason: str = "") -> dict[str, Any]:
    """The body of the refresh task: run the baseline analysis, compare it with the newest baseline run
    before it, notify the companies whose answer changed and e-mail them. Returns a summary (stored in
    the queue as the task's return value)."""
    previous_id = latest_baseline_id()
    run = analysis_current(actor=None)
    if previous_id is not None and run.pk != previous_id and run.pk != latest_baseline_id():
        # the input is back to that of an older run: store it anew, so that it is the newest
        run = analysis_run(actor=None, reuse=False)
    summary: dict[str, Any] = {
        "run": run.pk,
        "previous_run": previous_id,
        "reason": reason,
        "changed_plans": [],
    }
    if previous_id is None or run.pk == previous_id:
        return summary
    changes = answer_changes(previous_run_id=previous_id, run_id=run.pk)
    notifications = notifications_for_answer_changes(run_id=run.pk, changes=changes)
    summary["changed"] = len(changes)
    summary["changed_plans"] = [c.plan_id for c in changes[:CHANGED_PLANS_KEPT]]
    summary["notifications"] = len(notifications)
    summary["emails"] = notifications_email(notifications=notifications)
    logger.info(
        "analysis.refreshed run_id=%s previous=%s changed=%s reason=%s",
        run.pk,
        previous_id,
        len(changes),
        reason,
    )
    return summary
