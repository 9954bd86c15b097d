"""The NEa emission figures table (`nea_emissiecijfers_2013_2020.csv`): one row per NEa installation,
keyed by the emission permit number, with `emissions_YYYY_tco2e` columns.

Matching a row to a production location (its `nea_permit_id`, set by the ETS import):

1. **Exact, case-insensitive.** NEa suffixes permits that cover several installations with a lower-case
   letter (NL-200400161a, …b), the EUTL with an upper-case one (NL-200400161A): both are the same
   installation, so the comparison ignores case.
2. **Base permit.** A suffixed permit that has no installation of its own in the registry is added to
   the location of its base permit (NL-200400161a -> NL-200400161): the same site. Several NEa rows that
   land on one location are summed per year.
3. When several locations share a permit (an old phase-1 account and its successor), the one with the
   most EU ETS figures in the file's years wins, then the active one, then the newest EUTL account.

Unmatched permits are skipped with the reason. Each figure becomes an EmissionRecord (source nea,
verified).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from cluster6.core.importing import (
    FieldReader,
    InputFile,
    check_unique_keys,
    progress,
    read_csv,
    require_columns,
)

from ..constants import EmissionSource
from ..models import EmissionRecord, ProductionLocation
from .base import Batch, Importer

EMISSION_COLUMN = re.compile(r"^emissions_(\d{4})_tco2e$")
SUFFIX = re.compile(r"^(.*\d)([A-Za-z])$")


@dataclass
class NeaRow:
    line: int
    permit_id: str
    emissions: dict[int, int] = field(default_factory=dict)


@dataclass
class NeaPlan:
    rows: list[NeaRow]
    years: list[int]


def normalise_permit(permit_id: str) -> str:
    return permit_id.strip().upper()


def base_permit(permit_id: str) -> str | None:
    """NL-200400161A -> NL-200400161; None when there is no letter suffix."""
    match = SUFFIX.match(normalise_permit(permit_id))
    return match.group(1) if match else None


def _ets_number(location: ProductionLocation) -> int:
    digits = re.sub(r"\D", "", location.ets_installation_id or "")
    return int(digits) if digits else 0


class NeaImporter(Importer[NeaPlan]):
    kind = "nea"

    def validate(self, files: Sequence[InputFile]) -> NeaPlan:
        plan = NeaPlan(rows=[], years=[])
        for source in files:
            sheet = self.sheet(files, source)
            table = read_csv(source, self.report, sheet=sheet)
            if table is None:
                continue
            if not require_columns(table, ["permit_id"], self.report, sheet=sheet):
                continue
            years = [(h, int(m.group(1))) for h in table.header if (m := EMISSION_COLUMN.match(h))]
            if not years:
                self.report.error(1, "emissions_JJJJ_tco2e", _("geen kolommen met emissies per jaar"), sheet)
            plan.years = sorted({*plan.years, *(y for _c, y in years)})
            self.report.rows += len(table.rows)
            for row in progress(table.rows, desc=_("controleren"), enabled=self.progress):
                reader = FieldReader(row.values, line=row.line, report=self.report, sheet=sheet)
                permit = reader.text("permit_id", required=True, max_length=40)
                emissions: dict[int, int] = {}
                for column, year in years:
                    value = reader.integer(column, minimum=0)
                    if value is not None:
                        emissions[year] = value
                if reader.ok:
                    plan.rows.append(NeaRow(row.line, permit, emissions))
            check_unique_keys(
                (
                    (normalise_permit(r.values.get("permit_id", "")), r.line)
                    for r in table.rows
                    if r.values.get("permit_id", "").strip()
                ),
                self.report,
                field_name="permit_id",
                sheet=sheet,
            )
        return plan

    def write(self, plan: NeaPlan) -> None:
        candidates: dict[str, list[ProductionLocation]] = defaultdict(list)
        for location in ProductionLocation.objects.exclude(nea_permit_id="").only(
            "pk", "nea_permit_id", "ets_installation_id", "is_active"
        ):
            candidates[normalise_permit(location.nea_permit_id)].append(location)
        ets_years = dict(
            EmissionRecord.objects.filter(source=EmissionSource.EU_ETS, year__in=plan.years)
            .values("location_id")
            .annotate(n=Count("id"))
            .values_list("location_id", "n")
        )

        def best(locations: list[ProductionLocation]) -> ProductionLocation:
            return max(locations, key=lambda loc: (ets_years.get(loc.pk, 0), loc.is_active, _ets_number(loc)))

        totals: dict[tuple[int, int], int] = defaultdict(int)
        matched = {"exact": 0, "base": 0}
        for row in plan.rows:
            permit = normalise_permit(row.permit_id)
            if permit in candidates:
                location = best(candidates[permit])
                matched["exact"] += 1
            elif (base := base_permit(permit)) is not None and base in candidates:
                location = best(candidates[base])
                matched["base"] += 1
            else:
                self.report.skip(_("vergunning niet gevonden bij een productielocatie"))
                continue
            for year, tco2e in row.emissions.items():
                totals[(location.pk, year)] += tco2e
        self.report.detail(
            "matched_permits",
            matched["exact"] + matched["base"],
            _("gekoppelde vergunningen (van %(n)s)") % {"n": len(plan.rows)},
        )
        self.report.detail("matched_exact", matched["exact"], _("waarvan exact (hoofdletterongevoelig)"))
        self.report.detail("matched_base", matched["base"], _("waarvan via de basisvergunning"))

        counts = self.report.entity("emissions", _("emissiegegevens"))
        batch: Batch[EmissionRecord] = Batch(EmissionRecord, counts)
        existing = {
            (r.location_id, r.year): r
            for r in EmissionRecord.objects.filter(source=EmissionSource.NEA, year__in=plan.years)
        }
        for (location_id, year), tco2e in sorted(totals.items()):
            batch.upsert(
                existing.get((location_id, year)),
                {
                    "location_id": location_id,
                    "year": year,
                    "tco2e": tco2e,
                    "verified": True,
                    "source": EmissionSource.NEA.value,
                },
            )
        batch.flush()
