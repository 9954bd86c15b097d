"""Decarbonisation plans, delivered once per survey round and shared with consent (the Data Safe House).

- `SurveyRound`: a survey (pCES 2023, L-CES 2024, DSH 2025, Top-60 2025) with its period and requested fields.
- `Plan`: the identity of one project at one production location, stable across rounds.
- `Submission`: an organisation's answer to a round. Reopening a submitted round starts a new revision;
  a submitted revision is never changed (versions, not updates).
- `PlanVersion`: what a submission says about one plan.
- `Consent`: a company's grant of read access to its plan data, per requester, purpose and period.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cluster6.core.models import TimeStampedModel

from .constants import (
    ConsentPurpose,
    GridNeed,
    PlanStatus,
    PriorityClass,
    RoundKind,
    RoundStatus,
    Route,
    SubmissionStatus,
    TemperatureLevel,
    VoltageLevel,
)

YEAR = [MinValueValidator(2000), MaxValueValidator(2070)]
NON_NEGATIVE = [MinValueValidator(0)]


class SurveyRound(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    kind = models.CharField(_("soort"), max_length=10, choices=RoundKind.choices)
    opens_on = models.DateField(_("open vanaf"))
    closes_on = models.DateField(_("sluit op"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_rounds",
        verbose_name=_("vorige ronde"),
        help_text=_("Voor vergelijking en om antwoorden vooraf in te vullen."),
    )
    requested_fields = models.JSONField(
        _("gevraagde velden"),
        default=list,
        blank=True,
        help_text=_("Namen van PlanVersion-velden; leeg = alle velden."),
    )

    class Meta:
        ordering = ["opens_on", "code"]
        verbose_name = _("uitvraagronde")
        verbose_name_plural = _("uitvraagrondes")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """The identity of a project at a location; its content lives in its versions, one per submission."""

    location = models.ForeignKey(
        "registry.ProductionLocation",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("productielocatie"),
    )
    reference = models.CharField(
        _("kenmerk"), max_length=60, help_text=_("Het eigen kenmerk van het bedrijf, uniek per locatie.")
    )

    class Meta:
        ordering = ["location", "reference"]
        verbose_name = _("verduurzamingsplan")
        verbose_name_plural = _("verduurzamingsplannen")
        constraints = [
            models.UniqueConstraint(fields=["location", "reference"], name="plan_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.reference}"


class Submission(TimeStampedModel):
    """An organisation's answer to a survey round, in revisions: a submitted revision is frozen; reopening
    starts the next revision as a draft with the same content."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("organisatie"),
    )
    round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("ronde")
    )
    revision = models.PositiveSmallIntegerField(_("revisie"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    reopened_at = models.DateTimeField(_("heropend op"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("heropend door"),
    )
    reopen_reason = models.TextField(_("reden heropening"), blank=True)
    no_plans = models.BooleanField(
        _("geen plannen"),
        default=False,
        help_text=_("Het bedrijf verklaart uitdrukkelijk dat het in deze ronde geen plannen heeft."),
    )

    class Meta:
        ordering = ["round", "organisation", "revision"]
        verbose_name = _("inzending")
        verbose_name_plural = _("inzendingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "revision"], name="submission_unique_revision"
            ),
            models.CheckConstraint(
                condition=Q(status=SubmissionStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="submission_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round} (r{self.revision})"

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED


class PlanVersion(TimeStampedModel):
    """What one submission says about one plan. Frozen once its submission is submitted."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan"))
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="versions", verbose_name=_("inzending")
    )
    title = models.CharField(_("titel"), max_length=200)
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    technology = models.CharField(_("techniek"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    temperature_level = models.CharField(
        _("temperatuurniveau vervangen warmte"),
        max_length=10,
        choices=TemperatureLevel.choices,
        default=TemperatureLevel.NONE,
    )
    investment_decision_year = models.PositiveSmallIntegerField(
        _("jaar investeringsbesluit"), null=True, blank=True, validators=YEAR
    )
    in_operation_year = models.PositiveSmallIntegerField(_("jaar in bedrijf"), validators=YEAR)
    co2_reduction_t = models.FloatField(_("CO₂-reductie (t/jaar)"), validators=NON_NEGATIVE)
    electricity_delta_gwh = models.FloatField(_("verandering elektriciteitsverbruik (GWh/jaar)"), default=0)
    extra_capacity_mw = models.FloatField(
        _("extra gecontracteerd vermogen (MW)"), default=0, validators=NON_NEGATIVE
    )
    voltage_level = models.CharField(
        _("spanningsniveau"), max_length=4, choices=VoltageLevel.choices, blank=True
    )
    gas_delta_m3 = models.FloatField(_("verandering aardgasverbruik (m³/jaar)"), default=0)
    hydrogen_t = models.FloatField(_("waterstof (t/jaar)"), default=0, validators=NON_NEGATIVE)
    green_gas_m3 = models.FloatField(_("groen gas (m³/jaar)"), default=0, validators=NON_NEGATIVE)
    co2_transport_t = models.FloatField(_("af te voeren CO₂ (t/jaar)"), default=0, validators=NON_NEGATIVE)
    heat_delta_gwh = models.FloatField(_("verandering warmte (GWh/jaar)"), default=0)
    grid_need = models.CharField(
        _("netaansluiting nodig"), max_length=12, choices=GridNeed.choices, default=GridNeed.NONE
    )
    needs_hydrogen = models.BooleanField(_("waterstofaansluiting nodig"), default=False)
    needs_co2 = models.BooleanField(_("CO₂-aansluiting nodig"), default=False)
    needs_green_gas = models.BooleanField(_("groen gas nodig"), default=False)
    needs_heat = models.BooleanField(_("warmtenet nodig"), default=False)
    grid_request_date = models.DateField(_("datum aanvraag transportcapaciteit"), null=True, blank=True)
    priority_class = models.PositiveSmallIntegerField(
        _("prioriteitsklasse (ACM)"), choices=PriorityClass.choices, default=PriorityClass.OTHER
    )
    accepts_flexible_contract = models.BooleanField(_("accepteert flexibel contract"), default=False)
    capex_eur = models.FloatField(_("investering (EUR)"), null=True, blank=True, validators=NON_NEGATIVE)
    funding_gap_eur = models.FloatField(
        _("onrendabele top (EUR)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.IDEA)
    status_reason = models.TextField(_("reden statuswijziging"), blank=True)

    class Meta:
        ordering = ["submission", "plan"]
        verbose_name = _("planversie")
        verbose_name_plural = _("planversies")
        constraints = [
            models.UniqueConstraint(fields=["submission", "plan"], name="planversion_unique_per_submission"),
            models.CheckConstraint(
                condition=Q(investment_decision_year__isnull=True)
                | Q(investment_decision_year__lte=models.F("in_operation_year")),
                name="planversion_decision_before_operation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.submission.round})"


class Consent(TimeStampedModel):
    """A company's grant of read access to its plan data, to one requester organisation, for one purpose,
    for a period. Revoking sets `revoked_at`; a consent row is never deleted (the history stays)."""

    owner = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_given",
        verbose_name=_("gegevenseigenaar"),
    )
    grantee = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_received",
        verbose_name=_("ontvanger"),
    )
    purpose = models.CharField(_("doel"), max_length=20, choices=ConsentPurpose.choices)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verleend door"),
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingetrokken door"),
    )

    class Meta:
        ordering = ["owner", "grantee", "-valid_from"]
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="consent_period_ordered"
            ),
            models.CheckConstraint(condition=~Q(owner=models.F("grantee")), name="consent_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} → {self.grantee} ({self.get_purpose_display()})"
