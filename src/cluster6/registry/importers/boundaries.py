"""Provinces and municipalities (CBS/PDOK) as GeoJSON, and the municipality -> province table.

The kind of each file is detected from its content: a FeatureCollection whose `statcode`s are `PVnn` is a
provinces file, `GMnnnn` a municipalities file; a CSV with `gemeente_code` and `provincie_code` is the
table. A municipality's province comes from the table, else from the database, else from the province
polygon that contains the municipality's interior point. After the import every location with
coordinates is placed again (municipality, province, derived cluster).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from cluster6.core.importing import (
    FieldReader,
    ImportReport,
    InputFile,
    check_unique_keys,
    load_json,
    read_csv,
    read_text,
    require_columns,
)

from ..geo import geometry_from_geojson
from ..models import Municipality, Province
from .base import Batch, Importer
from .placement import locations_replace

PROVINCE_CODE = re.compile(r"^PV\d{2}$")
MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
#: WGS84 bounds that every boundary must lie within (catches files in RD New metres).
NL_BOUNDS = (2.0, 50.0, 8.0, 54.5)


@dataclass
class Area:
    line: int
    code: str
    name: str
    geometry: dict[str, Any]
    shape: BaseGeometry
    sheet: str | None


@dataclass
class BoundariesPlan:
    provinces: list[Area] = field(default_factory=list)
    municipalities: list[Area] = field(default_factory=list)
    #: municipality code -> (province code, line, sheet) from the table
    table: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)
    #: municipality code -> province code, resolved for every municipality in the plan
    province_of: dict[str, str] = field(default_factory=dict)


def read_feature_collection(
    source: InputFile, report: ImportReport, sheet: str | None
) -> list[Mapping[str, Any]] | None:
    text = read_text(source, report, sheet=sheet)
    if text is None:
        return None
    data = load_json(source, text, report, sheet=sheet)
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report.error(None, "type", _("geen GeoJSON FeatureCollection"), sheet)
        return None
    features = data.get("features")
    if not isinstance(features, list):
        report.error(None, "features", _("de FeatureCollection heeft geen lijst 'features'"), sheet)
        return None
    return features


def parse_area(
    feature: Any, number: int, report: ImportReport, sheet: str | None, pattern: re.Pattern[str], hint: str
) -> Area | None:
    """One feature: `statcode`, `statnaam` and a (multi)polygon in WGS84. `number` is 1-based."""
    if not isinstance(feature, Mapping):
        report.error(number, "", _("object is geen GeoJSON Feature"), sheet)
        return None
    properties = feature.get("properties") or {}
    reader = FieldReader(properties, line=number, report=report, sheet=sheet)
    code = reader.text("statcode", required=True, pattern=pattern, pattern_hint=hint)
    name = reader.text("statnaam", required=True, max_length=100)
    geometry = feature.get("geometry")
    shape: BaseGeometry | None = None
    try:
        shape = geometry_from_geojson(geometry) if isinstance(geometry, Mapping) else None
        if shape is None:
            raise ValueError
    except (ValueError, TypeError, AttributeError, GEOSException):
        reader.fail("geometry", _("geen geldige Polygon of MultiPolygon"))
    if shape is not None:
        west, south, east, north = shape.bounds
        if west < NL_BOUNDS[0] or south < NL_BOUNDS[1] or east > NL_BOUNDS[2] or north > NL_BOUNDS[3]:
            reader.fail(
                "geometry",
                _("coördinaten buiten Nederland (%(b)s); verwacht WGS84 in graden")
                % {"b": ", ".join(f"{v:.2f}" for v in shape.bounds)},
            )
    if not reader.ok or shape is None or not isinstance(geometry, Mapping):
        return None
    return Area(number, code, name, dict(geometry), shape, sheet)


def detect_features(features: list[Mapping[str, Any]]) -> str | None:
    codes = {
        str((f.get("properties") or {}).get("statcode", ""))[:2] for f in features if isinstance(f, Mapping)
    }
    if codes == {"PV"}:
        return "provinces"
    if codes == {"GM"}:
        return "municipalities"
    return None


class BoundariesImporter(Importer[BoundariesPlan]):
    kind = "boundaries"

    # -- phase 1 -------------------------------------------------------------------------------------
    def validate(self, files: Sequence[InputFile]) -> BoundariesPlan:
        plan = BoundariesPlan()
        for source in files:
            sheet = self.sheet(files, source)
            if source.name.lower().endswith(".csv") or self._looks_like_csv(source):
                self._validate_table(source, sheet, plan)
                continue
            features = read_feature_collection(source, self.report, sheet)
            if features is None:
                continue
            kind = detect_features(features)
            if kind is None:
                self.report.error(
                    None,
                    "statcode",
                    _("onbekende indeling: verwacht alleen provincies (PVnn) of alleen gemeenten (GMnnnn)"),
                    sheet,
                )
                continue
            self.report.rows += len(features)
            label = _("provincies") if kind == "provinces" else _("gemeenten")
            self.report.notes.append(_("%(file)s: %(kind)s") % {"file": source.name, "kind": label})
            pattern, hint = (PROVINCE_CODE, "PV25") if kind == "provinces" else (MUNICIPALITY_CODE, "GM0453")
            areas = [
                area
                for number, feature in enumerate(features, start=1)
                if (area := parse_area(feature, number, self.report, sheet, pattern, hint)) is not None
            ]
            keys = [
                (str((f.get("properties") or {}).get("statcode", "")), n)
                for n, f in enumerate(features, start=1)
                if isinstance(f, Mapping)
            ]
            check_unique_keys(keys, self.report, field_name="statcode", sheet=sheet)
            if kind == "provinces":
                check_unique_keys(
                    ((a.name, a.line) for a in areas), self.report, field_name="statnaam", sheet=sheet
                )
                plan.provinces.extend(areas)
            else:
                plan.municipalities.extend(areas)
        self._resolve_provinces(plan)
        return plan

    @staticmethod
    def _looks_like_csv(source: InputFile) -> bool:
        try:
            with source.path.open("rb") as fh:
                head = fh.read(200).lstrip(b"\xef\xbb\xbf").lstrip()
        except OSError:
            return False
        return not head.startswith(b"{")

    def _validate_table(self, source: InputFile, sheet: str | None, plan: BoundariesPlan) -> None:
        table = read_csv(source, self.report, sheet=sheet)
        if table is None:
            return
        if not require_columns(table, ["gemeente_code", "provincie_code"], self.report, sheet=sheet):
            return
        self.report.rows += len(table.rows)
        self.report.notes.append(_("%(file)s: gemeente-provincietabel") % {"file": source.name})
        for row in table.rows:
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            municipality = reader.text(
                "gemeente_code", required=True, pattern=MUNICIPALITY_CODE, pattern_hint="GM0453"
            )
            province = reader.text(
                "provincie_code", required=True, pattern=PROVINCE_CODE, pattern_hint="PV27"
            )
            if reader.ok:
                plan.table[municipality] = (province, row.line, sheet)
        check_unique_keys(
            ((r.values.get("gemeente_code", "").strip(), r.line) for r in table.rows),
            self.report,
            field_name="gemeente_code",
            sheet=sheet,
        )

    def _resolve_provinces(self, plan: BoundariesPlan) -> None:
        """Find every municipality's province: table, database, or point-in-polygon. Report the rest."""
        known_provinces = {a.code for a in plan.provinces} | set(
            Province.objects.values_list("code", flat=True)
        )
        for province, line, sheet in plan.table.values():
            if province not in known_provinces:
                self.report.error(
                    line,
                    "provincie_code",
                    _("onbekende provincie '%(code)s' (niet in dit bestand en niet in het register)")
                    % {"code": province},
                    sheet,
                )
        in_db = dict(Municipality.objects.values_list("code", "province__code"))
        polygons: list[tuple[str, BaseGeometry]] = [(a.code, a.shape) for a in plan.provinces]
        if not polygons:
            for code, geometry in Province.objects.filter(geometry__isnull=False).values_list(
                "code", "geometry"
            ):
                if geometry is None:
                    continue
                try:
                    polygons.append((code, geometry_from_geojson(geometry)))
                except (ValueError, TypeError):
                    continue
        for area in plan.municipalities:
            if area.code in plan.table:
                plan.province_of[area.code] = plan.table[area.code][0]
            elif area.code in in_db:
                plan.province_of[area.code] = in_db[area.code]
            else:
                point = area.shape.representative_point()
                found = next((code for code, shape in polygons if shape.intersects(point)), None)
                if found is None:
                    self.report.error(
                        area.line,
                        "statcode",
                        _("geen provincie bekend voor gemeente %(code)s: geef de gemeente-provincietabel mee")
                        % {"code": area.code},
                        area.sheet,
                    )
                else:
                    plan.province_of[area.code] = found
        # A table without municipality geometries updates the province of existing municipalities.
        listed = {a.code for a in plan.municipalities}
        for code in plan.table:
            if code not in listed and code not in in_db:
                self.report.skip(_("gemeente uit de tabel niet in het register of in een GeoJSON-bestand"))

    # -- phase 2 -------------------------------------------------------------------------------------
    def write(self, plan: BoundariesPlan) -> None:
        provinces = {p.code: p for p in Province.objects.all()}
        by_name = {p.name: p for p in provinces.values()}
        batch: Batch[Province] = Batch(Province, self.report.entity("provinces", _("provincies")))
        for area in plan.provinces:
            holder = by_name.get(area.name)
            if holder is not None and holder.code != area.code:
                self.report.error(
                    area.line,
                    "statnaam",
                    _("de naam '%(name)s' hoort in het register bij provincie %(code)s")
                    % {"name": area.name, "code": holder.code},
                    area.sheet,
                )
                continue
            provinces[area.code] = batch.upsert(
                provinces.get(area.code), {"code": area.code, "name": area.name, "geometry": area.geometry}
            )
        if self.report.errors:
            return
        batch.flush()
        province_ids = {code: p.pk for code, p in provinces.items()}

        municipalities = {m.code: m for m in Municipality.objects.all()}
        mbatch: Batch[Municipality] = Batch(
            Municipality, self.report.entity("municipalities", _("gemeenten"))
        )
        for area in plan.municipalities:
            mbatch.upsert(
                municipalities.get(area.code),
                {
                    "code": area.code,
                    "name": area.name,
                    "province_id": province_ids[plan.province_of[area.code]],
                    "geometry": area.geometry,
                },
            )
        listed = {a.code for a in plan.municipalities}
        for code, (province, _line, _sheet) in plan.table.items():
            if code not in listed and code in municipalities:
                mbatch.upsert(municipalities[code], {"province_id": province_ids[province]})
        mbatch.flush()

        stats = locations_replace(
            self.report,
            counts=self.report.entity("locations_placed", _("productielocaties (ligging)")),
            show=self.progress,
        )
        if stats:
            self.report.detail("placement", dict(stats), _("ligging van productielocaties"))
