"""Writes to the registry. Each service is keyword-only, runs in one transaction and audits itself."""

from __future__ import annotations

from django.db import transaction

from cluster6.accounts.models import User
from cluster6.audit.services import audit_record

from .constants import CLUSTER6, Cluster
from .models import ClusterMunicipality, ProductionLocation
from .scope import ScopeFacts, ScopeRules


def cluster_map() -> dict[str, int]:
    """CBS municipality code -> geographic cluster 1..5, from the configurable list."""
    return dict(ClusterMunicipality.objects.values_list("municipality_code", "cluster"))


def cluster_for_municipality(code: str | None, mapping: dict[str, int] | None = None) -> int:
    """The geographic cluster of a municipality: 1 to 5 when listed, otherwise 6."""
    if not code:
        return CLUSTER6
    return (mapping if mapping is not None else cluster_map()).get(code, CLUSTER6)


@transaction.atomic
def locations_derive_clusters(*, actor: User | None) -> int:
    """Recompute every location's derived cluster from the scope rules and its municipality (after the
    cluster list or the rules changed; docs/scope.md). Returns the number of locations whose derived
    cluster or deciding rule changed."""
    mapping = cluster_map()
    rules = ScopeRules.from_db()
    changed: list[ProductionLocation] = []
    for loc in ProductionLocation.objects.select_related("municipality").only(
        "pk",
        "cluster_derived",
        "scope_rule_id",
        "municipality__code",
        "is_offshore",
        "sector",
        "ets_activity_code",
        "nace_code",
        "ets_installation_id",
    ):
        code = loc.municipality.code if loc.municipality else ""
        decision = rules.decide(
            ScopeFacts(
                geographic_cluster=cluster_for_municipality(code, mapping),
                is_offshore=loc.is_offshore,
                sector=loc.sector,
                activity_code=loc.ets_activity_code,
                nace_code=loc.nace_code,
                municipality_code=code,
                ets_installation_id=loc.ets_installation_id or "",
            )
        )
        if (decision.cluster, decision.rule_id) != (loc.cluster_derived, loc.scope_rule_id):
            loc.cluster_derived = decision.cluster
            loc.scope_rule_id = decision.rule_id
            changed.append(loc)
    ProductionLocation.objects.bulk_update(changed, ["cluster_derived", "scope_rule"], batch_size=500)
    audit_record(actor=actor, verb="registry.clusters_derived", changes={"changed": len(changed)})
    return len(changed)


@transaction.atomic
def location_override_cluster(
    *, location: ProductionLocation, cluster: int | None, reason: str, actor: User
) -> ProductionLocation:
    """Set (or clear, with cluster=None) the manual cluster of a location; a reason is required to set it."""
    before = {"cluster_override": location.cluster_override, "reason": location.cluster_override_reason}
    if cluster is not None:
        Cluster(cluster)  # raises ValueError for anything but 0 (outside the clusters) .. 6
    location.cluster_override = cluster
    location.cluster_override_reason = reason.strip() if cluster is not None else ""
    location.full_clean()
    location.save(update_fields=["cluster_override", "cluster_override_reason", "updated_at"])
    location.refresh_from_db(fields=["cluster"])
    audit_record(
        actor=actor,
        verb="location.cluster_overridden",
        target=location,
        changes={
            "before": before,
            "after": {"cluster_override": cluster, "reason": location.cluster_override_reason},
        },
    )
    return location
