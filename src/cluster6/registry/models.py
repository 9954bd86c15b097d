"""The registry: organisations, provinces and municipalities, production locations and their emissions."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cluster6.core.models import TimeStampedModel

from .constants import (
    LCES_ELECTRICITY_THRESHOLD_GWH,
    LCES_GAS_THRESHOLD_M3,
    Cluster,
    DataOrigin,
    EmissionSource,
    OrganisationKind,
    ScopeArea,
    ScopeOutcome,
    Sector,
)


class Province(models.Model):
    code = models.CharField(
        _("CBS-code"), max_length=4, unique=True, validators=[RegexValidator(r"^PV\d{2}$")]
    )
    name = models.CharField(_("naam"), max_length=100, unique=True)
    geometry = models.JSONField(_("geometrie (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(
        _("CBS-code"), max_length=6, unique=True, validators=[RegexValidator(r"^GM\d{4}$")]
    )
    name = models.CharField(_("naam"), max_length=100)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("provincie")
    )
    geometry = models.JSONField(_("geometrie (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name


class ClusterMunicipality(models.Model):
    """The configurable list of municipalities that make up geographic clusters 1 to 5; every other
    municipality is cluster 6. Keyed by CBS code so that it holds before the boundaries are imported."""

    cluster = models.PositiveSmallIntegerField(
        _("cluster"),
        choices=[c for c in Cluster.choices if c[0] not in (Cluster.CLUSTER6, Cluster.OUTSIDE)],
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    municipality_code = models.CharField(
        _("CBS-code gemeente"), max_length=6, unique=True, validators=[RegexValidator(r"^GM\d{4}$")]
    )
    municipality_name = models.CharField(_("gemeente"), max_length=100)

    class Meta:
        ordering = ["cluster", "municipality_name"]
        verbose_name = _("clustergemeente")
        verbose_name_plural = _("clustergemeenten")

    def __str__(self) -> str:
        return f"{self.municipality_name} → cluster {self.cluster}"


class ScopeRule(TimeStampedModel):
    """One rule of the cluster-6 scope as the programme counts it (docs/scope.md). The rules are tried in
    the order of `position`; the first whose every filled-in criterion matches decides. A location that no
    rule matches is outside the clusters. Seeded by a migration, editable in the admin; after a change,
    the admin action "apply" (or `locations_derive_clusters`) re-derives every location."""

    position = models.PositiveSmallIntegerField(_("volgorde"), unique=True)
    name = models.CharField(_("regel"), max_length=120)
    explanation = models.TextField(
        _("toelichting"), help_text=_("Waarom deze regel: getoond bij elke locatie.")
    )
    area = models.CharField(_("ligging"), max_length=16, choices=ScopeArea.choices, default=ScopeArea.ANY)
    sectors = models.JSONField(
        _("sectoren"), default=list, blank=True, help_text=_("Lijst van sectorcodes; leeg = elke sector.")
    )
    activity_codes = models.JSONField(
        _("ETS-activiteiten"),
        default=list,
        blank=True,
        help_text=_("Lijst van EU ETS-activiteitcodes (Annex I); leeg = elke activiteit."),
    )
    nace_prefixes = models.JSONField(
        _("NACE-codes"),
        default=list,
        blank=True,
        help_text=_('Lijst van NACE-codes of het begin ervan (bijv. "35", "23.3"); leeg = elke.'),
    )
    municipality_codes = models.JSONField(
        _("gemeenten"), default=list, blank=True, help_text=_("Lijst van CBS-codes (GM0888); leeg = elke.")
    )
    ets_installation_ids = models.JSONField(
        _("ETS-installaties"),
        default=list,
        blank=True,
        help_text=_("Lijst van installaties (NL_206980) voor een regel over één locatie; leeg = elke."),
    )
    outcome = models.CharField(_("besluit"), max_length=16, choices=ScopeOutcome.choices)
    borderline = models.BooleanField(
        _("grensgeval"),
        default=False,
        help_text=_("Locaties die deze regel beslist staan op de afbakeningspagina."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("afbakeningsregel")
        verbose_name_plural = _("afbakeningsregels")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .constants import Sector

        problems: dict[str, str] = {}
        lists = {
            "sectors": self.sectors,
            "activity_codes": self.activity_codes,
            "nace_prefixes": self.nace_prefixes,
            "municipality_codes": self.municipality_codes,
            "ets_installation_ids": self.ets_installation_ids,
        }
        for name, value in lists.items():
            if not isinstance(value, list):
                problems[name] = str(_('Geef een lijst, bijv. [] of ["a", "b"].'))
        if not problems:
            unknown = [s for s in self.sectors if s not in Sector.values]
            if unknown:
                problems["sectors"] = str(_("Onbekende sector: %(s)s")) % {"s": ", ".join(map(str, unknown))}
            if not all(isinstance(c, int) and 1 <= c <= 99 for c in self.activity_codes):
                problems["activity_codes"] = str(_("ETS-activiteiten zijn gehele getallen van 1 tot 99."))
        if problems:
            raise ValidationError(problems)


class Organisation(TimeStampedModel):
    """A company, grid operator, government body or the foundation. Companies may belong to a group."""

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(
        _("soort"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.COMPANY
    )
    kvk_number = models.CharField(_("KvK-nummer"), max_length=20, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("moedergroep"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("provincie"),
        help_text=_("Alleen voor provincies: de provincie die zij vertegenwoordigt."),
    )
    origin = models.CharField(
        _("herkomst"), max_length=12, choices=DataOrigin.choices, default=DataOrigin.MANUAL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_kind_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BusinessPark(models.Model):
    """A business park (bedrijventerrein); the region approach builds on these."""

    name = models.CharField(_("naam"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="business_parks",
        verbose_name=_("gemeente"),
    )
    ibis_code = models.CharField(_("IBIS-code"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bedrijventerrein")
        verbose_name_plural = _("bedrijventerreinen")
        constraints = [
            models.UniqueConstraint(fields=["name", "municipality"], name="businesspark_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductionLocation(TimeStampedModel):
    """A production location (productielocatie): one site of an operator, ETS or not."""

    name = models.CharField(_("naam"), max_length=250)
    operator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locations", verbose_name=_("exploitant")
    )
    ets_installation_id = models.CharField(
        _("EU ETS-installatie"),
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Registry en EUTL-nummer, bijv. NL_144."),
    )
    nea_permit_id = models.CharField(_("NEa-vergunning"), max_length=40, blank=True, db_index=True)
    address = models.CharField(_("adres"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.CharField(_("plaats"), max_length=120, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("gemeente"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("provincie"),
    )
    latitude = models.FloatField(
        _("breedtegraad"),
        null=True,
        blank=True,
        validators=[MinValueValidator(50.0), MaxValueValidator(56.0)],
    )
    longitude = models.FloatField(
        _("lengtegraad"), null=True, blank=True, validators=[MinValueValidator(2.0), MaxValueValidator(7.5)]
    )
    business_park = models.ForeignKey(
        BusinessPark,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("bedrijventerrein"),
    )
    grid_operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grid_locations",
        verbose_name=_("netbeheerder"),
        limit_choices_to={"kind": OrganisationKind.GRID_OPERATOR},
    )
    grid_service_area = models.ForeignKey(
        "infra.GridServiceArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("voedingsgebied"),
    )
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    nace_code = models.CharField(_("NACE-code"), max_length=10, blank=True)
    ets_activity_code = models.PositiveSmallIntegerField(_("ETS-activiteit"), null=True, blank=True)
    is_ets = models.BooleanField(_("EU ETS"), default=False)
    is_offshore = models.BooleanField(_("offshore"), default=False)
    is_active = models.BooleanField(_("in bedrijf"), default=True)
    gas_use_m3 = models.BigIntegerField(
        _("aardgasverbruik (m³/jaar)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    electricity_use_gwh = models.FloatField(
        _("elektriciteitsverbruik (GWh/jaar)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    contracted_capacity_mw = models.FloatField(
        _("gecontracteerd transportvermogen (MW)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    cluster_derived = models.PositiveSmallIntegerField(
        _("cluster (afgeleid)"),
        choices=Cluster.choices,
        default=6,
        help_text=_("Afgeleid uit de afbakeningsregels: sector, ETS-activiteit en ligging (docs/scope.md)."),
    )
    scope_rule = models.ForeignKey(
        ScopeRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("beslissende afbakeningsregel"),
    )
    cluster_override = models.PositiveSmallIntegerField(
        _("cluster (handmatig)"), choices=Cluster.choices, null=True, blank=True
    )
    cluster_override_reason = models.TextField(_("reden handmatige cluster"), blank=True)
    cluster = models.GeneratedField(
        expression=Coalesce("cluster_override", "cluster_derived"),
        output_field=models.PositiveSmallIntegerField(choices=Cluster.choices),
        db_persist=True,
        verbose_name=_("cluster"),
    )
    in_lces_scope = models.GeneratedField(
        expression=Case(
            When(
                Q(gas_use_m3__gt=LCES_GAS_THRESHOLD_M3)
                | Q(electricity_use_gwh__gt=LCES_ELECTRICITY_THRESHOLD_GWH),
                then=Value(True),
            ),
            default=Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("L-CES-scope"),
    )
    origin = models.CharField(
        _("herkomst"), max_length=12, choices=DataOrigin.choices, default=DataOrigin.MANUAL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("productielocatie")
        verbose_name_plural = _("productielocaties")
        indexes = [
            models.Index(fields=["province", "sector"]),
            models.Index(fields=["cluster"]),
            models.Index(fields=["sector"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster_override__isnull=True) | ~Q(cluster_override_reason=""),
                name="location_cluster_override_has_reason",
                violation_error_message=_("Geef een reden voor de handmatige clusterindeling."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmissionRecord(TimeStampedModel):
    """Emissions of one location in one year from one source (t CO2-eq)."""

    location = models.ForeignKey(
        ProductionLocation,
        on_delete=models.CASCADE,
        related_name="emissions",
        verbose_name=_("productielocatie"),
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    tco2e = models.BigIntegerField(_("uitstoot (t CO₂-eq)"), validators=[MinValueValidator(0)])
    source = models.CharField(_("bron"), max_length=12, choices=EmissionSource.choices)
    verified = models.BooleanField(_("geverifieerd"), default=False)

    class Meta:
        ordering = ["location", "year", "source"]
        verbose_name = _("emissiegegeven")
        verbose_name_plural = _("emissiegegevens")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "year", "source"], name="emission_unique_location_year_source"
            ),
        ]
        indexes = [models.Index(fields=["year", "source"])]

    def __str__(self) -> str:
        return f"{self.location} {self.year}: {self.tco2e} t"
