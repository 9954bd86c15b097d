"""The plans part of the API: shared plan versions, consents and the grid-demand export.

The same policies as the web interface (cluster6.authz.policies through cluster6.plans.sharing and
cluster6.plans.export): a company sees its own submitted versions, the ministry every submitted version,
other organisations only the submitted versions of companies that gave them an active consent. Drafts are
never served. Every plan version served to another organisation is logged (ReadLog, channel "api"; the
export with channel "export"), and the company sees those reads on its "Delen en toestemming" page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster6.plans.constants import (
    STATUS_CERTAINTY,
    Certainty,
    ConsentPurpose,
    PlanStatus,
    Route,
    VoltageLevel,
)
from cluster6.plans.export import EXPORT_PURPOSE, DemandCell, DemandPlan, DemandTotal, GridDemand, grid_demand
from cluster6.plans.models import Consent, PlanVersion
from cluster6.plans.sharing import (
    CHANNEL_API,
    CHANNEL_EXPORT,
    SharedPlanFilters,
    consent_list,
    consent_state,
    log_plan_reads,
    shared_version_get,
    shared_version_list,
)

from .errors import DETAIL_ERRORS, LIST_ERRORS
from .filters import _id, parse_query
from .serializers import GridAreaRefSerializer, OrganisationRefSerializer, ProvinceRefSerializer
from .views import AUTHENTICATION, ID, ReadViewSet

# --- Query parameters ----------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer[Any]):
    round = _id("Survey round id.")
    province = serializers.RegexField(
        r"^PV\d{2}$", required=False, help_text="CBS province code of the location, e.g. `PV25`."
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)
    grid_area = _id("Grid service area id of the location.")
    purpose = serializers.ChoiceField(
        choices=ConsentPurpose.choices,
        required=False,
        help_text="Only plans of companies that consented for this purpose (the ministry and the company "
        "itself do not depend on consent); recorded in the company's read log.",
    )
    owner = _id("Organisation id of the submitting company.")

    def filters(self) -> SharedPlanFilters:
        d = self.validated_data
        return SharedPlanFilters(
            round=d.get("round"),
            province=d.get("province", ""),
            route=d.get("route", ""),
            status=d.get("status", ""),
            grid_area=d.get("grid_area"),
            purpose=d.get("purpose", ""),
            owner=d.get("owner"),
        )


class ConsentQuerySerializer(serializers.Serializer[Any]):
    active = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="`true`: only consents in force today; `false`: only revoked, expired or future ones.",
    )


class GridDemandQuerySerializer(serializers.Serializer[Any]):
    round = _id("Survey round id (default: the latest round with submitted plans the user may see).")
    operator = _id(
        "Organisation id of the grid operator. A grid operator gets its own (this may be omitted); the "
        "ministry must name one."
    )


# --- Plan versions -------------------------------------------------------------------------------------


class PlanRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="plan_id")
    reference = serializers.CharField(source="plan.reference", help_text="The company's own reference.")


class RoundRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PlanLocationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    province = ProvinceRefSerializer(allow_null=True)
    grid_operator = OrganisationRefSerializer(allow_null=True)
    grid_service_area = GridAreaRefSerializer(allow_null=True)


class PlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    """A submitted plan version: what one company's submission in one survey round says about one plan."""

    plan = PlanRefSerializer(source="*", read_only=True)
    owner = OrganisationRefSerializer(source="submission.organisation", read_only=True)
    location = PlanLocationSerializer(source="plan.location", read_only=True)
    round = RoundRefSerializer(source="submission.round", read_only=True)
    revision = serializers.IntegerField(source="submission.revision", read_only=True)
    submitted_at = serializers.DateTimeField(source="submission.submitted_at", read_only=True)
    route_label = serializers.CharField(source="get_route_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    certainty = serializers.SerializerMethodField()
    is_superseded = serializers.SerializerMethodField()
    # Declared, because ModelSerializer drops allow_blank from read-only fields (and the schema with it).
    voltage_level = serializers.ChoiceField(
        choices=VoltageLevel.choices, allow_blank=True, read_only=True, help_text="Empty when not given."
    )

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "owner",
            "location",
            "round",
            "revision",
            "submitted_at",
            "is_superseded",
            "title",
            "route",
            "route_label",
            "technology",
            "description",
            "temperature_level",
            "investment_decision_year",
            "in_operation_year",
            "co2_reduction_t",
            "electricity_delta_gwh",
            "extra_capacity_mw",
            "voltage_level",
            "gas_delta_m3",
            "hydrogen_t",
            "green_gas_m3",
            "co2_transport_t",
            "heat_delta_gwh",
            "grid_need",
            "needs_hydrogen",
            "needs_co2",
            "needs_green_gas",
            "needs_heat",
            "grid_request_date",
            "priority_class",
            "accepts_flexible_contract",
            "capex_eur",
            "funding_gap_eur",
            "status",
            "status_label",
            "certainty",
            "status_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=Certainty.choices,
            allow_null=True,
            help_text="Certainty from the status (null for a cancelled plan).",
        )
    )
    def get_certainty(self, obj: PlanVersion) -> str | None:
        certainty = STATUS_CERTAINTY.get(PlanStatus(obj.status))
        return certainty.value if certainty is not None else None

    @extend_schema_field(
        serializers.BooleanField(
            help_text="A later submitted revision of the same round exists (lists show only the latest)."
        )
    )
    def get_is_superseded(self, obj: PlanVersion) -> bool:
        return bool(getattr(obj, "is_superseded", False))


@extend_schema_view(
    list=extend_schema(
        summary="List shared plan versions",
        description="The submitted plan versions the user may see: per plan and survey round the latest "
        "submitted revision, newest round first. Same rules as the web page 'Gedeelde plannen'. Every "
        "version on the page that belongs to another organisation is logged as read (channel `api`).",
        parameters=[PlanQuerySerializer],
        responses={200: PlanVersionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One plan version",
        description="A submitted plan version the user may see (also a superseded revision); 404 for any "
        "other, and for drafts. The read is logged (channel `api`).",
        parameters=[ID],
        responses={200: PlanVersionSerializer, **DETAIL_ERRORS},
    ),
)
class PlanVersionViewSet(ReadViewSet):
    """Submitted plan versions, as far as the user may see them."""

    serializer_class = PlanVersionSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return shared_version_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        filters = parse_query(PlanQuerySerializer, request).filters()
        qs = shared_version_list(actor=request.user, filters=filters)
        # a page of ids first (the sort over every shared version then carries narrow rows, not every
        # joined column), then those versions with their relations
        ids = list(self.paginate_queryset(qs.values_list("pk", flat=True)) or [])
        found = qs.order_by().in_bulk(ids)
        versions = [found[pk] for pk in ids if pk in found]
        log_plan_reads(
            actor=request.user, versions=versions, channel=CHANNEL_API, purpose=filters.purpose or None
        )
        return self.get_paginated_response(PlanVersionSerializer(versions, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        version = shared_version_get(actor=request.user, version_id=pk)
        log_plan_reads(actor=request.user, versions=[version], channel=CHANNEL_API)
        return Response(PlanVersionSerializer(version).data)


# --- Consents ------------------------------------------------------------------------------------------


class ConsentGranteeSerializer(OrganisationRefSerializer):
    class Meta(OrganisationRefSerializer.Meta):
        fields = ["id", "name", "kind"]


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    """A consent: `owner` lets `grantee` read its submitted plan data for `purpose` from `valid_from` to
    `valid_until` (inclusive), unless revoked."""

    owner = OrganisationRefSerializer(read_only=True)
    grantee = ConsentGranteeSerializer(read_only=True)
    purpose_label = serializers.CharField(source="get_purpose_display", read_only=True)
    granted_at = serializers.DateTimeField(source="created_at", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "owner",
            "grantee",
            "purpose",
            "purpose_label",
            "valid_from",
            "valid_until",
            "granted_at",
            "revoked_at",
            "state",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=["actief", "toekomstig", "verlopen", "ingetrokken"],
            help_text="Today: in force, not yet valid, expired, or revoked.",
        )
    )
    def get_state(self, obj: Consent) -> str:
        return consent_state(obj).value


@extend_schema_view(
    list=extend_schema(
        summary="List consents",
        description="The consents the user's company gave and those its organisation received (the "
        "ministry: all), newest first, with revoked and expired ones (the history). Granting and "
        "revoking are done on the web page 'Delen en toestemming'.",
        parameters=[ConsentQuerySerializer],
        responses={200: ConsentSerializer(many=True), **LIST_ERRORS},
    ),
)
class ConsentViewSet(ReadViewSet):
    """Consents given or received by the user's organisations."""

    serializer_class = ConsentSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return consent_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        active = parse_query(ConsentQuerySerializer, request).validated_data["active"]
        return self.paginated(consent_list(actor=request.user, active=active))


# --- Grid-demand export --------------------------------------------------------------------------------


class DemandAreaSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="area_id")
    code = serializers.CharField(source="area_code")
    name = serializers.CharField(source="area_name")


def _area(obj: DemandCell | DemandTotal | DemandPlan) -> dict[str, Any] | None:
    if obj.area_id is None:
        return None
    return dict(DemandAreaSerializer(obj).data)


AREA_FIELD = DemandAreaSerializer(
    allow_null=True, help_text="The location's grid service area; null when it has none (grid operator only)."
)


class ByCertaintySerializer(serializers.Serializer[Any]):
    vast = serializers.FloatField(help_text="Firm: under construction or in operation.")
    waarschijnlijk = serializers.FloatField(help_text="Likely: investment decision taken.")
    mogelijk = serializers.FloatField(help_text="Possible: idea, feasibility study or postponed.")


class DemandTotalSerializer(serializers.Serializer[Any]):
    area = serializers.SerializerMethodField()
    year = serializers.IntegerField(help_text="In-operation year.")
    extra_capacity_mw = serializers.FloatField()
    electricity_gwh = serializers.FloatField(help_text="Change in electricity use, GWh a year.")
    plans = serializers.IntegerField(help_text="Number of plans behind the figures.")
    extra_capacity_mw_by_certainty = ByCertaintySerializer(source="mw_by_certainty")
    electricity_gwh_by_certainty = ByCertaintySerializer(source="gwh_by_certainty")

    @extend_schema_field(AREA_FIELD)
    def get_area(self, obj: DemandTotal) -> dict[str, Any] | None:
        return _area(obj)


class DemandCellSerializer(serializers.Serializer[Any]):
    area = serializers.SerializerMethodField()
    year = serializers.IntegerField(help_text="In-operation year.")
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    extra_capacity_mw = serializers.FloatField()
    electricity_gwh = serializers.FloatField()
    plans = serializers.IntegerField()
    plan_versions = serializers.ListField(
        child=serializers.IntegerField(),
        source="version_ids",
        help_text="Ids of the plan versions behind it.",
    )

    @extend_schema_field(AREA_FIELD)
    def get_area(self, obj: DemandCell) -> dict[str, Any] | None:
        return _area(obj)


class DemandOwnerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="owner_id")
    name = serializers.CharField(source="owner")


class DemandLocationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="location_id")
    name = serializers.CharField(source="location")


class DemandPlanSerializer(serializers.Serializer[Any]):
    plan_version = serializers.IntegerField(source="version_id")
    plan = serializers.IntegerField(source="plan_id")
    reference = serializers.CharField()
    title = serializers.CharField()
    route = serializers.ChoiceField(choices=Route.choices)
    owner = DemandOwnerSerializer(source="*")
    location = DemandLocationSerializer(source="*")
    area = serializers.SerializerMethodField()
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    extra_capacity_mw = serializers.FloatField()
    electricity_gwh = serializers.FloatField()
    revision = serializers.IntegerField()

    @extend_schema_field(AREA_FIELD)
    def get_area(self, obj: DemandPlan) -> dict[str, Any] | None:
        return _area(obj)


class GridDemandSerializer(serializers.Serializer[Any]):
    """Extra electricity demand for one grid operator's investment plan, per service area and
    in-operation year, by plan status and certainty."""

    operator = OrganisationRefSerializer()
    round = RoundRefSerializer(allow_null=True, help_text="Null when there are no submitted plans yet.")
    purpose = serializers.SerializerMethodField()
    extra_capacity_mw = serializers.FloatField(source="total_mw")
    electricity_gwh = serializers.FloatField(source="total_gwh")
    totals = DemandTotalSerializer(many=True, help_text="Per service area and year, over all statuses.")
    cells = DemandCellSerializer(many=True, help_text="Per service area, year and status.")
    plans = DemandPlanSerializer(many=True, help_text="The plan versions behind the figures.")

    @extend_schema_field(
        serializers.ChoiceField(
            choices=ConsentPurpose.choices, help_text="The consent purpose the export draws on."
        )
    )
    def get_purpose(self, obj: GridDemand) -> str:
        return str(EXPORT_PURPOSE.value)


class GridDemandView(APIView):
    """The grid-demand export as JSON."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Grid-demand export for an investment plan",
        description="Per grid operator: the extra electricity demand (MW and GWh a year) per service area "
        "and in-operation year, by plan status and certainty, from the submitted plans of companies that "
        "consented for the investment-plan purpose (the ministry: all submitted plans), at locations in "
        "the operator's service areas or with that grid operator; the latest submitted revision per plan "
        "in the round; cancelled plans and plans without electricity demand left out. For grid operators "
        "(their own) and the ministry (any operator; `operator` required). Every plan behind the figures "
        "is logged as read (channel `export`). The same as the CSV and XLSX downloads of the web page.",
        parameters=[GridDemandQuerySerializer],
        responses={200: GridDemandSerializer, **DETAIL_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(GridDemandQuerySerializer, request).validated_data
        try:
            demand = grid_demand(
                actor=request.user, operator_id=query.get("operator"), round_id=query.get("round")
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        log_plan_reads(
            actor=request.user, versions=demand.versions, channel=CHANNEL_EXPORT, purpose=EXPORT_PURPOSE
        )
        return Response(GridDemandSerializer(demand).data)
