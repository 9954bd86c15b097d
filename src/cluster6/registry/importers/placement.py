"""Placing production locations: municipality, province and derived cluster from their coordinates
and the scope rules (registry/scope.py, docs/scope.md), and the grid service area and grid operator
(infra) from the capacity map's bounding boxes. Offshore installations are placed at sea: no province,
municipality, grid area or coordinates (the file gives those of the operator's office)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cluster6.core.importing import EntityCounts, ImportReport, progress
from cluster6.infra.importers.areas import ServiceAreaLocator

from ..constants import CLUSTER6
from ..geo import Locator
from ..models import Municipality, ProductionLocation, Province
from ..scope import ScopeFacts, ScopeRules
from ..services import cluster_for_municipality, cluster_map
from .base import Batch


@dataclass
class Place:
    province_id: int | None
    municipality_id: int | None
    cluster: int
    how: str  # "coordinates", "file codes" or "none"


@dataclass
class PlacementContext:
    """Everything needed to place many locations, read from the database once."""

    locator: Locator
    clusters: dict[str, int]
    municipalities: dict[str, tuple[int, int]]  # CBS code -> (id, province id)
    municipality_codes: dict[int, str]
    provinces: dict[str, int]  # CBS code -> id
    areas: ServiceAreaLocator
    rules: ScopeRules = field(default_factory=lambda: ScopeRules([]))
    stats: Counter[str] = field(default_factory=Counter)

    @classmethod
    def build(cls) -> PlacementContext:
        municipalities = {
            code: (pk, province_id)
            for pk, code, province_id in Municipality.objects.values_list("id", "code", "province_id")
        }
        return cls(
            locator=Locator.from_db(),
            clusters=cluster_map(),
            municipalities=municipalities,
            municipality_codes={pk: code for code, (pk, _p) in municipalities.items()},
            provinces=dict(Province.objects.values_list("code", "id")),
            areas=ServiceAreaLocator.from_db(),
            rules=ScopeRules.from_db(),
        )

    def scope_values(
        self,
        geographic_cluster: int,
        *,
        is_offshore: bool,
        sector: str,
        activity_code: int | None,
        nace_code: str,
        municipality_code: str,
        ets_installation_id: str,
    ) -> dict[str, Any]:
        """The derived cluster and the rule that decided it."""
        decision = self.rules.decide(
            ScopeFacts(
                geographic_cluster=geographic_cluster,
                is_offshore=is_offshore,
                sector=sector,
                activity_code=activity_code,
                nace_code=nace_code,
                municipality_code=municipality_code,
                ets_installation_id=ets_installation_id,
            )
        )
        return {"cluster_derived": decision.cluster, "scope_rule_id": decision.rule_id}

    def place(
        self,
        lon: float | None,
        lat: float | None,
        *,
        municipality_code: str = "",
        province_code: str = "",
    ) -> Place:
        """From the coordinates when boundaries are loaded (nearest polygon within 10 km for coastal
        points); otherwise, or when the point lies farther out, from the given CBS codes when those
        municipalities and provinces exist; else nothing (cluster 6)."""
        if lon is not None and lat is not None and self.locator:
            found = self.locator.locate(lon, lat)
            if (
                found is not None
                and found.municipality_id is None
                and municipality_code in self.municipalities
            ):
                # Only provinces have polygons: the file's municipality, when it lies in that province.
                mid, pid = self.municipalities[municipality_code]
                if pid == found.province_id:
                    self.stats["op gemeentecode uit bestand"] += 1
                    return Place(
                        pid, mid, cluster_for_municipality(municipality_code, self.clusters), "file codes"
                    )
            if found is not None:
                code = self.municipality_codes.get(found.municipality_id) if found.municipality_id else None
                if municipality_code and code and code != municipality_code:
                    self.stats["afwijkend van gemeentecode in bestand"] += 1
                self.stats["op coördinaten"] += 1
                return Place(
                    found.province_id,
                    found.municipality_id,
                    cluster_for_municipality(code, self.clusters),
                    "coordinates",
                )
        if municipality_code in self.municipalities:
            mid, pid = self.municipalities[municipality_code]
            self.stats["op gemeentecode uit bestand"] += 1
            return Place(pid, mid, cluster_for_municipality(municipality_code, self.clusters), "file codes")
        if province_code in self.provinces:
            self.stats["op provinciecode uit bestand"] += 1
            return Place(self.provinces[province_code], None, cluster_for_municipality(None), "file codes")
        self.stats["niet geplaatst"] += 1
        return Place(None, None, cluster_for_municipality(None), "none")

    def place_values(
        self,
        lon: float | None,
        lat: float | None,
        *,
        municipality_code: str = "",
        province_code: str = "",
        is_offshore: bool = False,
        sector: str = "",
        activity_code: int | None = None,
        nace_code: str = "",
        ets_installation_id: str = "",
    ) -> dict[str, Any]:
        """The location fields that placement sets (grid fields only when an area is found). Offshore:
        at sea, with no province, municipality, grid area or (office) coordinates."""

        def scope(geographic_cluster: int, code: str) -> dict[str, Any]:
            return self.scope_values(
                geographic_cluster,
                is_offshore=is_offshore,
                sector=sector,
                activity_code=activity_code,
                nace_code=nace_code,
                municipality_code=code,
                ets_installation_id=ets_installation_id,
            )

        if is_offshore:
            self.stats["op zee (offshore)"] += 1
            return {
                "province_id": None,
                "municipality_id": None,
                "latitude": None,
                "longitude": None,
                "grid_service_area_id": None,
                "grid_operator_id": None,
                **scope(CLUSTER6, ""),
            }
        place = self.place(lon, lat, municipality_code=municipality_code, province_code=province_code)
        code = self.municipality_codes.get(place.municipality_id, "") if place.municipality_id else ""
        values: dict[str, Any] = {
            "province_id": place.province_id,
            "municipality_id": place.municipality_id,
            **scope(place.cluster, code),
        }
        values.update(self.grid_values(lon, lat))
        return values

    def grid_values(self, lon: float | None, lat: float | None) -> dict[str, Any]:
        if lon is None or lat is None or not self.areas:
            return {}
        box = self.areas.locate(lon, lat)
        if box is None:
            self.stats["buiten elk voedingsgebied"] += 1
            return {}
        self.stats["in voedingsgebied (kader)"] += 1
        return {"grid_service_area_id": box.area_id, "grid_operator_id": box.operator_id}


def locations_replace(
    report: ImportReport, *, counts: EntityCounts, grid_only: bool = False, show: bool | None = None
) -> Counter[str]:
    """Re-place every location that has coordinates (after boundaries or the capacity map changed).
    Locations that fall outside every polygon (or box) keep what they had."""
    context = PlacementContext.build()
    batch: Batch[ProductionLocation] = Batch(ProductionLocation, counts)
    locations = list(
        ProductionLocation.objects.filter(
            latitude__isnull=False, longitude__isnull=False, is_offshore=False
        ).only(
            "pk",
            "latitude",
            "longitude",
            "province_id",
            "municipality_id",
            "cluster_derived",
            "scope_rule_id",
            "grid_service_area_id",
            "grid_operator_id",
            "is_offshore",
            "sector",
            "ets_activity_code",
            "nace_code",
            "ets_installation_id",
        )
    )
    for location in progress(locations, desc=_("plaatsen"), enabled=show):
        lon, lat = location.longitude, location.latitude
        if lon is None or lat is None:  # excluded by the query
            continue
        if grid_only:
            values = context.grid_values(lon, lat)
        else:
            place = context.place(lon, lat)
            if place.how != "coordinates":
                values = {}
            elif place.municipality_id is None:
                # Only provinces have polygons: keep the municipality (and so the cluster) it has.
                values = {"province_id": place.province_id}
            else:
                values = {
                    "province_id": place.province_id,
                    "municipality_id": place.municipality_id,
                    **context.scope_values(
                        place.cluster,
                        is_offshore=location.is_offshore,
                        sector=location.sector,
                        activity_code=location.ets_activity_code,
                        nace_code=location.nace_code,
                        municipality_code=context.municipality_codes.get(place.municipality_id, ""),
                        ets_installation_id=location.ets_installation_id or "",
                    ),
                }
        changed = [name for name, value in values.items() if getattr(location, name) != value]
        for name in changed:
            setattr(location, name, values[name])
        batch.update(location, changed)
    batch.flush()
    return context.stats
