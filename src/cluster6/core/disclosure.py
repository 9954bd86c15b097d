"""Disclosure control of aggregates across companies: which groups of a table to suppress so that no
single company's figures can be read or worked back (docs/plans.md). Shared by the round comparison and
the feasibility analysis."""

from __future__ import annotations

from collections.abc import Mapping

#: A group with fewer companies than this is suppressed.
MIN_COMPANIES = 3

PRIMARY = "primary"  # fewer than the minimum of companies
SECONDARY = (
    "secondary"  # shown companies enough, but blanked so that the total minus the rest reveals nothing
)


def suppression(groups: Mapping[str, tuple[int, float]], minimum: int = MIN_COMPANIES) -> dict[str, str]:
    """The groups to suppress, with the reason, from `key -> (companies, size)` of one table.

    Primary: a group with fewer than `minimum` companies. Secondary: when exactly one group is
    suppressed, the total minus the other groups would reveal it, so the shown group with the fewest
    companies (then the smallest size, then by key) is suppressed as well."""
    reasons = {key: PRIMARY for key, (companies, _size) in groups.items() if companies < minimum}
    if len(reasons) == 1 and len(groups) > 1:
        _n, _size, key = min((n, size, key) for key, (n, size) in groups.items() if key not in reasons)
        reasons[key] = SECONDARY
    return reasons
