"""Energy infrastructure, the timeline the feasibility engine runs on:

- grid service areas with their capacity available now, waiting list and expected end of congestion (at
  the regional operator and at TenneT), and the dated reinforcements that add capacity;
- the congestion zones of the capacity map;
- carrier rollouts: the phases of the hydrogen network, CO2 transport and storage (pipeline, or ship and
  truck as a costlier alternative), green gas and heat, by region and year, with the network points a
  location can connect to.

Every item carries its source and a certainty (firm, planned, uncertain)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cluster6.core.models import TimeStampedModel

from .constants import (
    Carrier,
    Certainty,
    CongestionColour,
    CongestionLayer,
    OperatorType,
    ProjectPhase,
    SupplyMode,
)


class GridServiceArea(TimeStampedModel):
    """A service area (voedingsgebied) of the capacity map: a regional station or a TenneT region."""

    code = models.CharField(_("gebiedscode"), max_length=80, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    operator_type = models.CharField(_("soort netbeheerder"), max_length=8, choices=OperatorType.choices)
    operators = models.ManyToManyField(
        "registry.Organisation", related_name="service_areas", blank=True, verbose_name=_("netbeheerders")
    )
    operator_names = models.CharField(_("netbeheerder(s) volgens bron"), max_length=200, blank=True)
    province = models.ForeignKey(
        "registry.Province",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_service_areas",
        verbose_name=_("provincie"),
    )
    bbox_west = models.FloatField(null=True, blank=True)
    bbox_south = models.FloatField(null=True, blank=True)
    bbox_east = models.FloatField(null=True, blank=True)
    bbox_north = models.FloatField(null=True, blank=True)
    geometry = models.JSONField(
        _("geometrie (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Leeg: de kaart toont het omhullende kader."),
    )
    existing_capacity_withdrawal_mw = models.FloatField(
        _("aanwezige capaciteit afname (MW)"), null=True, blank=True
    )
    existing_capacity_injection_mw = models.FloatField(
        _("aanwezige capaciteit invoeding (MW)"), null=True, blank=True
    )
    required_capacity_withdrawal_mw = models.FloatField(
        _("benodigde capaciteit afname (MW)"), null=True, blank=True
    )
    required_capacity_injection_mw = models.FloatField(
        _("benodigde capaciteit invoeding (MW)"), null=True, blank=True
    )
    queue_withdrawal_mw = models.FloatField(_("wachtrij afname (MW)"), null=True, blank=True)
    queue_injection_mw = models.FloatField(_("wachtrij invoeding (MW)"), null=True, blank=True)
    queue_requests_withdrawal = models.PositiveIntegerField(
        _("aanvragen in wachtrij afname"), null=True, blank=True
    )
    queue_requests_injection = models.PositiveIntegerField(
        _("aanvragen in wachtrij invoeding"), null=True, blank=True
    )
    congestion_end_withdrawal_rnb = models.PositiveSmallIntegerField(
        _("verwacht einde congestie afname, regionaal"), null=True, blank=True
    )
    congestion_end_injection_rnb = models.PositiveSmallIntegerField(
        _("verwacht einde congestie invoeding, regionaal"), null=True, blank=True
    )
    congestion_end_withdrawal_tennet = models.PositiveSmallIntegerField(
        _("verwacht einde congestie afname, TenneT"), null=True, blank=True
    )
    congestion_end_injection_tennet = models.PositiveSmallIntegerField(
        _("verwacht einde congestie invoeding, TenneT"), null=True, blank=True
    )
    status_withdrawal = models.SmallIntegerField(
        _("status afname"), choices=CongestionColour.choices, null=True, blank=True
    )
    status_injection = models.SmallIntegerField(
        _("status invoeding"), choices=CongestionColour.choices, null=True, blank=True
    )
    tennet_status_withdrawal = models.SmallIntegerField(
        _("TenneT-status afname"), choices=CongestionColour.choices, null=True, blank=True
    )
    tennet_status_injection = models.SmallIntegerField(
        _("TenneT-status invoeding"), choices=CongestionColour.choices, null=True, blank=True
    )
    tennet_region = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regional_areas",
        limit_choices_to={"operator_type": OperatorType.TENNET},
        verbose_name=_("TenneT-gebied erboven"),
        help_text=_(
            "Het TenneT-gebied waarvan dit regionale gebied afhangt (een gedeelde TenneT-wachtrij). Leeg: "
            "de TenneT-gegevens van dit gebied zelf gelden (einde congestie TenneT)."
        ),
    )
    available_capacity_withdrawal_mw = models.FloatField(
        _("beschikbare capaciteit afname nu (MW)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Capaciteit die nu vrij is voor de wachtrij. Leeg: afgeleid (0 bij congestie, anders aanwezige "
            "min benodigde capaciteit); zie docs/engine.md."
        ),
    )
    congestion_end_certainty = models.CharField(
        _("zekerheid einde congestie (regionaal)"),
        max_length=8,
        choices=Certainty.choices,
        default=Certainty.PLANNED,
    )
    tennet_congestion_end_certainty = models.CharField(
        _("zekerheid einde congestie (TenneT)"),
        max_length=8,
        choices=Certainty.choices,
        default=Certainty.PLANNED,
    )
    source = models.CharField(_("bron"), max_length=250, blank=True)
    snapshot_date = models.DateField(_("peildatum"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetisch"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("voedingsgebied")
        verbose_name_plural = _("voedingsgebieden")

    def __str__(self) -> str:
        return self.name


class GridProject(TimeStampedModel):
    """A planned grid reinforcement serving a service area (TenneT projects recur across areas)."""

    area = models.ForeignKey(
        GridServiceArea, on_delete=models.CASCADE, related_name="projects", verbose_name=_("voedingsgebied")
    )
    name = models.CharField(_("naam"), max_length=300)
    operator_name = models.CharField(_("netbeheerder"), max_length=100, blank=True)
    operator_type = models.CharField(_("soort netbeheerder"), max_length=8, choices=OperatorType.choices)
    date_text = models.CharField(_("planning (tekst)"), max_length=60, blank=True)
    completion_year = models.PositiveSmallIntegerField(_("verwacht gereed (jaar)"), null=True, blank=True)
    completion_quarter = models.PositiveSmallIntegerField(_("kwartaal"), null=True, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("einde"), null=True, blank=True)
    phase = models.CharField(
        _("fase"), max_length=12, choices=ProjectPhase.choices, default=ProjectPhase.UNKNOWN
    )
    added_capacity_mw = models.FloatField(
        _("extra capaciteit (MW)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Niet in de capaciteitskaart; in te vullen of te schatten."),
    )
    certainty = models.CharField(
        _("zekerheid"), max_length=8, choices=Certainty.choices, default=Certainty.PLANNED
    )
    source = models.CharField(_("bron"), max_length=250, blank=True)
    snapshot_date = models.DateField(_("peildatum"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetisch"), default=False)

    class Meta:
        ordering = ["area", "completion_year", "name"]
        verbose_name = _("netproject")
        verbose_name_plural = _("netprojecten")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name", "operator_name"], name="gridproject_unique_area_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.completion_year or '?'})"


class CongestionZone(models.Model):
    """A congestion-status polygon of the capacity map (no area id: joined to areas only spatially)."""

    layer = models.CharField(_("laag"), max_length=20, choices=CongestionLayer.choices)
    colour = models.SmallIntegerField(_("status"), choices=CongestionColour.choices)
    operator_name = models.CharField(_("netbeheerder"), max_length=100, blank=True)
    province_name = models.CharField(_("provincie"), max_length=100, blank=True)
    geometry = models.JSONField(_("geometrie (GeoJSON)"))
    snapshot_date = models.DateField(_("peildatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("congestiegebied")
        verbose_name_plural = _("congestiegebieden")
        indexes = [models.Index(fields=["layer", "colour"])]

    def __str__(self) -> str:
        return f"{self.get_layer_display()} {self.colour}"


class CarrierRollout(TimeStampedModel):
    """A phase of a carrier network (hydrogen, CO2, green gas, heat): available from `year` in its region
    (a province, or nationally when empty). A network rollout reaches a location within the practical
    distance of one of its network points; ship and truck (CO2) reach every location, at extra cost."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    carrier = models.CharField(_("drager"), max_length=10, choices=Carrier.choices)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    province = models.ForeignKey(
        "registry.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carrier_rollouts",
        verbose_name=_("provincie"),
        help_text=_("Leeg: landelijk."),
    )
    year = models.PositiveSmallIntegerField(
        _("beschikbaar vanaf (jaar)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    year_text = models.CharField(_("planning (tekst)"), max_length=200, blank=True)
    certainty = models.CharField(
        _("zekerheid"), max_length=8, choices=Certainty.choices, default=Certainty.PLANNED
    )
    mode = models.CharField(_("wijze"), max_length=12, choices=SupplyMode.choices, default=SupplyMode.NETWORK)
    open_access = models.BooleanField(
        _("toegankelijk voor derden"),
        default=True,
        help_text=_("Uit: de capaciteit is vergeven (bijvoorbeeld Porthos); telt niet mee in de analyse."),
    )
    source = models.CharField(_("bron"), max_length=250, blank=True)
    source_url = models.TextField(_("bron-URL"), blank=True)
    source_date = models.DateField(_("brondatum"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetisch"), default=False)

    class Meta:
        ordering = ["carrier", "year", "code"]
        verbose_name = _("uitrolfase")
        verbose_name_plural = _("uitrolfasen")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_alternative(self) -> bool:
        return self.mode != SupplyMode.NETWORK


class NetworkPoint(models.Model):
    """A point where a rollout's network can be connected to (a station, a valve, a cluster hub)."""

    rollout = models.ForeignKey(
        CarrierRollout, on_delete=models.CASCADE, related_name="points", verbose_name=_("uitrolfase")
    )
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    lon = models.FloatField(_("lengtegraad"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    lat = models.FloatField(_("breedtegraad"), validators=[MinValueValidator(-90), MaxValueValidator(90)])

    class Meta:
        ordering = ["rollout", "code"]
        verbose_name = _("netwerkpunt")
        verbose_name_plural = _("netwerkpunten")
        constraints = [
            models.UniqueConstraint(fields=["rollout", "code"], name="networkpoint_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name or self.code
