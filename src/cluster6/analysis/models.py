"""Analysis runs of the feasibility engine, their per-plan results, and the scenarios they compare.

- `Scenario`: overrides of the infrastructure timeline (shifts in years, extra capacity, flexible
  contracts), kept for reuse. A run stores a snapshot of its scenario, so editing a scenario later never
  changes a stored run.
- `AnalysisRun`: one run, reproducible: the engine version, the SHA-256 of its input (plans,
  infrastructure, parameters, scenario), the parameters, and its figures (aggregates, comparison with the
  baseline, unlock ranking, candidate MIEK areas). Append-only.
- `PlanResult`: what the run says about one plan ("wanneer kan ik aansluiten?"). Append-only; visible
  under the same policy as the plan version it was computed from.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster6.audit.models import AppendOnlyModel
from cluster6.core.models import TimeStampedModel

from .constants import Binding, Bottleneck, Feasibility, RunKind
from .disclosure import disclosed_aggregates, disclosed_miek, disclosed_ranking


class Scenario(TimeStampedModel):
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemaakt door"),
    )
    reinforcement_shifts = models.JSONField(
        _("verschuiving netversterkingen (jaren)"),
        default=dict,
        blank=True,
        help_text=_("Projectcode -> jaren (negatief: eerder)."),
    )
    congestion_end_shifts = models.JSONField(
        _("verschuiving einde congestie (jaren)"),
        default=dict,
        blank=True,
        help_text=_("Gebiedscode (of tennet:<gebiedscode>) -> jaren."),
    )
    rollout_shifts = models.JSONField(
        _("verschuiving uitrolfasen (jaren)"),
        default=dict,
        blank=True,
        help_text=_("Code van de uitrolfase -> jaren."),
    )
    extra_capacity = models.JSONField(
        _("extra capaciteit"),
        default=list,
        blank=True,
        help_text=_("Lijst van {area_id, year, mw, certainty}."),
    )
    flexible_share = models.FloatField(
        _("flexibel deel van de aanvraag"),
        null=True,
        blank=True,
        help_text=_("Leeg: de parameter van de analyse."),
    )
    all_plans_flexible = models.BooleanField(
        _("alle plannen accepteren een flexibel contract"), default=False
    )
    is_archived = models.BooleanField(_("gearchiveerd"), default=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")

    def __str__(self) -> str:
        return self.name


class AnalysisRun(AppendOnlyModel):
    created_at = models.DateTimeField(_("uitgevoerd op"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgevoerd door"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=RunKind.choices, default=RunKind.BASELINE)
    engine_version = models.CharField(_("versie rekenkern"), max_length=20)
    input_hash = models.CharField(_("invoer-hash (SHA-256)"), max_length=64, db_index=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("scenario"),
    )
    scenario_snapshot = models.JSONField(_("scenario (zoals gerekend)"), null=True, blank=True)
    baseline = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenario_runs",
        verbose_name=_("basisrun"),
    )
    basis = models.CharField(_("invoer"), max_length=300, blank=True)
    n_plans = models.PositiveIntegerField(_("plannen"), default=0)
    n_dependent = models.PositiveIntegerField(_("afhankelijk van nieuwe infrastructuur"), default=0)
    headline_share = models.FloatField(_("kan niet of mag niet (aandeel)"), null=True, blank=True)
    co2_by_deadline_t = models.BigIntegerField(_("CO₂-reductie vóór 2030 realiseerbaar (t/jaar)"), default=0)
    aggregates = models.JSONField(_("uitkomsten per groep"), default=dict)
    comparison = models.JSONField(_("vergelijking met de basis"), null=True, blank=True)
    unlock_ranking = models.JSONField(_("ontsluitingsrangorde"), default=list)
    miek_candidates = models.JSONField(_("kandidaat-MIEK-gebieden"), default=list)
    notes = models.JSONField(_("opmerkingen over de invoer"), default=list)
    duration_ms = models.PositiveIntegerField(_("rekentijd (ms)"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analyserun")
        verbose_name_plural = _("analyseruns")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.input_hash[:8]})"

    #: Organisation ids (strings) whose plans the viewer reads in full: set for one viewer by
    #: `selectors.for_viewer` (the policy layer); the disclosure rule does not hide these from it.
    known_companies: frozenset[str] = frozenset()

    @cached_property
    def shown_aggregates(self) -> dict[str, Any]:
        """The aggregates with disclosure control applied (what pages, exports and the API show). For a
        scenario run the difference of every figure from the baseline is checked too."""
        from .shown_cache import shown  # a cache per run and viewer's known companies (append-only runs)

        def compute() -> dict[str, Any]:
            baseline = None
            if self.kind == RunKind.SCENARIO and self.baseline_id is not None:
                baseline = self.baseline.aggregates if self.baseline is not None else {"total": {}, "by": {}}
            return disclosed_aggregates(self.aggregates, known=self.known_companies, baseline=baseline)

        return shown(self, "aggregates", compute)

    @cached_property
    def shown_miek_candidates(self) -> list[dict[str, Any]]:
        from .shown_cache import shown

        return shown(self, "miek", lambda: disclosed_miek(self.miek_candidates, known=self.known_companies))

    @cached_property
    def shown_unlock_ranking(self) -> list[dict[str, Any]]:
        """The unlock ranking with disclosure control applied (projects whose gain rests on too few
        companies, or on one dominant company, without figures and after the others)."""
        from .shown_cache import shown

        return shown(
            self, "ranking", lambda: disclosed_ranking(self.unlock_ranking, known=self.known_companies)
        )


class PlanResult(AppendOnlyModel):
    #: Set on in-memory objects by `selectors.disclose_queues`: why the MW ahead (regional, TenneT) is
    #: not shown to the reader ("" when it is). Never stored.
    queue_hidden: str = ""
    tennet_queue_hidden: str = ""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="results")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="analysis_results")
    plan_version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="analysis_results"
    )
    location = models.ForeignKey(
        "registry.ProductionLocation", on_delete=models.CASCADE, related_name="analysis_results"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="analysis_results"
    )
    feasibility = models.CharField(_("klasse"), max_length=14, choices=Feasibility.choices)
    bottleneck = models.CharField(_("knelpunt"), max_length=16, choices=Bottleneck.choices, blank=True)
    binding_requirement = models.CharField(_("bepalende voorziening"), max_length=12, blank=True)
    planned_year = models.PositiveSmallIntegerField(_("gepland jaar"))
    ready_year = models.PositiveSmallIntegerField(_("infrastructuur gereed"), null=True, blank=True)
    ready_year_certain = models.PositiveSmallIntegerField(
        _("infrastructuur gereed (zonder onzekere items)"), null=True, blank=True
    )
    realisation_year = models.PositiveSmallIntegerField(_("realisatiejaar"), null=True, blank=True)
    # The range (docs/engine.md, rule 11): realisation_year is the earliest (every item on time), then the
    # most likely (firm and planned items) and the latest (firm items only); None: not within the horizon.
    ready_year_firm = models.PositiveSmallIntegerField(
        _("infrastructuur gereed (alleen vaste items)"), null=True, blank=True
    )
    realisation_year_likely = models.PositiveSmallIntegerField(
        _("realisatiejaar, meest waarschijnlijk"), null=True, blank=True
    )
    realisation_year_latest = models.PositiveSmallIntegerField(
        _("realisatiejaar, uiterlijk"), null=True, blank=True
    )
    year_unknown = models.BooleanField(_("jaar onbekend (tekort zonder verwacht jaar)"), default=False)
    by_deadline = models.BooleanField(_("vóór of in 2030"), default=False)
    co2_reduction_t = models.FloatField(_("CO₂-reductie (t/jaar)"), default=0)
    # The grid answer ("wanneer kan ik aansluiten?"); empty when the plan has no grid request.
    grid_area_code = models.CharField(_("voedingsgebied"), max_length=100, blank=True)
    requested_mw = models.FloatField(_("gevraagd vermogen (MW)"), null=True, blank=True)
    firm_mw = models.FloatField(_("vast deel (MW)"), null=True, blank=True)
    connection_year = models.PositiveSmallIntegerField(_("verwacht aansluitjaar"), null=True, blank=True)
    connection_year_certain = models.PositiveSmallIntegerField(
        _("aansluitjaar zonder onzekere items"), null=True, blank=True
    )
    connection_year_firm = models.PositiveSmallIntegerField(
        _("aansluitjaar met alleen vaste items"), null=True, blank=True
    )
    regional_year = models.PositiveSmallIntegerField(_("jaar regionaal net"), null=True, blank=True)
    tennet_year = models.PositiveSmallIntegerField(_("jaar TenneT"), null=True, blank=True)
    binding = models.CharField(_("bepalend netdeel"), max_length=10, choices=Binding.choices, blank=True)
    queue_position = models.PositiveIntegerField(_("plaats in de wachtrij"), null=True, blank=True)
    queue_length = models.PositiveIntegerField(_("lengte wachtrij"), null=True, blank=True)
    mw_ahead = models.FloatField(_("MW voor in de wachtrij"), null=True, blank=True)
    tennet_queue_position = models.PositiveIntegerField(
        _("plaats in de TenneT-wachtrij"), null=True, blank=True
    )
    tennet_queue_length = models.PositiveIntegerField(_("lengte TenneT-wachtrij"), null=True, blank=True)
    tennet_mw_ahead = models.FloatField(_("MW voor in de TenneT-wachtrij"), null=True, blank=True)
    carriers = models.JSONField(_("andere dragers"), default=list, blank=True)
    explanation = models.TextField(_("toelichting"))

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("planuitkomst")
        verbose_name_plural = _("planuitkomsten")
        constraints = [
            models.UniqueConstraint(fields=["run", "plan"], name="planresult_unique_per_run"),
        ]
        indexes = [
            models.Index(fields=["run", "feasibility"]),
            # the order of the result lists (selectors.plan_result_list): a page is an index range
            models.Index(
                fields=["run", "feasibility", "-co2_reduction_t", "id"], name="planresult_list_order"
            ),
            models.Index(fields=["run", "organisation"], name="planresult_run_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.get_feasibility_display()}"
