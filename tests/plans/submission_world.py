"""A small world for the submission tests: one company with two locations (one in the EU ETS with known
emissions), a subsidiary, another company, a closed previous round with a submitted revision and an open
round that follows it."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from cluster6.accounts.constants import Role
from cluster6.accounts.models import User
from cluster6.plans.constants import GridNeed, PlanStatus, RoundStatus, Route, VoltageLevel
from cluster6.plans.intake import COLUMNS, round_columns
from cluster6.plans.models import PlanVersion, Submission, SurveyRound
from cluster6.registry.constants import EmissionSource
from cluster6.registry.models import Organisation, ProductionLocation
from tests.factories import (
    EmissionRecordFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)


@dataclass
class World:
    company: Organisation
    other_company: Organisation
    kiln: ProductionLocation  # ETS, NL_901, 40,000 t in 2023
    boiler: ProductionLocation  # no ETS id, no emissions, at the subsidiary
    foreign: ProductionLocation  # another company's location
    previous: SurveyRound
    current: SurveyRound
    previous_submission: Submission
    previous_version: PlanVersion
    user: User  # a bedrijf user of `company`


def build_world() -> World:
    company = OrganisationFactory(name="Steenfabriek De Klei B.V.")
    daughter = OrganisationFactory(name="De Klei Energie B.V.", parent=company)
    other = OrganisationFactory(name="Concurrent B.V.")
    kiln = ProductionLocationFactory(
        name="Steenfabriek Zevenaar", operator=company, ets_installation_id="NL_901"
    )
    EmissionRecordFactory(location=kiln, year=2022, tco2e=45_000, source=EmissionSource.EU_ETS)
    EmissionRecordFactory(location=kiln, year=2023, tco2e=40_000, source=EmissionSource.EU_ETS)
    EmissionRecordFactory(location=kiln, year=2023, tco2e=39_000, source=EmissionSource.NEA)
    boiler = ProductionLocationFactory(name="Ketelhuis Duiven", operator=daughter, ets_installation_id=None)
    foreign = ProductionLocationFactory(name="Fabriek elders", operator=other, ets_installation_id="NL_999")
    previous = SurveyRoundFactory(
        code="lces-2024",
        name="L-CES 2024",
        status=RoundStatus.CLOSED,
        opens_on=datetime.date(2024, 1, 1),
        closes_on=datetime.date(2024, 12, 31),
    )
    current = SurveyRoundFactory(
        code="dsh-2025",
        name="DSH 2025",
        status=RoundStatus.OPEN,
        previous=previous,
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 12, 31),
    )
    prev_sub = SubmittedSubmissionFactory(organisation=company, round=previous)
    plan = PlanFactory(location=kiln, reference="OVEN-1")
    prev_version = PlanVersionFactory(
        submission=prev_sub,
        plan=plan,
        title="Elektrische oven",
        co2_reduction_t=12_000.0,
        in_operation_year=2029,
        investment_decision_year=2026,
    )
    user = user_with_role(Role.BEDRIJF, company, username="klei", first_name="Karin", last_name="Klei")
    return World(company, other, kiln, boiler, foreign, previous, current, prev_sub, prev_version, user)


def good_values(**changes: Any) -> dict[str, Any]:
    """A valid electrification plan (form/service values)."""
    values: dict[str, Any] = {
        "title": "Warmtepomp droogkamers",
        "route": Route.ELECTRIFICATION,
        "technology": "hogetemperatuurwarmtepomp",
        "co2_reduction_t": 3_000.0,
        "investment_decision_year": 2026,
        "in_operation_year": 2028,
        "electricity_delta_gwh": 8.5,
        "extra_capacity_mw": 2.0,
        "voltage_level": VoltageLevel.MV,
        "gas_delta_m3": -1_500_000.0,
        "grid_need": GridNeed.LARGER,
        "status": PlanStatus.FEASIBILITY,
    }
    values.update(changes)
    return values


def headers(requested: list[str] | None = None) -> list[str]:
    return [c.header for c in (round_columns(requested) if requested is not None else COLUMNS)]


def good_row(**changes: Any) -> dict[str, Any]:
    """A valid row keyed by column header (cells as a person would type them)."""
    row: dict[str, Any] = {
        "Locatie (ETS-id of platform-id)": "NL_901",
        "Kenmerk": "OVEN-1",
        "Titel": "Elektrische oven",
        "Route": "Elektrificatie",
        "Techniek": "elektrische tunneloven",
        "Omschrijving": "",
        "Temperatuurniveau vervangen warmte": "Zeer hoog (> 500 °C)",
        "CO2-reductie (t/jaar)": 15000,
        "Jaar investeringsbesluit": 2026,
        "Jaar in bedrijf": 2029,
        "Verandering elektriciteitsverbruik (GWh/jaar)": 42.5,
        "Extra gecontracteerd vermogen (MW)": 8,
        "Spanningsniveau": "Middenspanning",
        "Verandering aardgasverbruik (m3/jaar)": -6_000_000,
        "Waterstof (t/jaar)": 0,
        "Groen gas (m3/jaar)": 0,
        "Af te voeren CO2 (t/jaar)": 0,
        "Verandering warmte (GWh/jaar)": 0,
        "Netaansluiting nodig": "Grotere aansluiting",
        "Waterstofaansluiting nodig": "nee",
        "CO2-aansluiting nodig": "nee",
        "Groen gas nodig": "nee",
        "Warmtenet nodig": "nee",
        "Datum aanvraag transportcapaciteit (datum)": "2024-03-01",
        "Prioriteitsklasse (ACM)": "Overig",
        "Accepteert flexibel contract": "ja",
        "Investering (EUR)": 25_000_000,
        "Onrendabele top (EUR)": 9_000_000,
        "Status": "Haalbaarheidsstudie",
        "Reden statuswijziging": "",
    }
    row.update(changes)
    return row


def xlsx_bytes(rows: list[dict[str, Any]], columns: list[str] | None = None, sheet: str = "Plannen") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    cols = columns or headers()
    ws.append(cols)
    for row in rows:
        ws.append([row.get(c) for c in cols])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, Any]], columns: list[str] | None = None, delimiter: str = ";") -> bytes:
    import csv

    cols = columns or headers()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def upload(content: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f
