"""`GET /api/plans/comparison/`: the round-to-round comparison of plans as aggregates (issue 3, point 2).

The same figures as the page "Vergelijking uitvraagrondes": per sector, province or route, how much
reduction before 2030 was lost to postponement and cancellation and how much came in through new plans.
Aggregates only (no plan or company), with the disclosure rule; every programme role, no consent needed;
company users get 403."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster6.authz.policies import can_view_aggregates
from cluster6.core.disclosure import MIN_COMPANIES
from cluster6.plans.comparison import (
    NOT_RESUBMITTED,
    GroupBy,
    RoundComparison,
    comparison_rounds,
    plan_comparison,
)
from cluster6.plans.constants import Change
from cluster6.plans.models import SurveyRound

from .errors import BAD_REQUEST, FORBIDDEN, UNAUTHORIZED
from .filters import parse_query
from .views import AUTHENTICATION


class ComparisonQuerySerializer(serializers.Serializer[Any]):
    """`from` and `to` are round codes; `from` is a Python keyword, hence `get_fields`."""

    to = serializers.SlugField(help_text="Code of the later survey round (B).")
    group_by = serializers.ChoiceField(
        choices=list(GroupBy.ALL), default=GroupBy.SECTOR, help_text="The dimension of `groups`."
    )
    province = serializers.RegexField(
        r"^PV\d{2}$",
        required=False,
        help_text="Only plans at locations in this province (CBS code, e.g. `PV25`).",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        return {"from": serializers.SlugField(help_text="Code of the earlier survey round (A)."), **fields}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        rounds = {r.code: r for r in comparison_rounds()}
        errors: dict[str, list[str]] = {}
        for key in ("from", "to"):
            if attrs[key] not in rounds:
                errors[key] = [_("Onbekende uitvraagronde: %(code)s.") % {"code": attrs[key]}]
        if not errors and attrs["from"] == attrs["to"]:
            errors["to"] = [_("Kies twee verschillende uitvraagrondes.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["round_from"], attrs["round_to"] = rounds[attrs["from"]], rounds[attrs["to"]]
        return attrs


class ComparisonRoundSerializer(serializers.ModelSerializer[SurveyRound]):
    class Meta:
        model = SurveyRound
        fields = ["code", "name", "kind", "status", "opens_on", "closes_on"]


class ComparisonCountsSerializer(serializers.Serializer[Any]):
    """Plans per class (each plan counts once, in its primary class)."""

    new = serializers.IntegerField(source=Change.NEW.value)
    unchanged = serializers.IntegerField(source=Change.UNCHANGED.value)
    accelerated = serializers.IntegerField(source=Change.ACCELERATED.value)
    postponed = serializers.IntegerField(source=Change.POSTPONED.value)
    postponed_past_2030 = serializers.IntegerField(
        source="past_2030", help_text="Postponed from 2030 or earlier to after 2030."
    )
    cancelled = serializers.IntegerField(source=Change.CANCELLED.value)
    reduction_up = serializers.IntegerField(source=Change.REDUCTION_UP.value)
    reduction_down = serializers.IntegerField(source=Change.REDUCTION_DOWN.value)
    not_resubmitted = serializers.IntegerField(
        source=NOT_RESUBMITTED, help_text="The organisation did not submit in round B: not classified."
    )


class ComparisonFiguresSerializer(serializers.Serializer[Any]):
    """Sums in t CO2/yr. Identity: reduction_to_t = reduction_from_t - postponed_t - cancelled_t + new_t +
    accelerated_t + changed_t - not_resubmitted_t."""

    plans = serializers.IntegerField()
    companies = serializers.IntegerField()
    reduction_from_t = serializers.FloatField(
        source="before_a_t", help_text="Reduction before 2030 (plans in operation by 2030) in round A."
    )
    reduction_to_t = serializers.FloatField(source="before_b_t", help_text="The same in round B.")
    postponed_t = serializers.FloatField(help_text="Lost: moved from 2030 or earlier to after 2030.")
    cancelled_t = serializers.FloatField(
        help_text="Lost: cancelled, or dropped while the company did submit."
    )
    new_t = serializers.FloatField(help_text="Gained: plans not in round A (or cancelled there).")
    accelerated_t = serializers.FloatField(help_text="Gained: moved from after 2030 to 2030 or earlier.")
    changed_t = serializers.FloatField(help_text="Signed: changed reduction of plans in operation by 2030.")
    other_t = serializers.FloatField(help_text="accelerated_t + changed_t.")
    not_resubmitted_t = serializers.FloatField(help_text="Out of the comparison: no submission in round B.")
    net_change_t = serializers.FloatField(source="net_t", help_text="reduction_to_t - reduction_from_t.")
    counts = ComparisonCountsSerializer()


class ComparisonGroupSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Sector code, province CBS code or route code.")
    label = serializers.CharField()  # type: ignore[assignment]  # (shadows Field.label in the stubs)
    suppressed = serializers.BooleanField(
        help_text=f"Fewer than {MIN_COMPANIES} companies (by default) or one company holding more than 70% "
        "of the figures, among those whose plans the user may not read; or suppressed so that the total "
        "minus the shown groups reveals no such group (docs/sharing.md)."
    )
    figures = ComparisonFiguresSerializer(allow_null=True, help_text="null when suppressed.")


class PlanComparisonSerializer(serializers.Serializer[Any]):
    round_from = ComparisonRoundSerializer()
    round_to = ComparisonRoundSerializer()
    group_by = serializers.CharField()
    province = serializers.SerializerMethodField(help_text="The province filter (CBS code), if any.")
    target_year = serializers.IntegerField()
    min_companies = serializers.IntegerField(help_text="Groups with fewer companies are suppressed.")
    totals = ComparisonFiguresSerializer(
        allow_null=True, help_text="null when fewer than min_companies companies."
    )
    groups = ComparisonGroupSerializer(many=True)

    def get_province(self, obj: RoundComparison) -> str | None:
        return obj.province.code if obj.province is not None else None


class CanViewPlanAggregates(BasePermission):
    """Programme roles (not company users): checked before the query is parsed, so a company gets 403."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_view_aggregates(request.user)


class PlanComparisonView(APIView):
    """Round-to-round comparison of plans, as aggregates."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated, CanViewPlanAggregates]

    @extend_schema(
        summary="Compare two survey rounds (aggregates)",
        description=(
            "Per sector, province or route: the CO2 reduction before 2030 (t/yr, plans in operation by "
            "2030) in round A and in round B, and what was lost to postponement (uitstel) and cancellation "
            "(afstel), what came in through new plans, and the other changes; with the number of plans "
            "per class. Computed over the latest submitted revision of every organisation in each round "
            "(drafts never count). Aggregates only: groups with fewer than three companies are suppressed. "
            "Open to the ministry, RVO, Stichting Cluster 6, provinces and grid operators without consent; "
            "company users get 403. The rules are in docs/plans.md."
        ),
        parameters=[ComparisonQuerySerializer],
        responses={200: PlanComparisonSerializer, 400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(ComparisonQuerySerializer, request).validated_data
        comparison = plan_comparison(
            actor=request.user,
            round_from=query["round_from"],
            round_to=query["round_to"],
            group_by=query["group_by"],
            province_code=query.get("province"),
        )
        return Response(PlanComparisonSerializer(comparison).data)
