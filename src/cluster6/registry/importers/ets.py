"""EU ETS installations and their verified emissions (EUTL), in two formats detected from the header:

* **wide** (`nl_ets_installations_2005_2022.csv`): one row per installation with its master data and
  `verified_YYYY` columns. Creates or updates the operator (Organisation), the production location and
  one EmissionRecord (source eu_ets, verified) per non-empty `verified_YYYY`.
* **long** (`nl_ets_compliance_2005_2022_long.csv`): one row per installation and year. Updates the
  EmissionRecords of installations already in the registry; rows of unknown installations (aircraft
  operators, for instance) are skipped with the reason.

docs/formats.md describes every column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster6.core.importing import (
    CsvTable,
    FieldReader,
    InputFile,
    check_unique_keys,
    progress,
    read_csv,
    require_columns,
)

from ..constants import DataOrigin, EmissionSource, OrganisationKind, Sector
from ..models import EmissionRecord, Organisation, ProductionLocation
from ..scope import is_offshore_installation
from .base import BATCH_SIZE, Batch, Importer, assign
from .placement import PlacementContext
from .sectors import sector_for

WIDE_REQUIRED = ("installation_id", "installation_name", "account_holder")
LONG_REQUIRED = ("installation_id", "year", "verified_emissions_t")
VERIFIED_COLUMN = re.compile(r"^verified_(\d{4})$")
INSTALLATION_ID = re.compile(r"^[A-Z]{2}_[0-9A-Za-z]+$")
NACE_CODE = re.compile(r"^\d{2}(\.\d{1,2})?$")
MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
PROVINCE_CODE = re.compile(r"^PV\d{2}$")
ACCOUNT_STATUS = {"open": True, "closed": False}

#: Latitude and longitude must lie in (and around) the Netherlands, as the model requires.
LAT_RANGE = (50.0, 56.0)
LON_RANGE = (2.0, 7.5)


@dataclass
class Installation:
    line: int
    installation_id: str
    permit_id: str
    name: str
    holder: str
    parent: str
    kvk: str
    address: str
    postcode: str
    city: str
    activity_code: int | None
    nace_code: str
    latitude: float | None
    longitude: float | None
    sector: Sector
    is_offshore: bool
    is_active: bool
    municipality_code: str
    province_code: str
    emissions: dict[int, int] = field(default_factory=dict)


@dataclass
class EmissionRow:
    line: int
    installation_id: str
    year: int
    tco2e: int | None


@dataclass
class WidePlan:
    source: str
    installations: list[Installation]


@dataclass
class LongPlan:
    source: str
    rows: list[EmissionRow]


@dataclass
class EtsPlan:
    parts: list[WidePlan | LongPlan] = field(default_factory=list)


def detect_format(table: CsvTable) -> str | None:
    """'long' when the header has year and verified_emissions_t, 'wide' when it has installation_name
    or verified_YYYY columns; None otherwise."""
    if table.has("installation_id", "year", "verified_emissions_t"):
        return "long"
    if "installation_name" in table.header or any(VERIFIED_COLUMN.match(h) for h in table.header):
        return "wide"
    return None


def parse_installation(
    reader: FieldReader, line: int, years: Sequence[tuple[str, int]]
) -> Installation | None:
    """One row of the wide file; None when it has errors (all recorded in the report)."""
    installation_id = reader.text(
        "installation_id", required=True, max_length=40, pattern=INSTALLATION_ID, pattern_hint="NL_144"
    )
    activity = reader.integer("activity_code", minimum=1, maximum=99)
    nace = reader.text("nace_code", pattern=NACE_CODE, pattern_hint="24.10")
    latitude = reader.number("latitude", minimum=LAT_RANGE[0], maximum=LAT_RANGE[1])
    longitude = reader.number("longitude", minimum=LON_RANGE[0], maximum=LON_RANGE[1])
    for name, value, other in (("latitude", latitude, longitude), ("longitude", longitude, latitude)):
        if value is None and other is not None and not reader.raw(name):
            reader.fail(name, _("verplicht wanneer de andere coördinaat is ingevuld"))
    status = reader.choice("account_status", ACCOUNT_STATUS)
    reader.year("first_year_emissions", minimum=1990)
    last_year = reader.integer("last_year_emissions", minimum=0, maximum=2100)
    if last_year not in (None, 0) and last_year < 1990:
        reader.fail(
            "last_year_emissions", _("0 (nog actief) of een jaartal verwacht: '%(v)s'") % {"v": last_year}
        )
    offshore = reader.boolean("offshore_heuristic")
    name = reader.text("installation_name", required=True, max_length=250)
    emissions: dict[int, int] = {}
    for column, year in years:
        value = reader.integer(column, minimum=0)
        if value is not None:
            emissions[year] = value
    installation = Installation(
        line=line,
        installation_id=installation_id,
        permit_id=reader.text("permit_id", max_length=40),
        name=name,
        holder=reader.text("account_holder", required=True, max_length=200),
        parent=reader.text("parent_company", max_length=200),
        kvk=reader.text("company_registration_no", max_length=20),
        address=reader.text("address", max_length=250),
        postcode=reader.text("zip_code", max_length=12),
        city=reader.text("city", max_length=120),
        activity_code=activity,
        nace_code=nace,
        latitude=latitude,
        longitude=longitude,
        sector=sector_for(nace, activity, reader.raw("sector_group_heuristic")),
        is_offshore=is_offshore_installation(name, nace, flagged=offshore),
        is_active=status is not False and last_year in (None, 0),
        municipality_code=reader.text("gemeente_code", pattern=MUNICIPALITY_CODE, pattern_hint="GM0453"),
        province_code=reader.text("provincie_code", pattern=PROVINCE_CODE, pattern_hint="PV27"),
        emissions=emissions,
    )
    return installation if reader.ok else None


class EtsImporter(Importer[EtsPlan]):
    kind = "ets"

    # -- phase 1 -------------------------------------------------------------------------------------
    def validate(self, files: Sequence[InputFile]) -> EtsPlan:
        plan = EtsPlan()
        for source in files:
            sheet = self.sheet(files, source)
            table = read_csv(source, self.report, sheet=sheet)
            if table is None:
                continue
            fmt = detect_format(table)
            if fmt is None:
                self.report.error(
                    1,
                    "installation_id",
                    _(
                        "onbekend formaat: verwacht de brede EUTL-tabel (installation_name, verified_JJJJ) "
                        "of de lange tabel (installation_id, year, verified_emissions_t)"
                    ),
                    sheet,
                )
                continue
            self.report.notes.append(_("%(file)s: formaat %(fmt)s") % {"file": source.name, "fmt": fmt})
            self.report.rows += len(table.rows)
            if fmt == "wide":
                plan.parts.append(self._validate_wide(table, sheet))
            else:
                plan.parts.append(self._validate_long(table, sheet))
        return plan

    def _validate_wide(self, table: CsvTable, sheet: str | None) -> WidePlan:
        if not require_columns(table, WIDE_REQUIRED, self.report, sheet=sheet):
            return WidePlan(source=table.name, installations=[])
        years = [(h, int(m.group(1))) for h in table.header if (m := VERIFIED_COLUMN.match(h))]
        installations: list[Installation] = []
        for row in progress(table.rows, desc=_("controleren"), enabled=self.progress):
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            installation = parse_installation(reader, row.line, years)
            if installation is not None:
                installations.append(installation)
        check_unique_keys(
            (
                (r.values.get("installation_id", "").strip(), r.line)
                for r in table.rows
                if r.values.get("installation_id", "").strip()
            ),
            self.report,
            field_name="installation_id",
            sheet=sheet,
        )
        return WidePlan(source=table.name, installations=installations)

    def _validate_long(self, table: CsvTable, sheet: str | None) -> LongPlan:
        if not require_columns(table, LONG_REQUIRED, self.report, sheet=sheet):
            return LongPlan(source=table.name, rows=[])
        rows: list[EmissionRow] = []
        for row in progress(table.rows, desc=_("controleren"), enabled=self.progress):
            reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
            installation_id = reader.text("installation_id", required=True, max_length=40)
            year = reader.year("year", required=True, minimum=1990)
            tco2e = reader.integer("verified_emissions_t", minimum=0)
            if reader.ok and year is not None:
                rows.append(EmissionRow(row.line, installation_id, year, tco2e))
        check_unique_keys(
            (
                (f"{r.values.get('installation_id', '').strip()} {r.values.get('year', '').strip()}", r.line)
                for r in table.rows
            ),
            self.report,
            field_name="installation_id, year",
            sheet=sheet,
        )
        return LongPlan(source=table.name, rows=rows)

    # -- phase 2 -------------------------------------------------------------------------------------
    def write(self, plan: EtsPlan) -> None:
        for part in plan.parts:
            if isinstance(part, WidePlan):
                self._write_wide(part)
            else:
                self._write_long(part)

    def _write_wide(self, plan: WidePlan) -> None:
        operators = self._write_organisations(plan.installations)
        if self.report.errors:
            return
        context = PlacementContext.build()
        counts = self.report.entity("locations", _("productielocaties"))
        batch: Batch[ProductionLocation] = Batch(ProductionLocation, counts)
        existing = {
            loc.ets_installation_id: loc
            for loc in ProductionLocation.objects.filter(ets_installation_id__isnull=False)
        }
        locations: list[tuple[Installation, ProductionLocation]] = []
        errors: list[ValidationError] = []
        for inst in progress(plan.installations, desc=_("schrijven"), enabled=self.progress):
            values = {
                "name": inst.name,
                "operator_id": operators[inst.line],
                "ets_installation_id": inst.installation_id,
                "nea_permit_id": inst.permit_id,
                "address": inst.address,
                "postcode": inst.postcode,
                "city": inst.city,
                "latitude": inst.latitude,
                "longitude": inst.longitude,
                "nace_code": inst.nace_code,
                "ets_activity_code": inst.activity_code,
                "sector": inst.sector.value,
                "is_ets": True,
                "is_offshore": inst.is_offshore,
                "is_active": inst.is_active,
                **context.place_values(
                    inst.longitude,
                    inst.latitude,
                    municipality_code=inst.municipality_code,
                    province_code=inst.province_code,
                    is_offshore=inst.is_offshore,
                    sector=inst.sector.value,
                    activity_code=inst.activity_code,
                    nace_code=inst.nace_code,
                    ets_installation_id=inst.installation_id,
                ),
            }
            location = batch.upsert(existing.get(inst.installation_id), values, origin=DataOrigin.IMPORT)
            try:
                location.full_clean(
                    exclude=[
                        "operator",
                        "municipality",
                        "province",
                        "grid_service_area",
                        "grid_operator",
                        "business_park",
                    ],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                errors.append(exc)
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        self.report.error(inst.line, name, message)
            locations.append((inst, location))
        if errors:
            return
        batch.flush()
        self.report.detail("placement", dict(context.stats), _("ligging"))
        self._write_emissions(
            [
                (inst.line, loc.pk, year, tco2e)
                for inst, loc in locations
                for year, tco2e in inst.emissions.items()
            ]
        )

    def _write_organisations(self, installations: list[Installation]) -> dict[int, int]:
        """Operators keyed by KvK number (else by name), linked to their parent groups (found by name,
        created when missing). Returns the operator id per installation line."""
        companies = list(Organisation.objects.filter(kind=OrganisationKind.COMPANY).order_by("pk"))
        by_kvk: dict[str, Organisation] = {}
        for company in companies:
            if company.kvk_number:
                by_kvk.setdefault(company.kvk_number, company)
        by_name = {company.name: company for company in companies}
        state: dict[int, tuple[Organisation, str]] = {}  # id(obj) -> (obj, created|updated|unchanged)
        resolved: dict[tuple[str, str], Organisation] = {}
        per_line: dict[int, tuple[str, str]] = {}

        def track(org: Organisation, changed: bool) -> None:
            before = state.get(id(org), (org, ""))[1]
            if org.pk is None or before == "created":
                state[id(org)] = (org, "created")
            elif changed or before == "updated":
                state[id(org)] = (org, "updated")
            else:
                state[id(org)] = (org, "unchanged")

        for inst in installations:
            key = ("kvk", inst.kvk) if inst.kvk else ("name", inst.holder)
            per_line[inst.line] = key
            if key in resolved:
                continue
            org = by_kvk.get(inst.kvk) if inst.kvk else None
            namesake = by_name.get(inst.holder)
            if namesake is not None and namesake is not org:
                if org is None and (not inst.kvk or namesake.kvk_number in ("", inst.kvk)):
                    org = namesake  # the same organisation, known by name (KvK number added now)
                else:
                    self.report.error(
                        inst.line,
                        "account_holder",
                        _("de organisatie '%(name)s' bestaat al met een ander KvK-nummer (%(kvk)s)")
                        % {"name": inst.holder, "kvk": namesake.kvk_number or "-"},
                    )
                    continue
            values: dict[str, object] = {"name": inst.holder}
            if inst.kvk:
                values["kvk_number"] = inst.kvk
            if org is None:
                org = Organisation(kind=OrganisationKind.COMPANY, origin=DataOrigin.IMPORT, **values)
                track(org, True)
            else:
                if org.name != inst.holder:
                    by_name.pop(org.name, None)
                track(org, bool(assign(org, values)))
            by_name[org.name] = org
            if org.kvk_number:
                by_kvk[org.kvk_number] = org
            resolved[key] = org
        parents: dict[str, Organisation] = {}
        for inst in installations:
            if inst.parent and inst.parent not in parents:
                parent = by_name.get(inst.parent)
                if parent is None:
                    parent = Organisation(
                        name=inst.parent, kind=OrganisationKind.COMPANY, origin=DataOrigin.IMPORT
                    )
                    by_name[inst.parent] = parent
                if id(parent) not in state:
                    track(parent, False)
                parents[inst.parent] = parent
        if self.report.errors:
            return {}
        new = [org for org, how in state.values() if how == "created"]
        Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)
        for inst in installations:
            org = resolved[per_line[inst.line]]
            parent = parents.get(inst.parent)
            if parent is not None and parent is not org and org.parent_id != parent.pk:
                org.parent_id = parent.pk
                track(org, True)
        counts = self.report.entity("organisations", _("organisaties"))
        changed: list[Organisation] = []
        for org, how in state.values():
            setattr(counts, how, getattr(counts, how) + 1)
            if how == "updated" or (how == "created" and org.parent_id is not None):
                changed.append(org)
        if changed:
            now = timezone.now()
            for org in changed:
                org.updated_at = now
            Organisation.objects.bulk_update(
                changed, ["name", "kvk_number", "parent", "updated_at"], batch_size=BATCH_SIZE
            )
        return {line: resolved[key].pk for line, key in per_line.items()}

    def _write_emissions(self, rows: list[tuple[int, int, int, int]]) -> None:
        """(line, location id, year, t CO2-eq) -> EmissionRecord source eu_ets, verified."""
        counts = self.report.entity("emissions", _("emissiegegevens"))
        batch: Batch[EmissionRecord] = Batch(EmissionRecord, counts)
        location_ids = {loc for _line, loc, _y, _t in rows}
        existing = {
            (r.location_id, r.year): r
            for r in EmissionRecord.objects.filter(source=EmissionSource.EU_ETS).only(
                "pk", "location_id", "year", "tco2e", "verified", "source"
            )
            if r.location_id in location_ids
        }
        for _line, location_id, year, tco2e in rows:
            batch.upsert(
                existing.get((location_id, year)),
                {
                    "location_id": location_id,
                    "year": year,
                    "tco2e": tco2e,
                    "verified": True,
                    "source": EmissionSource.EU_ETS.value,
                },
            )
        batch.flush()

    def _write_long(self, plan: LongPlan) -> None:
        known = dict(
            ProductionLocation.objects.filter(ets_installation_id__isnull=False).values_list(
                "ets_installation_id", "pk"
            )
        )
        rows: list[tuple[int, int, int, int]] = []
        for row in plan.rows:
            if row.installation_id not in known:
                self.report.skip(_("installatie niet in het register (bijv. vliegtuigexploitant)"))
            elif row.tco2e is None:
                self.report.skip(_("geen geverifieerde uitstoot in dat jaar"))
            else:
                rows.append((row.line, known[row.installation_id], row.year, row.tco2e))
        self._write_emissions(rows)
