"""Aggregates per province, sector, route and grid operator (rule 15), with bincount over group codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import BoolArray, IntArray
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


@dataclass(frozen=True, slots=True)
class _Masks:
    """The counted plans' classes and CO2 (computed once for every dimension): each mask and weight is
    restricted to the counted plans, in plan order, so every bincount adds the same values in the same
    order as over all plans with `mask & counted`."""

    counted: BoolArray
    co2: IntArray
    everything: BoolArray
    dependent: BoolArray
    can: BoolArray
    may_not: BoolArray
    cannot: BoolArray
    not_dependent: BoolArray
    by_deadline: BoolArray
    by_deadline_certain: BoolArray
    held_by: tuple[BoolArray, ...]  # per bottleneck: held (may not or cannot) by it
    unknown: BoolArray | None


def _masks(demand: Demand, cls: Classification, params: Parameters, unknown: BoolArray | None) -> _Masks:
    counted = demand.counted
    code = cls.code[counted]
    deadline = params.deadline_year
    held = (code == CODE_MAY_NOT) | (code == CODE_CANNOT)
    bottleneck = cls.bottleneck[counted]
    return _Masks(
        counted=counted,
        co2=demand.co2_t[counted],
        everything=np.ones(code.shape[0], dtype=np.bool_),
        dependent=code >= 0,
        can=code == CODE_CAN,
        may_not=code == CODE_MAY_NOT,
        cannot=code == CODE_CANNOT,
        not_dependent=code == CODE_NOT_DEPENDENT,
        by_deadline=cls.realisation_all[counted] <= deadline,
        by_deadline_certain=cls.realisation_certain[counted] <= deadline,
        held_by=tuple(held & (bottleneck == k) for k in range(len(BOTTLENECKS))),
        unknown=held & unknown[counted] if unknown is not None else None,
    )


def _rows(labels: tuple[str, ...], all_codes: IntArray, m: _Masks) -> tuple[AggregateRow, ...]:
    n_groups = len(labels)
    codes = all_codes[m.counted]
    co2 = m.co2

    def count(mask: np.ndarray) -> list[int]:
        return np.bincount(codes[mask], minlength=n_groups).tolist()

    def tonnes(mask: np.ndarray) -> list[int]:
        sums = np.bincount(codes[mask], weights=co2[mask], minlength=n_groups).round()
        return sums.astype(np.int64).tolist()

    n_plans, n_dep = count(m.everything), count(m.dependent)
    n_can, n_may, n_cannot = count(m.can), count(m.may_not), count(m.cannot)
    co2_all, co2_can = tonnes(m.everything), tonnes(m.can)
    co2_may, co2_cannot = tonnes(m.may_not), tonnes(m.cannot)
    co2_nd = tonnes(m.not_dependent)
    co2_dl = tonnes(m.by_deadline)
    co2_dl_cert = tonnes(m.by_deadline_certain)
    bottleneck_counts = {b.value: count(m.held_by[k]) for k, b in enumerate(BOTTLENECKS)}
    n_unknown = count(m.unknown) if m.unknown is not None else [0] * n_groups
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
                n_unknown=n_unknown[g],
            )
        )
    return tuple(rows)


def aggregate_rows(
    demand: Demand, cls: Classification, params: Parameters, unknown: BoolArray | None = None
) -> Aggregates:
    """`unknown`: per plan, held by a grid shortage without a published year (counted apart)."""
    zeros = np.zeros(demand.counted.shape[0], dtype=np.int64)
    masks = _masks(demand, cls, params, unknown)
    total = _rows((TOTAL_KEY,), zeros, masks)[0]
    by = {name: _rows(labels, codes, masks) for name, labels, codes in demand.dimensions}
    return Aggregates(total=total, by=by)
