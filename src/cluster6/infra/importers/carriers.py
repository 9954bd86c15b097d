"""The carrier timeline: hydrogen network phases, CO2 transport and storage, green gas and heat
(`cluster6 import carriers FILE...`; formats in docs/formats.md, "Carrier timeline").

Each file's kind is detected from its header or content:

* a **rollout table** (`rollout_id, carrier, name, year, ...`): the platform's own format;
* a **network points table** (`rollout_id, point_id, lon, lat`) or a **GeoJSON FeatureCollection** of
  points or lines with a `rollout_id` property (a line gives a point per vertex);
* the **compiled hydrogen table** of ../shared/data/infrastructure (`segment_id, planned_year_min,
  planned_year_max, industrial_clusters_served, ...`) and the **compiled CO2 table** (`project_id,
  planned_start_year, status, type, ...`). They carry no geometry: a phase gets network points at the
  hubs of the industrial clusters it serves (CLUSTER_HUBS, approximate). The year is the latest year of
  the planning; the certainty follows from the planning and the status (see `hydrogen_certainty` and
  `co2_certainty`). A CO2 store that is sold out (Porthos) is not open to third parties; an open-access
  store (Aramis) is also reachable by ship, at extra cost, from anywhere ("<id>-SCHIP").

Rollouts are keyed by their code: a re-import updates them. The points of a rollout named in a points
file (or derived from a compiled table) are replaced by the new set.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cluster6.core.importing import (
    CsvTable,
    FieldReader,
    InputFile,
    check_unique_keys,
    load_json,
    read_csv,
    read_text,
    require_columns,
)
from cluster6.registry.importers.base import Batch, Importer
from cluster6.registry.models import Province

from ..constants import Carrier, Certainty, SupplyMode
from ..models import CarrierRollout, NetworkPoint
from .grid import CERTAINTIES, PROVINCE_ALIASES

ROLLOUT_REQUIRED = ("rollout_id", "carrier", "name", "year")
POINT_REQUIRED = ("rollout_id", "lon", "lat")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,59}$")
CODE_HINT = "letters, cijfers, _ . : - (maximaal 60 tekens)"
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
#: WGS84 bounds of the Netherlands and its surroundings (catches coordinates in RD New metres).
BOUNDS = (2.0, 50.0, 8.0, 54.5)

CARRIERS = {
    **{c.value: Carrier(c.value) for c in Carrier},
    "hydrogen": Carrier.HYDROGEN,
    "h2": Carrier.HYDROGEN,
    "green_gas": Carrier.GREEN_GAS,
    "groengas": Carrier.GREEN_GAS,
    "heat": Carrier.HEAT,
}
MODES = {
    **{m.value: SupplyMode(m.value) for m in SupplyMode},
    "network": SupplyMode.NETWORK,
    "netwerk": SupplyMode.NETWORK,
    "leiding": SupplyMode.NETWORK,
    "ship": SupplyMode.SHIP,
    "truck": SupplyMode.TRUCK,
}

#: Approximate connection points of the five industrial clusters (domain.md section 3), for compiled
#: tables that name the clusters a network phase serves but carry no geometry.
CLUSTER_HUBS: Mapping[int, tuple[tuple[str, float, float], ...]] = {
    1: (("Eemshaven", 6.83, 53.44), ("Delfzijl", 6.93, 53.32)),
    2: (("IJmuiden", 4.60, 52.46), ("Amsterdam Westpoort", 4.80, 52.41)),
    3: (("Maasvlakte", 4.03, 51.96), ("Pernis", 4.38, 51.88), ("Moerdijk", 4.60, 51.69)),
    4: (("Vlissingen-Oost", 3.68, 51.45), ("Terneuzen", 3.82, 51.33)),
    5: (("Chemelot", 5.80, 50.99),),
}
CLUSTERS_SERVED = re.compile(r"(?:^|;)\s*(\d)(?:\s*-\s*(\d))?")


@dataclass
class RolloutRow:
    line: int
    sheet: str | None
    code: str
    values: dict[str, Any]


@dataclass
class PointRow:
    line: int
    sheet: str | None
    rollout: str
    code: str
    values: dict[str, Any]


@dataclass
class CarrierPlan:
    rollouts: list[RolloutRow] = field(default_factory=list)
    points: list[PointRow] = field(default_factory=list)
    #: rollouts whose points are replaced by this import
    replace_points: set[str] = field(default_factory=set)


def clusters_served(text: str) -> list[int]:
    """'3 Rotterdam-Moerdijk; 5 Chemelot' -> [3, 5]; '1-5 (...)' -> [1, 2, 3, 4, 5]."""
    out: list[int] = []
    for m in CLUSTERS_SERVED.finditer(text):
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        out += [c for c in range(lo, hi + 1) if 1 <= c <= 5 and c not in out]
    return out


def latest_year(text: str) -> int | None:
    years = [int(y) for y in YEAR.findall(text)]
    return max(years) if years else None


def hydrogen_certainty(year_min: int | None, year_max: int, notes: str) -> Certainty:
    """Construction started: firm; a planning to one year: planned; a wider range: uncertain."""
    lowered = notes.lower()
    if "aanleg gestart" in lowered or "bouw gestart" in lowered:
        return Certainty.FIRM
    if year_min is None or year_max - year_min <= 1:
        return Certainty.PLANNED
    return Certainty.UNCERTAIN


def co2_certainty(status: str, planning: str) -> Certainty:
    """Investment decision taken or being built: firm; prioritised by the cabinet: planned; an investment
    decision still expected: uncertain."""
    text = f"{status} {planning}".lower()
    if "bouw gestart" in text or re.search(
        r"\bfid (genomen|okt|sep|nov|dec|jan|feb|mrt|apr|mei|jun|jul|aug)", text
    ):
        return Certainty.FIRM
    if "verwacht" in text or "in ontwikkeling" in text:
        return Certainty.UNCERTAIN
    return Certainty.PLANNED


class CarrierImporter(Importer[CarrierPlan]):
    kind = "carriers"

    def validate(self, files: Sequence[InputFile]) -> CarrierPlan:
        plan = CarrierPlan()
        # Province ids by lower-case name and by CBS code.
        self._provinces = {
            key.lower(): pk
            for name, code, pk in Province.objects.values_list("name", "code", "id")
            for key in (name, code)
        }
        for source in files:
            sheet = self.sheet(files, source)
            text = read_text(source, self.report, sheet=sheet)
            if text is None:
                continue
            if text.lstrip().startswith(("{", "[")):
                self._validate_geojson(source, text, sheet, plan)
                continue
            table = read_csv(source, self.report, sheet=sheet, text=text)
            if table is None:
                continue
            if table.has("segment_id", "planned_year_max"):
                self.report.notes.append(
                    _("%(file)s: uitrol waterstofnetwerk (samengesteld)") % {"file": source.name}
                )
                self._validate_hydrogen(table, sheet, plan)
            elif table.has("project_id", "planned_start_year"):
                self.report.notes.append(
                    _("%(file)s: CO₂-infrastructuur (samengesteld)") % {"file": source.name}
                )
                self._validate_co2(table, sheet, plan)
            elif table.has("rollout_id", "lon", "lat"):
                self.report.notes.append(_("%(file)s: netwerkpunten") % {"file": source.name})
                self._validate_points(table, sheet, plan)
            elif table.has("rollout_id", "carrier"):
                self.report.notes.append(_("%(file)s: uitrolfasen") % {"file": source.name})
                self._validate_rollouts(table, sheet, plan)
            else:
                self.report.error(
                    1,
                    "rollout_id",
                    _(
                        "onbekend formaat: verwacht uitrolfasen (rollout_id, carrier, name, year), "
                        "netwerkpunten (rollout_id, lon, lat), de samengestelde waterstoftabel (segment_id, "
                        "planned_year_max) of de samengestelde CO₂-tabel (project_id, planned_start_year)"
                    ),
                    sheet,
                )
        self._check(plan)
        return plan

    # -- the platform's own formats -------------------------------------------------------------------
    def _province(self, reader: FieldReader, column: str) -> int | None:
        name = reader.text(column, max_length=100)
        if not name:
            return None
        key = name.lower()
        pk = self._provinces.get(key) or self._provinces.get(PROVINCE_ALIASES.get(key, ""))
        if pk is None:
            reader.fail(
                column,
                _("onbekende provincie: '%(name)s' (importeer eerst de provinciegrenzen)") % {"name": name},
            )
        return pk

    def _validate_rollouts(self, table: CsvTable, sheet: str | None, plan: CarrierPlan) -> None:
        if not require_columns(table, ROLLOUT_REQUIRED, self.report, sheet=sheet):
            return
        self.report.rows += len(table.rows)
        for row in table.rows:
            r = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = r.text("rollout_id", required=True, pattern=CODE, pattern_hint=CODE_HINT)
            open_access = r.boolean("open_access")
            values: dict[str, Any] = {
                "carrier": r.choice("carrier", CARRIERS, required=True),
                "name": r.text("name", required=True, max_length=200),
                "year": r.year("year", required=True, minimum=2000, maximum=2100),
                "certainty": r.choice("certainty", CERTAINTIES) or Certainty.PLANNED,
                "province_id": self._province(r, "province"),
                "mode": r.choice("mode", MODES) or SupplyMode.NETWORK,
                "open_access": True if open_access is None else open_access,
                "year_text": r.text("year_text", max_length=200),
                "description": r.text("description"),
                "source": r.text("source", max_length=250),
                "source_url": r.text("source_url"),
                "source_date": _source_date(r),
                "is_synthetic": False,
            }
            if values["carrier"] != Carrier.CO2 and values["mode"] != SupplyMode.NETWORK:
                r.fail("mode", _("per schip of vrachtwagen kan alleen voor CO₂"))
            if r.ok:
                plan.rollouts.append(RolloutRow(row.line, sheet, code, values))
        check_unique_keys(
            (
                (r.values.get("rollout_id", "").strip(), r.line)
                for r in table.rows
                if r.values.get("rollout_id")
            ),
            self.report,
            field_name="rollout_id",
            sheet=sheet,
        )

    def _point(
        self, r: FieldReader, plan: CarrierPlan, sheet: str | None, code: str, lon_lat: tuple[Any, Any]
    ) -> None:
        rollout = r.text("rollout_id", required=True, pattern=CODE, pattern_hint=CODE_HINT)
        lon, lat = lon_lat
        if not (isinstance(lon, int | float) and isinstance(lat, int | float)):
            r.fail("lon", _("geen coördinaten"))
            return
        if not (BOUNDS[0] <= lon <= BOUNDS[2] and BOUNDS[1] <= lat <= BOUNDS[3]):
            r.fail(
                "lon",
                _(
                    "coördinaten buiten Nederland (WGS84 verwacht, lengte 2-8, breedte 50-54,5): "
                    "%(lon)s, %(lat)s"
                )
                % {"lon": lon, "lat": lat},
            )
            return
        if r.ok:
            plan.points.append(
                PointRow(
                    r.line or 0,
                    sheet,
                    rollout,
                    code,
                    {"lon": float(lon), "lat": float(lat), "name": r.text("name", max_length=200)},
                )
            )
            plan.replace_points.add(rollout)

    def _validate_points(self, table: CsvTable, sheet: str | None, plan: CarrierPlan) -> None:
        if not require_columns(table, POINT_REQUIRED, self.report, sheet=sheet):
            return
        self.report.rows += len(table.rows)
        for n, row in enumerate(table.rows, start=1):
            r = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = r.text("point_id", max_length=60) or f"P{n}"
            lon = r.number("lon", required=True)
            lat = r.number("lat", required=True)
            if lon is not None and lat is not None:
                self._point(r, plan, sheet, code, (lon, lat))

    def _validate_geojson(self, source: InputFile, text: str, sheet: str | None, plan: CarrierPlan) -> None:
        data = load_json(source, text, self.report, sheet=sheet)
        if data is None:
            return
        features = data.get("features") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(features, list)
        ):
            self.report.error(
                None, "", _("verwacht een GeoJSON FeatureCollection met netwerkpunten of -lijnen"), sheet
            )
            return
        self.report.notes.append(_("%(file)s: netwerk (GeoJSON)") % {"file": source.name})
        self.report.rows += len(features)
        for number, feature in enumerate(features, start=1):
            props = feature.get("properties") if isinstance(feature, Mapping) else None
            r = FieldReader(props or {}, line=number, report=self.report, sheet=sheet)
            geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
            coords = _vertices(geometry)
            if coords is None:
                r.fail("geometry", _("geen Point, MultiPoint, LineString of MultiLineString"))
                continue
            base = r.text("point_id", max_length=50) or f"F{number}"
            for k, lon_lat in enumerate(coords, start=1):
                self._point(r, plan, sheet, base if len(coords) == 1 else f"{base}-{k}", lon_lat)

    # -- the compiled tables of shared/data/infrastructure ------------------------------------------
    def _hub_points(
        self, plan: CarrierPlan, row_line: int, sheet: str | None, code: str, served: list[int]
    ) -> None:
        plan.replace_points.add(code)
        for cluster in served:
            for name, lon, lat in CLUSTER_HUBS[cluster]:
                plan.points.append(
                    PointRow(
                        row_line,
                        sheet,
                        code,
                        f"C{cluster}-{name}",
                        {"lon": lon, "lat": lat, "name": f"{name} (cluster {cluster})"},
                    )
                )

    def _validate_hydrogen(self, table: CsvTable, sheet: str | None, plan: CarrierPlan) -> None:
        if not require_columns(
            table, ("segment_id", "segment_name", "planned_year_max"), self.report, sheet=sheet
        ):
            return
        self.report.rows += len(table.rows)
        for row in table.rows:
            r = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = r.text("segment_id", required=True, pattern=CODE, pattern_hint=CODE_HINT)
            name = r.text("segment_name", required=True, max_length=200)
            year_max = r.year("planned_year_max", required=True, minimum=2000, maximum=2100)
            year_min = r.year("planned_year_min", minimum=2000, maximum=2100)
            if year_min is not None and year_max is not None and year_min > year_max:
                r.fail("planned_year_min", _("later dan planned_year_max"))
            served = clusters_served(r.text("industrial_clusters_served"))
            if "(totaal)" in name.lower():
                self.report.skip(_("landelijk totaal, geen eigen uitrolfase"))
                continue
            if not served:
                r.fail(
                    "industrial_clusters_served",
                    _("geen clusters (1-5) gevonden: de fase heeft geen netwerkpunten"),
                )
            if not r.ok or year_max is None:
                continue
            notes = r.text("notes")
            values = _compiled_values(
                r,
                carrier=Carrier.HYDROGEN,
                name=name,
                year=year_max,
                certainty=hydrogen_certainty(year_min, year_max, notes),
                open_access=True,
                year_text=r.text("planned_availability_text", max_length=200),
                description="; ".join(x for x in (r.text("route_description"), notes) if x),
                source=r.text("plan_version", max_length=250),
            )
            plan.rollouts.append(RolloutRow(row.line, sheet, code, values))
            self._hub_points(plan, row.line, sheet, code, served)

    def _validate_co2(self, table: CsvTable, sheet: str | None, plan: CarrierPlan) -> None:
        if not require_columns(
            table, ("project_id", "project_name", "planned_start_year"), self.report, sheet=sheet
        ):
            return
        self.report.rows += len(table.rows)
        for row in table.rows:
            r = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            code = r.text("project_id", required=True, pattern=CODE, pattern_hint=CODE_HINT)
            name = r.text("project_name", required=True, max_length=200)
            planning = r.text("planned_start_year", required=True, max_length=200)
            year = latest_year(planning)
            if planning and year is None:
                r.fail("planned_start_year", _("geen jaartal gevonden in '%(value)s'") % {"value": planning})
            status = r.text("status")
            kind = r.text("type").lower()
            served = clusters_served(r.text("industrial_clusters_served"))
            if not served:
                r.fail(
                    "industrial_clusters_served",
                    _("geen clusters (1-5) gevonden: het project heeft geen netwerkpunten"),
                )
            if not r.ok or year is None:
                continue
            values = _compiled_values(
                r,
                carrier=Carrier.CO2,
                name=name,
                year=year,
                certainty=co2_certainty(status, planning),
                open_access="uitverkocht" not in status.lower(),
                year_text=planning,
                description="; ".join(x for x in (r.text("route_or_storage"), status, r.text("notes")) if x),
                source=r.text("partners", max_length=250),
            )
            plan.rollouts.append(RolloutRow(row.line, sheet, code, values))
            self._hub_points(plan, row.line, sheet, code, served)
            if "open access" in kind and "opslag" in kind:
                plan.rollouts.append(
                    RolloutRow(
                        row.line,
                        sheet,
                        f"{code}-SCHIP",
                        {
                            **values,
                            "name": _("%(name)s per schip") % {"name": name},
                            "certainty": Certainty.UNCERTAIN,
                            "mode": SupplyMode.SHIP,
                            "description": _("Afgeleid: open opslag, ook per schip bereikbaar (duurder)."),
                        },
                    )
                )

    # -- cross-file checks ----------------------------------------------------------------------------
    def _check(self, plan: CarrierPlan) -> None:
        seen: dict[str, RolloutRow] = {}
        for row in plan.rollouts:
            if row.code in seen and seen[row.code].sheet != row.sheet:
                self.report.error(
                    row.line,
                    "rollout_id",
                    _("uitrolfase '%(code)s' komt in twee bestanden voor (ook %(where)s, regel %(line)s)")
                    % {"code": row.code, "where": seen[row.code].sheet or "-", "line": seen[row.code].line},
                    row.sheet,
                )
            seen.setdefault(row.code, row)
        known = set(seen) | set(CarrierRollout.objects.values_list("code", flat=True))
        points: dict[tuple[str, str], PointRow] = {}
        for p in plan.points:
            if p.rollout not in known:
                self.report.error(
                    p.line,
                    "rollout_id",
                    _("onbekende uitrolfase '%(code)s' (niet in dit bestand en niet in het register)")
                    % {"code": p.rollout},
                    p.sheet,
                )
            key = (p.rollout, p.code)
            if key in points:
                self.report.error(
                    p.line,
                    "point_id",
                    _("dubbel netwerkpunt '%(code)s' bij uitrolfase '%(rollout)s' (ook regel %(line)s)")
                    % {"code": p.code, "rollout": p.rollout, "line": points[key].line},
                    p.sheet,
                )
            points.setdefault(key, p)

    # -- phase 2 -----------------------------------------------------------------------------------------
    def write(self, plan: CarrierPlan) -> None:
        counts = self.report.entity("carrier_rollouts", _("uitrolfasen"))
        batch: Batch[CarrierRollout] = Batch(CarrierRollout, counts)
        existing = {
            r.code: r for r in CarrierRollout.objects.filter(code__in=[r.code for r in plan.rollouts])
        }
        for row in plan.rollouts:
            batch.upsert(existing.get(row.code), row.values, code=row.code)
        batch.flush()
        if not plan.replace_points:
            return
        rollouts = dict(CarrierRollout.objects.filter(code__in=plan.replace_points).values_list("code", "id"))
        codes = {pk: code for code, pk in rollouts.items()}
        point_counts = self.report.entity("network_points", _("netwerkpunten"))
        points: Batch[NetworkPoint] = Batch(NetworkPoint, point_counts)
        current = {
            (codes[p.rollout_id], p.code): p for p in NetworkPoint.objects.filter(rollout_id__in=codes)
        }
        for p in plan.points:
            points.upsert(
                current.pop((p.rollout, p.code), None), p.values, rollout_id=rollouts[p.rollout], code=p.code
            )
        points.flush()
        gone = [obj.pk for obj in current.values()]
        point_counts.deleted += NetworkPoint.objects.filter(pk__in=gone).delete()[0]


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _compiled_values(r: FieldReader, **values: Any) -> dict[str, Any]:
    """A rollout from a compiled table: national, by network, with the row's source address and date."""
    return {
        **values,
        "province_id": None,
        "mode": SupplyMode.NETWORK,
        "source_url": r.text("source_url"),
        "source_date": _source_date(r),
        "is_synthetic": False,
    }


def _source_date(r: FieldReader) -> dt.date | None:
    """A date (JJJJ-MM-DD), or a month (JJJJ-MM) as its first day: the compiled tables give months."""
    m = MONTH.match(r.raw("source_date"))
    if m and 1 <= int(m.group(2)) <= 12:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return r.date("source_date")


def _vertices(geometry: object) -> list[tuple[Any, Any]] | None:
    if not isinstance(geometry, Mapping):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            return [(coords[0], coords[1])]  # type: ignore[index]
        if kind in ("MultiPoint", "LineString"):
            return [(c[0], c[1]) for c in coords]  # type: ignore[union-attr]
        if kind == "MultiLineString":
            return [(c[0], c[1]) for line in coords for c in line]  # type: ignore[union-attr]
    except (TypeError, IndexError, KeyError):
        return None
    return None
