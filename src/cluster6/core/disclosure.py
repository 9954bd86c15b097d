"""Disclosure control: the one rule for every figure built from other companies' plans (docs/sharing.md,
"De openbaarmakingsregel"), on plain values (only `configured_rule` reads the settings); the domain
apps feed it per-company contributions and blank what it says.

A figure rests on the contributions of companies: per company a value, or a vector of values when the
figure has several measures (e.g. plans and CO2). Shown to a viewer, it is published only when the part
the viewer may not read in full rests on at least `min_companies` companies and no single company holds
more than `max_share` of it (for every measure). The companies whose plans the viewer may read in full
(`known`: its own, the ones shared with it by consent, all of them for the ministry) are subtracted first:
the viewer knows them, so they protect nothing.

In a table of cells that add up to a published total, the total minus the published cells gives the sum
of the suppressed cells: that sum (the suppressed cells' contributions together) must pass the rule as
well, else more cells are suppressed (secondary suppression). A cell on which no unknown company rests
reveals nothing and is always published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

#: A figure resting on fewer companies than this is suppressed.
MIN_COMPANIES = 3
#: A figure of which one company holds more than this share is suppressed.
MAX_SHARE = 0.70

PRIMARY = "primary"  # fewer than the minimum of companies
DOMINANCE = "dominance"  # one company holds more than the maximum share
SECONDARY = "secondary"  # passes itself, blanked so that no published combination reveals a suppressed one

#: The key under which `suppression` reports the table's total.
TOTAL = "__total__"

Value = float | Sequence[float]
#: company -> its value (or vector of values) in a figure
Contributions = Mapping[Any, Value]


def _vector(value: Value) -> tuple[float, ...]:
    if isinstance(value, int | float):
        return (float(value),)
    return tuple(float(v) for v in value)


def merge(parts: Iterable[Contributions]) -> dict[Hashable, tuple[float, ...]]:
    """The contributions of a sum of figures: per company, its values added up."""
    out: dict[Hashable, tuple[float, ...]] = {}
    for part in parts:
        for company, value in part.items():
            v = _vector(value)
            old = out.get(company)
            out[company] = v if old is None else tuple(a + b for a, b in zip(old, v, strict=False))
    return out


@dataclass(frozen=True)
class Rule:
    min_companies: int = MIN_COMPANIES
    max_share: float = MAX_SHARE

    def unknown(
        self, contributions: Contributions, known: frozenset[Hashable] = frozenset()
    ) -> dict[Hashable, tuple[float, ...]]:
        """The contributions the viewer cannot read: without `known` companies and without companies
        that contribute nothing."""
        return {
            c: v
            for c, v in ((c, _vector(value)) for c, value in contributions.items())
            if c not in known and any(x != 0 for x in v)
        }

    def check(self, contributions: Contributions, known: frozenset[Hashable] = frozenset()) -> str:
        """ "" when the figure may be published to a viewer who knows `known`; else the reason."""
        rest = self.unknown(contributions, known)
        if not rest:
            return ""
        if len(rest) < self.min_companies:
            return PRIMARY
        width = max(len(v) for v in rest.values())
        for k in range(width):
            values = [abs(v[k]) if k < len(v) else 0.0 for v in rest.values()]
            whole = sum(values)
            if whole > 0 and max(values) > self.max_share * whole:
                return DOMINANCE
        return ""

    def passes(self, contributions: Contributions, known: frozenset[Hashable] = frozenset()) -> bool:
        return not self.check(contributions, known)


def configured_rule(min_companies: int | None = None, max_share: float | None = None) -> Rule:
    """The rule with the limits of the settings (CLUSTER6_DISCLOSURE_MIN_COMPANIES and _MAX_SHARE), unless
    given."""
    return Rule(
        min_companies=int(getattr(settings, "CLUSTER6_DISCLOSURE_MIN_COMPANIES", MIN_COMPANIES))
        if min_companies is None
        else min_companies,
        max_share=float(getattr(settings, "CLUSTER6_DISCLOSURE_MAX_SHARE", MAX_SHARE))
        if max_share is None
        else max_share,
    )


def _size(contributions: Mapping[Hashable, tuple[float, ...]]) -> float:
    return sum(abs(v[0]) for v in contributions.values() if v)


def suppression[K: Hashable](
    cells: Mapping[K, Contributions],
    *,
    rule: Rule | None = None,
    known: frozenset[Hashable] = frozenset(),
    total: Contributions | None = None,
    total_published: bool = True,
    forced: Mapping[K, str] | None = None,
) -> dict[K | str, str]:
    """The cells of one table to suppress, with the reason, from `key -> {company: value}`.

    The cells add up to `total` (default: their sum), which is published with them unless
    `total_published` is False. Primary: a cell that fails the rule (too few companies: "primary"; one
    dominant company: "dominance"). Secondary: while the suppressed cells together (what the total minus
    the published cells gives) fail the rule, one more cell is suppressed: the smallest cell that makes
    them pass, else the one that brings in most companies. A total that fails the rule itself is
    suppressed (key `TOTAL`) with every cell. A cell no unknown company rests on is never suppressed."""
    r = rule or Rule()
    whole = merge(cells.values()) if total is None else merge([total])
    reasons: dict[K | str, str] = {}
    if total_published and not r.passes(whole, known):
        reasons[TOTAL] = r.check(whole, known)
        for key, contributions in cells.items():
            if r.unknown(contributions, known):
                reasons[key] = r.check(contributions, known) or SECONDARY
        return reasons
    for key, contributions in cells.items():
        reason = r.check(contributions, known) or (forced or {}).get(key, "")
        if reason:
            reasons[key] = reason
    suppressed = [k for k in cells if k in reasons]
    if not suppressed or not total_published:
        return reasons
    # secondary: the sum of the suppressed cells must itself pass the rule
    while True:
        together = merge(cells[k] for k in suppressed)
        if r.passes(together, known):
            break
        candidates = [k for k in cells if k not in reasons and r.unknown(cells[k], known)]
        if not candidates:  # cannot happen when the cells add up to a total that passes; be safe
            reasons[TOTAL] = SECONDARY
            break
        fixing = [k for k in candidates if r.passes(merge([together, cells[k]]), known)]
        if fixing:
            pick = min(fixing, key=lambda k: (_size(r.unknown(cells[k], known)), len(cells[k]), str(k)))
        else:
            have = set(r.unknown(together, known))
            pick = min(
                candidates,
                key=lambda k: (
                    -len(set(r.unknown(cells[k], known)) - have),
                    _size(merge([cells[k]])),
                    str(k),
                ),
            )
        reasons[pick] = SECONDARY
        suppressed.append(pick)
    return reasons
