"""Signals between the domain apps that must not import each other.

`inputs_changed`: the inputs of the feasibility analysis changed (a submission submitted or reopened, a
consent given or withdrawn, an import of grid or registry data, an edit of the infrastructure timeline).
The analysis app listens (`analysis/freshness.py`, connected in its AppConfig.ready) and queues one
background refresh. Senders call `inputs_changed_on_commit`, so nothing is queued for a write that is
rolled back (a dry-run import, a refused submission)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

#: Sent with `reason` (a short code such as "submission.submitted") after the change is committed.
inputs_changed = Signal()


def inputs_changed_on_commit(*, reason: str) -> None:
    """Send `inputs_changed` once the current transaction commits (at once outside a transaction). A
    listener that fails is logged, never fails the write that caused it."""

    def send() -> None:
        for receiver, result in inputs_changed.send_robust(sender=None, reason=reason):
            if isinstance(result, Exception):
                logger.error("inputs_changed receiver %r failed: %s", receiver, result, exc_info=result)

    transaction.on_commit(send)
