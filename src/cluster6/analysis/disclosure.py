"""Disclosure control of the analysis figures: aggregates reveal no single company only when a group holds
enough companies. The same rule as the round comparison (docs/plans.md): primary suppression below
MIN_COMPANIES companies, and secondary suppression when exactly one group of a dimension is suppressed.
The stored run keeps the full figures (they are reproducible from its input); people see these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from cluster6.core.disclosure import MIN_COMPANIES, PRIMARY, suppression


def min_companies() -> int:
    return int(getattr(settings, "CLUSTER6_DISCLOSURE_MIN_COMPANIES", MIN_COMPANIES))


#: The figures of a group that are blanked when it is suppressed.
GROUP_FIGURES = (
    "n_plans",
    "n_dependent",
    "n_can",
    "n_may_not",
    "n_cannot",
    "share_can",
    "share_may_not",
    "share_cannot",
    "headline_share",
    "co2_t",
    "co2_can_t",
    "co2_may_not_t",
    "co2_cannot_t",
    "co2_not_dependent_t",
    "co2_by_deadline_t",
    "co2_by_deadline_certain_t",
    "bottlenecks",
)


def _blank(row: dict[str, Any], reason: str) -> dict[str, Any]:
    return {
        **row,
        **dict.fromkeys(GROUP_FIGURES),
        "bottlenecks": {},
        "n_companies": None,
        "suppression": reason,
    }


def disclosed_rows(rows: Iterable[dict[str, Any]], minimum: int | None = None) -> list[dict[str, Any]]:
    """The groups of one dimension with the disclosure rule of the round comparison (docs/plans.md):
    a group of fewer companies than the limit (default 3) is suppressed (primary); when exactly one
    group is, the shown group with the fewest companies (then the least CO2, then by key) is suppressed
    too (secondary), so that the total minus the others does not reveal it."""
    limit = min_companies() if minimum is None else minimum
    rows = [dict(r) for r in rows]
    reasons = suppression({r["key"]: (r.get("n_companies", 0), r.get("co2_t") or 0) for r in rows}, limit)
    return [_blank(r, reasons[r["key"]]) if r["key"] in reasons else {**r, "suppression": ""} for r in rows]


def disclosed_aggregates(aggregates: dict[str, Any], minimum: int | None = None) -> dict[str, Any]:
    """A run's aggregates as shown to people: every dimension through `disclosed_rows`. The total is the
    programme's headline and is always shown (with fewer companies than the limit in the whole analysis,
    which only a pilot has, every group is suppressed but the total still tells their sum)."""
    total = {**dict(aggregates.get("total", {})), "suppression": ""}
    by = {dim: disclosed_rows(rows, minimum) for dim, rows in aggregates.get("by", {}).items()}
    return {"total": total, "by": by}


def disclosed_miek(candidates: Iterable[dict[str, Any]], minimum: int | None = None) -> list[dict[str, Any]]:
    """MIEK candidates with fewer companies than the limit keep their area (it passed the threshold) but
    not their figures, which would be one or two companies' demand."""
    limit = min_companies() if minimum is None else minimum
    out = []
    for m in candidates:
        if m.get("n_companies", 0) < limit:
            blank = dict.fromkeys(("demand_mw", "n_plans", "co2_t", "n_grid_bottleneck"))
            out.append({**m, **blank, "suppression": PRIMARY})
        else:
            out.append({**m, "suppression": ""})
    return out
