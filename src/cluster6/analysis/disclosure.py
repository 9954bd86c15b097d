"""Disclosure control of the analysis figures, with the one rule of `cluster6.core.disclosure`
(docs/sharing.md, "De openbaarmakingsregel"): a figure is shown only when the part the viewer may not read
in full rests on at least CLUSTER6_DISCLOSURE_MIN_COMPANIES companies and no company holds more than
CLUSTER6_DISCLOSURE_MAX_SHARE of it; the suppressed cells of a table together must pass as well.

Applied to the aggregates per group (and, for a scenario run, to each group's difference from the
baseline), the candidate MIEK areas, the unlock ranking, a scenario's comparison with its baseline and the
area map. `known` is the set of organisation ids (as strings) whose plans the viewer may read in full
(the policy layer decides: `selectors.readable_companies`). The stored run keeps the full figures with
each company's contribution; people see only what passes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cluster6.core.disclosure import (
    DOMINANCE,
    PRIMARY,
    SECONDARY,
    TOTAL,
    Contributions,
    Rule,
    configured_rule,
    merge,
    suppression,
)

__all__ = ["DOMINANCE", "PRIMARY", "SECONDARY"]

NoneKnown: frozenset[Any] = frozenset()


def min_companies() -> int:
    return configured_rule().min_companies


def max_share() -> float:
    return configured_rule().max_share


def rule(minimum: int | None = None) -> Rule:
    return configured_rule(min_companies=minimum)


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
    "n_unknown",
)
#: Measures of an aggregate row's per-company vector checked for dominance: plans, dependent plans,
#: CO2, CO2 by the deadline (adapters._contributions).
ROW_MEASURES = 4


def _row_companies(row: Mapping[str, Any], measures: int | None = ROW_MEASURES) -> dict[str, Any]:
    """A row's per-company contributions. Runs stored before the contributions were kept have only
    `n_companies`: they are checked on that number alone (equal shares)."""
    companies = row.get("companies")
    if companies is None:
        return {f"?{i}": 1.0 for i in range(int(row.get("n_companies") or 0))}
    if measures is None:
        return dict(companies)
    return {c: list(v)[:measures] for c, v in companies.items()}


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row without the per-company contributions (never shown)."""
    return {k: v for k, v in row.items() if k != "companies"}


def _blank(row: Mapping[str, Any], reason: str) -> dict[str, Any]:
    return {
        **_public(row),
        **dict.fromkeys(GROUP_FIGURES),
        "bottlenecks": {},
        "n_companies": None,
        "suppression": reason,
    }


def _delta(scenario: Contributions, baseline: Contributions) -> dict[str, list[float]]:
    """Per company, how a scenario row differs from the baseline row (absolute, per measure)."""
    out: dict[str, list[float]] = {}
    s, b = merge([scenario]), merge([baseline])
    for company in set(s) | set(b):
        sv, bv = s.get(company, ()), b.get(company, ())
        width = max(len(sv), len(bv))
        out[str(company)] = [
            abs((sv[k] if k < len(sv) else 0.0) - (bv[k] if k < len(bv) else 0.0)) for k in range(width)
        ]
    return out


def _table_reasons(
    tables: list[tuple[dict[str, Contributions], Contributions]], known: frozenset[Any], r: Rule
) -> dict[str, str]:
    """Suppression over several tables on the same cells (a table and its difference from the baseline):
    every table's rule applied, to a fixpoint, so that in each the suppressed cells together pass."""
    reasons: dict[str, str] = {}
    while True:
        before = dict(reasons)
        for cells, total in tables:
            forced = {k: reasons[k] for k in cells if k in reasons}
            got = suppression(cells, rule=r, known=known, total=total, forced=forced)
            for key, reason in got.items():
                reasons.setdefault(str(key), reason)
        if reasons == before:
            return reasons


def disclosed_rows(
    rows: Iterable[dict[str, Any]],
    minimum: int | None = None,
    *,
    known: frozenset[Any] = NoneKnown,
    total: Mapping[str, Any] | None = None,
    baseline_rows: Iterable[Mapping[str, Any]] | None = None,
    baseline_total: Mapping[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], str]:
    """The groups of one dimension with the disclosure rule, and the reason the total is suppressed
    ("" when shown). With `baseline_rows` (a scenario run), each group's difference from the baseline's
    group is a figure too and passes the rule, with its own secondary suppression."""
    r = rule(minimum)
    rows = [dict(x) for x in rows]
    cells: dict[str, Contributions] = {str(x["key"]): _row_companies(x) for x in rows}
    whole: Contributions = _row_companies(total) if total is not None else merge(cells.values())
    tables: list[tuple[dict[str, Contributions], Contributions]] = [(cells, whole)]
    if baseline_rows is not None:
        base = {str(x["key"]): _row_companies(x, None) for x in baseline_rows}
        full = {str(x["key"]): _row_companies(x, None) for x in rows}
        delta = {k: _delta(full.get(k, {}), base.get(k, {})) for k in set(full) | set(base)}
        delta_total = _delta(
            _row_companies(total, None) if total is not None else merge(full.values()),
            _row_companies(baseline_total, None) if baseline_total is not None else merge(base.values()),
        )
        tables.append(({k: v for k, v in delta.items() if k in cells}, delta_total))
    reasons = _table_reasons(tables, known, r)
    total_reason = reasons.pop(TOTAL, "")
    shown = [
        _blank(x, reasons[str(x["key"])]) if str(x["key"]) in reasons else {**_public(x), "suppression": ""}
        for x in rows
    ]
    return shown, total_reason


def disclosed_aggregates(
    aggregates: dict[str, Any],
    minimum: int | None = None,
    *,
    known: frozenset[Any] = NoneKnown,
    baseline: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A run's aggregates as shown to a viewer: the total and every dimension through the rule. A total
    that fails the rule (a pilot with fewer companies than the limit, or one dominant company) is
    blanked with every group. For a scenario run, `baseline` holds the baseline run's aggregates: the
    differences are figures too (a total that differs from the baseline's by one company's plan is
    blanked)."""
    r = rule(minimum)
    raw_total = dict(aggregates.get("total", {}))
    base_total = (baseline or {}).get("total") if baseline else None
    total_reason = r.check(_row_companies(raw_total), known)
    if baseline is not None and "companies" not in raw_total:
        total_reason = total_reason or PRIMARY  # a scenario run stored without contributions
    if not total_reason and base_total is not None:
        total_reason = r.check(
            _delta(_row_companies(raw_total, None), _row_companies(base_total, None)), known
        )
    by: dict[str, list[dict[str, Any]]] = {}
    for dim, rows in aggregates.get("by", {}).items():
        base_rows = (baseline or {}).get("by", {}).get(dim) if baseline else None
        shown, reason = disclosed_rows(
            rows, minimum, known=known, total=raw_total, baseline_rows=base_rows, baseline_total=base_total
        )
        total_reason = total_reason or reason
        by[dim] = shown
    if total_reason:
        by = {
            dim: [x if x["suppression"] else _blank(x, SECONDARY) for x in shown] for dim, shown in by.items()
        }
        return {"total": _blank(raw_total, total_reason), "by": by}
    return {"total": {**_public(raw_total), "suppression": ""}, "by": by}


def disclosed_miek(
    candidates: Iterable[dict[str, Any]], minimum: int | None = None, *, known: frozenset[Any] = NoneKnown
) -> list[dict[str, Any]]:
    """MIEK candidates whose figures fail the rule keep their area (it passed the threshold) but not their
    figures. Shown candidates come first (largest demand first), the others after them by area, so
    that the order reveals nothing of their demand."""
    r = rule(minimum)
    shown, hidden = [], []
    for m in candidates:
        reason = r.check(_row_companies(m, None), known)
        if reason:
            blank = dict.fromkeys(("demand_mw", "n_plans", "co2_t", "n_grid_bottleneck", "n_companies"))
            hidden.append({**_public(m), **blank, "suppression": reason})
        else:
            shown.append({**_public(m), "suppression": ""})
    hidden.sort(key=lambda m: (str(m.get("area_id", "")),))
    return shown + hidden


#: The figures of a ranking row that are blanked when it is suppressed.
RANKING_FIGURES = ("co2_gained_t", "plans_unlocked", "plans_earlier", "rank")


def disclosed_ranking(
    rows: Iterable[Mapping[str, Any]], minimum: int | None = None, *, known: frozenset[Any] = NoneKnown
) -> list[dict[str, Any]]:
    """The unlock ranking as shown: a project whose gain (CO2, plans a class better, plans earlier) fails
    the rule keeps its row but not its figures nor its rank ("onvoldoende bedrijven"). The rows are not
    parts of a published total, so no secondary suppression is needed; shown rows keep their order and
    are ranked again 1, 2, ...; suppressed rows follow, by kind, name and code (their place would
    otherwise bound their gain). Rows of runs stored without contributions are suppressed."""
    r = rule(minimum)
    shown, hidden = [], []
    for row in rows:
        companies = row.get("companies")
        reason = PRIMARY if companies is None else r.check(companies, known)
        if reason:
            hidden.append({**_public(row), **dict.fromkeys(RANKING_FIGURES), "suppression": reason})
        else:
            shown.append({**_public(row), "suppression": ""})
    for rank, row in enumerate(shown, start=1):
        row["rank"] = rank
    hidden.sort(key=lambda e: (str(e.get("kind", "")), str(e.get("name", "")), str(e.get("code", ""))))
    return shown + hidden


#: The figures of a scenario's comparison: differences from the baseline, the scenario's own (the baseline
#: plus the difference) and the baseline's.
DELTA_FIGURES = ("co2_by_deadline_delta_t", "co2_by_deadline_certain_delta_t", "plans_earlier", "plans_later")
SCENARIO_FIGURES = ("co2_by_deadline_scenario_t", "headline_share_scenario", "counts_scenario")
BASELINE_FIGURES = ("co2_by_deadline_baseline_t", "headline_share_baseline", "counts_baseline")


def disclosed_comparison(
    comparison: Mapping[str, Any] | None,
    changed: Contributions,
    minimum: int | None = None,
    *,
    known: frozenset[Any] = NoneKnown,
    baseline_reason: str = "",
) -> dict[str, Any] | None:
    """A scenario's comparison with its baseline as shown. `changed` holds, per company whose results
    differ between the two runs, the size of its change (selectors.scenario_changes). The difference is
    a figure: shown only when those companies pass the rule (`suppression` says why not); when it is
    not, the scenario's own figures are blanked too (scenario minus baseline would give it). The
    baseline's figures follow the baseline's total (`baseline_reason`); when they are blanked, so are the
    scenario's own figures (scenario minus difference would give them), and `baseline_suppression` says
    why."""
    if comparison is None:
        return None
    out = dict(comparison)
    reason = rule(minimum).check(changed, known)
    if reason:
        out.update(dict.fromkeys(DELTA_FIGURES + SCENARIO_FIGURES))
    if baseline_reason:
        out.update(dict.fromkeys(BASELINE_FIGURES + SCENARIO_FIGURES))
    out["suppression"] = reason
    out["baseline_suppression"] = baseline_reason
    return out


def disclosed_areas(
    areas: Mapping[str, Mapping[str, Any]], minimum: int | None = None, *, known: frozenset[Any] = NoneKnown
) -> dict[str, str]:
    """The service areas of the analysis map whose plan counts are blanked: code -> reason. The areas add
    up to the run's published total (dependent plans, held back), so the total minus the shown areas
    gives the blanked ones together: they pass the rule too (secondary suppression, as for a table of
    groups)."""
    reasons = suppression(dict(areas), rule=rule(minimum), known=known)
    reasons.pop(TOTAL, None)
    return {str(code): reason for code, reason in reasons.items()}
