"""Output serializers of the read API. Every object they receive has already passed the policy layer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership, User
from cluster6.authz.policies import can_import, is_national
from cluster6.infra.constants import Carrier, Certainty, CongestionColour
from cluster6.infra.models import CarrierRollout, GridProject, GridServiceArea, NetworkPoint
from cluster6.infra.selectors import RolloutFilters
from cluster6.infra.timeline import (
    CAPACITY_CONGESTED,
    CAPACITY_EXISTING_MINUS_REQUIRED,
    CAPACITY_STORED,
    CAPACITY_UNKNOWN,
    capacity_basis,
    derived_capacity_now_mw,
    end_unknown,
)
from cluster6.registry.constants import Cluster, Sector
from cluster6.registry.models import (
    BusinessPark,
    EmissionRecord,
    Municipality,
    Organisation,
    ProductionLocation,
    Province,
)

# --- References to related objects -------------------------------------------------------------------


class ProvinceRefSerializer(serializers.ModelSerializer[Province]):
    class Meta:
        model = Province
        fields = ["code", "name"]


class MunicipalityRefSerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = ["code", "name"]


class OperatorRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kvk_number"]


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class BusinessParkRefSerializer(serializers.ModelSerializer[BusinessPark]):
    class Meta:
        model = BusinessPark
        fields = ["id", "name"]


class GridAreaRefSerializer(serializers.ModelSerializer[GridServiceArea]):
    class Meta:
        model = GridServiceArea
        fields = ["id", "code", "name"]


# --- Locations ---------------------------------------------------------------------------------------


class LocationSerializer(serializers.ModelSerializer[ProductionLocation]):
    """A production location. `emission_tco2e` is the figure for `emission_year` from the preferred
    source (EU ETS, then NEa, then the company, then demo data); null when there is none."""

    operator = OperatorRefSerializer(read_only=True)
    municipality = MunicipalityRefSerializer(read_only=True, allow_null=True)
    province = ProvinceRefSerializer(read_only=True, allow_null=True)
    business_park = BusinessParkRefSerializer(read_only=True, allow_null=True)
    grid_operator = OrganisationRefSerializer(read_only=True, allow_null=True)
    grid_service_area = GridAreaRefSerializer(read_only=True, allow_null=True)
    sector = serializers.ChoiceField(choices=Sector.choices, read_only=True)
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)
    cluster = serializers.ChoiceField(
        choices=Cluster.choices, read_only=True, help_text="The override when set, else the derived cluster."
    )
    cluster_label = serializers.SerializerMethodField()
    scope_rule = serializers.CharField(
        source="scope_rule.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The scope rule that decided the derived cluster (docs/scope.md); null: none (the "
        "municipality alone decided, or the location was placed before the rules).",
    )
    in_lces_scope = serializers.BooleanField(
        read_only=True, help_text="More than 1 million m³ natural gas or more than 10 GWh electricity a year."
    )
    emission_year = serializers.SerializerMethodField()
    emission_tco2e = serializers.IntegerField(read_only=True, allow_null=True, help_text="t CO₂-eq.")

    class Meta:
        model = ProductionLocation
        fields = [
            "id",
            "name",
            "operator",
            "ets_installation_id",
            "nea_permit_id",
            "address",
            "postcode",
            "city",
            "municipality",
            "province",
            "latitude",
            "longitude",
            "business_park",
            "grid_operator",
            "grid_service_area",
            "sector",
            "sector_label",
            "nace_code",
            "is_ets",
            "is_offshore",
            "is_active",
            "gas_use_m3",
            "electricity_use_gwh",
            "contracted_capacity_mw",
            "cluster",
            "cluster_label",
            "cluster_derived",
            "scope_rule",
            "cluster_override",
            "cluster_override_reason",
            "in_lces_scope",
            "origin",
            "emission_year",
            "emission_tco2e",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_cluster_label(self, obj: ProductionLocation) -> str:
        return str(Cluster(obj.cluster).label)

    @extend_schema_field(OpenApiTypes.INT)
    def get_emission_year(self, obj: ProductionLocation) -> int:
        return int(self.context["emission_year"])


# --- Emissions ---------------------------------------------------------------------------------------


class EmissionRecordSerializer(serializers.ModelSerializer[EmissionRecord]):
    location_name = serializers.CharField(source="location.name", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    tco2e = serializers.IntegerField(read_only=True, help_text="t CO₂-eq.")

    class Meta:
        model = EmissionRecord
        fields = ["id", "location", "location_name", "year", "tco2e", "source", "source_label", "verified"]
        read_only_fields = fields


# --- Grid ----------------------------------------------------------------------------------------------


class GridProjectSerializer(serializers.ModelSerializer[GridProject]):
    class Meta:
        model = GridProject
        fields = [
            "id",
            "area",
            "name",
            "operator_name",
            "operator_type",
            "date_text",
            "completion_year",
            "completion_quarter",
            "start_date",
            "end_date",
            "phase",
            "added_capacity_mw",
            "certainty",
            "source",
            "snapshot_date",
            "is_synthetic",
        ]
        read_only_fields = fields


def _status_field(help_text: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=CongestionColour.choices, read_only=True, allow_null=True, help_text=help_text
    )


class GridAreaSerializer(serializers.ModelSerializer[GridServiceArea]):
    """A grid service area (voedingsgebied) of the capacity map."""

    operators = OrganisationRefSerializer(many=True, read_only=True)
    province = ProvinceRefSerializer(read_only=True, allow_null=True)
    status_withdrawal = _status_field("Regional grid, withdrawal.")
    status_injection = _status_field("Regional grid, injection.")
    tennet_status_withdrawal = _status_field("TenneT, withdrawal.")
    tennet_status_injection = _status_field("TenneT, injection.")
    is_congested = serializers.BooleanField(
        read_only=True, help_text="A waiting list (MW) or a shortage status (3), in either direction."
    )
    project_count = serializers.IntegerField(read_only=True, help_text="Planned grid projects.")
    bbox = serializers.SerializerMethodField(help_text="[west, south, east, north] in WGS84, or null.")
    available_capacity_withdrawal_mw = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="The stored capacity free now for the waiting list (withdrawal, MW); null: not given, the "
        "analysis derives it (`capacity_now_mw`).",
    )
    capacity_now_mw = serializers.SerializerMethodField(
        help_text="The withdrawal capacity free now as the feasibility analysis uses it (MW): the stored "
        "value when given; otherwise 0 in a congested area (status 2 or 3, an expected end of congestion, "
        "or a published waiting list: nobody waits where capacity is free), else existing minus required "
        "capacity. Null: unknown and not congested (no limit in the analysis)."
    )
    congestion_end_unknown = serializers.SerializerMethodField(
        help_text="The area is congested without a published end year (or the map's 2099): a connection "
        "that no reinforcement brings has an unknown year, not 'never' (docs/engine.md, rule 8)."
    )
    capacity_now_basis = serializers.SerializerMethodField(
        help_text="Where `capacity_now_mw` comes from: `stored`, `congested` (derived 0), "
        "`existing_minus_required` (derived) or `unknown`."
    )
    congestion_end_certainty = serializers.ChoiceField(
        choices=Certainty.choices,
        read_only=True,
        help_text="Certainty of the expected end of congestion at the regional operator.",
    )
    tennet_congestion_end_certainty = serializers.ChoiceField(
        choices=Certainty.choices,
        read_only=True,
        help_text="Certainty of TenneT's expected end of congestion.",
    )
    tennet_region: serializers.SlugRelatedField[GridServiceArea] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Code of the TenneT area above this regional area (a shared TenneT waiting list); null: "
        "not linked, the area's own TenneT figures apply.",
    )

    class Meta:
        model = GridServiceArea
        fields = [
            "id",
            "code",
            "name",
            "operator_type",
            "operators",
            "operator_names",
            "province",
            "existing_capacity_withdrawal_mw",
            "existing_capacity_injection_mw",
            "required_capacity_withdrawal_mw",
            "required_capacity_injection_mw",
            "queue_withdrawal_mw",
            "queue_injection_mw",
            "queue_requests_withdrawal",
            "queue_requests_injection",
            "congestion_end_withdrawal_rnb",
            "congestion_end_injection_rnb",
            "congestion_end_withdrawal_tennet",
            "congestion_end_injection_tennet",
            "status_withdrawal",
            "status_injection",
            "tennet_status_withdrawal",
            "tennet_status_injection",
            "is_congested",
            "available_capacity_withdrawal_mw",
            "capacity_now_mw",
            "capacity_now_basis",
            "congestion_end_unknown",
            "congestion_end_certainty",
            "tennet_congestion_end_certainty",
            "tennet_region",
            "project_count",
            "bbox",
            "source",
            "snapshot_date",
            "is_synthetic",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4, "nullable": True}
    )
    def get_bbox(self, obj: GridServiceArea) -> list[float] | None:
        box = [obj.bbox_west, obj.bbox_south, obj.bbox_east, obj.bbox_north]
        return None if any(v is None for v in box) else [float(v) for v in box if v is not None]

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_capacity_now_mw(self, obj: GridServiceArea) -> float | None:
        return derived_capacity_now_mw(obj)

    @extend_schema_field({"type": "boolean"})
    def get_congestion_end_unknown(self, obj: GridServiceArea) -> bool:
        return end_unknown(obj)

    @extend_schema_field(
        {
            "type": "string",
            "enum": [CAPACITY_STORED, CAPACITY_CONGESTED, CAPACITY_EXISTING_MINUS_REQUIRED, CAPACITY_UNKNOWN],
        }
    )
    def get_capacity_now_basis(self, obj: GridServiceArea) -> str:
        return capacity_basis(obj)


class GridAreaDetailSerializer(GridAreaSerializer):
    """A service area with its geometry (GeoJSON, or null) and its planned projects, soonest first."""

    geometry = serializers.JSONField(read_only=True, allow_null=True)
    projects = GridProjectSerializer(many=True, read_only=True)

    class Meta(GridAreaSerializer.Meta):
        fields = [*GridAreaSerializer.Meta.fields, "geometry", "projects"]
        read_only_fields = fields


# --- Carrier rollouts ------------------------------------------------------------------------------


class NetworkPointSerializer(serializers.ModelSerializer[NetworkPoint]):
    """A point where the rollout's network can be connected to, in WGS84."""

    class Meta:
        model = NetworkPoint
        fields = ["id", "code", "name", "lon", "lat"]
        read_only_fields = fields


class CarrierRolloutSerializer(serializers.ModelSerializer[CarrierRollout]):
    """A phase of a hydrogen, CO2, green gas or heat network: available from `year` in its region (a
    province, or national when `province` is null), with its network points."""

    carrier = serializers.ChoiceField(choices=Carrier.choices, read_only=True)
    carrier_label = serializers.CharField(source="get_carrier_display", read_only=True)
    province = ProvinceRefSerializer(read_only=True, allow_null=True, help_text="Null: national.")
    certainty = serializers.ChoiceField(choices=Certainty.choices, read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    is_alternative = serializers.BooleanField(
        read_only=True,
        help_text="Ship or truck rather than a network: no distance limit, costlier (the analysis flags "
        "`extra_cost`).",
    )
    open_access = serializers.BooleanField(
        read_only=True,
        help_text="Open to third parties; false when the capacity is taken (Porthos): the analysis leaves "
        "the rollout out.",
    )
    points = NetworkPointSerializer(many=True, read_only=True)

    class Meta:
        model = CarrierRollout
        fields = [
            "id",
            "code",
            "carrier",
            "carrier_label",
            "name",
            "description",
            "province",
            "year",
            "year_text",
            "certainty",
            "mode",
            "mode_label",
            "is_alternative",
            "open_access",
            "source",
            "source_url",
            "source_date",
            "is_synthetic",
            "points",
        ]
        read_only_fields = fields


class CarrierRolloutQuerySerializer(serializers.Serializer[Any]):
    """The query parameters of the rollout list."""

    carrier = serializers.ChoiceField(choices=Carrier.choices, required=False)
    province = serializers.RegexField(
        r"^PV\d{2}$",
        required=False,
        help_text="CBS province code: the rollouts of that province and the national ones (a national "
        "rollout applies in every province).",
    )
    certainty = serializers.ChoiceField(choices=Certainty.choices, required=False)

    def filters(self) -> RolloutFilters:
        d = self.validated_data
        return RolloutFilters(
            carrier=d.get("carrier", ""), province=d.get("province", ""), certainty=d.get("certainty", "")
        )


# --- The current user --------------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organisation = OrganisationRefSerializer(read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    province = serializers.SerializerMethodField(help_text="The province of a provincie membership.")

    class Meta:
        model = Membership
        fields = ["organisation", "organisation_kind", "role", "role_label", "province"]
        read_only_fields = fields

    @extend_schema_field(ProvinceRefSerializer(allow_null=True))
    def get_province(self, obj: Membership) -> dict[str, Any] | None:
        province = obj.organisation.province
        return None if province is None else dict(ProvinceRefSerializer(province).data)


class MeSerializer(serializers.ModelSerializer[User]):
    """The signed-in user, its active memberships and what the platform lets it do."""

    roles = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()
    sees_everything = serializers.SerializerMethodField(
        help_text="Ministry, RVO or administrator: sees every location."
    )
    can_import = serializers.SerializerMethodField(help_text="May run the importers.")
    email = serializers.CharField(read_only=True, help_text="The e-mail address; empty when none is known.")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "roles",
            "memberships",
            "sees_everything",
            "can_import",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(Role.values)}})
    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_set)

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, obj: User) -> list[dict[str, Any]]:
        rows = sorted(obj.active_memberships, key=lambda m: (m.organisation.name, m.role, m.pk))
        return [dict(row) for row in MembershipSerializer(rows, many=True).data]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_sees_everything(self, obj: User) -> bool:
        return is_national(obj)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_import(self, obj: User) -> bool:
        return can_import(obj)
