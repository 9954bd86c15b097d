"""Aggregates per province, sector, route and grid operator (rule 15), with bincount over group codes."""

from __future__ import annotations

import numpy as np

from .arrays import IntArray
from .classify import (
    BOTTLENECKS,
    CODE_CAN,
    CODE_CANNOT,
    CODE_MAY_NOT,
    CODE_NOT_DEPENDENT,
    Classification,
)
from .demand import Demand
from .model import Parameters
from .results import AggregateRow, Aggregates

TOTAL_KEY = "totaal"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rows(
    labels: tuple[str, ...], codes: IntArray, demand: Demand, cls: Classification, params: Parameters
) -> tuple[AggregateRow, ...]:
    n_groups = len(labels)
    counted = demand.counted
    co2 = demand.co2_t
    code = cls.code
    deadline = params.deadline_year

    def count(mask: np.ndarray) -> list[int]:
        return [int(x) for x in np.bincount(codes[mask & counted], minlength=n_groups)]

    def tonnes(mask: np.ndarray) -> list[int]:
        sel = mask & counted
        return [int(x) for x in np.bincount(codes[sel], weights=co2[sel], minlength=n_groups).round()]

    everything = np.ones(code.shape[0], dtype=np.bool_)
    dependent = code >= 0
    n_plans, n_dep = count(everything), count(dependent)
    n_can, n_may, n_cannot = count(code == CODE_CAN), count(code == CODE_MAY_NOT), count(code == CODE_CANNOT)
    co2_all, co2_can = tonnes(everything), tonnes(code == CODE_CAN)
    co2_may, co2_cannot = tonnes(code == CODE_MAY_NOT), tonnes(code == CODE_CANNOT)
    co2_nd = tonnes(code == CODE_NOT_DEPENDENT)
    co2_dl = tonnes(cls.realisation_all <= deadline)
    co2_dl_cert = tonnes(cls.realisation_certain <= deadline)
    held = (code == CODE_MAY_NOT) | (code == CODE_CANNOT)
    bottleneck_counts = {b.value: count(held & (cls.bottleneck == k)) for k, b in enumerate(BOTTLENECKS)}
    rows = []
    for g, label in enumerate(labels):
        dep = n_dep[g]
        rows.append(
            AggregateRow(
                key=label,
                n_plans=n_plans[g],
                n_dependent=dep,
                n_can=n_can[g],
                n_may_not=n_may[g],
                n_cannot=n_cannot[g],
                share_can=_share(n_can[g], dep),
                share_may_not=_share(n_may[g], dep),
                share_cannot=_share(n_cannot[g], dep),
                headline_share=_share(n_may[g] + n_cannot[g], dep),
                co2_t=co2_all[g],
                co2_can_t=co2_can[g],
                co2_may_not_t=co2_may[g],
                co2_cannot_t=co2_cannot[g],
                co2_not_dependent_t=co2_nd[g],
                co2_by_deadline_t=co2_dl[g],
                co2_by_deadline_certain_t=co2_dl_cert[g],
                bottlenecks={k: v[g] for k, v in bottleneck_counts.items() if v[g]},
            )
        )
    return tuple(rows)


def aggregate_rows(demand: Demand, cls: Classification, params: Parameters) -> Aggregates:
    total = _rows((TOTAL_KEY,), np.zeros(demand.counted.shape[0], dtype=np.int64), demand, cls, params)[0]
    by = {name: _rows(labels, codes, demand, cls, params) for name, labels, codes in demand.dimensions}
    return Aggregates(total=total, by=by)
