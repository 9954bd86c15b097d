"""A small process-wide cache of a run's figures as shown to a viewer (disclosure control applied).

A run and its plan results are append-only (`AppendOnlyModel`), so what the disclosure rule shows of a
run depends only on the run (and, for a scenario run, its baseline), the rule's limits in the settings
and the companies the viewer reads in full (`AnalysisRun.known_companies`, set by the policy layer per
request). Computing it takes the rule over every group of every dimension (hundreds of milliseconds at
national scale); the pages and the API show it on nearly every request. The cache is keyed by all of
that, so it never shows a viewer more than the rule allows for its own set of known companies: two
viewers share an entry only when they read exactly the same companies in full.

Callers get a deep copy (pages sort and annotate the rows they are given).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from cluster6.core.disclosure import configured_rule

if TYPE_CHECKING:
    from .models import AnalysisRun

#: Entries kept (a few runs times a few sets of known companies; a set of the ministry holds every company).
MAXSIZE = 32

_cache: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def _run_key(run: AnalysisRun) -> Hashable:
    # the creation time and the input hash as well as the id: ids are reused after a rolled-back test
    return (run.pk, run.created_at, run.input_hash, run.engine_version)


def shown[T](run: AnalysisRun, what: str, compute: Callable[[], T]) -> T:
    """`compute()` (the run's `what` with the disclosure rule for the viewer), cached per run, baseline,
    rule and set of known companies. Unsaved runs are not cached."""
    if run.pk is None or run._state.adding:
        return compute()
    rule = configured_rule()
    key = (
        what,
        _run_key(run),
        run.baseline_id,  # created before the run: the run's own key tells a reused id apart
        rule.min_companies,
        rule.max_share,
        frozenset(run.known_companies),
    )
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return copy.deepcopy(_cache[key])  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > MAXSIZE:
            _cache.popitem(last=False)
    return copy.deepcopy(value)


def clear() -> None:
    with _lock:
        _cache.clear()
