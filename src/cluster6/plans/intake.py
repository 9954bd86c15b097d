"""Plan submissions as files: the columns of a round, the XLSX template and CSV, the parser and the domain
checks that the web form and the upload share.

Everything here is free of the database: the services build a `IntakeContext` (the round's columns, the
company's locations with their latest emissions, the draft's current values) and pass it in.

Rules (also in docs/formats.md, "Plan submissions (XLSX/CSV)"):

- Columns: the core columns (location, reference, title, route, CO2 reduction, in-operation year, status)
  are always asked; the other columns only when the round requests them (an empty list requests all).
  A file must contain every column of its round (one error names all missing ones); unknown columns are
  ignored; headers match with or without their unit, case-insensitively, or by field name.
- Numbers: XLSX number cells as they are; text in Dutch notation ("1.234,5", "12,5", "1.500" = 1500) or
  with a decimal point ("12.5"); anything else ("abc", "5 MW") is "geen getal".
- Domain checks: see `check_plan`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster6.core.errors import RowError
from cluster6.core.exports import CsvForm, csv_bytes, unescape_text, xlsx_bytes
from cluster6.core.safefiles import TableGuard, UnsafeFile, check_xlsx, decode_text, file_limits

from .constants import GridNeed, PlanStatus, PriorityClass, Route, TemperatureLevel, VoltageLevel

#: The sheets of the XLSX template.
SHEET_PLANS = "Plannen"
SHEET_LOCATIONS = "Locaties"
SHEET_HELP = "Toelichting"
SHEET_LISTS = "Keuzelijsten"

#: Years a plan may name (the model's validators).
YEAR_MIN, YEAR_MAX = 2000, 2070
#: A plan in operation more than this many years before the round's year is history, not a plan.
YEARS_BEFORE_ROUND = 5

#: Cell values that mean "empty".
EMPTY = frozenset({"", "-", "–", "n.v.t.", "nvt", "n/a", "na"})
TRUE_WORDS = frozenset({"ja", "j", "1", "true", "waar", "yes", "y", "x"})
FALSE_WORDS = frozenset({"nee", "n", "0", "false", "onwaar", "no"})

MAX_ROWS = 2_000

#: The plausible range of each number of one plan at one production location (docs/formats.md): wide
#: enough for the largest industrial site in the Netherlands, narrow enough to catch a unit or typing
#: error (kg for tonnes, Wh for MWh, a pasted account number).
RANGES: dict[str, tuple[float, float]] = {
    "co2_reduction_t": (0, 10_000_000),  # 10 Mton a year; cluster 6 together emits about 4.7 Mton
    "electricity_delta_gwh": (-20_000, 20_000),  # 20 TWh a year; the largest sites use a few TWh
    "extra_capacity_mw": (0, 2_000),  # 2 GW; the largest grid connections are about 1 GW
    "gas_delta_m3": (-2_000_000_000, 2_000_000_000),  # 2 billion m3 a year; industry uses about 10
    "hydrogen_t": (0, 1_000_000),  # 1 Mton a year: all Dutch hydrogen use today
    "green_gas_m3": (0, 2_000_000_000),  # 2 billion m3 a year: the national 2030 target
    "co2_transport_t": (0, 10_000_000),
    "heat_delta_gwh": (-20_000, 20_000),
    "capex_eur": (0, 10_000_000_000),  # EUR 10 billion
    "funding_gap_eur": (0, 10_000_000_000),
}


class Kind(StrEnum):
    LOCATION = "location"
    REFERENCE = "reference"
    TEXT = "text"
    LONGTEXT = "longtext"
    NUMBER = "number"
    YEAR = "year"
    CHOICE = "choice"
    BOOL = "bool"
    DATE = "date"


class Group(StrEnum):
    PROJECT = "project"
    TIMING = "timing"
    ENERGY = "energy"
    COSTS = "costs"
    STATUS = "status"


GROUP_LABELS: dict[Group, str | Promise] = {
    Group.PROJECT: gettext_lazy("Project"),
    Group.TIMING: gettext_lazy("Planning"),
    Group.ENERGY: gettext_lazy("Energie en infrastructuur"),
    Group.COSTS: gettext_lazy("Kosten"),
    Group.STATUS: gettext_lazy("Status"),
}


@dataclass(frozen=True)
class Column:
    """One column of the file and one field of the form."""

    name: str  # a PlanVersion field, or "location" / "reference"
    label: str | Promise  # Dutch, without unit
    kind: Kind
    group: Group
    help: str | Promise
    unit: str | Promise = ""
    required: bool = False  # the cell (form field) must have a value
    core: bool = False  # asked in every round
    minimum: float | None = None
    max_length: int | None = None
    choices: type[models.Choices] | None = None

    @property
    def header(self) -> str:
        """The column header: label and unit, e.g. 'CO2-reductie (t/jaar)'."""
        return f"{self.label} ({self.unit})" if self.unit else str(self.label)


COLUMNS: tuple[Column, ...] = (
    Column(
        "location",
        gettext_lazy("Locatie"),
        Kind.LOCATION,
        Group.PROJECT,
        gettext_lazy(
            "De productielocatie: haar EU ETS-installatienummer (bijv. NL_144) of haar platform-id, "
            "zie het blad Locaties."
        ),
        unit=gettext_lazy("ETS-id of platform-id"),
        required=True,
        core=True,
    ),
    Column(
        "reference",
        gettext_lazy("Kenmerk"),
        Kind.REFERENCE,
        Group.PROJECT,
        gettext_lazy(
            "Uw eigen kenmerk van het plan, uniek per locatie; hiermee herkent het platform het plan in "
            "volgende rondes. Leeg bij een nieuw plan: het platform kent een kenmerk toe."
        ),
        core=True,
        max_length=60,
    ),
    Column(
        "title",
        gettext_lazy("Titel"),
        Kind.TEXT,
        Group.PROJECT,
        gettext_lazy("Korte naam van het project."),
        required=True,
        core=True,
        max_length=200,
    ),
    Column(
        "route",
        gettext_lazy("Route"),
        Kind.CHOICE,
        Group.PROJECT,
        gettext_lazy("De verduurzamingsroute."),
        required=True,
        core=True,
        choices=Route,
    ),
    Column(
        "technology",
        gettext_lazy("Techniek"),
        Kind.TEXT,
        Group.PROJECT,
        gettext_lazy("De techniek, bijv. elektrische stoomboiler of warmtepomp."),
        max_length=200,
    ),
    Column(
        "description",
        gettext_lazy("Omschrijving"),
        Kind.LONGTEXT,
        Group.PROJECT,
        gettext_lazy("Toelichting op het plan."),
    ),
    Column(
        "temperature_level",
        gettext_lazy("Temperatuurniveau vervangen warmte"),
        Kind.CHOICE,
        Group.PROJECT,
        gettext_lazy("Het temperatuurniveau van de warmte die het plan vervangt."),
        choices=TemperatureLevel,
    ),
    Column(
        "co2_reduction_t",
        gettext_lazy("CO2-reductie"),
        Kind.NUMBER,
        Group.PROJECT,
        gettext_lazy(
            "De verwachte CO2-reductie per jaar zodra het plan in bedrijf is; niet meer dan de "
            "laatst bekende uitstoot van de locatie."
        ),
        unit=gettext_lazy("t/jaar"),
        required=True,
        core=True,
        minimum=0,
    ),
    Column(
        "investment_decision_year",
        gettext_lazy("Jaar investeringsbesluit"),
        Kind.YEAR,
        Group.TIMING,
        gettext_lazy("Het (geplande) jaar van het investeringsbesluit; niet na het jaar in bedrijf."),
    ),
    Column(
        "in_operation_year",
        gettext_lazy("Jaar in bedrijf"),
        Kind.YEAR,
        Group.TIMING,
        gettext_lazy("Het jaar waarin het plan in bedrijf gaat (2000–2070)."),
        required=True,
        core=True,
    ),
    Column(
        "electricity_delta_gwh",
        gettext_lazy("Verandering elektriciteitsverbruik"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Meer (positief) of minder (negatief) elektriciteit per jaar."),
        unit=gettext_lazy("GWh/jaar"),
    ),
    Column(
        "extra_capacity_mw",
        gettext_lazy("Extra gecontracteerd vermogen"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Het extra transportvermogen dat het plan vraagt."),
        unit="MW",
        minimum=0,
    ),
    Column(
        "voltage_level",
        gettext_lazy("Spanningsniveau"),
        Kind.CHOICE,
        Group.ENERGY,
        gettext_lazy("Het spanningsniveau van de (extra) aansluiting; nodig bij extra vermogen."),
        choices=VoltageLevel,
    ),
    Column(
        "gas_delta_m3",
        gettext_lazy("Verandering aardgasverbruik"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Meer (positief) of minder (negatief) aardgas per jaar."),
        unit=gettext_lazy("m3/jaar"),
    ),
    Column(
        "hydrogen_t",
        gettext_lazy("Waterstof"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Benodigde waterstof per jaar."),
        unit=gettext_lazy("t/jaar"),
        minimum=0,
    ),
    Column(
        "green_gas_m3",
        gettext_lazy("Groen gas"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Benodigd groen gas per jaar."),
        unit=gettext_lazy("m3/jaar"),
        minimum=0,
    ),
    Column(
        "co2_transport_t",
        gettext_lazy("Af te voeren CO2"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("CO2 die per jaar moet worden afgevoerd (CCS)."),
        unit=gettext_lazy("t/jaar"),
        minimum=0,
    ),
    Column(
        "heat_delta_gwh",
        gettext_lazy("Verandering warmte"),
        Kind.NUMBER,
        Group.ENERGY,
        gettext_lazy("Meer (positief) of minder (negatief) warmte per jaar."),
        unit=gettext_lazy("GWh/jaar"),
    ),
    Column(
        "grid_need",
        gettext_lazy("Netaansluiting nodig"),
        Kind.CHOICE,
        Group.ENERGY,
        gettext_lazy("Een nieuwe of grotere elektriciteitsaansluiting."),
        choices=GridNeed,
    ),
    Column(
        "needs_hydrogen",
        gettext_lazy("Waterstofaansluiting nodig"),
        Kind.BOOL,
        Group.ENERGY,
        gettext_lazy("ja of nee"),
    ),
    Column(
        "needs_co2", gettext_lazy("CO2-aansluiting nodig"), Kind.BOOL, Group.ENERGY, gettext_lazy("ja of nee")
    ),
    Column(
        "needs_green_gas", gettext_lazy("Groen gas nodig"), Kind.BOOL, Group.ENERGY, gettext_lazy("ja of nee")
    ),
    Column("needs_heat", gettext_lazy("Warmtenet nodig"), Kind.BOOL, Group.ENERGY, gettext_lazy("ja of nee")),
    Column(
        "grid_request_date",
        gettext_lazy("Datum aanvraag transportcapaciteit"),
        Kind.DATE,
        Group.ENERGY,
        gettext_lazy("Wanneer de transportcapaciteit is aangevraagd, als JJJJ-MM-DD of DD-MM-JJJJ."),
        unit=gettext_lazy("datum"),
    ),
    Column(
        "priority_class",
        gettext_lazy("Prioriteitsklasse (ACM)"),
        Kind.CHOICE,
        Group.ENERGY,
        gettext_lazy("De maatschappelijke prioriteit van de aanvraag volgens de ACM."),
        choices=PriorityClass,
    ),
    Column(
        "accepts_flexible_contract",
        gettext_lazy("Accepteert flexibel contract"),
        Kind.BOOL,
        Group.ENERGY,
        gettext_lazy("ja of nee: een niet-vast of tijdsgebonden transportcontract is bespreekbaar."),
    ),
    Column(
        "capex_eur",
        gettext_lazy("Investering"),
        Kind.NUMBER,
        Group.COSTS,
        gettext_lazy("De geraamde investering."),
        unit="EUR",
        minimum=0,
    ),
    Column(
        "funding_gap_eur",
        gettext_lazy("Onrendabele top"),
        Kind.NUMBER,
        Group.COSTS,
        gettext_lazy(
            "Het deel van de investering dat zich niet terugverdient; niet meer dan de investering."
        ),
        unit="EUR",
        minimum=0,
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        Kind.CHOICE,
        Group.STATUS,
        gettext_lazy("De stand van het plan."),
        required=True,
        core=True,
        choices=PlanStatus,
    ),
    Column(
        "status_reason",
        gettext_lazy("Reden statuswijziging"),
        Kind.LONGTEXT,
        Group.STATUS,
        gettext_lazy("Waarom de status veranderde; verplicht bij uitgesteld of afgeblazen."),
    ),
)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
#: The PlanVersion fields the file and the form carry (all but the plan identity).
VERSION_FIELDS: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if c.kind not in (Kind.LOCATION, Kind.REFERENCE)
)

#: The values of a new plan's fields that the round does not ask for (the model's defaults).
DEFAULTS: dict[str, Any] = {
    "technology": "",
    "description": "",
    "temperature_level": TemperatureLevel.NONE,
    "investment_decision_year": None,
    "electricity_delta_gwh": 0.0,
    "extra_capacity_mw": 0.0,
    "voltage_level": "",
    "gas_delta_m3": 0.0,
    "hydrogen_t": 0.0,
    "green_gas_m3": 0.0,
    "co2_transport_t": 0.0,
    "heat_delta_gwh": 0.0,
    "grid_need": GridNeed.NONE,
    "needs_hydrogen": False,
    "needs_co2": False,
    "needs_green_gas": False,
    "needs_heat": False,
    "grid_request_date": None,
    "priority_class": PriorityClass.OTHER,
    "accepts_flexible_contract": False,
    "capex_eur": None,
    "funding_gap_eur": None,
    "status": PlanStatus.IDEA,
    "status_reason": "",
}


def round_columns(requested_fields: Sequence[str] | None) -> list[Column]:
    """The columns a round asks for, in template order: the core columns and the requested fields
    (an empty or missing list requests all)."""
    wanted = set(requested_fields or ())
    if not wanted:
        return list(COLUMNS)
    return [c for c in COLUMNS if c.core or c.name in wanted]


# -- cell parsing ------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message is Dutch and names the value."""


_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DUTCH = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


def parse_number(value: object) -> float:
    """A number from a cell: XLSX numbers as they are; text in Dutch notation (decimal comma, thousands
    dots: "1.234,5"), or with a decimal point ("12.5"); "1.500" is Dutch for 1500."""
    if isinstance(value, bool):
        raise CellError(_("geen getal: '%(value)s'") % {"value": value})
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise CellError(_("getal te groot: '%(value)s'") % {"value": _short(value)}) from None
    else:
        raw = str(value).strip()
        compact = raw.replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
        if _THOUSANDS.match(compact):
            number = float(compact.replace(".", ""))
        elif "," in compact and _DUTCH.match(compact):
            number = float(compact.replace(".", "").replace(",", "."))
        elif _PLAIN.match(compact):
            number = float(compact)
        else:
            raise CellError(_("geen getal: '%(value)s'") % {"value": raw})
    if not math.isfinite(number):
        raise CellError(_("geen eindig getal: '%(value)s'") % {"value": _short(value)})
    return number


def _short(value: object) -> str:
    """A cell's value for a message, at most 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def range_message(name: str, value: float) -> str | None:
    """The message when `value` lies outside the plausible range of field `name` (None when inside)."""
    if name not in RANGES:
        return None
    low, high = RANGES[name]
    if low <= value <= high:
        return None
    column = COLUMNS_BY_NAME.get(name)
    unit = f" {column.unit}" if column is not None and column.unit else ""
    return _("%(value)s ligt buiten het toegestane bereik van %(min)s tot %(max)s%(unit)s") % {
        "value": format_number(value) if abs(value) < 1e15 else f"{value:g}",
        "min": format_number(low),
        "max": format_number(high),
        "unit": unit,
    }


def date_message(value: dt.date) -> str | None:
    if YEAR_MIN <= value.year <= YEAR_MAX:
        return None
    return _("datum %(value)s ligt buiten %(min)s–%(max)s") % {
        "value": value.strftime("%d-%m-%Y"),
        "min": YEAR_MIN,
        "max": YEAR_MAX,
    }


def parse_year(value: object) -> int:
    try:
        number = parse_number(value)
    except CellError:
        raise CellError(_("geen geldig jaartal: '%(value)s'") % {"value": _show(value)}) from None
    if not number.is_integer():
        raise CellError(_("geen geldig jaartal: '%(value)s'") % {"value": _show(value)})
    year = int(number)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(
            _("jaartal %(value)s ligt buiten %(min)s–%(max)s")
            % {"value": year, "min": YEAR_MIN, "max": YEAR_MAX}
        )
    return year


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = _show(value).strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(_("geen ja/nee-waarde: '%(value)s'") % {"value": _show(value)})


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _show(value).strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise CellError(_("geen geldige datum (JJJJ-MM-DD): '%(value)s'") % {"value": raw})


def _norm(text: str) -> str:
    """Lower case, no accents, subscripts as digits, letters and digits only."""
    text = text.replace("₂", "2").replace("³", "3").replace("€", "eur")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def choice_lookup(choices: type[models.Choices]) -> dict[str, Any]:
    """Normalised code, Dutch label and current-language label -> value."""
    lookup: dict[str, Any] = {}
    labels: list[tuple[Any, str]] = []
    with translation.override("nl"):
        labels += [(value, str(label)) for value, label in choices.choices]
    labels += [(value, str(label)) for value, label in choices.choices]
    for value, label in labels:
        lookup[_norm(label)] = value
        lookup[_norm(str(value))] = value
    return lookup


def parse_choice(value: object, choices: type[models.Choices]) -> Any:
    raw = _show(value).strip()
    found = choice_lookup(choices).get(_norm(raw))
    if found is None:
        with translation.override("nl"):
            allowed = ", ".join(str(label) for _v, label in choices.choices)
        raise CellError(
            _("onbekende waarde: '%(value)s' (toegestaan: %(allowed)s)") % {"value": raw, "allowed": allowed}
        )
    return found


def parse_text(value: object, *, max_length: int | None) -> str:
    text = _show(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(_("te lang: %(n)s tekens, maximaal %(max)s") % {"n": len(text), "max": max_length})
    return text


def _show(value: object) -> str:
    """A cell as text (whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_cell(column: Column, value: object) -> Any:
    """The Python value of one non-empty cell, or CellError."""
    if column.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.REFERENCE, Kind.LOCATION):
        return parse_text(value, max_length=column.max_length)
    if column.kind == Kind.NUMBER:
        number = parse_number(value)
        if column.minimum is not None and number < column.minimum:
            raise CellError(
                _("%(value)s is negatief; dit veld moet 0 of meer zijn") % {"value": format_number(number)}
            )
        out_of_range = range_message(column.name, number)
        if out_of_range:
            raise CellError(out_of_range)
        return number
    if column.kind == Kind.YEAR:
        return parse_year(value)
    if column.kind == Kind.BOOL:
        return parse_bool(value)
    if column.kind == Kind.DATE:
        date = parse_date(value)
        out_of_range = date_message(date)
        if out_of_range:
            raise CellError(out_of_range)
        return date
    assert column.choices is not None
    return parse_choice(value, column.choices)


def format_number(value: float | int | None, *, thousands: bool = True) -> str:
    """Dutch notation: '1.234,5'; whole numbers without decimals; '' for None."""
    if value is None:
        return ""
    number = float(value)
    if number.is_integer():
        text = f"{int(number):,}" if thousands else str(int(number))
        return text.replace(",", ".")
    text = f"{number:,.6f}".rstrip("0").rstrip(".") if thousands else f"{number:.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


# -- the context the checks need ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationInfo:
    """A company location as the form and the file show it (registry data, read-only)."""

    pk: int
    name: str
    ets_installation_id: str | None
    city: str = ""
    sector: str = ""
    latest_emission_year: int | None = None
    latest_emission_t: int | None = None
    gas_use_m3: int | None = None
    electricity_use_gwh: float | None = None
    contracted_capacity_mw: float | None = None
    grid_operator: str = ""

    @property
    def token(self) -> str:
        """How a file names this location: its ETS installation id, else its platform id."""
        return self.ets_installation_id or str(self.pk)


@dataclass(frozen=True)
class IntakeContext:
    """What validating one submission needs: the round's columns and year, the company's locations,
    and the values the draft already holds per (location id, reference) (carried over for the fields
    the round does not ask for)."""

    round_year: int
    columns: list[Column]
    locations: Mapping[int, LocationInfo]
    existing: Mapping[tuple[int, str], Mapping[str, Any]] = field(default_factory=dict)

    @property
    def shown(self) -> set[str]:
        return {c.name for c in self.columns}

    def find_location(self, token: str) -> LocationInfo | None:
        """A location by ETS installation id (case-insensitive) or platform id."""
        wanted = token.strip()
        for info in self.locations.values():
            if info.ets_installation_id and info.ets_installation_id.lower() == wanted.lower():
                return info
        digits = wanted[1:] if wanted.startswith("#") else wanted
        if re.fullmatch(r"\d+(\.0+)?", digits):
            return self.locations.get(int(float(digits)))
        return None


# -- domain checks ------------------------------------------------------------------------------------

Rule = Callable[[Mapping[str, Any], IntakeContext, LocationInfo | None], str | None]


@dataclass(frozen=True)
class DomainRule:
    """A check over several fields of one plan. `field` is the field the message is reported on; the rule
    is skipped when that field is not asked in the round or when any of `uses` could not be read."""

    field: str
    uses: tuple[str, ...]
    check: Rule


def _num(values: Mapping[str, Any], name: str) -> float:
    value = values.get(name)
    return float(value) if isinstance(value, int | float) else 0.0


def _decision_after_operation(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    decision, operation = v.get("investment_decision_year"), v.get("in_operation_year")
    if decision is not None and operation is not None and decision > operation:
        return _("het investeringsbesluit (%(d)s) ligt na het jaar in bedrijf (%(o)s)") % {
            "d": decision,
            "o": operation,
        }
    return None


def _operation_too_early(v: Mapping[str, Any], c: IntakeContext, _l: LocationInfo | None) -> str | None:
    operation = v.get("in_operation_year")
    earliest = c.round_year - YEARS_BEFORE_ROUND
    if operation is not None and operation < earliest:
        return _("jaar in bedrijf %(o)s ligt meer dan %(n)s jaar vóór deze ronde (vroegst %(min)s)") % {
            "o": operation,
            "n": YEARS_BEFORE_ROUND,
            "min": earliest,
        }
    return None


def _reduction_above_emissions(
    v: Mapping[str, Any], _c: IntakeContext, loc: LocationInfo | None
) -> str | None:
    reduction = v.get("co2_reduction_t")
    if loc is None or loc.latest_emission_t is None or reduction is None:
        return None
    if reduction > loc.latest_emission_t:
        return _(
            "de CO2-reductie (%(r)s t/jaar) is groter dan de laatst bekende uitstoot van de locatie "
            "(%(e)s t in %(y)s)"
        ) % {
            "r": format_number(reduction),
            "e": format_number(loc.latest_emission_t),
            "y": loc.latest_emission_year,
        }
    return None


def _electrification_without_grid(
    v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None
) -> str | None:
    if v.get("route") != Route.ELECTRIFICATION or v.get("grid_need") != GridNeed.NONE:
        return None
    if _num(v, "extra_capacity_mw") > 0 or _num(v, "electricity_delta_gwh") > 0:
        return _(
            "elektrificatie zonder netaansluiting: het plan vraagt extra vermogen of elektriciteit, "
            "maar 'Netaansluiting nodig' is 'Geen'"
        )
    return None


def _voltage_missing(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    if _num(v, "extra_capacity_mw") > 0 and not v.get("voltage_level"):
        return _("spanningsniveau ontbreekt bij extra gecontracteerd vermogen")
    return None


def _hydrogen_without_connection(
    v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None
) -> str | None:
    if v.get("route") == Route.HYDROGEN and not v.get("needs_hydrogen"):
        return _("waterstofroute zonder waterstofaansluiting: zet 'Waterstofaansluiting nodig' op ja")
    return None


def _ccs_without_connection(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    if v.get("route") == Route.CCS and not v.get("needs_co2"):
        return _("CCS zonder CO2-aansluiting: zet 'CO2-aansluiting nodig' op ja")
    return None


def _ccs_without_transport(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    if v.get("route") == Route.CCS and _num(v, "co2_transport_t") <= 0:
        return _("CCS zonder af te voeren CO2: vul de hoeveelheid CO2 (t/jaar) in")
    return None


def _status_without_reason(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    if (
        v.get("status") in (PlanStatus.POSTPONED, PlanStatus.CANCELLED)
        and not (v.get("status_reason") or "").strip()
    ):
        return _("geef een reden bij de status uitgesteld of afgeblazen")
    return None


def _gap_above_capex(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    capex, gap = v.get("capex_eur"), v.get("funding_gap_eur")
    if capex is not None and gap is not None and gap > capex:
        return _("de onrendabele top (%(g)s EUR) is groter dan de investering (%(c)s EUR)") % {
            "g": format_number(gap),
            "c": format_number(capex),
        }
    return None


def _range_rule(name: str) -> Rule:
    def check(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
        value = v.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        return range_message(name, float(value))

    return check


def _date_in_range(v: Mapping[str, Any], _c: IntakeContext, _l: LocationInfo | None) -> str | None:
    value = v.get("grid_request_date")
    return date_message(value) if isinstance(value, dt.date) else None


RULES: tuple[DomainRule, ...] = (
    *(DomainRule(name, (name,), _range_rule(name)) for name in RANGES),
    DomainRule("grid_request_date", ("grid_request_date",), _date_in_range),
    DomainRule(
        "investment_decision_year",
        ("investment_decision_year", "in_operation_year"),
        _decision_after_operation,
    ),
    DomainRule("in_operation_year", ("in_operation_year",), _operation_too_early),
    DomainRule("co2_reduction_t", ("co2_reduction_t", "location"), _reduction_above_emissions),
    DomainRule(
        "grid_need",
        ("route", "grid_need", "extra_capacity_mw", "electricity_delta_gwh"),
        _electrification_without_grid,
    ),
    DomainRule("voltage_level", ("extra_capacity_mw", "voltage_level"), _voltage_missing),
    DomainRule("needs_hydrogen", ("route", "needs_hydrogen"), _hydrogen_without_connection),
    DomainRule("needs_co2", ("route", "needs_co2"), _ccs_without_connection),
    DomainRule("co2_transport_t", ("route", "co2_transport_t"), _ccs_without_transport),
    DomainRule("status_reason", ("status", "status_reason"), _status_without_reason),
    DomainRule("funding_gap_eur", ("capex_eur", "funding_gap_eur"), _gap_above_capex),
)


def check_plan(
    values: Mapping[str, Any],
    context: IntakeContext,
    location: LocationInfo | None,
    *,
    unreadable: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """The domain problems of one plan as (field, Dutch message); `values` holds every field (asked or
    carried over), `unreadable` the fields whose input could not be read (their rules are skipped)."""
    skip = set(unreadable)
    shown = context.shown
    problems: list[tuple[str, str]] = []
    for rule in RULES:
        if rule.field not in shown or skip.intersection(rule.uses):
            continue
        message = rule.check(values, context, location)
        if message:
            problems.append((rule.field, message))
    return problems


# -- reading files ------------------------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of an uploaded file: header and (line, cells); lines as a spreadsheet or editor shows them."""

    sheet: str
    header: list[str]
    rows: list[tuple[int, list[object]]]


@dataclass(frozen=True)
class ParsedRow:
    """One valid row: its line, its location, its reference ("" = a new plan) and the values of every
    PlanVersion field (asked, carried over from the draft, or default)."""

    line: int
    location: LocationInfo
    reference: str
    values: dict[str, Any]


@dataclass
class ParseResult:
    sheet: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def read_table(content: bytes, name: str) -> tuple[Table | None, list[RowError]]:
    """The table of an XLSX (sheet "Plannen", or the only sheet) or CSV file (`;` or `,`, UTF-8 with or
    without BOM, UTF-16 with BOM; Windows-1252 as a fallback for Excel's "CSV" on Windows).

    The file is checked before it is parsed (core/safefiles.py): its size, for an XLSX the zip directory
    (members, uncompressed size, compression ratio), XML entity declarations and each sheet's dimension,
    rows and cells; for a CSV its encoding, NUL characters, rows, columns and cells. A refused file gives
    one file-level error naming the file."""
    limits = file_limits("plan")
    try:
        if is_xlsx(content):
            check_xlsx(content, name, limits)
            return _read_xlsx(content, name, max_rows=limits.max_rows, max_columns=limits.max_columns)
        return _read_csv(content, name, guard=TableGuard(name, limits))
    except UnsafeFile as exc:
        return None, [RowError(exc.line, exc.field, exc.message, name or None)]


#: What openpyxl (and the zip and XML libraries under it) raise on a broken file.
_XLSX_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    KeyError,
    ValueError,  # also defusedxml's refusals and Python's limit on the digits of an integer
    TypeError,
    IndexError,
    AttributeError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    SyntaxError,  # xml.etree's ParseError
)


def _read_xlsx(
    content: bytes, name: str, *, max_rows: int, max_columns: int
) -> tuple[Table | None, list[RowError]]:
    from openpyxl import load_workbook

    def unreadable(exc: Exception) -> tuple[None, list[RowError]]:
        return None, [
            RowError(
                None,
                "",
                _("het bestand is geen leesbaar XLSX-bestand (%(err)s)") % {"err": _short(exc)},
                name or None,
            )
        ]

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        return unreadable(exc)
    try:
        if SHEET_PLANS in book.sheetnames:
            sheet = book[SHEET_PLANS]
        elif len(book.sheetnames) == 1:
            sheet = book[book.sheetnames[0]]
        else:
            return None, [
                RowError(None, "", _("het blad '%(sheet)s' ontbreekt") % {"sheet": SHEET_PLANS}, SHEET_PLANS)
            ]
        title = str(sheet.title)
        # bounded: openpyxl fills gaps between row numbers and pads rows to the width it is given
        width = min(int(getattr(sheet, "max_column", None) or max_columns), max_columns)
        iterator = sheet.iter_rows(values_only=True, max_row=max_rows + 1, max_col=width)
        first = next(iterator, None)
        if first is None:
            return None, [RowError(None, "", _("het blad is leeg"), title)]
        header = [_show(h).strip() for h in first]
        rows: list[tuple[int, list[object]]] = []
        for line, cells in enumerate(iterator, start=2):
            if line > max_rows:
                return None, [RowError(None, "", _("meer dan %(n)s regels") % {"n": max_rows}, title)]
            values: list[object] = list(cells)
            if any(not is_empty(v) for v in values):
                rows.append((line, values))
            if len(rows) > MAX_ROWS:
                return None, [RowError(None, "", _("meer dan %(n)s regels") % {"n": MAX_ROWS}, title)]
        return Table(sheet=title, header=header, rows=rows), []
    except _XLSX_ERRORS as exc:
        return unreadable(exc)
    finally:
        book.close()


def _read_csv(content: bytes, name: str, *, guard: TableGuard) -> tuple[Table | None, list[RowError]]:
    sheet = name or "CSV"
    text = decode_text(content, sheet, fallback="cp1252")
    if not text.strip():
        return None, [RowError(None, "", _("het bestand is leeg"), sheet)]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        guard.header(len(header))
        rows: list[tuple[int, list[object]]] = []
        start = reader.line_num + 1
        for record in reader:
            guard.row(len(record), line=start)
            if any(cell.strip() for cell in record):
                # a template downloaded as CSV escapes formula-like text with a quote: take it off again
                rows.append((start, [unescape_text(cell) for cell in record]))
            if len(rows) > MAX_ROWS:
                return None, [RowError(None, "", _("meer dan %(n)s regels") % {"n": MAX_ROWS}, sheet)]
            start = reader.line_num + 1
    except csv.Error as exc:
        return None, [RowError(None, "", _("ongeldige CSV: %(err)s") % {"err": exc}, sheet)]
    return Table(sheet=sheet, header=header, rows=rows), []


def header_index(header: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[RowError]]:
    """Column name -> position in the header. A header matches a column by its full header, its label
    without unit or its field name (case, accents, spaces and punctuation ignored)."""
    keys: dict[str, str] = {}
    for column in columns:
        with translation.override("nl"):
            label = str(column.label)
            full = column.header
        for key in (full, label, column.name):
            keys.setdefault(_norm(key), column.name)
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for position, title in enumerate(header):
        name = keys.get(_norm(title))
        if name is None:
            continue  # unknown columns are ignored
        if name in found:
            errors.append(RowError(1, title, _("kolom staat dubbel in de kop")))
            continue
        found[name] = position
    return found, errors


def parse_table(table: Table, context: IntakeContext) -> ParseResult:
    """Every row of `table` checked against the round's columns and the domain rules; every problem is
    named by sheet, line and column header."""
    result = ParseResult(sheet=table.sheet)
    with translation.override("nl"):
        headers = {c.name: c.header for c in context.columns}
    positions, errors = header_index(table.header, context.columns)
    for error in errors:
        result.errors.append(RowError(error.line, error.field, error.message, table.sheet))
    missing = [headers[c.name] for c in context.columns if c.name not in positions]
    if missing:
        result.errors.append(
            RowError(
                1,
                ", ".join(missing),
                _("verplichte kolommen ontbreken: %(columns)s") % {"columns": ", ".join(missing)},
                table.sheet,
            )
        )
        return result
    seen: dict[tuple[int, str], int] = {}
    for line, cells in table.rows:
        row = _parse_row(line, cells, positions, context, headers, result, seen)
        if row is not None:
            result.rows.append(row)
    if not table.rows:
        result.errors.append(RowError(None, "", _("het bestand bevat geen plannen"), table.sheet))
    return result


def _parse_row(
    line: int,
    cells: Sequence[object],
    positions: Mapping[str, int],
    context: IntakeContext,
    headers: Mapping[str, str],
    result: ParseResult,
    seen: dict[tuple[int, str], int],
) -> ParsedRow | None:
    errors_before = len(result.errors)

    def fail(name: str, message: str) -> None:
        result.errors.append(RowError(line, headers.get(name, name), message, result.sheet))

    parsed: dict[str, Any] = {}
    unreadable: set[str] = set()
    for column in context.columns:
        position = positions[column.name]
        value = cells[position] if position < len(cells) else None
        if is_empty(value):
            if column.required:
                fail(column.name, _("verplicht veld is leeg"))
                unreadable.add(column.name)
            continue
        try:
            parsed[column.name] = parse_cell(column, value)
        except CellError as exc:
            fail(column.name, str(exc))
            unreadable.add(column.name)

    location: LocationInfo | None = None
    token = parsed.pop("location", None)
    if token is not None:
        location = context.find_location(token)
        if location is None:
            fail(
                "location",
                _("onbekende locatie '%(value)s': geen van uw locaties (zie het blad Locaties)")
                % {"value": token},
            )
            unreadable.add("location")
    reference = str(parsed.pop("reference", "") or "")
    if location is not None and reference:
        key = (location.pk, reference.lower())
        if key in seen:
            fail(
                "reference",
                _("kenmerk '%(ref)s' staat voor deze locatie al op regel %(line)s")
                % {"ref": reference, "line": seen[key]},
            )
        else:
            seen[key] = line

    values = dict(DEFAULTS)
    if location is not None and reference:
        carried = context.existing.get((location.pk, reference))
        if carried:
            values.update({k: v for k, v in carried.items() if k in VERSION_FIELDS})
    for column in context.columns:  # an asked but empty optional field is empty, not carried over
        if column.name in VERSION_FIELDS and column.name not in parsed and not column.required:
            values[column.name] = DEFAULTS.get(column.name)
    values.update(parsed)
    for name, message in check_plan(values, context, location, unreadable=unreadable):
        fail(name, message)
    if len(result.errors) > errors_before or location is None:
        return None
    return ParsedRow(line=line, location=location, reference=reference, values=values)


# -- writing files -----------------------------------------------------------------------------------------


def cell_value(column: Column, value: Any) -> Any:
    """A field's value as a template cell: labels for choices, ja/nee, numbers and dates as they are."""
    if value is None or value == "":
        return None
    if column.kind == Kind.CHOICE and column.choices is not None:
        with translation.override("nl"):
            labels = {v: str(label) for v, label in column.choices.choices}
        return labels.get(value, value)
    if column.kind == Kind.BOOL:
        return "ja" if value else "nee"
    return value


def build_csv(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The same columns as the template as CSV for Dutch Excel (`cluster6.core.exports`): `;`-separated,
    UTF-8 with BOM, Dutch decimal comma, text that would be a formula prefixed with `'`."""
    with translation.override("nl"):
        header = [c.header for c in columns]
    body = [[cell_value(c, row.get(c.name)) for c in columns] for row in rows]
    return csv_bytes(header, body, form=CsvForm.EXCEL)


def build_xlsx(
    *,
    round_name: str,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    locations: Sequence[LocationInfo],
) -> bytes:
    """The round's template: "Plannen" (header + the company's current plans, with choice lists and
    number checks), "Locaties" (the company's locations), "Toelichting" (each column) and the hidden
    "Keuzelijsten" that the choice lists refer to."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="154273")
    with translation.override("nl"):
        book = Workbook()
        plans = book.active
        assert plans is not None
        plans.title = SHEET_PLANS
        plans.append([c.header for c in columns])
        for cell in plans[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        plans.freeze_panes = "A2"
        count = 0
        for row in rows:
            plans.append([cell_value(c, row.get(c.name)) for c in columns])
            count += 1

        lists = book.create_sheet(SHEET_LISTS)
        locs = book.create_sheet(SHEET_LOCATIONS)
        help_sheet = book.create_sheet(SHEET_HELP)

        # Locaties
        locs.append(
            [
                str(_("Locatie (ETS-id of platform-id)")),
                str(_("Platform-id")),
                str(_("EU ETS-installatie")),
                str(_("Naam")),
                str(_("Plaats")),
                str(_("Sector")),
                str(_("Jaar laatste uitstoot")),
                str(_("Laatste uitstoot (t CO2-eq)")),
            ]
        )
        for cell in locs[1]:
            cell.font, cell.fill = bold, fill
        for info in locations:
            locs.append(
                [
                    info.token,
                    info.pk,
                    info.ets_installation_id or "",
                    info.name,
                    info.city,
                    info.sector,
                    info.latest_emission_year,
                    info.latest_emission_t,
                ]
            )
        for letter, width in zip("ABCDEFGH", (26, 12, 18, 40, 20, 28, 12, 18), strict=True):
            locs.column_dimensions[letter].width = width

        # Keuzelijsten (hidden) and the validations of the Plannen sheet
        last = max(count + 1, 1000)
        list_column = 0
        for position, column in enumerate(columns, start=1):
            letter = get_column_letter(position)
            span = f"{letter}2:{letter}{last}"
            plans.column_dimensions[letter].width = 16 if column.kind != Kind.LONGTEXT else 40
            options: list[str] = []
            if column.kind == Kind.CHOICE and column.choices is not None:
                options = [str(label) for _v, label in column.choices.choices]
            elif column.kind == Kind.BOOL:
                options = ["ja", "nee"]
            if options:
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(row=1, column=list_column, value=column.header)
                for i, option in enumerate(options, start=2):
                    lists.cell(row=i, column=list_column, value=option)
                ref = f"{SHEET_LISTS}!${list_letter}$2:${list_letter}${len(options) + 1}"
                validation = DataValidation(type="list", formula1=ref, allow_blank=not column.required)
            elif column.kind == Kind.LOCATION and locations:
                ref = f"{SHEET_LOCATIONS}!$A$2:$A${len(locations) + 1}"
                validation = DataValidation(type="list", formula1=ref, allow_blank=False)
            elif column.kind == Kind.YEAR:
                validation = DataValidation(
                    type="whole",
                    operator="between",
                    formula1=str(YEAR_MIN),
                    formula2=str(YEAR_MAX),
                    allow_blank=not column.required,
                )
            elif column.kind == Kind.NUMBER and column.minimum is not None:
                validation = DataValidation(
                    type="decimal",
                    operator="greaterThanOrEqual",
                    formula1="0",
                    allow_blank=not column.required,
                )
            else:
                continue
            validation.error = str(_("Ongeldige waarde; zie het blad Toelichting."))
            validation.errorTitle = column.header
            validation.showErrorMessage = True
            plans.add_data_validation(validation)
            validation.add(span)
        lists.sheet_state = "hidden"

        # Toelichting
        help_sheet.append([str(_("Uitvraag")), round_name])
        help_sheet.append([])
        help_sheet.append(
            [
                str(_("Kolom")),
                str(_("Veld")),
                str(_("Eenheid")),
                str(_("Verplicht")),
                str(_("Toegestane waarden")),
                str(_("Uitleg")),
            ]
        )
        for cell in help_sheet[3]:
            cell.font, cell.fill = bold, fill
        for column in columns:
            allowed = ""
            if column.choices is not None:
                allowed = "; ".join(str(label) for _v, label in column.choices.choices)
            elif column.kind == Kind.BOOL:
                allowed = "ja; nee"
            elif column.kind == Kind.YEAR:
                allowed = f"{YEAR_MIN}–{YEAR_MAX}"
            elif column.kind == Kind.NUMBER:
                allowed = str(_("getal ≥ 0")) if column.minimum is not None else str(_("getal"))
            help_sheet.append(
                [
                    column.header,
                    column.name,
                    str(column.unit),
                    str(_("ja")) if column.required else str(_("nee")),
                    allowed,
                    str(column.help),
                ]
            )
        help_sheet.append([])
        for note in (
            _(
                "Getallen: een getal in een cel, of tekst in Nederlandse notatie (1.234,5). "
                "Geen eenheden in de cel."
            ),
            _("Een upload vervangt alle plannen van uw concept; bij één fout wordt niets opgeslagen."),
            _("Het blad Locaties toont uw locaties met hun laatst bekende uitstoot (alleen ter informatie)."),
        ):
            help_sheet.append([str(note)])
        for letter, width in zip("ABCDEF", (38, 26, 12, 10, 50, 80), strict=True):
            help_sheet.column_dimensions[letter].width = width
        book.move_sheet(lists, offset=3)

    return xlsx_bytes(book)


def display_value(column: Column, value: Any) -> str:
    """A field's value for people: labels for choices, ja/nee, Dutch numbers, dates as d-m-yyyy."""
    if value is None or value == "":
        return "–"
    if column.kind == Kind.CHOICE and column.choices is not None:
        return str(dict(column.choices.choices).get(value, value))
    if column.kind == Kind.BOOL:
        return str(_("ja")) if value else str(_("nee"))
    if column.kind == Kind.NUMBER and isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)
