"""The demand export for grid operators' investment plans (issue 3, point 5).

Per grid operator: the extra electricity demand per service area and per in-operation year, in MW
(`extra_capacity_mw`) and GWh (`electricity_delta_gwh`), by plan status and its certainty
(`STATUS_CERTAINTY`), from the submitted plans the reader may see for the investment-plan purpose, at
locations in the operator's service areas (or with that grid operator). One survey round: the latest
submitted revision per plan; cancelled plans and plans without electricity demand are left out.

`grid_demand` reads (through the policy layer); the caller logs the reads with
`cluster6.plans.sharing.log_plan_reads(..., channel="export")`. `grid_demand_csv` and
`grid_demand_xlsx` render the result.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cluster6.authz.policies import (
    Actor,
    access,
    can_export_grid_demand,
    grid_demand_operator_ids,
    visible_to,
)
from cluster6.core.exports import CsvForm, csv_bytes, xlsx_bytes
from cluster6.infra.models import GridServiceArea
from cluster6.registry.constants import OrganisationKind
from cluster6.registry.models import Organisation

from .constants import STATUS_CERTAINTY, Certainty, ConsentPurpose, PlanStatus, Route
from .models import PlanVersion, SurveyRound
from .sharing import SharedPlanFilters, rounds_of, shared_version_list, submitted_versions

#: The consent purpose the export draws on (a consent for another purpose does not feed it).
EXPORT_PURPOSE = ConsentPurpose.GRID_INVESTMENT_PLAN

CERTAINTY_ORDER = {c.value: i for i, c in enumerate([Certainty.FIRM, Certainty.LIKELY, Certainty.POSSIBLE])}
STATUS_ORDER = {s.value: i for i, s in enumerate(PlanStatus)}


@dataclass(frozen=True)
class DemandPlan:
    """One plan version behind the figures."""

    version_id: int
    plan_id: int
    reference: str
    title: str
    route: str
    owner_id: int
    owner: str
    location_id: int
    location: str
    area_id: int | None
    area_code: str
    area_name: str
    year: int
    status: str
    certainty: str
    extra_capacity_mw: float
    electricity_gwh: float
    revision: int


@dataclass(frozen=True)
class DemandCell:
    """Extra demand in one service area, in-operation year and plan status."""

    area_id: int | None
    area_code: str
    area_name: str
    year: int
    status: str
    certainty: str
    extra_capacity_mw: float
    electricity_gwh: float
    plans: int
    version_ids: tuple[int, ...]


@dataclass(frozen=True)
class DemandTotal:
    """Extra demand in one service area and year, over all statuses, and per certainty."""

    area_id: int | None
    area_code: str
    area_name: str
    year: int
    extra_capacity_mw: float
    electricity_gwh: float
    plans: int
    mw_by_certainty: dict[str, float] = field(default_factory=dict)
    gwh_by_certainty: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GridDemand:
    operator: Organisation
    round: SurveyRound | None
    cells: list[DemandCell]
    totals: list[DemandTotal]
    plans: list[DemandPlan]
    versions: list[PlanVersion]  # for the read log

    @property
    def total_mw(self) -> float:
        return math.fsum(p.extra_capacity_mw for p in self.plans)

    @property
    def total_gwh(self) -> float:
        return math.fsum(p.electricity_gwh for p in self.plans)


# --- Reads ---------------------------------------------------------------------------------------------


def grid_demand_operators(*, actor: Actor) -> models.QuerySet[Organisation]:
    """The grid operators the actor may draw the export for: its own (netbeheerder), or any (ministry)."""
    ids = grid_demand_operator_ids(actor)
    qs = visible_to(actor, Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name", "pk")


def grid_demand_rounds(*, actor: Actor) -> list[SurveyRound]:
    """The survey rounds with submitted plans the actor may see for the export purpose, newest first."""
    return rounds_of(submitted_versions(actor, EXPORT_PURPOSE))


def _operator(actor: Actor, operator_id: int | None) -> Organisation:
    if operator_id is None:
        if grid_demand_operator_ids(actor) is None:
            raise ValidationError({"operator": [_("Kies de netbeheerder waarvoor u de export wilt maken.")]})
        own = grid_demand_operators(actor=actor).first()
        if own is None:
            raise PermissionDenied(_("De netvraag-export is voor netbeheerders en het ministerie."))
        return own
    operator = access(actor, Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR), operator_id)
    if not can_export_grid_demand(actor, operator):
        raise PermissionDenied(_("U kunt de export alleen voor uw eigen netbeheerder maken."))
    return operator


def _area_key(item: DemandPlan | DemandCell | DemandTotal) -> tuple[int, str, int]:
    """Areas by name; figures without a known service area last."""
    return (1 if item.area_id is None else 0, item.area_name, item.area_id or 0)


def grid_demand(*, actor: Actor, operator_id: int | None = None, round_id: int | None = None) -> GridDemand:
    """The demand export for one grid operator and round (default: the actor's own operator; the latest
    round with visible submissions). PermissionDenied when the actor may not draw it for that operator
    (only grid operators for themselves and the ministry for any); ValidationError when the ministry
    names no operator; Http404 for an unknown operator or round."""
    if grid_demand_operator_ids(actor) == set():
        raise PermissionDenied(_("De netvraag-export is voor netbeheerders en het ministerie."))
    operator = _operator(actor, operator_id)
    if round_id is None:
        rounds = grid_demand_rounds(actor=actor)
        survey_round = rounds[0] if rounds else None
    else:
        survey_round = SurveyRound.objects.filter(pk=round_id).first()
        if survey_round is None:
            raise Http404
    if survey_round is None:
        return GridDemand(operator=operator, round=None, cells=[], totals=[], plans=[], versions=[])

    areas = GridServiceArea.objects.filter(operators=operator).values("pk")
    versions = list(
        shared_version_list(
            actor=actor, filters=SharedPlanFilters(round=survey_round.pk, purpose=EXPORT_PURPOSE)
        )
        .filter(
            Q(plan__location__grid_service_area_id__in=areas)
            | Q(plan__location__grid_operator_id=operator.pk)
        )
        .exclude(status=PlanStatus.CANCELLED)
        .exclude(extra_capacity_mw=0, electricity_delta_gwh=0)
    )
    plans = sorted(
        (_demand_plan(v) for v in versions),
        key=lambda p: (*_area_key(p), p.year, p.owner, p.location, p.reference, p.version_id),
    )
    return GridDemand(
        operator=operator,
        round=survey_round,
        cells=_cells(plans),
        totals=_totals(plans),
        plans=plans,
        versions=versions,
    )


def _demand_plan(v: PlanVersion) -> DemandPlan:
    location = v.plan.location
    area = location.grid_service_area
    return DemandPlan(
        version_id=v.pk,
        plan_id=v.plan_id,
        reference=v.plan.reference,
        title=v.title,
        route=v.route,
        owner_id=v.submission.organisation_id,
        owner=v.submission.organisation.name,
        location_id=location.pk,
        location=location.name,
        area_id=area.pk if area is not None else None,
        area_code=area.code if area is not None else "",
        area_name=area.name if area is not None else "",
        year=v.in_operation_year,
        status=v.status,
        certainty=STATUS_CERTAINTY[PlanStatus(v.status)].value,
        extra_capacity_mw=v.extra_capacity_mw,
        electricity_gwh=v.electricity_delta_gwh,
        revision=v.submission.revision,
    )


def _cells(plans: list[DemandPlan]) -> list[DemandCell]:
    groups: dict[tuple[int | None, int, str], list[DemandPlan]] = defaultdict(list)
    for p in plans:
        groups[(p.area_id, p.year, p.status)].append(p)
    cells = []
    for (area_id, year, status), members in groups.items():
        first = members[0]
        cells.append(
            DemandCell(
                area_id=area_id,
                area_code=first.area_code,
                area_name=first.area_name,
                year=year,
                status=status,
                certainty=first.certainty,
                extra_capacity_mw=math.fsum(m.extra_capacity_mw for m in members),
                electricity_gwh=math.fsum(m.electricity_gwh for m in members),
                plans=len(members),
                version_ids=tuple(m.version_id for m in members),
            )
        )
    return sorted(
        cells, key=lambda c: (*_area_key(c), c.year, CERTAINTY_ORDER[c.certainty], STATUS_ORDER[c.status])
    )


def _totals(plans: list[DemandPlan]) -> list[DemandTotal]:
    groups: dict[tuple[int | None, int], list[DemandPlan]] = defaultdict(list)
    for p in plans:
        groups[(p.area_id, p.year)].append(p)
    totals = []
    for (area_id, year), members in groups.items():
        first = members[0]
        by_certainty: dict[str, list[DemandPlan]] = defaultdict(list)
        for m in members:
            by_certainty[m.certainty].append(m)
        totals.append(
            DemandTotal(
                area_id=area_id,
                area_code=first.area_code,
                area_name=first.area_name,
                year=year,
                extra_capacity_mw=math.fsum(m.extra_capacity_mw for m in members),
                electricity_gwh=math.fsum(m.electricity_gwh for m in members),
                plans=len(members),
                mw_by_certainty={
                    c: math.fsum(m.extra_capacity_mw for m in by_certainty.get(c, []))
                    for c in CERTAINTY_ORDER
                },
                gwh_by_certainty={
                    c: math.fsum(m.electricity_gwh for m in by_certainty.get(c, [])) for c in CERTAINTY_ORDER
                },
            )
        )
    return sorted(totals, key=lambda t: (*_area_key(t), t.year))


# --- Renderers -----------------------------------------------------------------------------------------

#: Column names of the CSV files: stable identifiers (not translated), documented in docs/sharing.md.
CELL_COLUMNS = [
    "netbeheerder",
    "ronde",
    "gebiedscode",
    "voedingsgebied",
    "jaar_in_bedrijf",
    "zekerheid",
    "status",
    "extra_vermogen_mw",
    "elektriciteit_gwh_per_jaar",
    "aantal_plannen",
]
PLAN_COLUMNS = [
    "netbeheerder",
    "ronde",
    "gebiedscode",
    "voedingsgebied",
    "jaar_in_bedrijf",
    "zekerheid",
    "status",
    "extra_vermogen_mw",
    "elektriciteit_gwh_per_jaar",
    "bedrijf",
    "locatie",
    "locatie_id",
    "kenmerk",
    "titel",
    "route",
    "planversie_id",
    "revisie",
]


def _demand_columns(item: DemandCell | DemandPlan) -> list[object]:
    """The columns a demand cell and a plan share: area, year, certainty, status, MW and GWh."""
    return [
        item.area_code,
        item.area_name,
        item.year,
        item.certainty,
        item.status,
        item.extra_capacity_mw,
        item.electricity_gwh,
    ]


def _cell_rows(demand: GridDemand) -> list[list[object]]:
    round_code = demand.round.code if demand.round else ""
    return [[demand.operator.name, round_code, *_demand_columns(c), c.plans] for c in demand.cells]


def _plan_rows(demand: GridDemand) -> list[list[object]]:
    round_code = demand.round.code if demand.round else ""
    return [
        [
            demand.operator.name,
            round_code,
            *_demand_columns(p),
            p.owner,
            p.location,
            p.location_id,
            p.reference,
            p.title,
            p.route,
            p.version_id,
            p.revision,
        ]
        for p in demand.plans
    ]


def grid_demand_csv(demand: GridDemand, *, table: str = "vraag", form: CsvForm = CsvForm.EXCEL) -> bytes:
    """One table as a CSV file in `form` (`cluster6.core.exports`: for Dutch Excel or for machines;
    formula text escaped): "vraag" (per area, year and status) or "plannen" (the plans behind the
    figures)."""
    if table == "vraag":
        return csv_bytes(CELL_COLUMNS, _cell_rows(demand), form=form)
    if table == "plannen":
        return csv_bytes(PLAN_COLUMNS, _plan_rows(demand), form=form)
    raise ValueError(f"unknown table {table!r}")


SHEET_DEMAND = "Vraag per gebied en jaar"
SHEET_PLANS = "Plannen"


def _demand_headers() -> list[str]:
    """The headers of the columns of `_demand_labels` (in the current language)."""
    return [
        _("Gebiedscode"),
        _("Voedingsgebied"),
        _("Jaar in bedrijf"),
        _("Zekerheid"),
        _("Status"),
        _("Extra vermogen (MW)"),
        _("Elektriciteit (GWh/jaar)"),
    ]


#: Value -> label (lazy: translated when shown).
CERTAINTY_LABELS = dict(Certainty.choices)
STATUS_LABELS = dict(PlanStatus.choices)


def _demand_labels(item: DemandCell | DemandPlan) -> list[object]:
    """`_demand_columns` for people: the area's name (or "unknown"), certainty and status as labels."""
    return [
        item.area_code,
        item.area_name or _("Onbekend voedingsgebied"),
        item.year,
        str(CERTAINTY_LABELS.get(item.certainty, item.certainty)),
        str(STATUS_LABELS.get(item.status, item.status)),
        item.extra_capacity_mw,
        item.electricity_gwh,
    ]


def grid_demand_xlsx(demand: GridDemand) -> bytes:
    """A workbook with the sheets "Vraag per gebied en jaar" and "Plannen" (sheet names are fixed, the
    column headers follow the language)."""
    round_name = demand.round.name if demand.round else ""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_DEMAND
    ws.append([_("Netbeheerder"), demand.operator.name])
    ws.append([_("Uitvraagronde"), round_name])
    ws.append(
        [_("Alleen ingediende plannen met toestemming voor het investeringsplan; afgeblazen plannen niet.")]
    )
    ws.append([])
    ws.append([*_demand_headers(), _("Aantal plannen")])
    header_row = ws.max_row
    for c in demand.cells:
        ws.append([*_demand_labels(c), c.plans])
    ws.append([_("Totaal"), "", "", "", "", demand.total_mw, demand.total_gwh, len(demand.plans)])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{header_row + 1}"
    _number_formats(ws, header_row + 1, {6: "0.000", 7: "0.000"})
    _widths(ws, [14, 36, 14, 16, 22, 18, 22, 14])

    wp = wb.create_sheet(SHEET_PLANS)
    wp.append(
        [
            *_demand_headers(),
            _("Bedrijf"),
            _("Locatie"),
            _("Kenmerk"),
            _("Titel"),
            _("Route"),
            _("Planversie"),
            _("Revisie"),
        ]
    )
    route_labels = dict(Route.choices)
    for p in demand.plans:
        wp.append(
            [
                *_demand_labels(p),
                p.owner,
                p.location,
                p.reference,
                p.title,
                str(route_labels.get(p.route, p.route)),
                p.version_id,
                p.revision,
            ]
        )
    for cell in wp[1]:
        cell.font = Font(bold=True)
    wp.freeze_panes = "A2"
    _number_formats(wp, 2, {6: "0.000", 7: "0.000"})
    _widths(wp, [14, 36, 14, 16, 22, 18, 22, 30, 30, 14, 36, 22, 12, 10])

    return xlsx_bytes(wb)


def _number_formats(ws: Worksheet, first_row: int, formats: dict[int, str]) -> None:
    for row in ws.iter_rows(min_row=first_row):
        for column, fmt in formats.items():
            row[column - 1].number_format = fmt


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
