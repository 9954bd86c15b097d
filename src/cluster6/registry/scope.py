"""The cluster-6 scope as the programme counts it (docs/scope.md).

A location's derived cluster comes from the ordered `ScopeRule` rows: the first rule whose every
filled-in criterion (where it lies, sector, EU ETS activity, NACE code, municipality, installation)
matches decides whether it counts in cluster 6, in the geographic cluster of its municipality (1-5), or
outside the clusters (0). With no rules at all (an empty table) the municipality alone decides, as before.

Offshore installations are placed at sea: `is_offshore_installation` recognises them in an ETS row, and
placement gives them no province, municipality, grid area or coordinates (the file's coordinates are
those of the operator's office).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .constants import CLUSTER6, Cluster, ScopeArea, ScopeOutcome
from .models import ScopeRule

#: A North Sea licence block with an optional platform suffix: K14-FA-1C, L10-A, F15A, A12, P6-A, J6-A.
NORTH_SEA_BLOCK = re.compile(r"(?<![A-Za-z0-9])[A-Q]\d{1,2}(?:-?[A-Z0-9]{1,4})*(?![a-z])")
OFFSHORE_WORDS = re.compile(r"\b(offshore|platform|noordzee)\b", re.IGNORECASE)


def is_offshore_installation(name: str, nace_code: str, *, flagged: bool | None = None) -> bool:
    """An installation at sea: flagged so in the file (`offshore_heuristic`), or oil and gas extraction
    (NACE 06) whose name is a North Sea block or says offshore or platform. Onshore NAM and Gasunie sites
    (NACE 06 too) name a place, not a block."""
    if flagged:
        return True
    if not nace_code.startswith("06"):
        return False
    return bool(OFFSHORE_WORDS.search(name) or NORTH_SEA_BLOCK.search(name))


@dataclass(frozen=True)
class ScopeFacts:
    """What the rules look at, for one location."""

    geographic_cluster: int  # 1-5 from the cluster list, else 6
    is_offshore: bool
    sector: str
    activity_code: int | None = None
    nace_code: str = ""
    municipality_code: str = ""
    ets_installation_id: str = ""


@dataclass(frozen=True)
class Decision:
    cluster: int
    rule_id: int | None


@dataclass(frozen=True)
class CompiledRule:
    pk: int
    area: str
    sectors: frozenset[str]
    activity_codes: frozenset[int]
    nace_prefixes: tuple[str, ...]
    municipality_codes: frozenset[str]
    ets_installation_ids: frozenset[str]
    outcome: str

    @classmethod
    def of(cls, rule: ScopeRule) -> CompiledRule:
        return cls(
            pk=rule.pk,
            area=rule.area,
            sectors=frozenset(rule.sectors or ()),
            activity_codes=frozenset(int(c) for c in rule.activity_codes or ()),
            nace_prefixes=tuple(str(p) for p in rule.nace_prefixes or ()),
            municipality_codes=frozenset(rule.municipality_codes or ()),
            ets_installation_ids=frozenset(rule.ets_installation_ids or ()),
            outcome=rule.outcome,
        )

    def matches(self, f: ScopeFacts) -> bool:
        if self.area == ScopeArea.SEA and not f.is_offshore:
            return False
        if self.area == ScopeArea.CLUSTER_MUNICIPALITY and (
            f.is_offshore or f.geographic_cluster == CLUSTER6
        ):
            return False
        if self.area == ScopeArea.ELSEWHERE and (f.is_offshore or f.geographic_cluster != CLUSTER6):
            return False
        if self.sectors and f.sector not in self.sectors:
            return False
        if self.activity_codes and f.activity_code not in self.activity_codes:
            return False
        if self.nace_prefixes and not any(f.nace_code.startswith(p) for p in self.nace_prefixes):
            return False
        if self.municipality_codes and f.municipality_code not in self.municipality_codes:
            return False
        return not (self.ets_installation_ids and f.ets_installation_id not in self.ets_installation_ids)

    def cluster_for(self, f: ScopeFacts) -> int:
        if self.outcome == ScopeOutcome.CLUSTER6:
            return CLUSTER6
        if self.outcome == ScopeOutcome.GEOGRAPHIC:
            # At sea or outside the cluster municipalities there is no geographic cluster 1-5.
            return (
                Cluster.OUTSIDE if f.is_offshore or f.geographic_cluster == CLUSTER6 else f.geographic_cluster
            )
        return Cluster.OUTSIDE


class ScopeRules:
    """The active rules, read once; `decide` for many locations."""

    def __init__(self, rules: Iterable[ScopeRule]) -> None:
        self.rules = [CompiledRule.of(r) for r in rules]

    @classmethod
    def from_db(cls) -> ScopeRules:
        return cls(ScopeRule.objects.filter(is_active=True).order_by("position"))

    def decide(self, facts: ScopeFacts) -> Decision:
        if not self.rules:  # no rules configured: the municipality alone decides
            return Decision(facts.geographic_cluster, None)
        for rule in self.rules:
            if rule.matches(facts):
                return Decision(rule.cluster_for(facts), rule.pk)
        return Decision(Cluster.OUTSIDE, None)
