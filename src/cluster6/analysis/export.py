"""Exports of an analysis run as CSV (for Dutch Excel or for machines, see `cluster6.core.exports`) and
XLSX: the figures per group, the plan results the reader may see, the unlock ranking and the candidate
MIEK areas. Both are written by `cluster6.core.exports`, which writes typed text as text, never a formula.

Every table is built once as (headers, rows) and written to either format, so both always agree."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cluster6.core.exports import (
    CsvForm,
    XlsxSheet,
    csv_bytes,
    csv_stream,
    protected_cells,
    write_only_xlsx_bytes,
    xlsx_stream,
)
from cluster6.plans.constants import Route

from .constants import DIMENSIONS, Binding, Bottleneck, Feasibility, ProjectKind
from .models import AnalysisRun, PlanResult

Table = tuple[list[str], list[list[Any]]]
TABLES = ("groepen", "plannen", "ontsluiting", "miek")


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def groups_table(run: AnalysisRun, dimensions: Sequence[str] = tuple(DIMENSIONS)) -> Table:
    headers = [
        _("Indeling"),
        _("Groep"),
        _("Plannen"),
        _("Afhankelijk van nieuwe infrastructuur"),
        _("Kan doorgaan"),
        _("Mag (nog) niet"),
        _("Kan niet"),
        _("Aandeel kan niet of mag niet"),
        _("CO2-reductie (t/jaar)"),
        _("CO2 kan doorgaan (t/jaar)"),
        _("CO2 mag niet (t/jaar)"),
        _("CO2 kan niet (t/jaar)"),
        _("CO2 vóór of in 2030 realiseerbaar (t/jaar)"),
        _("Bedrijven"),
        _("Onvoldoende bedrijven (cijfers niet getoond)"),
    ]
    rows: list[list[Any]] = []

    def row(dimension: str, r: dict[str, Any]) -> list[Any]:
        share = r.get("headline_share")
        return [
            dimension,
            r["key"],
            r["n_plans"],
            r["n_dependent"],
            r["n_can"],
            r["n_may_not"],
            r["n_cannot"],
            round(share, 4) if share is not None else None,
            r["co2_t"],
            r["co2_can_t"],
            r["co2_may_not_t"],
            r["co2_cannot_t"],
            r["co2_by_deadline_t"],
            r.get("n_companies") if not r["suppression"] else None,
            _("ja") if r["suppression"] else "",
        ]

    shown = run.shown_aggregates
    rows.append(row(_("Totaal"), shown["total"]))
    for dimension in dimensions:
        label = str(DIMENSIONS.get(dimension, dimension))
        rows += [row(label, r) for r in shown["by"].get(dimension, [])]
    return headers, rows


def results_table(results: Iterable[PlanResult | ExportRow]) -> Table:
    return results_headers(), list(results_rows(results))


def results_headers() -> list[str]:
    return [
        _("Plan"),
        _("Titel"),
        _("Productielocatie"),
        _("Bedrijf"),
        _("Provincie"),
        _("Route"),
        _("Klasse"),
        _("Knelpunt"),
        _("Gepland jaar"),
        _("Infrastructuur gereed"),
        _("Realisatiejaar"),
        _("CO2-reductie (t/jaar)"),
        _("Voedingsgebied"),
        _("Gevraagd vermogen (MW)"),
        _("Verwacht aansluitjaar"),
        _("Plaats in de wachtrij"),
        _("MW voor in de wachtrij"),
        _("Bepalend netdeel"),
        _("Toelichting"),
    ]


@dataclass(slots=True)
class ExportRow:
    """The columns of one plan result that the plan table shows, read with `values_list` (`EXPORT_COLUMNS`,
    in this order): an export of every result builds no model instances. `queue_hidden` and
    `tennet_queue_hidden` are set by the disclosure of the queues, like on a PlanResult."""

    id: int
    run_id: int
    organisation_id: int
    reference: str
    title: str
    location: str
    company: str
    province: str | None
    route: str
    feasibility: str
    bottleneck: str
    planned_year: int
    ready_year: int | None
    realisation_year: int | None
    co2_reduction_t: float
    grid_area_code: str
    requested_mw: float | None
    connection_year: int | None
    queue_position: int | None
    mw_ahead: float | None
    binding: str
    explanation: str
    tennet_queue_position: int | None
    tennet_mw_ahead: float | None
    queue_hidden: str = ""
    tennet_queue_hidden: str = ""


#: The `values_list` paths of a plan result for `ExportRow`, in its field order.
EXPORT_COLUMNS = (
    "id",
    "run_id",
    "organisation_id",
    "plan_version__plan__reference",
    "plan_version__title",
    "location__name",
    "organisation__name",
    "location__province__name",
    "plan_version__route",
    "feasibility",
    "bottleneck",
    "planned_year",
    "ready_year",
    "realisation_year",
    "co2_reduction_t",
    "grid_area_code",
    "requested_mw",
    "connection_year",
    "queue_position",
    "mw_ahead",
    "binding",
    "explanation",
    "tennet_queue_position",
    "tennet_mw_ahead",
)


def export_row(r: PlanResult) -> ExportRow:
    """A PlanResult (with its plan version, plan, location, province and organisation loaded) as an
    ExportRow."""
    v = r.plan_version
    loc = r.location
    return ExportRow(
        r.pk,
        r.run_id,
        r.organisation_id,
        v.plan.reference,
        v.title,
        loc.name,
        r.organisation.name,
        loc.province.name if loc.province is not None else None,
        v.route,
        r.feasibility,
        r.bottleneck,
        r.planned_year,
        r.ready_year,
        r.realisation_year,
        r.co2_reduction_t,
        r.grid_area_code,
        r.requested_mw,
        r.connection_year,
        r.queue_position,
        r.mw_ahead,
        r.binding,
        r.explanation,
        r.tennet_queue_position,
        r.tennet_mw_ahead,
    )


def results_rows(results: Iterable[PlanResult | ExportRow]) -> Iterator[list[Any]]:
    """The rows of the plan-results table, one per result, as `results` come (an export streams them)."""
    # the labels once (a lazy label is translated each time it is turned into text)
    routes = {k: str(v) for k, v in Route.choices}
    classes = {k: str(v) for k, v in Feasibility.choices}
    bottlenecks = {k: str(v) for k, v in Bottleneck.choices}
    bindings = {k: str(v) for k, v in Binding.choices}
    for item in results:
        r = item if isinstance(item, ExportRow) else export_row(item)
        yield [
            r.reference,
            r.title,
            r.location,
            r.company,
            r.province or "",
            routes.get(r.route, r.route),
            classes.get(r.feasibility, r.feasibility) if r.feasibility else "",
            bottlenecks.get(r.bottleneck, r.bottleneck) if r.bottleneck else "",
            r.planned_year,
            r.ready_year,
            r.realisation_year,
            round(r.co2_reduction_t),
            r.grid_area_code,
            r.requested_mw,
            r.connection_year,
            r.queue_position,
            r.mw_ahead,
            bindings.get(r.binding, r.binding) if r.binding else "",
            r.explanation,
        ]


def unlock_table(run: AnalysisRun) -> Table:
    years = run.parameters.get("unlock_years_earlier", "")
    headers = [
        _("Rang"),
        _("Project"),
        _("Soort"),
        _("Gebied of regio"),
        _("Netbeheerder"),
        _("Jaar"),
        _("%(n)s jaar eerder") % {"n": years},
        _("Zekerheid"),
        _("Extra CO2-reductie vóór of in 2030 (t/jaar)"),
        _("Plannen een klasse beter"),
        _("Plannen eerder gereed"),
        _("Onvoldoende bedrijven (cijfers niet getoond)"),
    ]
    # the ranking as the disclosure rule lets the reader see it (docs/sharing.md)
    rows = [
        [
            e["rank"],
            e["name"],
            _label(ProjectKind, e["kind"]),
            e.get("area_name") or "",
            e.get("operator") or "",
            e["year"],
            e["year_earlier"],
            e.get("certainty") or "",
            e["co2_gained_t"],
            e["plans_unlocked"],
            e["plans_earlier"],
            _("ja") if e.get("suppression") else "",
        ]
        for e in run.shown_unlock_ranking
    ]
    return headers, rows


def miek_table(run: AnalysisRun) -> Table:
    headers = [
        _("Gebied"),
        _("Naam"),
        _("Niveau"),
        _("Netbeheerder"),
        _("Vraag (MW)"),
        _("Plannen"),
        _("CO2-reductie (t/jaar)"),
        _("Plannen met netcongestie als knelpunt"),
    ]
    rows = [
        [m["area_id"], m["name"], m["level"], m["operator"], m["demand_mw"], m["n_plans"], m["co2_t"],
         m["n_grid_bottleneck"]]
        for m in run.shown_miek_candidates
    ]  # fmt: skip
    return headers, rows


def table(run: AnalysisRun, name: str, results: Iterable[PlanResult] = ()) -> Table:
    if name == "groepen":
        return groups_table(run)
    if name == "plannen":
        return results_table(results)
    if name == "ontsluiting":
        return unlock_table(run)
    if name == "miek":
        return miek_table(run)
    raise ValueError(f"unknown table {name!r}")


def results_csv_stream(
    results: Iterable[PlanResult | ExportRow], form: CsvForm = CsvForm.EXCEL
) -> Iterator[bytes]:
    """The plan-results table as a CSV file that streams (the same bytes as `to_csv(results_table(...))`)."""
    return csv_stream(results_headers(), results_rows(results), form=form)


def to_csv(t: Table, form: CsvForm = CsvForm.EXCEL) -> bytes:
    """One table as a CSV file in `form` (formula text escaped)."""
    return csv_bytes(t[0], t[1], form=form)


SHEETS = {
    "groepen": "Per groep",
    "plannen": "Plannen",
    "ontsluiting": "Ontsluiting",
    "miek": "Kandidaat-MIEK",
}


def _provenance(run: AnalysisRun) -> list[list[Any]]:
    provenance: list[list[Any]] = [
        [_("Analyserun"), run.pk],
        [_("Uitgevoerd op"), run.created_at.strftime("%Y-%m-%d %H:%M")],
        [_("Versie rekenkern"), run.engine_version],
        [_("Invoer-hash (SHA-256)"), run.input_hash],
        [_("Invoer"), run.basis],
    ]
    if run.scenario_snapshot:
        provenance.append([_("Scenario"), run.scenario_snapshot.get("name", "")])
    provenance += [[key, str(value)] for key, value in sorted(run.parameters.items())]
    provenance += [[_("Opmerking"), note] for note in run.notes]
    return provenance


def _table_sheet(
    run: AnalysisRun, name: str, title: str, results: Iterable[PlanResult | ExportRow]
) -> XlsxSheet:
    rows: Iterable[Sequence[Any]]
    if name == "plannen":
        headers, rows = results_headers(), results_rows(results)
    else:
        headers, rows = table(run, name)
    widths = [max(10, min(48, len(h) + 2)) for h in headers]
    return XlsxSheet(title, itertools.chain([headers], rows), widths=widths, freeze_header=True)


def to_xlsx_stream(run: AnalysisRun, results: Iterable[PlanResult | ExportRow]) -> Iterator[bytes]:
    """`to_xlsx` as a file that streams (`core.exports.xlsx_stream`): the same sheets, cells and
    protection; the plan results are read as the file is sent."""
    # as the CSV: `export_results` logs the reads when the plan sheet asks for its first row, before any
    # plan row is written (the provenance and the group sheet, which hold no company's data, go first)
    sheets = [XlsxSheet("Analyse", _provenance(run), widths=[28, 70])]
    sheets += [_table_sheet(run, name, title, results) for name, title in SHEETS.items()]
    return xlsx_stream(sheets)


def to_xlsx(run: AnalysisRun, results: Iterable[PlanResult | ExportRow]) -> bytes:
    """A workbook with a sheet per table and one with the run's provenance (engine version, input hash,
    parameters): what a reader needs to reproduce the figures. Written in openpyxl's write-only mode, row
    by row as `results` come (memory does not grow with the rows), every text cell protected
    (`protected_cells`)."""
    wb = Workbook(write_only=True)
    info = wb.create_sheet("Analyse")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    provenance: list[list[Any]] = [
        [_("Analyserun"), run.pk],
        [_("Uitgevoerd op"), run.created_at.strftime("%Y-%m-%d %H:%M")],
        [_("Versie rekenkern"), run.engine_version],
        [_("Invoer-hash (SHA-256)"), run.input_hash],
        [_("Invoer"), run.basis],
    ]
    if run.scenario_snapshot:
        provenance.append([_("Scenario"), run.scenario_snapshot.get("name", "")])
    provenance += [[key, str(value)] for key, value in sorted(run.parameters.items())]
    provenance += [[_("Opmerking"), note] for note in run.notes]
    for row in provenance:
        info.append(protected_cells(info, row))
    for name, title in SHEETS.items():
        rows: Iterable[list[Any]]
        if name == "plannen":
            headers, rows = results_headers(), results_rows(results)
        else:
            headers, rows = table(run, name)
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(48, len(header) + 2))
        ws.append(protected_cells(ws, headers))
        for row in rows:
            ws.append(protected_cells(ws, row))
    return write_only_xlsx_bytes(wb)
