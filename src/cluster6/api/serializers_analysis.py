"""Serializers of the analysis API (cluster6.api.analysis): query parameters, request bodies and answers.

Runs, their figures and scenarios are aggregates (no single company); a plan result is the plan's
confidential data and reaches a serializer only after the policy layer let it through
(`PlanResultPolicy`). The stored JSON of a run (aggregates, comparison, ranking, MIEK candidates) is
rendered through serializers so that the schema documents every field.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cluster6.analysis.adapters import CARRIER_BACK, CERTAINTY_BACK
from cluster6.analysis.constants import Binding, Bottleneck, Feasibility, ProjectKind, RunKind
from cluster6.analysis.export import TABLES
from cluster6.analysis.models import AnalysisRun, PlanResult, Scenario
from cluster6.analysis.selectors import ResultFilters, scenario_can
from cluster6.authz.policies import Action
from cluster6.plans.constants import Route
from cluster6.plans.models import Plan
from cluster6.registry.constants import Sector
from cluster6.registry.models import ProductionLocation

from .filters import MAX_ID
from .serializers import OrganisationRefSerializer, ProvinceRefSerializer

#: Carriers as the engine names them (in results, the ranking and the parameters), with their labels.
CARRIER_CHOICES = [(value, str(carrier.label)) for value, carrier in CARRIER_BACK.items()]
#: Certainty of extra capacity in a scenario, as the engine names it.
ENGINE_CERTAINTIES = list(CERTAINTY_BACK)
#: The levels of a candidate MIEK area.
GRID_LEVELS = [("regional", _("Regionaal net")), ("tennet", _("TenneT"))]
EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]
#: Disclosure control of a figure: "" shown, else why it is blanked (cluster6.core.disclosure).
SUPPRESSION_CHOICES = [
    ("", "shown"),
    ("primary", "primary"),
    ("dominance", "dominance"),
    ("secondary", "secondary"),
]
CSV_FORMS = [("machine", "machine"), ("excel", "excel")]


def _user_name(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def _enum_component(choices: type[models.TextChoices], component: str, help_text: str) -> Any:
    """A choice field whose enum is one named schema component: the same field names (`kind`) carry other
    choice sets elsewhere in the API, and the schema must stay free of naming collisions."""
    description = "\n".join(f"* `{value}` - {label}" for value, label in choices.choices)

    @extend_schema_field(
        {"type": "string", "enum": list(choices.values), "description": f"{help_text}\n\n{description}"},
        component_name=component,
    )
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices.choices, **kwargs)

    return EnumField


RunKindField = _enum_component(RunKind, "AnalysisRunKind", "Baseline (`basis`) or scenario run.")
ProjectKindField = _enum_component(
    ProjectKind, "AnalysisProjectKind", "Kind of infrastructure project in the unlock ranking."
)


# --- Query parameters ----------------------------------------------------------------------------------


class RunQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=RunKind.choices, required=False, help_text="Only runs of this kind."
    )


class PlanResultQuerySerializer(serializers.Serializer[Any]):
    """`class` is a Python keyword, hence `get_fields`."""

    province = serializers.RegexField(
        r"^PV\d{2}$", required=False, help_text="CBS province code of the location, e.g. `PV25`."
    )
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, help_text="Sector of the location."
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    bottleneck = serializers.ChoiceField(choices=Bottleneck.choices, required=False)
    grid_area = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Code of the grid service area the plan's grid request was placed in (`grid.area_code`).",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of the plan title, the location name or the company name.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        feasibility = serializers.ChoiceField(
            choices=Feasibility.choices, required=False, help_text="Only plans of this class."
        )
        return {"class": feasibility, **fields}

    def filters(self) -> ResultFilters:
        d = self.validated_data
        return ResultFilters(
            feasibility=d.get("class", ""),
            sector=d.get("sector", ""),
            route=d.get("route", ""),
            bottleneck=d.get("bottleneck", ""),
            grid_area=d.get("grid_area", "").strip(),
            province_code=str(d.get("province", "")),
            q=d.get("q", "").strip(),
        )


class UnlockQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False, help_text="Only this kind.")
    carrier = serializers.ChoiceField(
        choices=CARRIER_CHOICES, required=False, help_text="Only rollouts of this carrier."
    )


class ExportQuerySerializer(serializers.Serializer[Any]):
    table = serializers.ChoiceField(
        choices=list(TABLES),
        required=False,
        help_text="`groepen` (figures per group), `plannen` (the plan results you may see), `ontsluiting` "
        "(the unlock ranking) or `miek` (candidate MIEK areas). Required for CSV; the XLSX workbook holds "
        "every table.",
    )
    # A declared field named like a DRF setting: `format` is the file format here, not a renderer.
    format = serializers.ChoiceField(choices=EXPORT_FORMATS, default="csv", help_text="File format.")
    vorm = serializers.ChoiceField(
        choices=CSV_FORMS,
        default="machine",
        help_text="CSV form: `machine` (comma, decimal point, UTF-8 without BOM; the default) or `excel` "
        "(for Dutch Excel: semicolon, decimal comma, UTF-8 with BOM). Ignored for XLSX.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["format"] == "csv" and not attrs.get("table"):
            raise serializers.ValidationError(
                {"table": [_("Kies een tabel voor CSV: groepen, plannen, ontsluiting of miek.")]}
            )
        return attrs


class ScenarioQuerySerializer(serializers.Serializer[Any]):
    archived = serializers.BooleanField(
        required=False, default=False, help_text="`true`: the archived scenarios instead of the current ones."
    )


# --- Parameters and scenarios --------------------------------------------------------------------------


class AnalysisParametersSerializer(serializers.Serializer[Any]):
    """The parameters of a run (the engine's format, docs/engine.md). In a request every field is optional:
    missing ones take the defaults (the base year is this year)."""

    base_year = serializers.IntegerField(required=False, help_text="First year of the timeline.")
    horizon_year = serializers.IntegerField(required=False, help_text="Last year the analysis looks at.")
    deadline_year = serializers.IntegerField(required=False, help_text="The target year (2030).")
    flexible_share = serializers.FloatField(
        required=False, help_text="Share of a flexible request that does not queue (0 to 1)."
    )
    max_distance_km = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text="Per carrier (`hydrogen`, `co2`, `green_gas`, `heat`): the largest distance to a network "
        "that still counts as connectable, km.",
    )
    allow_alternatives = serializers.BooleanField(
        required=False, help_text="Count costlier alternatives (ship, truck) as supply."
    )
    all_plans_flexible = serializers.BooleanField(
        required=False, help_text="Treat every plan as accepting a flexible contract."
    )
    unlock_years_earlier = serializers.IntegerField(
        required=False, help_text="How many years earlier each project is tried in the unlock ranking."
    )
    miek_threshold_mw = serializers.FloatField(
        required=False, help_text="Demand (MW) from which a congested area is a candidate MIEK area."
    )


@extend_schema_field(AnalysisParametersSerializer)
class ParametersField(serializers.DictField):
    """A parameters object, checked by the analysis service (its messages name every field)."""

    child = serializers.JSONField()


SHIFT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "integer", "minimum": -50, "maximum": 50},
}


@extend_schema_field(
    {**SHIFT_SCHEMA, "description": "Project code (as in the unlock ranking) -> years (negative: earlier)."}
)
class ReinforcementShiftsField(serializers.JSONField):
    pass


@extend_schema_field(
    {**SHIFT_SCHEMA, "description": "Service area code (or `tennet:<code>`) -> years the end of congestion "
     "moves (negative: earlier)."}
)  # fmt: skip
class CongestionEndShiftsField(serializers.JSONField):
    pass


@extend_schema_field({**SHIFT_SCHEMA, "description": "Code of a carrier rollout phase -> years."})
class RolloutShiftsField(serializers.JSONField):
    pass


class ExtraCapacitySerializer(serializers.Serializer[Any]):
    area_id = serializers.CharField(help_text="Service area code.")
    year = serializers.IntegerField(help_text="Available from this year.")
    mw = serializers.FloatField(help_text="Extra capacity, MW.")
    certainty = serializers.CharField(
        required=False,
        help_text=f"One of {', '.join(f'`{c}`' for c in ENGINE_CERTAINTIES)}; default `planned`.",
    )
    id = serializers.CharField(required=False, help_text="Optional label.")


@extend_schema_field(ExtraCapacitySerializer(many=True))
class ExtraCapacityField(serializers.JSONField):
    pass


class ScenarioSerializer(serializers.ModelSerializer[Scenario]):
    """A scenario: overrides of the infrastructure timeline. The overrides are checked by the service (the
    engine's scenario format); unknown project or area codes are reported when the scenario runs."""

    reinforcement_shifts = ReinforcementShiftsField(required=False)
    congestion_end_shifts = CongestionEndShiftsField(required=False)
    rollout_shifts = RolloutShiftsField(required=False)
    extra_capacity = ExtraCapacityField(
        required=False, help_text="Extra capacity per area and year (`area_id`, `year`, `mw`, `certainty`)."
    )
    flexible_share = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0.0,
        max_value=1.0,
        help_text="Share of a flexible request that does not queue; null: the run's parameter.",
    )
    created_by = serializers.SerializerMethodField(help_text="Name of the maker (null when deleted).")
    can_edit = serializers.SerializerMethodField(help_text="The user may change and archive it.")

    class Meta:
        model = Scenario
        fields = [
            "id",
            "name",
            "description",
            "reinforcement_shifts",
            "congestion_end_shifts",
            "rollout_shifts",
            "extra_capacity",
            "flexible_share",
            "all_plans_flexible",
            "is_archived",
            "created_by",
            "created_at",
            "updated_at",
            "can_edit",
        ]
        read_only_fields = ["id", "is_archived", "created_by", "created_at", "updated_at", "can_edit"]

    def get_created_by(self, obj: Scenario) -> str | None:
        return _user_name(obj.created_by)

    def get_can_edit(self, obj: Scenario) -> bool:
        request = self.context.get("request")
        return request is not None and scenario_can(actor=request.user, scenario=obj, action=Action.EDIT)


class RunRefSerializer(serializers.ModelSerializer[AnalysisRun]):
    kind = RunKindField(read_only=True)

    class Meta:
        model = AnalysisRun
        fields = ["id", "kind", "created_at", "engine_version", "input_hash", "basis"]
        read_only_fields = fields


class ScenarioDetailSerializer(ScenarioSerializer):
    """A scenario with its runs, newest first."""

    runs = serializers.SerializerMethodField()

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "runs"]
        read_only_fields = [*ScenarioSerializer.Meta.read_only_fields, "runs"]

    @extend_schema_field(RunRefSerializer(many=True))
    def get_runs(self, obj: Scenario) -> list[dict[str, Any]]:
        return [dict(r) for r in RunRefSerializer(self.context.get("runs", []), many=True).data]


class AnalysisRunCreateSerializer(serializers.Serializer[Any]):
    parameters = ParametersField(required=False, help_text="Missing parameters take the defaults.")
    scenario = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Scenario id: the run is compared with the baseline of the same parameters.",
    )


class ScenarioRunSerializer(serializers.Serializer[Any]):
    parameters = ParametersField(required=False, help_text="Missing parameters take the defaults.")


# --- Runs ----------------------------------------------------------------------------------------------


class GroupFiguresSerializer(serializers.Serializer[Any]):
    """The figures of one group (or of all plans). Shares are of the plans that depend on new
    infrastructure; null when there are none. CO2 in t a year."""

    key = serializers.CharField(help_text="The group: province name, sector, route or grid operator.")
    n_plans = serializers.IntegerField(allow_null=True)
    n_dependent = serializers.IntegerField(
        allow_null=True, help_text="Plans that depend on new infrastructure."
    )
    n_can = serializers.IntegerField(allow_null=True)
    n_may_not = serializers.IntegerField(allow_null=True)
    n_cannot = serializers.IntegerField(allow_null=True)
    share_can = serializers.FloatField(allow_null=True)
    share_may_not = serializers.FloatField(allow_null=True)
    share_cannot = serializers.FloatField(allow_null=True)
    headline_share = serializers.FloatField(allow_null=True, help_text="(may not + cannot) / dependent.")
    co2_t = serializers.IntegerField(allow_null=True)
    co2_can_t = serializers.IntegerField(allow_null=True)
    co2_may_not_t = serializers.IntegerField(allow_null=True)
    co2_cannot_t = serializers.IntegerField(allow_null=True)
    co2_not_dependent_t = serializers.IntegerField(allow_null=True)
    co2_by_deadline_t = serializers.IntegerField(
        allow_null=True, help_text="Realisable in or before the deadline year."
    )
    co2_by_deadline_certain_t = serializers.IntegerField(
        allow_null=True, help_text="The same without uncertain items."
    )
    bottlenecks = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Bottleneck -> number of may-not and cannot plans (empty when the group is suppressed).",
    )
    n_companies = serializers.IntegerField(
        allow_null=True, required=False, help_text="Distinct companies of the counted plans in the group."
    )
    suppression = serializers.ChoiceField(
        choices=SUPPRESSION_CHOICES,
        help_text="Disclosure control (docs/sharing.md): 'primary' when the figures rest on fewer companies "
        "than the limit (default 3) that the user may not read, 'dominance' when one company holds more "
        "than the maximum share (default 70%), 'secondary' when blanked so that the total minus the other "
        "groups (or, for a scenario run, the difference from the baseline) reveals no suppressed one; the "
        "figures are then null.",
    )


class AggregatesByDimensionSerializer(serializers.Serializer[Any]):
    province = GroupFiguresSerializer(many=True)
    sector = GroupFiguresSerializer(many=True)
    route = GroupFiguresSerializer(many=True)
    grid_operator = GroupFiguresSerializer(many=True)


class AggregatesSerializer(serializers.Serializer[Any]):
    total = GroupFiguresSerializer()
    by = AggregatesByDimensionSerializer(help_text="Per dimension, the groups sorted by key.")


class RunSummarySerializer(serializers.Serializer[Any]):
    n_plans = serializers.IntegerField(allow_null=True)
    n_dependent = serializers.IntegerField(
        allow_null=True, help_text="Plans that depend on new infrastructure."
    )
    n_can = serializers.IntegerField(allow_null=True)
    n_may_not = serializers.IntegerField(allow_null=True)
    n_cannot = serializers.IntegerField(allow_null=True)
    headline_share = serializers.FloatField(
        allow_null=True, help_text="Share of the dependent plans that may not or cannot go ahead."
    )
    co2_t = serializers.IntegerField(allow_null=True, help_text="CO2 reduction of all plans, t a year.")
    co2_by_deadline_t = serializers.IntegerField(
        allow_null=True, help_text="Realisable in or before the deadline year."
    )
    co2_by_deadline_certain_t = serializers.IntegerField(
        allow_null=True, help_text="The same without uncertain items."
    )


class ScenarioRefSerializer(serializers.ModelSerializer[Scenario]):
    class Meta:
        model = Scenario
        fields = ["id", "name"]


class AnalysisRunSerializer(serializers.ModelSerializer[AnalysisRun]):
    """A stored run: reproducible from its engine version, input hash and parameters."""

    kind = RunKindField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    created_by = serializers.SerializerMethodField(help_text="Who ran it (null: the system or deleted).")
    input_hash = serializers.CharField(read_only=True, help_text="SHA-256 of the input (docs/formats.md).")
    scenario = ScenarioRefSerializer(read_only=True, allow_null=True)
    baseline = serializers.IntegerField(
        source="baseline_id", read_only=True, allow_null=True, help_text="Scenario runs: the baseline run."
    )
    basis = serializers.CharField(read_only=True, help_text="What the input was (plans, round).")
    summary = RunSummarySerializer(source="shown_aggregates.total", read_only=True)

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "kind",
            "kind_label",
            "created_at",
            "created_by",
            "engine_version",
            "input_hash",
            "scenario",
            "baseline",
            "basis",
            "summary",
            "duration_ms",
        ]
        read_only_fields = fields

    def get_created_by(self, obj: AnalysisRun) -> str | None:
        return _user_name(obj.created_by)


class ClassCountsSerializer(serializers.Serializer[Any]):
    can = serializers.IntegerField(default=0)
    may_not = serializers.IntegerField(default=0)
    cannot = serializers.IntegerField(default=0)
    not_dependent = serializers.IntegerField(default=0)
    excluded = serializers.IntegerField(default=0)


class ClassStateSerializer(serializers.Serializer[Any]):
    feasibility = serializers.ChoiceField(choices=Feasibility.choices)
    feasibility_label = serializers.CharField()
    ready_year = serializers.IntegerField(allow_null=True, help_text="Infrastructure ready (null: never).")


class ResultLocationSerializer(serializers.ModelSerializer[ProductionLocation]):
    province = ProvinceRefSerializer(allow_null=True)

    class Meta:
        model = ProductionLocation
        fields = ["id", "name", "province"]


class ResultPlanRefSerializer(serializers.ModelSerializer[Plan]):
    reference = serializers.CharField(help_text="The company's own reference.")

    class Meta:
        model = Plan
        fields = ["id", "reference"]


def _class_state(feasibility: str, ready_year: int | None) -> dict[str, Any]:
    return {
        "feasibility": feasibility,
        "feasibility_label": str(Feasibility(feasibility).label),
        "ready_year": ready_year,
    }


class ClassChangeSerializer(serializers.Serializer[Any]):
    """A plan whose class differs between the baseline and the scenario (only plans the user may see)."""

    result = serializers.IntegerField(source="result.id", help_text="Id of the plan result in this run.")
    plan = ResultPlanRefSerializer(source="result.plan")
    plan_version = serializers.IntegerField(source="result.plan_version_id")
    title = serializers.CharField(source="result.plan_version.title")
    owner = OrganisationRefSerializer(source="result.organisation")
    location = ResultLocationSerializer(source="result.location")
    baseline = serializers.SerializerMethodField()
    scenario = serializers.SerializerMethodField()

    @extend_schema_field(ClassStateSerializer)
    def get_baseline(self, obj: dict[str, Any]) -> dict[str, Any]:
        return _class_state(obj["baseline"], obj.get("baseline_ready_year"))

    @extend_schema_field(ClassStateSerializer)
    def get_scenario(self, obj: dict[str, Any]) -> dict[str, Any]:
        return _class_state(obj["scenario"], obj.get("scenario_ready_year"))


class ScenarioComparisonSerializer(serializers.Serializer[Any]):
    """A scenario run against the baseline of the same parameters."""

    name = serializers.CharField(help_text="The scenario's name as computed.")
    suppression = serializers.ChoiceField(
        choices=SUPPRESSION_CHOICES,
        help_text="Disclosure control of the difference from the baseline: 'primary' when the plans whose "
        "results change belong to fewer companies than the limit that the user may not read, 'dominance' "
        "when one of them holds most of the change; every scenario figure (and the class changes) is then "
        "null or empty, since the scenario minus the baseline would reveal that company's plans.",
    )
    baseline_suppression = serializers.ChoiceField(
        choices=SUPPRESSION_CHOICES,
        help_text="Disclosure control of the baseline's figures (its total): when set, the baseline's and "
        "the scenario's own figures are null; the difference follows `suppression`.",
    )
    co2_by_deadline_baseline_t = serializers.IntegerField(allow_null=True)
    co2_by_deadline_scenario_t = serializers.IntegerField(allow_null=True)
    co2_by_deadline_delta_t = serializers.IntegerField(
        allow_null=True, help_text="Gained (positive) or lost (negative)."
    )
    co2_by_deadline_certain_delta_t = serializers.IntegerField(allow_null=True)
    headline_share_baseline = serializers.FloatField(allow_null=True)
    headline_share_scenario = serializers.FloatField(allow_null=True)
    counts_baseline = ClassCountsSerializer(allow_null=True, help_text="Plans per class in the baseline.")
    counts_scenario = ClassCountsSerializer(allow_null=True, help_text="Plans per class in the scenario.")
    plans_earlier = serializers.IntegerField(
        allow_null=True, help_text="Plans whose infrastructure is ready earlier."
    )
    plans_later = serializers.IntegerField(allow_null=True)
    class_changes = serializers.SerializerMethodField()
    class_changes_total = serializers.SerializerMethodField()

    @extend_schema_field(
        ClassChangeSerializer(
            many=True, help_text="The plans that change class, as far as the user may see them."
        )
    )
    def get_class_changes(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        shown, _total = self.context.get("class_changes", ([], 0))
        return [dict(row) for row in ClassChangeSerializer(shown, many=True).data]

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            help_text="How many plans change class in all (also those not shown); null when suppressed.",
        )
    )
    def get_class_changes_total(self, obj: dict[str, Any]) -> int | None:
        if obj.get("suppression"):
            return None
        _shown, total = self.context.get("class_changes", ([], 0))
        return int(total)


class ScenarioSnapshotSerializer(serializers.Serializer[Any]):
    """The scenario as it was computed (editing the scenario later does not change it)."""

    name = serializers.CharField()
    reinforcement_shifts = serializers.DictField(child=serializers.IntegerField())
    congestion_end_shifts = serializers.DictField(child=serializers.IntegerField())
    rollout_shifts = serializers.DictField(child=serializers.IntegerField())
    extra_capacity = ExtraCapacitySerializer(many=True)
    flexible_share = serializers.FloatField(allow_null=True)
    all_plans_flexible = serializers.BooleanField()


class AnalysisRunDetailSerializer(AnalysisRunSerializer):
    """A run with its parameters, notes, figures per group and (scenario runs) the comparison with the
    baseline. Per-plan rows are at `/plans/`."""

    parameters = AnalysisParametersSerializer(read_only=True)
    scenario_snapshot = ScenarioSnapshotSerializer(read_only=True, allow_null=True)
    notes = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Remarks about the input."
    )
    aggregates = AggregatesSerializer(source="shown_aggregates", read_only=True)
    comparison = serializers.SerializerMethodField()

    class Meta(AnalysisRunSerializer.Meta):
        fields = [
            *AnalysisRunSerializer.Meta.fields,
            "parameters",
            "scenario_snapshot",
            "notes",
            "aggregates",
            "comparison",
        ]
        read_only_fields = fields

    @extend_schema_field(ScenarioComparisonSerializer(allow_null=True, help_text="Null for a baseline run."))
    def get_comparison(self, obj: AnalysisRun) -> dict[str, Any] | None:
        # the comparison as the disclosure rule lets the user see it (api.analysis._run_answer)
        comparison = self.context.get("comparison")
        if not obj.comparison or comparison is None:
            return None
        return dict(ScenarioComparisonSerializer(comparison, context=self.context).data)


class UnlockEntrySerializer(serializers.Serializer[Any]):
    """An infrastructure project, with what it unlocks when it is ready `unlock_years_earlier` years
    earlier (a parameter of the run)."""

    rank = serializers.IntegerField(
        allow_null=True, help_text="Rank among the shown projects; null when suppressed."
    )
    code = serializers.CharField(help_text="Project code (the key of a scenario's reinforcement shifts).")
    name = serializers.CharField()
    kind = ProjectKindField()
    kind_label = serializers.SerializerMethodField()
    area_code = serializers.CharField(allow_null=True)
    area_name = serializers.CharField(allow_blank=True, allow_null=True)
    operator = serializers.CharField(allow_blank=True, allow_null=True)
    carrier = serializers.ChoiceField(choices=CARRIER_CHOICES, allow_null=True, help_text="Carrier rollouts.")
    year = serializers.IntegerField(help_text="Ready in this year.")
    year_earlier = serializers.IntegerField(help_text="The year tried instead.")
    certainty = serializers.CharField(allow_blank=True, allow_null=True)
    co2_gained_t = serializers.IntegerField(
        allow_null=True, help_text="Extra CO2 reduction realisable by the deadline, t a year."
    )
    plans_unlocked = serializers.IntegerField(allow_null=True, help_text="Plans whose class improves.")
    plans_earlier = serializers.IntegerField(
        allow_null=True, help_text="Plans whose infrastructure is ready earlier."
    )
    suppression = serializers.ChoiceField(
        choices=SUPPRESSION_CHOICES,
        help_text="Disclosure control ('onvoldoende bedrijven'): 'primary' when the gain rests on fewer "
        "companies than the limit (default 3) that the user may not read, 'dominance' when one of them holds "
        "more than the maximum share (default 70%); the figures and rank are then null and the row comes "
        "after the shown ones.",
    )

    def get_kind_label(self, obj: dict[str, Any]) -> str:
        return str(dict(ProjectKind.choices).get(obj["kind"], obj["kind"]))


class MiekCandidateSerializer(serializers.Serializer[Any]):
    """A congested area with enough demand to be a candidate for the MIEK (the national programme)."""

    area_id = serializers.CharField(help_text="Service area code.")
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=GRID_LEVELS)
    operator = serializers.CharField(allow_blank=True)
    demand_mw = serializers.FloatField(allow_null=True)
    n_plans = serializers.IntegerField(allow_null=True)
    co2_t = serializers.IntegerField(allow_null=True)
    n_grid_bottleneck = serializers.IntegerField(
        allow_null=True, help_text="Plans held back by grid congestion."
    )
    n_companies = serializers.IntegerField(allow_null=True, required=False)
    suppression = serializers.ChoiceField(
        choices=SUPPRESSION_CHOICES,
        help_text="'primary' (too few companies) or 'dominance' (one company holds most): the figures are "
        "then null and the candidate comes after the shown ones.",
    )


# --- Plan results --------------------------------------------------------------------------------------


class YearRangeSerializer(serializers.Serializer[Any]):
    """A year as a range from the certainty of each infrastructure item (docs/engine.md, rule 11); null:
    not within the horizon (or unknown, see `year_unknown`)."""

    earliest = serializers.IntegerField(allow_null=True, help_text="Every item on time, possible ones too.")
    likely = serializers.IntegerField(
        allow_null=True, help_text="Firm and planned items: the most likely year."
    )
    latest = serializers.IntegerField(allow_null=True, help_text="Firm items only.")


def year_range(earliest: int | None, likely: int | None, latest: int | None) -> dict[str, int | None]:
    return {"earliest": earliest, "likely": likely, "latest": latest}


class PlanResultGridSerializer(serializers.ModelSerializer[PlanResult]):
    """ "Wanneer kan ik aansluiten?": the grid answer for a plan with a grid request."""

    connection_range = serializers.SerializerMethodField()

    @extend_schema_field(YearRangeSerializer(help_text="The connection year as a range."))
    def get_connection_range(self, obj: PlanResult) -> dict[str, int | None]:
        return year_range(obj.connection_year, obj.connection_year_certain, obj.connection_year_firm)

    area_code = serializers.CharField(
        source="grid_area_code", help_text="The service area (or TenneT level)."
    )
    binding = serializers.ChoiceField(
        choices=Binding.choices, allow_blank=True, help_text="The grid part that decides; empty: none."
    )
    binding_label = serializers.CharField(source="get_binding_display")

    class Meta:
        model = PlanResult
        fields = [
            "area_code",
            "requested_mw",
            "firm_mw",
            "connection_year",
            "connection_year_certain",
            "connection_year_firm",
            "connection_range",
            "year_unknown",
            "regional_year",
            "tennet_year",
            "binding",
            "binding_label",
            "queue_position",
            "queue_length",
            "mw_ahead",
            "tennet_queue_position",
            "tennet_queue_length",
            "tennet_mw_ahead",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "requested_mw": {"help_text": "Requested capacity, MW."},
            "firm_mw": {"help_text": "The part that queues (less for a flexible contract), MW."},
            "connection_year": {"help_text": "Expected connection year; null: not within the horizon."},
            "connection_year_certain": {
                "help_text": "The same without uncertain items: the most likely year of the range."
            },
            "connection_year_firm": {
                "help_text": "The same with firm items only: the latest year of the range; null: none firm."
            },
            "year_unknown": {
                "help_text": "No year: the area has a shortage without a published end of congestion "
                "(unknown, not never)."
            },
            "mw_ahead": {"help_text": "MW ahead in the regional queue."},
        }


class CarrierOutcomeSerializer(serializers.Serializer[Any]):
    carrier = serializers.ChoiceField(choices=CARRIER_CHOICES)
    year = serializers.IntegerField(
        allow_null=True, help_text="Available from (null: not within the horizon)."
    )
    year_certain = serializers.IntegerField(allow_null=True, help_text="Without uncertain rollouts.")
    year_firm = serializers.IntegerField(
        allow_null=True, required=False, help_text="Firm rollouts only (the latest year of the range)."
    )
    via = serializers.CharField(allow_null=True, help_text="The rollout that reaches the plan first.")
    extra_cost = serializers.BooleanField(help_text="Only by the costlier alternative (ship or truck).")
    distance_km = serializers.FloatField(allow_null=True)


class PlanResultSerializer(serializers.ModelSerializer[PlanResult]):
    """What a run says about one plan: its class, bottleneck, years (with their range) and the grid
    answer."""

    run = serializers.IntegerField(source="run_id", read_only=True)
    plan = ResultPlanRefSerializer(read_only=True)
    plan_version = serializers.IntegerField(source="plan_version_id", read_only=True)
    title = serializers.CharField(source="plan_version.title", read_only=True)
    route = serializers.ChoiceField(choices=Route.choices, source="plan_version.route", read_only=True)
    route_label = serializers.CharField(source="plan_version.get_route_display", read_only=True)
    owner = OrganisationRefSerializer(source="organisation", read_only=True)
    location = ResultLocationSerializer(read_only=True)
    feasibility = serializers.ChoiceField(choices=Feasibility.choices, read_only=True)
    feasibility_label = serializers.CharField(source="get_feasibility_display", read_only=True)
    bottleneck = serializers.ChoiceField(
        choices=Bottleneck.choices, allow_blank=True, read_only=True, help_text="Empty when there is none."
    )
    bottleneck_label = serializers.CharField(source="get_bottleneck_display", read_only=True)
    binding_requirement = serializers.CharField(
        read_only=True,
        help_text="The requirement that decides the ready year: `grid` or a carrier; empty: none.",
    )
    grid = serializers.SerializerMethodField()
    carriers = CarrierOutcomeSerializer(many=True, read_only=True)
    realisation_range = serializers.SerializerMethodField()

    class Meta:
        model = PlanResult
        fields = [
            "id",
            "run",
            "plan",
            "plan_version",
            "title",
            "route",
            "route_label",
            "owner",
            "location",
            "feasibility",
            "feasibility_label",
            "bottleneck",
            "bottleneck_label",
            "binding_requirement",
            "planned_year",
            "ready_year",
            "ready_year_certain",
            "realisation_year",
            "realisation_range",
            "ready_year_firm",
            "year_unknown",
            "by_deadline",
            "co2_reduction_t",
            "grid",
            "carriers",
            "explanation",
        ]
        read_only_fields = fields

    @extend_schema_field(YearRangeSerializer(help_text="The year the reduction can be realised, as a range."))
    def get_realisation_range(self, obj: PlanResult) -> dict[str, int | None]:
        return year_range(obj.realisation_year, obj.realisation_year_likely, obj.realisation_year_latest)

    @extend_schema_field(PlanResultGridSerializer(allow_null=True, help_text="Null: no grid request."))
    def get_grid(self, obj: PlanResult) -> dict[str, Any] | None:
        if not obj.grid_area_code:
            return None
        # one grid serializer per list, not per row (building a ModelSerializer's fields is slow)
        grid = self.__dict__.get("_grid_serializer")
        if grid is None:
            grid = self.__dict__["_grid_serializer"] = PlanResultGridSerializer()
        return dict(grid.to_representation(obj))


class ConnectionSerializer(serializers.Serializer[Any]):
    """ "Wanneer kan ik aansluiten?": a plan's result in the latest baseline run."""

    plan = serializers.IntegerField(source="plan_id")
    run = RunRefSerializer()
    result = PlanResultSerializer(source="*")
