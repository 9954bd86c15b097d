"""Exports of an analysis run as CSV (for Dutch Excel or for machines, see `cluster6.core.exports`) and
XLSX: the figures per group, the plan results the reader may see, the unlock ranking and the candidate
MIEK areas. Both are written by `cluster6.core.exports`, which writes typed text as text, never a formula.

Every table is built once as (headers, rows) and written to either format, so both always agree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cluster6.core.exports import CsvForm, csv_bytes, xlsx_bytes

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


def results_table(results: Iterable[PlanResult]) -> Table:
    headers = [
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
    rows = []
    for r in results:
        v = r.plan_version
        loc = r.location
        rows.append(
            [
                v.plan.reference,
                v.title,
                loc.name,
                r.organisation.name,
                loc.province.name if loc.province is not None else "",
                v.get_route_display(),
                _label(Feasibility, r.feasibility),
                _label(Bottleneck, r.bottleneck),
                r.planned_year,
                r.ready_year,
                r.realisation_year,
                round(r.co2_reduction_t),
                r.grid_area_code,
                r.requested_mw,
                r.connection_year,
                r.queue_position,
                r.mw_ahead,
                _label(Binding, r.binding),
                r.explanation,
            ]
        )
    return headers, rows


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


def to_csv(t: Table, form: CsvForm = CsvForm.EXCEL) -> bytes:
    """One table as a CSV file in `form` (formula text escaped)."""
    return csv_bytes(t[0], t[1], form=form)


SHEETS = {
    "groepen": "Per groep",
    "plannen": "Plannen",
    "ontsluiting": "Ontsluiting",
    "miek": "Kandidaat-MIEK",
}


def to_xlsx(run: AnalysisRun, results: Iterable[PlanResult]) -> bytes:
    """A workbook with a sheet per table and one with the run's provenance (engine version, input hash,
    parameters): what a reader needs to reproduce the figures."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Analyse"
    info.append([_("Analyserun"), run.pk])
    info.append([_("Uitgevoerd op"), run.created_at.strftime("%Y-%m-%d %H:%M")])
    info.append([_("Versie rekenkern"), run.engine_version])
    info.append([_("Invoer-hash (SHA-256)"), run.input_hash])
    info.append([_("Invoer"), run.basis])
    if run.scenario_snapshot:
        info.append([_("Scenario"), run.scenario_snapshot.get("name", "")])
    for key, value in sorted(run.parameters.items()):
        info.append([key, str(value)])
    for note in run.notes:
        info.append([_("Opmerking"), note])
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    for name, title in SHEETS.items():
        headers, rows = table(run, name, results)
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(48, len(header) + 2))
    return xlsx_bytes(wb)
