"""The Netbeheer Nederland capacity map (capaciteitskaart), in the files of ../shared/data/grid:

* service areas (`capaciteitskaart_serviceareas_*.csv`) -> GridServiceArea, operators -> Organisation
  (kind grid operator; "Coteq, Enexis" is two operators);
* planned grid projects (`capaciteitskaart_projects_*.csv`) -> GridProject, with a certainty derived
  from phase and schedule (`project_certainty`);
* congestion status polygons (`nbnl_congestie_statusvlakken_*.geojson`) -> CongestionZone (the file is
  a complete snapshot: zones not in it are removed);
* the official information model v1.3.0 (`im_capaciteitskaart` DSO or TSO JSON) -> GridServiceArea and
  GridProject.

Each file's kind is detected from its content. Afterwards every location with coordinates is assigned
the regional service area whose bounding box is the smallest one containing it, and that area's first
operator (an approximation: the map publishes no area polygons).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cluster6.core.importing import (
    CsvTable,
    FieldReader,
    ImportReport,
    InputFile,
    check_unique_keys,
    load_json,
    progress,
    read_csv,
    read_text,
    require_columns,
)
from cluster6.registry.constants import OrganisationKind
from cluster6.registry.geo import geometry_from_geojson
from cluster6.registry.importers.base import Batch, Importer, assign
from cluster6.registry.importers.placement import locations_replace
from cluster6.registry.models import Organisation, Province

from ..constants import Certainty, CongestionColour, CongestionLayer, OperatorType, ProjectPhase
from ..models import CongestionZone, GridProject, GridServiceArea

SOURCE_LABEL = "Capaciteitskaart Netbeheer Nederland"
AREA_REQUIRED = ("area_id", "name", "grid_operator", "operator_type")
PROJECT_REQUIRED = ("area_id", "project_name", "grid_operator", "operator_type")
OPERATOR_TYPES = {"RNB": OperatorType.RNB, "TENNET": OperatorType.TENNET}
PHASES = {
    "scheduled": ProjectPhase.SCHEDULED,
    "inprogress": ProjectPhase.IN_PROGRESS,
    "approved": ProjectPhase.APPROVED,
    "unknown": ProjectPhase.UNKNOWN,
    "": ProjectPhase.UNKNOWN,
}
LAYERS = {
    "rnb_afnamefgb": CongestionLayer.RNB_WITHDRAWAL,
    "rnb_opwekfgb": CongestionLayer.RNB_INJECTION,
    "tennet_afnamefgb": CongestionLayer.TENNET_WITHDRAWAL,
    "tennet_opwekfgb": CongestionLayer.TENNET_INJECTION,
    **{layer.value: layer for layer in CongestionLayer},
}
#: Colour of the information model's RAG codes.
RAG = {
    "transparant": CongestionColour.AVAILABLE,
    "yellow": CongestionColour.LIMITED,
    "amber": CongestionColour.INVESTIGATION,
    "red": CongestionColour.SHORTAGE,
}
#: Years from which "congestion solved" is a placeholder for unknown (the map uses 2099).
PLACEHOLDER_YEAR = 2090
PROVINCE_ALIASES = {"friesland": "fryslân"}
#: Numeric columns of the service-area file -> model fields.
AREA_NUMBERS = {
    "existing_capacity_withdrawal_mw": "existing_capacity_withdrawal_mw",
    "existing_capacity_injection_mw": "existing_capacity_injection_mw",
    "required_capacity_withdrawal_mw": "required_capacity_withdrawal_mw",
    "required_capacity_injection_mw": "required_capacity_injection_mw",
    "queue_withdrawal_mw": "queue_withdrawal_mw",
    "queue_injection_mw": "queue_injection_mw",
}
AREA_COUNTS = {
    "unique_requests_withdrawal": "queue_requests_withdrawal",
    "unique_requests_injection": "queue_requests_injection",
}
AREA_YEARS = {
    "year_solved_withdrawal_rnb": "congestion_end_withdrawal_rnb",
    "year_solved_injection_rnb": "congestion_end_injection_rnb",
    "year_solved_withdrawal_tennet": "congestion_end_withdrawal_tennet",
    "year_solved_injection_tennet": "congestion_end_injection_tennet",
}
AREA_STATUSES = {
    "tennet_status_withdrawal": "tennet_status_withdrawal",
    "tennet_status_injection": "tennet_status_injection",
}
#: Columns of an area timeline file (refinements of areas already imported).
AREA_TIMELINE = (
    "available_capacity_mw",
    "congestion_end_year",
    "congestion_end_certainty",
    "tennet_congestion_end_year",
    "tennet_congestion_end_certainty",
    "tennet_area_id",
)
CERTAINTIES = {
    **{c.value: Certainty(c.value) for c in Certainty},
    "firm": Certainty.FIRM,
    "planned": Certainty.PLANNED,
    "uncertain": Certainty.UNCERTAIN,
}
BBOX = (
    ("bbox_left", "bbox_west"),
    ("bbox_bottom", "bbox_south"),
    ("bbox_right", "bbox_east"),
    ("bbox_top", "bbox_north"),
)


def project_certainty(phase: ProjectPhase, source: str = "", schedule_description: str = "") -> Certainty:
    """How certain a reinforcement is, for the analyses:

    * `inProgress` (being built) and `approved` (investment decision taken): firm;
    * `scheduled` (in the investment plan, no decision yet): planned;
    * no phase: uncertain;
    * a schedule that the operator calls a first estimate ("Eerste (in)schatting") lowers this one step.
    """
    if phase in (ProjectPhase.IN_PROGRESS, ProjectPhase.APPROVED):
        certainty = Certainty.FIRM
    elif phase == ProjectPhase.SCHEDULED:
        certainty = Certainty.PLANNED
    else:
        certainty = Certainty.UNCERTAIN
    if schedule_description.strip().lower().startswith("eerste"):
        certainty = {Certainty.FIRM: Certainty.PLANNED}.get(certainty, Certainty.UNCERTAIN)
    return certainty


def project_year(reader: FieldReader, column: str) -> int | None:
    """The completion year. A text with several years ("2028-afname 2030-opwek") gives the latest one:
    the project is complete then (the text itself is kept in `date_text`)."""
    raw = reader.raw(column)
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", raw)]
    if raw and not re.fullmatch(r"\d{4}(\.0+)?", raw) and years and all(2000 <= y <= 2100 for y in years):
        return max(years)
    return reader.year(column, minimum=2000, maximum=2100)


def split_operators(names: str) -> list[str]:
    """'Coteq, Enexis' -> ['Coteq', 'Enexis'] (order kept, duplicates dropped)."""
    out: list[str] = []
    for name in names.split(","):
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out


@dataclass
class AreaRow:
    line: int
    sheet: str | None
    code: str
    operators: list[str]
    values: dict[str, Any]


@dataclass
class ProjectRow:
    line: int
    sheet: str | None
    area_code: str
    values: dict[str, Any]


@dataclass
class ZoneRow:
    key: tuple[str, str]
    values: dict[str, Any]


@dataclass
class GridPlan:
    areas: list[AreaRow] = field(default_factory=list)
    timeline: list[AreaRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    zones: list[ZoneRow] | None = None


def _canonical(geometry: Mapping[str, Any]) -> str:
    return json.dumps(geometry, sort_keys=True, separators=(",", ":"))


class GridImporter(Importer[GridPlan]):
    kind = "grid"

    # -- phase 1 -------------------------------------------------------------------------------------
    def validate(self, files: Sequence[InputFile]) -> GridPlan:
        plan = GridPlan()
        self._provinces = {name.lower(): pk for name, pk in Province.objects.values_list("name", "id")}
        for source in files:
            sheet = self.sheet(files, source)
            text = read_text(source, self.report, sheet=sheet)
            if text is None:
                continue
            if text.lstrip().startswith(("{", "[")):
                self._validate_json(source, text, sheet, plan)
                continue
            table = read_csv(source, self.report, sheet=sheet, text=text)
            if table is None:
                continue
            if table.has("area_id", "project_name"):
                self.report.notes.append(_("%(file)s: netprojecten") % {"file": source.name})
                self._validate_projects(table, sheet, plan)
            elif table.has("area_id") and any(c in table.header for c in AREA_TIMELINE):
                self.report.notes.append(_("%(file)s: tijdlijn voedingsgebieden") % {"file": source.name})
                self._validate_area_timeline(table, sheet, plan)
            elif table.has("area_id") and ("bbox_left" in table.header or "name" in table.header):
                self.report.notes.append(_("%(file)s: voedingsgebieden") % {"file": source.name})
                self._validate_areas(table, sheet, plan)
            else:
                self.report.error(
                    1,
                    "area_id",
                    _(
                        "onbekend formaat: verwacht voedingsgebieden (area_id, name, bbox_…) of netprojecten "
                        "(area_id, project_name)"
                    ),
                    sheet,
                )
        self._check_project_areas(plan)
        return plan

    def _province_id(self, reader: FieldReader, column: str) -> int | None:
        name = reader.text(column, max_length=100)
        if not name or not self._provinces:
            return None
        key = PROVINCE_ALIASES.get(name.lower(), name.lower())
        if key not in self._provinces:
            reader.fail(column, _("onbekende provincie: '%(name)s'") % {"name": name})
            return None
        return self._provinces[key]

    def _validate_areas(self, table: CsvTable, sheet: str | None, plan: GridPlan) -> None:
        if not require_columns(table, AREA_REQUIRED, self.report, sheet=sheet):
            return
        self.report.rows += len(table.rows)
        if not self._provinces:
            self.report.notes.append(
                _("geen provincies in het register: provincie van voedingsgebieden leeg")
            )
        placeholders = 0
        for row in table.rows:
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = reader.text("area_id", required=True, max_length=80)
            operator_names = reader.text("grid_operator", required=True, max_length=200)
            operators = split_operators(operator_names)
            for name in operators:
                if len(name) > 200:
                    reader.fail("grid_operator", _("naam te lang"))
            values: dict[str, Any] = {
                "name": reader.text("name", required=True, max_length=200),
                "operator_type": reader.choice("operator_type", OPERATOR_TYPES, required=True),
                "operator_names": operator_names,
                "province_id": self._province_id(reader, "provincie"),
                "source": SOURCE_LABEL,
                "snapshot_date": reader.date("snapshot_date"),
                "is_synthetic": False,
            }
            box = {
                field_name: reader.number(column, minimum=-180, maximum=180) for column, field_name in BBOX
            }
            filled = [v for v in box.values() if v is not None]
            if filled and len(filled) < 4:
                reader.fail("bbox_left", _("het kader is onvolledig: geef alle vier de grenzen"))
            elif len(filled) == 4:
                west, south, east, north = (
                    box["bbox_west"],
                    box["bbox_south"],
                    box["bbox_east"],
                    box["bbox_north"],
                )
                if west is None or south is None or east is None or north is None:  # pragma: no cover
                    raise AssertionError
                if west > east or south > north:
                    reader.fail("bbox_left", _("het kader is omgekeerd: links > rechts of onder > boven"))
                if not (-90 <= south <= 90 and -90 <= north <= 90):
                    reader.fail("bbox_bottom", _("breedtegraad buiten -90 tot 90"))
            values.update(box)
            for column, field_name in AREA_NUMBERS.items():
                values[field_name] = reader.number(column, minimum=0)
            for column, field_name in AREA_COUNTS.items():
                values[field_name] = reader.integer(column, minimum=0)
            for column, field_name in AREA_YEARS.items():
                year = reader.year(column, minimum=2000, maximum=2100)
                if year is not None and year >= PLACEHOLDER_YEAR:
                    placeholders += 1
                    year = None
                values[field_name] = year
            for column, field_name in AREA_STATUSES.items():
                values[field_name] = reader.integer(column, minimum=-1, maximum=3)
            if reader.ok:
                plan.areas.append(AreaRow(row.line, sheet, code, operators, values))
        if placeholders:
            self.report.notes.append(
                _("%(n)s jaartal(len) 'congestie opgelost' ≥ %(y)s opgeslagen als onbekend")
                % {"n": placeholders, "y": PLACEHOLDER_YEAR}
            )
        check_unique_keys(
            ((r.values.get("area_id", "").strip(), r.line) for r in table.rows if r.values.get("area_id")),
            self.report,
            field_name="area_id",
            sheet=sheet,
        )

    def _validate_area_timeline(self, table: CsvTable, sheet: str | None, plan: GridPlan) -> None:
        """Refinements of areas already in the register: capacity free now, the certainty of the end years
        and the TenneT area above. Only the columns present are changed."""
        self.report.rows += len(table.rows)
        known = dict(GridServiceArea.objects.values_list("code", "operator_type"))
        for row in table.rows:
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = reader.text("area_id", required=True, max_length=80)
            if code and code not in known:
                reader.fail(
                    "area_id",
                    _("onbekend voedingsgebied '%(code)s': importeer eerst de capaciteitskaart")
                    % {"code": code},
                )
            values: dict[str, Any] = {}
            if "available_capacity_mw" in table.header:
                values["available_capacity_withdrawal_mw"] = reader.number("available_capacity_mw", minimum=0)
            for column, field_name in (
                ("congestion_end_year", "congestion_end_withdrawal_rnb"),
                ("tennet_congestion_end_year", "congestion_end_withdrawal_tennet"),
            ):
                if column in table.header:
                    values[field_name] = reader.year(column, minimum=2000, maximum=2100)
            for column, field_name in (
                ("congestion_end_certainty", "congestion_end_certainty"),
                ("tennet_congestion_end_certainty", "tennet_congestion_end_certainty"),
            ):
                if column in table.header:
                    values[field_name] = reader.choice(column, CERTAINTIES) or Certainty.PLANNED
            if "tennet_area_id" in table.header:
                tennet = reader.text("tennet_area_id", max_length=80)
                if tennet and known.get(tennet) != OperatorType.TENNET:
                    reader.fail(
                        "tennet_area_id",
                        _("'%(code)s' is geen TenneT-gebied in het register") % {"code": tennet},
                    )
                values["tennet_region_code"] = tennet
            if reader.ok:
                plan.timeline.append(AreaRow(row.line, sheet, code, [], values))
        check_unique_keys(
            ((r.values.get("area_id", "").strip(), r.line) for r in table.rows if r.values.get("area_id")),
            self.report,
            field_name="area_id",
            sheet=sheet,
        )

    def _validate_projects(self, table: CsvTable, sheet: str | None, plan: GridPlan) -> None:
        if not require_columns(table, PROJECT_REQUIRED, self.report, sheet=sheet):
            return
        self.report.rows += len(table.rows)
        seen: dict[tuple[str, str, str], tuple[int, Mapping[str, str]]] = {}
        for row in progress(table.rows, desc=_("controleren"), enabled=self.progress):
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            area = reader.text("area_id", required=True, max_length=80)
            name = reader.text("project_name", required=True, max_length=300)
            operator = reader.text("grid_operator", max_length=100)
            phase = reader.choice("project_phase", PHASES) or ProjectPhase.UNKNOWN
            source = reader.text("source", max_length=200)
            description = reader.text("schedule_description", max_length=200)
            quarter = reader.integer("quarter", minimum=1, maximum=4)
            values: dict[str, Any] = {
                "name": name,
                "operator_name": operator,
                "operator_type": reader.choice("operator_type", OPERATOR_TYPES, required=True),
                "date_text": reader.text("date_string", max_length=60),
                "completion_year": project_year(reader, "year"),
                "completion_quarter": quarter,
                "start_date": reader.date("start_date"),
                "end_date": reader.date("end_date"),
                "phase": phase,
                "certainty": project_certainty(phase, source, description),
                "source": ", ".join(p for p in (SOURCE_LABEL, source, description) if p)[:250],
                "snapshot_date": reader.date("snapshot_date"),
                "is_synthetic": False,
            }
            if "added_capacity_mw" in table.header:
                values["added_capacity_mw"] = reader.number("added_capacity_mw", minimum=0)
            if "certainty" in table.header and reader.raw("certainty"):
                values["certainty"] = reader.choice("certainty", CERTAINTIES)
            if not reader.ok:
                continue
            key = (area, name, operator)
            if key in seen:
                first_line, first_values = seen[key]
                if dict(first_values) == dict(row.values):
                    self.report.skip(_("dubbele, identieke projectregel"))
                else:
                    reader.fail(
                        "project_name",
                        _("dubbele sleutel '%(key)s' met andere gegevens (ook op regel %(first)s)")
                        % {"key": " / ".join(key), "first": first_line},
                    )
                continue
            seen[key] = (row.line, row.values)
            plan.projects.append(ProjectRow(row.line, sheet, area, values))

    def _check_project_areas(self, plan: GridPlan) -> None:
        areas: dict[str, tuple[int, str | None]] = {}
        for area in plan.areas:
            if area.code in areas and areas[area.code][1] != area.sheet:  # repeats within a file: see above
                line, sheet = areas[area.code]
                self.report.error(
                    area.line,
                    "area_id",
                    _("voedingsgebied '%(code)s' komt twee keer voor (ook in %(where)s, regel %(line)s)")
                    % {"code": area.code, "where": sheet or "-", "line": line},
                    area.sheet,
                )
            elif area.code not in areas:
                areas[area.code] = (area.line, area.sheet)
        if not plan.projects:
            return
        first: dict[tuple[str, str, str], int] = {}
        for project in plan.projects:
            key = (project.area_code, project.values["name"], project.values["operator_name"])
            if key in first:
                self.report.error(
                    project.line,
                    "project_name",
                    _("dubbel netproject '%(key)s' (ook bij %(first)s)")
                    % {"key": " / ".join(key), "first": first[key]},
                    project.sheet,
                )
            else:
                first[key] = project.line
        known = {a.code for a in plan.areas} | set(GridServiceArea.objects.values_list("code", flat=True))
        for project in plan.projects:
            if project.area_code not in known:
                self.report.error(
                    project.line,
                    "area_id",
                    _("onbekend voedingsgebied '%(code)s' (niet in dit bestand en niet in het register)")
                    % {"code": project.area_code},
                    project.sheet,
                )

    def _validate_json(self, source: InputFile, text: str, sheet: str | None, plan: GridPlan) -> None:
        data = load_json(source, text, self.report, sheet=sheet)
        if data is None:
            return
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            self.report.notes.append(_("%(file)s: congestiegebieden") % {"file": source.name})
            self._validate_zones(data, sheet, plan)
        elif isinstance(data, dict) and isinstance(data.get("energy_areas"), list):
            self.report.notes.append(
                _("%(file)s: informatiemodel capaciteitskaart (%(v)s)")
                % {"file": source.name, "v": data.get("conforms_to", "?")}
            )
            InformationModelReader(self.report, sheet, self._provinces).read(data, plan)
        else:
            self.report.error(
                None,
                "",
                _(
                    "onbekend JSON-formaat: verwacht een GeoJSON FeatureCollection met congestiegebieden "
                    "of een dataset volgens het informatiemodel capaciteitskaart (energy_areas)"
                ),
                sheet,
            )

    def _validate_zones(self, data: Mapping[str, Any], sheet: str | None, plan: GridPlan) -> None:
        features = data.get("features")
        if not isinstance(features, list):
            self.report.error(None, "features", _("de FeatureCollection heeft geen lijst 'features'"), sheet)
            return
        self.report.rows += len(features)
        snapshot_reader = FieldReader(data, line=None, report=self.report, sheet=sheet)
        snapshot = snapshot_reader.date("peildatum")
        zones = plan.zones if plan.zones is not None else []
        seen: dict[tuple[str, str], int] = {}
        for number, feature in enumerate(features, start=1):
            if not isinstance(feature, Mapping):
                self.report.error(number, "", _("object is geen GeoJSON Feature"), sheet)
                continue
            reader = FieldReader(
                feature.get("properties") or {}, line=number, report=self.report, sheet=sheet
            )
            layer = reader.choice("laag", LAYERS, required=True)
            colour = reader.integer("color_code", required=True, minimum=-1, maximum=3)
            geometry = feature.get("geometry")
            try:
                geometry_from_geojson(geometry if isinstance(geometry, Mapping) else {})
            except (ValueError, TypeError, AttributeError):
                reader.fail("geometry", _("geen geldige Polygon of MultiPolygon"))
            if not reader.ok or layer is None or not isinstance(geometry, Mapping):
                continue
            key = (layer.value, _canonical(geometry))
            if key in seen:
                self.report.skip(_("dubbel congestiegebied (zelfde laag en vorm)"))
                continue
            seen[key] = number
            zones.append(
                ZoneRow(
                    key,
                    {
                        "layer": layer.value,
                        "colour": colour,
                        "operator_name": reader.text("RNB", max_length=100),
                        "province_name": reader.text("provincie", max_length=100),
                        "geometry": dict(geometry),
                        "snapshot_date": snapshot,
                    },
                )
            )
        plan.zones = zones

    # -- phase 2 -------------------------------------------------------------------------------------
    def write(self, plan: GridPlan) -> None:
        if plan.areas:
            self._write_areas(plan.areas)
        if plan.timeline:
            self._write_timeline(plan.timeline)
        if plan.projects:
            self._write_projects(plan.projects)
        if plan.zones is not None:
            self._write_zones(plan.zones)
        if plan.areas:
            stats = locations_replace(
                self.report,
                counts=self.report.entity("locations_grid", _("productielocaties (voedingsgebied)")),
                grid_only=True,
                show=self.progress,
            )
            if stats:
                self.report.detail("grid_placement", dict(stats), _("voedingsgebied van productielocaties"))

    def _write_areas(self, rows: list[AreaRow]) -> None:
        operators = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR)}
        obatch: Batch[Organisation] = Batch(Organisation, self.report.entity("operators", _("netbeheerders")))
        for name in dict.fromkeys(n for row in rows for n in row.operators):
            if name in operators:
                obatch.update(operators[name], [])
            else:
                operators[name] = obatch.create(
                    Organisation(name=name, kind=OrganisationKind.GRID_OPERATOR, origin="import")
                )
        obatch.flush()

        existing = {a.code: a for a in GridServiceArea.objects.prefetch_related("operators")}
        counts = self.report.entity("areas", _("voedingsgebieden"))
        batch: Batch[GridServiceArea] = Batch(GridServiceArea, counts)
        links: list[tuple[GridServiceArea, list[Organisation], bool]] = []
        for row in rows:
            area = existing.get(row.code)
            wanted = [operators[n] for n in row.operators]
            if area is None:
                area = batch.create(GridServiceArea(code=row.code, **row.values))
                links.append((area, wanted, True))
                continue
            changed = assign(area, row.values)
            current = {o.pk for o in area.operators.all()}
            relink = current != {o.pk for o in wanted}
            batch.update(area, changed or (["operator_names"] if relink else []))
            if relink:
                links.append((area, wanted, False))
        batch.flush()
        for area, wanted, _new in links:
            area.operators.set(wanted)

    def _write_timeline(self, rows: list[AreaRow]) -> None:
        areas = {a.code: a for a in GridServiceArea.objects.filter(code__in=[r.code for r in rows])}
        ids = dict(GridServiceArea.objects.values_list("code", "id"))
        batch: Batch[GridServiceArea] = Batch(
            GridServiceArea, self.report.entity("areas", _("voedingsgebieden"))
        )
        for row in rows:
            values = dict(row.values)
            if "tennet_region_code" in values:
                code = values.pop("tennet_region_code")
                values["tennet_region_id"] = ids[code] if code else None
            area = areas[row.code]
            batch.update(area, assign(area, values))
        batch.flush()

    def _write_projects(self, rows: list[ProjectRow]) -> None:
        areas = dict(GridServiceArea.objects.values_list("code", "id"))
        existing = {(p.area_id, p.name, p.operator_name): p for p in GridProject.objects.all()}
        batch: Batch[GridProject] = Batch(GridProject, self.report.entity("projects", _("netprojecten")))
        for row in rows:
            area_id = areas[row.area_code]
            values = {"area_id": area_id, **row.values}
            batch.upsert(existing.get((area_id, row.values["name"], row.values["operator_name"])), values)
        batch.flush()

    def _write_zones(self, rows: list[ZoneRow]) -> None:
        counts = self.report.entity("zones", _("congestiegebieden"))
        existing = {(z.layer, _canonical(z.geometry)): z for z in CongestionZone.objects.all()}
        batch: Batch[CongestionZone] = Batch(CongestionZone, counts)
        for row in rows:
            batch.upsert(existing.pop(row.key, None), row.values)
        batch.flush()
        if existing:
            CongestionZone.objects.filter(pk__in=[z.pk for z in existing.values()]).delete()
            counts.deleted += len(existing)


class InformationModelReader:
    """A HeatmapDataSet of the information model im-capaciteitskaart v1.3.0 (DSO or TSO).

    * an EnergyArea becomes a GridServiceArea (code = `short_code`); the dataset is a TSO set (TenneT)
      when any area is a `congestion_area`, else a DSO set whose operator is the `publisher`, else the
      operator known from the `creator`'s mail domain;
    * `*_available_capacity` -> existing capacity, `*_quoted_capacity` -> required capacity,
      `*_capacity_in_queue` -> queue (MW), `*_requests_in_queue` -> queue requests,
      `*_alleviation_year` -> congestion end (RNB or TenneT), `*_constraint` (RAG) -> status; without an
      area constraint a DSO area takes the worst constraint of its postcode areas;
    * a Work becomes a GridProject: name = `project_name` (else work order number, else description),
      completion from the schedule interval's `end` date or `year`/`quarter`; cancelled works are skipped.
    Only the fields present are written: bounding box and province of an existing area are kept."""

    DOMAINS = {
        "alliander.com": "Liander",
        "liander.nl": "Liander",
        "enexis.nl": "Enexis",
        "stedin.net": "Stedin",
        "stedin.nl": "Stedin",
        "tennet.eu": "TenneT",
        "westlandinfra.nl": "Westland",
        "rendo.nl": "Rendo",
        "coteq.nl": "Coteq",
    }
    STATUS = {"scheduled": ProjectPhase.SCHEDULED, "inprogress": ProjectPhase.IN_PROGRESS}

    def __init__(self, report: ImportReport, sheet: str | None, provinces: Mapping[str, int]) -> None:
        self.report = report
        self.sheet = sheet
        self.provinces = provinces

    def operator(self, data: Mapping[str, Any], is_tso: bool) -> str:
        if is_tso:
            return "TenneT"
        publisher = str(data.get("publisher") or "").strip()
        if publisher:
            return publisher
        creator = str(data.get("creator") or "")
        domain = creator.rsplit("@", 1)[-1].lower() if "@" in creator else ""
        return self.DOMAINS.get(domain, "")

    def read(self, data: Mapping[str, Any], plan: GridPlan) -> None:
        head = FieldReader(data, line=None, report=self.report, sheet=self.sheet)
        head.text("conforms_to", required=True)
        issued = head.date("issued")
        areas = data["energy_areas"]
        is_tso = any(isinstance(a, Mapping) and a.get("type") == "congestion_area" for a in areas)
        operator = self.operator(data, is_tso)
        operator_type = OperatorType.TENNET if is_tso else OperatorType.RNB
        suffix = "tennet" if is_tso else "rnb"
        self.report.rows += len(areas)
        codes: list[tuple[str, int]] = []
        for number, area in enumerate(areas, start=1):
            prefix = f"energy_areas[{number}]."
            if not isinstance(area, Mapping):
                self.report.error(number, prefix, _("geen object"), self.sheet)
                continue
            reader = FieldReader(area, line=number, report=self.report, sheet=self.sheet, field_prefix=prefix)
            code = reader.text("short_code", required=True, max_length=80)
            codes.append((code, number))
            values: dict[str, Any] = {
                "name": code,
                "operator_type": operator_type,
                "operator_names": operator,
                "source": f"{SOURCE_LABEL} (informatiemodel {data.get('identifier', '')})"[:250],
                "snapshot_date": issued,
                "is_synthetic": False,
            }
            for direction, model_direction in (("demand", "withdrawal"), ("generation", "injection")):
                for attribute, field_name in (
                    ("available_capacity", f"existing_capacity_{model_direction}_mw"),
                    ("quoted_capacity", f"required_capacity_{model_direction}_mw"),
                    ("capacity_in_queue", f"queue_{model_direction}_mw"),
                ):
                    if f"{direction}_{attribute}" in area:
                        values[field_name] = reader.number(f"{direction}_{attribute}", minimum=0)
                if f"{direction}_requests_in_queue" in area:
                    values[f"queue_requests_{model_direction}"] = reader.integer(
                        f"{direction}_requests_in_queue", minimum=0
                    )
                if f"{direction}_alleviation_year" in area:
                    values[f"congestion_end_{model_direction}_{suffix}"] = reader.year(
                        f"{direction}_alleviation_year", minimum=2000
                    )
                colour = reader.choice(f"{direction}_constraint", RAG)
                if colour is None and not is_tso:
                    colour = self._worst_postcode(area, f"{direction}_constraint", reader)
                if colour is not None:
                    key = f"tennet_status_{model_direction}" if is_tso else f"status_{model_direction}"
                    values[key] = int(colour)
            if reader.ok:
                plan.areas.append(AreaRow(number, self.sheet, code, [operator] if operator else [], values))
            self._works(area, number, code, operator, operator_type, issued, plan)
        check_unique_keys(codes, self.report, field_name="energy_areas.short_code", sheet=self.sheet)

    def _worst_postcode(
        self, area: Mapping[str, Any], key: str, reader: FieldReader
    ) -> CongestionColour | None:
        postcodes = area.get("postcode_areas") or []
        colours: list[CongestionColour] = []
        for index, postcode in enumerate(postcodes, start=1):
            if isinstance(postcode, Mapping) and postcode.get(key):
                value = str(postcode[key]).lower()
                if value in RAG:
                    colours.append(RAG[value])
                else:
                    reader.fail(
                        f"postcode_areas[{index}].{key}", _("onbekende kleur: '%(v)s'") % {"v": value}
                    )
        return max(colours) if colours else None

    def _works(
        self,
        area: Mapping[str, Any],
        number: int,
        code: str,
        operator: str,
        operator_type: OperatorType,
        issued: Any,
        plan: GridPlan,
    ) -> None:
        for index, work in enumerate(area.get("works") or [], start=1):
            prefix = f"energy_areas[{number}].works[{index}]."
            if not isinstance(work, Mapping):
                self.report.error(number, prefix, _("geen object"), self.sheet)
                continue
            reader = FieldReader(work, line=number, report=self.report, sheet=self.sheet, field_prefix=prefix)
            status = str(work.get("status_kind") or "").lower()
            if status == "cancelled":
                self.report.skip(_("geannuleerd netproject"))
                continue
            name = (
                reader.text("project_name", max_length=300)
                or reader.text("work_order_number", max_length=300)
                or reader.text("description", max_length=300)
            )
            if not name:
                reader.fail("project_name", _("verplicht veld is leeg"))
            phase = self.STATUS.get(status, ProjectPhase.UNKNOWN)
            year: int | None = None
            quarter: int | None = None
            start = end = None
            for schedule in work.get("time_schedules") or []:
                interval = schedule.get("schedule_interval") if isinstance(schedule, Mapping) else None
                if not isinstance(interval, Mapping):
                    continue
                sub = FieldReader(
                    interval,
                    line=number,
                    report=self.report,
                    sheet=self.sheet,
                    field_prefix=prefix + "schedule_interval.",
                )
                end = sub.date("end") or end
                start = sub.date("start") or start
                year = sub.year("year", minimum=2000) or (end.year if end else year)
                quarter = sub.integer("quarter", minimum=1, maximum=4) or quarter
            if not reader.ok:
                continue
            certainty = Certainty.FIRM if status == "completed" else project_certainty(phase)
            plan.projects.append(
                ProjectRow(
                    number,
                    self.sheet,
                    code,
                    {
                        "name": name,
                        "operator_name": operator,
                        "operator_type": operator_type,
                        "date_text": (f"{year} - Q{quarter}" if year and quarter else str(year or ""))
                        if not end
                        else end.isoformat(),
                        "completion_year": year,
                        "completion_quarter": quarter,
                        "start_date": start,
                        "end_date": end,
                        "phase": phase,
                        "certainty": certainty,
                        "source": SOURCE_LABEL,
                        "snapshot_date": issued,
                        "is_synthetic": False,
                    },
                )
            )
