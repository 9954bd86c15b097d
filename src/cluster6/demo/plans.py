"""Synthetic decarbonisation plans for the demo locations over three survey rounds (issue 3, point 6).

`generate_plans(ds)` is pure and deterministic: from the demo data set (and its seed, on a random stream
of its own, so the rest of the data set does not change) it builds the rounds, the plans of the cluster-6
demo locations with their life over the rounds, the submissions per company and round, and consents.
`demo_plans_write` stores them in bulk; `demo_plans_delete` removes them again (`demo --reset`).

What it models (docs/demo-data.md, "Plans"): mostly electrification; some hydrogen for high-temperature
heat; CCS mainly at ceramics and waste incineration; green gas at ceramics and glass; energy efficiency
everywhere. Between rounds a share of the plans is postponed (hydrogen and CCS most, then electrification
behind a congested grid; many past 2030), some are cancelled (reported as cancelled, or silently dropped),
a few are accelerated or change their reduction, and new plans come in. The infrastructure a version
needs follows from its route and reduction (extra MW and a larger connection for electrification; a
hydrogen, CO2 or green-gas connection for those routes).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, batched
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from cluster6.plans.constants import (
    ConsentPurpose,
    GridNeed,
    PlanStatus,
    PriorityClass,
    RoundKind,
    RoundStatus,
    Route,
    SubmissionStatus,
    TemperatureLevel,
    VoltageLevel,
)
from cluster6.plans.models import Consent, Plan, PlanVersion, Submission, SurveyRound
from cluster6.registry.constants import CLUSTER6, DataOrigin, OrganisationKind, Sector
from cluster6.registry.models import Organisation

from . import profiles as pf
from .generator import DemoDataset, DemoLocation, grid_key, province_key

#: Codes of the rounds the demo creates start with this; their names end in "(demo)".
DEMO_ROUND_PREFIX = "demo-"
#: The random stream of the plans (the data set's seed, then this), apart from the locations' stream.
PLAN_STREAM = 6
#: The grid operator and province the demo company account's company consents to.
DEMO_COMPANY_GRANTEES = (("Liander", OrganisationKind.GRID_OPERATOR), ("PV25", OrganisationKind.PROVINCE))
BATCH_SIZE = 2000


@dataclass(frozen=True)
class DemoRound:
    code: str
    name: str
    kind: str
    opens_on: date
    closes_on: date
    status: str
    year: int  # the year the answers describe the world in
    answers_until: date  # the last day the demo places a submission on


DEMO_ROUNDS: tuple[DemoRound, ...] = (
    DemoRound(
        "demo-pces-2023",
        "pCES 2023 (demo)",
        RoundKind.PCES,
        date(2023, 3, 1),
        date(2023, 9, 30),
        RoundStatus.CLOSED,
        2023,
        date(2023, 9, 30),
    ),
    DemoRound(
        "demo-lces-2024",
        "L-CES 2024 (demo)",
        RoundKind.LCES,
        date(2024, 2, 1),
        date(2024, 6, 30),
        RoundStatus.CLOSED,
        2024,
        date(2024, 6, 30),
    ),
    DemoRound(
        "demo-dsh-2025",
        "DSH 2025 (demo)",
        RoundKind.DSH,
        date(2025, 9, 1),
        date(2026, 12, 31),
        RoundStatus.OPEN,
        2025,
        date(2026, 6, 30),
    ),
)
N_ROUNDS = len(DEMO_ROUNDS)

# ------------------------------------------------------------------------------------ calibration tables

_R = Route
#: Route of a plan by sector (weights). Waste: the AVIs (ETS) and recycling (non-ETS) differ.
ROUTE_WEIGHTS: dict[str, dict[str, float]] = {
    Sector.CERAMICS: {_R.ELECTRIFICATION: 0.30, _R.GREEN_GAS: 0.22, _R.CCS: 0.18, _R.HYDROGEN: 0.10,
                      _R.EFFICIENCY: 0.20},
    Sector.GLASS: {_R.ELECTRIFICATION: 0.42, _R.GREEN_GAS: 0.22, _R.HYDROGEN: 0.14, _R.EFFICIENCY: 0.17,
                   _R.RESIDUAL_HEAT: 0.05},
    "avi": {_R.CCS: 0.55, _R.RESIDUAL_HEAT: 0.25, _R.ELECTRIFICATION: 0.10, _R.EFFICIENCY: 0.10},
    "recycling": {_R.ELECTRIFICATION: 0.60, _R.EFFICIENCY: 0.35, _R.OTHER: 0.05},
    Sector.FOOD: {_R.ELECTRIFICATION: 0.59, _R.EFFICIENCY: 0.25, _R.RESIDUAL_HEAT: 0.08, _R.BIOMASS: 0.07,
                  _R.GREEN_GAS: 0.01},
    Sector.PAPER: {_R.ELECTRIFICATION: 0.52, _R.EFFICIENCY: 0.20, _R.BIOMASS: 0.14, _R.RESIDUAL_HEAT: 0.09,
                   _R.HYDROGEN: 0.05},
    Sector.CHEMICALS: {_R.ELECTRIFICATION: 0.48, _R.HYDROGEN: 0.16, _R.EFFICIENCY: 0.23,
                       _R.RESIDUAL_HEAT: 0.10, _R.CCS: 0.03},
    Sector.BASIC_METAL: {_R.ELECTRIFICATION: 0.58, _R.HYDROGEN: 0.17, _R.EFFICIENCY: 0.25},
    Sector.BUILDING_MATERIALS: {_R.ELECTRIFICATION: 0.40, _R.GREEN_GAS: 0.04, _R.HYDROGEN: 0.10,
                                _R.BIOMASS: 0.14, _R.EFFICIENCY: 0.28, _R.CCS: 0.02},
    Sector.OIL_GAS: {_R.ELECTRIFICATION: 0.72, _R.EFFICIENCY: 0.28},
    Sector.ICT: {_R.EFFICIENCY: 0.45, _R.RESIDUAL_HEAT: 0.45, _R.ELECTRIFICATION: 0.10},
    Sector.OTHER_INDUSTRY: {_R.ELECTRIFICATION: 0.56, _R.EFFICIENCY: 0.30, _R.GREEN_GAS: 0.02,
                            _R.BIOMASS: 0.05, _R.OTHER: 0.03},
}  # fmt: skip

#: A plan's reduction as a share of its site's emissions (uniform range), by route.
REDUCTION_SHARE: dict[str, tuple[float, float]] = {
    _R.ELECTRIFICATION: (0.22, 0.60),
    _R.HYDROGEN: (0.20, 0.50),
    _R.CCS: (0.50, 0.85),
    _R.GREEN_GAS: (0.15, 0.45),
    _R.EFFICIENCY: (0.05, 0.18),
    _R.RESIDUAL_HEAT: (0.10, 0.35),
    _R.BIOMASS: (0.15, 0.40),
    _R.OTHER: (0.05, 0.20),
}
#: The most a site's plans reduce together, as a share of its emissions.
SITE_REDUCTION_CAP = 0.9

#: Years from the round's year to the in-operation year of a plan when it first appears (values, weights).
FIRST_YEAR_OFFSET: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    _R.EFFICIENCY: ((1, 2, 3, 4), (0.30, 0.35, 0.25, 0.10)),
    _R.ELECTRIFICATION: ((2, 3, 4, 5, 6, 7, 8), (0.12, 0.20, 0.22, 0.18, 0.12, 0.10, 0.06)),
    _R.CCS: ((3, 4, 5, 6, 7, 8), (0.15, 0.25, 0.25, 0.15, 0.10, 0.10)),
    _R.HYDROGEN: ((5, 6, 7, 8, 9, 10), (0.20, 0.25, 0.20, 0.15, 0.10, 0.10)),
}
DEFAULT_YEAR_OFFSET = ((2, 3, 4, 5, 6), (0.15, 0.25, 0.25, 0.20, 0.15))

#: Plans per cluster-6 site (values, weights), for ETS and non-ETS sites.
PLANS_PER_ETS_SITE = ((1, 2, 3, 4), (0.26, 0.36, 0.24, 0.14))
PLANS_PER_NON_ETS_SITE = ((0, 1, 2, 3), (0.15, 0.50, 0.25, 0.10))
#: The round a plan first exists in (weights per round): most plans were known in 2023; new ones came later.
FIRST_ROUND_WEIGHTS = (0.76, 0.14, 0.10)

#: Participation of a company per round: first round; later rounds given it answered the round before or not.
PARTICIPATION_FIRST = 0.62
PARTICIPATION_AFTER = ((0.97, 0.75), (0.97, 0.35))
#: In the open round, the share of participants that have only a draft so far.
DRAFT_SHARE_OPEN = 0.03
#: Share of submissions that were reopened and submitted again (closed rounds) or are being revised (open).
REOPENED_SHARE = 0.04

#: Per transition between rounds (into round 1, round 2): base chances of cancellation and postponement.
CANCEL_BASE = (0.045, 0.09)
POSTPONE_BASE = (0.10, 0.23)
ACCELERATE_P = 0.03
REDUCTION_CHANGE_P = 0.12
PROGRESS_P = 0.35
#: Multipliers by route (electrification: also by congestion of the site's grid area).
CANCEL_FACTOR: dict[str, float] = {
    _R.HYDROGEN: 2.0,
    _R.CCS: 1.2,
    _R.GREEN_GAS: 1.3,
    _R.BIOMASS: 1.3,
    _R.EFFICIENCY: 0.4,
}
POSTPONE_FACTOR: dict[str, float] = {
    _R.HYDROGEN: 3.5,
    _R.CCS: 3.0,
    _R.GREEN_GAS: 1.3,
    _R.EFFICIENCY: 0.4,
    _R.BIOMASS: 0.8,
}
CONGESTED_ELECTRIFICATION = 1.7
UNCONGESTED_ELECTRIFICATION = 0.7
#: Share of cancellations the company reports as such (status cancelled); the rest silently drops the plan.
CANCEL_REPORTED = 0.65

#: Consents of the other demo companies: to their grid operator, to their province; share later revoked.
CONSENT_GRID_SHARE = 0.40
CONSENT_PROVINCE_SHARE = 0.20
CONSENT_REVOKED_SHARE = 0.05

#: Investment per t/yr of reduction (EUR, uniform range), by route.
CAPEX_PER_T: dict[str, tuple[float, float]] = {
    _R.ELECTRIFICATION: (250.0, 700.0),
    _R.HYDROGEN: (600.0, 1200.0),
    _R.CCS: (900.0, 1800.0),
    _R.GREEN_GAS: (50.0, 200.0),
    _R.EFFICIENCY: (100.0, 400.0),
}

#: Energy conversions for the infrastructure figures.
KWH_PER_M3_GAS = 9.77
MWH_PER_T_H2 = 39.4
HOURS = 8760.0

TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    _R.ELECTRIFICATION: (
        "Elektrische stoomketel (e-boiler)",
        "Hogetemperatuurwarmtepomp",
        "Mechanische damprecompressie (MVR)",
        "Elektrische procesoven",
    ),
    _R.HYDROGEN: ("Waterstofbrander voor hogetemperatuurproces", "Oven op waterstof"),
    _R.CCS: ("CO₂-afvang uit rookgassen (post-combustion)", "CO₂-afvang en vloeibaar maken voor transport"),
    _R.GREEN_GAS: ("Overstap op groen gas", "Groengasbranders in de oven"),
    _R.EFFICIENCY: (
        "Warmteterugwinning en isolatie",
        "Procesoptimalisatie",
        "Warmtepomp voor ruimte- en proceswarmte",
    ),
    _R.RESIDUAL_HEAT: ("Restwarmte uitwisselen via een warmtenet", "Aansluiting op regionaal warmtenet"),
    _R.BIOMASS: ("Biomassaketel (houtsnippers)", "Stoom uit biomassa"),
    _R.OTHER: ("Circulaire grondstoffen", "Alternatieve bindmiddelen"),
}
SECTOR_TECHNOLOGIES: dict[tuple[str, str], tuple[str, ...]] = {
    (Sector.CERAMICS, _R.ELECTRIFICATION): (
        "Elektrische tunneloven",
        "Elektrische droogkamers met warmtepomp",
    ),
    (Sector.GLASS, _R.ELECTRIFICATION): ("Hybride elektrische glasoven", "All-electric smeltoven"),
    (Sector.BASIC_METAL, _R.ELECTRIFICATION): ("Inductieoven", "Elektrische warmtebehandelingsoven"),
    (Sector.OIL_GAS, _R.ELECTRIFICATION): (
        "Elektrificatie van compressoren",
        "Elektrische aandrijving pompen",
    ),
    (Sector.PAPER, _R.ELECTRIFICATION): ("Elektrische stoomketel (e-boiler)", "MVR op de droogpartij"),
    (Sector.BUILDING_MATERIALS, _R.ELECTRIFICATION): (
        "Elektrische drogers",
        "Elektrische asfaltmenginstallatie",
    ),
}
#: Technologies with a heat pump (coefficient of performance > 1) rather than resistive heating.
HEAT_PUMPS = ("warmtepomp", "MVR", "damprecompressie")

DESCRIPTIONS: dict[str, str] = {
    _R.ELECTRIFICATION: "Warmte uit aardgas vervangen door elektrische warmte; vraagt extra netcapaciteit.",
    _R.HYDROGEN: "Aardgas vervangen door waterstof voor het hogetemperatuurproces.",
    _R.CCS: "CO₂ afvangen en afvoeren naar opslag; vraagt een CO₂-aansluiting of transport per schip.",
    _R.GREEN_GAS: "Aardgas vervangen door groen gas in de bestaande branders.",
    _R.EFFICIENCY: "Minder energie per product door warmteterugwinning en procesverbetering.",
    _R.RESIDUAL_HEAT: "Warmte uitwisselen met buren of een warmtenet in plaats van aardgas te stoken.",
    _R.BIOMASS: "Stoom of warmte uit duurzame biomassa in plaats van aardgas.",
    _R.OTHER: "Andere grondstoffen of processen met minder uitstoot.",
}

POSTPONE_REASONS: dict[str, str] = {
    "congestion": "Netcongestie: de netbeheerder kan de extra transportcapaciteit niet op tijd leveren.",
    _R.HYDROGEN: "Geen tijdige aansluiting op het waterstofnetwerk; waterstof is vóór 2030 niet beschikbaar.",
    _R.CCS: "Geen CO₂-transport en -opslag beschikbaar vóór 2030 (grote afstand tot de hoofdinfrastructuur).",
    _R.GREEN_GAS: "Onvoldoende groen gas beschikbaar tegen een haalbare prijs.",
    "gap": "Onrendabele top te groot; wacht op subsidie (SDE++ of VEKI).",
    "permit": "Vergunningverlening loopt vertraging op.",
}
CANCEL_REASONS: dict[str, str] = {
    _R.HYDROGEN: "Geen perspectief op waterstofinfrastructuur op deze locatie.",
    _R.CCS: "Geen perspectief op CO₂-infrastructuur; afvoer per schip te duur.",
    "gap": "Business case sluit niet: onrendabele top te groot.",
    "technical": "Technisch niet haalbaar gebleken in de haalbaarheidsstudie.",
    "production": "Productie op deze locatie wordt afgebouwd.",
}
REOPEN_REASON = "Heropend op verzoek van het bedrijf om een onjuist ingevulde CO₂-reductie te corrigeren."

#: Status by years until the in-operation year when a plan is first reported.
_STATUS_LADDER = (
    PlanStatus.IDEA,
    PlanStatus.FEASIBILITY,
    PlanStatus.INVESTMENT_DECISION,
    PlanStatus.CONSTRUCTION,
    PlanStatus.OPERATING,
)


# ---------------------------------------------------------------------------------------- plain output


@dataclass(frozen=True)
class DemoPlan:
    """A plan's identity and what stays the same over the rounds."""

    location_index: int  # index into DemoDataset.locations
    reference: str
    route: str
    technology: str
    temperature_level: str
    cop: float  # heat delivered per unit of electricity (electrification, heat-pump efficiency)
    load_factor: float
    grid_need: str
    grid_request_date: date | None
    priority_class: int
    accepts_flexible_contract: bool
    capex_per_t: float | None  # EUR per t/yr of reduction
    funding_gap_share: float


@dataclass(frozen=True)
class DemoVersion:
    """What one submission says about one plan (the rest follows from the plan: `version_fields`)."""

    plan_index: int
    in_operation_year: int
    investment_decision_year: int | None
    co2_reduction_t: float
    status: str
    status_reason: str = ""


@dataclass(frozen=True)
class DemoSubmission:
    company_key: str
    round_index: int
    revision: int
    status: str
    submitted_at: datetime | None
    reopened_at: datetime | None
    versions: tuple[DemoVersion, ...]


@dataclass(frozen=True)
class DemoConsent:
    owner_key: str
    grantee_key: str
    purpose: str
    valid_from: date
    valid_until: date
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class DemoPlanSet:
    rounds: tuple[DemoRound, ...]
    plans: tuple[DemoPlan, ...]
    submissions: tuple[DemoSubmission, ...]
    consents: tuple[DemoConsent, ...]

    def summary(self) -> dict[str, Any]:
        """Counts, and per round the submitted reduction before 2030 of the latest submitted revisions."""
        latest: dict[tuple[str, int], DemoSubmission] = {}
        for s in self.submissions:
            if s.status == SubmissionStatus.SUBMITTED:
                key = (s.company_key, s.round_index)
                if key not in latest or latest[key].revision < s.revision:
                    latest[key] = s
        before: dict[str, float] = defaultdict(float)
        for (_company, r), s in latest.items():
            for v in s.versions:
                if v.status != PlanStatus.CANCELLED and v.in_operation_year <= 2030:
                    before[self.rounds[r].code] += v.co2_reduction_t
        return {
            "plans": len(self.plans),
            "plan_versions": sum(len(s.versions) for s in self.submissions),
            "submissions": len(self.submissions),
            "consents": len(self.consents),
            "reduction_before_2030_mt": {code: round(t / 1e6, 3) for code, t in sorted(before.items())},
        }


def version_fields(plan: DemoPlan, version: DemoVersion) -> dict[str, Any]:
    """The energy and infrastructure figures of a version, consistent with its route and reduction."""
    t = version.co2_reduction_t
    gas_m3 = t / pf.CO2_T_PER_M3_GAS
    heat_gwh = gas_m3 * KWH_PER_M3_GAS / 1e6 * 0.9  # useful heat of the replaced gas
    fields: dict[str, Any] = {
        "electricity_delta_gwh": 0.0,
        "extra_capacity_mw": 0.0,
        "voltage_level": "",
        "gas_delta_m3": -round(gas_m3, -3),
        "hydrogen_t": 0.0,
        "green_gas_m3": 0.0,
        "co2_transport_t": 0.0,
        "heat_delta_gwh": 0.0,
        "grid_need": str(plan.grid_need),
        "needs_hydrogen": plan.route == Route.HYDROGEN,
        "needs_co2": plan.route == Route.CCS,
        "needs_green_gas": plan.route == Route.GREEN_GAS,
        "needs_heat": plan.route == Route.RESIDUAL_HEAT,
    }
    electricity = 0.0
    if plan.route in (Route.ELECTRIFICATION, Route.EFFICIENCY) and plan.grid_need != GridNeed.NONE:
        electricity = heat_gwh / plan.cop
    elif plan.route == Route.CCS:
        electricity = t / 1000 * 0.12  # capture and compression: about 0.12 GWh per kt
        fields["gas_delta_m3"] = 0.0
        fields["co2_transport_t"] = round(t / 0.9)
    elif plan.route == Route.HYDROGEN:
        fields["hydrogen_t"] = round(heat_gwh * 1000 / MWH_PER_T_H2, 1)
    elif plan.route == Route.GREEN_GAS:
        fields["green_gas_m3"] = round(gas_m3, -3)
    elif plan.route == Route.RESIDUAL_HEAT:
        fields["heat_delta_gwh"] = round(heat_gwh, 2)
    elif plan.route == Route.OTHER:
        fields["gas_delta_m3"] = -round(gas_m3 / 2, -3)
    if electricity:
        mw = electricity * 1000 / (HOURS * plan.load_factor)
        fields["electricity_delta_gwh"] = round(electricity, 2)
        fields["extra_capacity_mw"] = round(mw, 2)
        fields["voltage_level"] = str(
            VoltageLevel.EHV if mw >= 100 else VoltageLevel.HV if mw >= 10 else VoltageLevel.MV
        )
    capex = plan.capex_per_t * t if plan.capex_per_t is not None else None
    fields["capex_eur"] = round(capex, -3) if capex is not None else None
    fields["funding_gap_eur"] = round(capex * plan.funding_gap_share, -3) if capex is not None else None
    return fields


# ------------------------------------------------------------------------------------------- generator


class _Draw:
    """Scalar draws from one numpy Generator (faster than Generator.choice in loops)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, PLAN_STREAM])
        self._cumulative: dict[tuple[float, ...], list[float]] = {}

    def u(self) -> float:
        return float(self.rng.random())

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.u()

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return low + min(int(self.u() * (high - low + 1)), high - low)

    def pick[T](self, options: Sequence[T], weights: Sequence[float]) -> T:
        key = tuple(weights)
        cumulative = self._cumulative.get(key)
        if cumulative is None:
            cumulative = self._cumulative[key] = list(accumulate(weights))
        i = bisect.bisect_right(cumulative, self.u() * cumulative[-1])
        return options[min(i, len(options) - 1)]

    def one[T](self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def moment(self, first: date, last: date) -> datetime:
        """A working-hours moment between two days (UTC)."""
        day = first + timedelta(days=self.integer(0, max((last - first).days, 0)))
        return datetime(day.year, day.month, day.day, self.integer(7, 15), self.integer(0, 59), tzinfo=UTC)


@dataclass
class _State:
    year: int
    decision_year: int | None
    reduction: float
    status: str
    reason: str = ""


@dataclass
class _Life:
    """A plan over the rounds: its state per round (None: not yet conceived, or dropped)."""

    plan: DemoPlan
    first_round: int
    states: list[_State | None]


def _route_table(location: DemoLocation) -> dict[str, float]:
    if location.sector == Sector.WASTE:
        return ROUTE_WEIGHTS["avi" if location.is_ets else "recycling"]
    return ROUTE_WEIGHTS.get(location.sector, ROUTE_WEIGHTS[Sector.OTHER_INDUSTRY])


def _temperature(draw: _Draw, sector: str, route: str) -> str:
    T = TemperatureLevel
    if route == Route.CCS:
        return T.NONE
    if route == Route.HYDROGEN:
        return draw.pick((T.HIGH, T.VERY_HIGH), (0.4, 0.6))
    if route == Route.RESIDUAL_HEAT:
        return T.LOW
    if sector in (Sector.CERAMICS, Sector.GLASS, Sector.BASIC_METAL):
        return draw.pick((T.MEDIUM, T.HIGH, T.VERY_HIGH), (0.2, 0.4, 0.4))
    if sector in (Sector.CHEMICALS, Sector.PAPER, Sector.BUILDING_MATERIALS, Sector.OIL_GAS):
        return draw.pick((T.LOW, T.MEDIUM, T.HIGH), (0.2, 0.55, 0.25))
    return draw.pick((T.LOW, T.MEDIUM), (0.55, 0.45))


def _initial_status(draw: _Draw, years_ahead: int) -> str:
    S = PlanStatus
    if years_ahead <= 1:
        return draw.pick((S.INVESTMENT_DECISION, S.CONSTRUCTION), (0.4, 0.6))
    if years_ahead == 2:
        return draw.pick((S.FEASIBILITY, S.INVESTMENT_DECISION), (0.5, 0.5))
    if years_ahead <= 4:
        return draw.pick((S.IDEA, S.FEASIBILITY), (0.3, 0.7))
    return draw.pick((S.IDEA, S.FEASIBILITY), (0.6, 0.4))


def _lead_years(route: str) -> int:
    return 1 if route == Route.EFFICIENCY else 3 if route in (Route.CCS, Route.HYDROGEN) else 2


def _cap_site(site: list[_Life], emission: float) -> None:
    """Keep a site's plans below its emissions in every round (reduction changes can add up)."""
    for r in range(N_ROUNDS):
        active = [
            state
            for life in site
            if (state := life.states[r]) is not None and state.status != PlanStatus.CANCELLED
        ]
        total = sum(state.reduction for state in active)
        if total > SITE_REDUCTION_CAP * emission:
            factor = SITE_REDUCTION_CAP * emission / total
            for state in active:
                state.reduction = float(max(math.floor(state.reduction * factor), 1))


class _PlanGenerator:
    def __init__(self, ds: DemoDataset) -> None:
        self.ds = ds
        self.draw = _Draw(ds.seed)
        areas = {a.code: a for a in ds.areas}
        self.congested: dict[int, bool] = {}
        for i, loc in enumerate(ds.locations):
            area = areas.get(loc.area_code)
            self.congested[i] = area is not None and (
                (area.status_withdrawal or 0) >= 2 or (area.tennet_status_withdrawal or 0) >= 3
            )

    # -- plans and their lives -------------------------------------------------------------------

    def new_plan(self, index: int, location: DemoLocation, k: int) -> DemoPlan:
        d = self.draw
        table = _route_table(location)
        route = d.pick(list(table), list(table.values()))
        options = SECTOR_TECHNOLOGIES.get((location.sector, route), TECHNOLOGIES[route])
        technology = d.one(options)
        heat_pump = any(word in technology for word in HEAT_PUMPS)
        if route == Route.ELECTRIFICATION:
            grid_need = d.pick((GridNeed.LARGER, GridNeed.NEW), (0.8, 0.2))
        elif route == Route.EFFICIENCY and heat_pump:
            grid_need = GridNeed.LARGER
        elif route == Route.CCS:
            grid_need = d.pick((GridNeed.LARGER, GridNeed.NONE), (0.6, 0.4))
        else:
            grid_need = GridNeed.NONE
        needs_grid = grid_need != GridNeed.NONE
        flexible = needs_grid and d.u() < 0.25
        capex_range = CAPEX_PER_T.get(route, (300.0, 800.0))
        return DemoPlan(
            location_index=index,
            reference=f"VP-{k:02d}",
            route=route,
            technology=technology,
            temperature_level=_temperature(d, location.sector, route),
            cop=round(d.uniform(2.5, 4.0), 2) if heat_pump else 0.95,
            load_factor=round(d.uniform(0.45, 0.75), 2),
            grid_need=grid_need,
            grid_request_date=date(2021 + d.integer(0, 3), d.integer(1, 12), d.integer(1, 28))
            if needs_grid
            else None,
            priority_class=PriorityClass.CONGESTION_RELIEF
            if flexible and d.u() < 0.15
            else PriorityClass.OTHER,
            accepts_flexible_contract=flexible,
            capex_per_t=round(d.uniform(*capex_range)) if d.u() < 0.9 else None,
            funding_gap_share=round(d.uniform(0.15, 0.6), 2),
        )

    def first_state(self, plan: DemoPlan, round_index: int, reduction: float) -> _State:
        d = self.draw
        offsets, weights = FIRST_YEAR_OFFSET.get(plan.route, DEFAULT_YEAR_OFFSET)
        ahead = d.pick(offsets, weights)
        year = DEMO_ROUNDS[round_index].year + ahead
        decision = year - _lead_years(plan.route) - d.integer(0, 1)
        return _State(year, decision, reduction, _initial_status(d, ahead))

    def step(self, life: _Life, r: int) -> _State | None:
        """The state in round r from the state in round r - 1 (None: dropped without a word)."""
        d = self.draw
        prev = life.states[r - 1]
        assert prev is not None
        if prev.status == PlanStatus.CANCELLED:
            return None
        route = life.plan.route
        now = DEMO_ROUNDS[r].year
        state = _State(prev.year, prev.decision_year, prev.reduction, prev.status)
        if prev.status == PlanStatus.OPERATING:
            return state
        congested = self.congested[life.plan.location_index]
        if route == Route.ELECTRIFICATION:
            factor = CONGESTED_ELECTRIFICATION if congested else UNCONGESTED_ELECTRIFICATION
        else:
            factor = POSTPONE_FACTOR.get(route, 1.0)
        p_cancel = CANCEL_BASE[r - 1] * CANCEL_FACTOR.get(route, 1.3 if congested else 1.0)
        p_postpone = min(POSTPONE_BASE[r - 1] * factor, 0.85)
        u = d.u()
        if u < p_cancel:
            if d.u() >= CANCEL_REPORTED:
                return None
            reason_key = route if route in CANCEL_REASONS else d.one(("gap", "technical", "production"))
            state.status, state.reason = PlanStatus.CANCELLED, CANCEL_REASONS[reason_key]
            return state
        overdue = prev.year < now
        if overdue and u >= p_cancel + p_postpone:
            if d.u() < 0.75:
                state.status = PlanStatus.OPERATING
                return state
            u = p_cancel  # otherwise it slips: a postponement
        if u < p_cancel + p_postpone:
            if route in (Route.HYDROGEN, Route.CCS):
                shift = d.integer(2, 5)
            else:
                shift = d.pick((1, 2, 3, 4), (0.3, 0.3, 0.25, 0.15))
            state.year = max(prev.year + shift, now + 1)
            if route == Route.HYDROGEN and state.year <= 2030 and d.u() < 0.8:
                state.year = 2031 + d.integer(0, 3)  # almost no hydrogen before 2030
            if state.decision_year is not None:
                state.decision_year = min(state.decision_year + shift, state.year)
            state.status = PlanStatus.POSTPONED
            if route == Route.ELECTRIFICATION and congested:
                key = "congestion"
            elif route in POSTPONE_REASONS:
                key = route
            else:
                key = d.one(("gap", "permit"))
            state.reason = POSTPONE_REASONS[key]
        elif u < p_cancel + p_postpone + ACCELERATE_P and prev.year > now + 1:
            state.year = prev.year - 1
            if state.decision_year is not None:
                state.decision_year = min(state.decision_year, state.year)
        elif prev.status == PlanStatus.POSTPONED:
            state.status = PlanStatus.FEASIBILITY  # picked up again, with the new year
        elif d.u() < PROGRESS_P:
            position = _STATUS_LADDER.index(PlanStatus(prev.status)) if prev.status in _STATUS_LADDER else 0
            state.status = _STATUS_LADDER[min(position + 1, len(_STATUS_LADDER) - 2)]
        if d.u() < REDUCTION_CHANGE_P:
            state.reduction = round(prev.reduction * d.pick((0.75, 0.85, 1.15, 1.3), (0.25, 0.3, 0.3, 0.15)))
        return state

    def lives(self) -> list[_Life]:
        d = self.draw
        lives: list[_Life] = []
        for index, location in enumerate(self.ds.locations):
            if location.cluster_derived != CLUSTER6:
                continue
            counts, weights = PLANS_PER_ETS_SITE if location.is_ets else PLANS_PER_NON_ETS_SITE
            n = d.pick(counts, weights)
            if n == 0:
                continue
            plans = [self.new_plan(index, location, k + 1) for k in range(n)]
            emission = float(location.emission(pf.REFERENCE_YEAR) or location.emissions[-1][1])
            shares = [d.uniform(*REDUCTION_SHARE[p.route]) for p in plans]
            scale = min(1.0, SITE_REDUCTION_CAP / sum(shares))
            site: list[_Life] = []
            for plan, share in zip(plans, shares, strict=True):
                first = d.pick(range(N_ROUNDS), FIRST_ROUND_WEIGHTS)
                reduction = max(round(emission * share * scale), 1)
                states: list[_State | None] = [None] * N_ROUNDS
                states[first] = self.first_state(plan, first, float(reduction))
                life = _Life(plan, first, states)
                for r in range(first + 1, N_ROUNDS):
                    if life.states[r - 1] is None:
                        break
                    life.states[r] = self.step(life, r)
                site.append(life)
            _cap_site(site, emission)
            lives += site
        return lives

    # -- submissions ------------------------------------------------------------------------------

    def submissions(self, lives: list[_Life]) -> list[DemoSubmission]:
        d = self.draw
        by_company: dict[str, list[int]] = defaultdict(list)
        for i, life in enumerate(lives):
            by_company[self.ds.locations[life.plan.location_index].operator_key].append(i)
        out: list[DemoSubmission] = []
        for company in sorted(by_company, key=lambda key: int(key.split(":")[1])):
            answered_before = False
            for r, rnd in enumerate(DEMO_ROUNDS):
                after = PARTICIPATION_AFTER[r - 1] if r else (PARTICIPATION_FIRST, PARTICIPATION_FIRST)
                p = after[0 if answered_before else 1]
                answered_before = d.u() < p
                if not answered_before:
                    continue
                versions = tuple(
                    DemoVersion(
                        plan_index=i,
                        in_operation_year=s.year,
                        investment_decision_year=s.decision_year,
                        co2_reduction_t=s.reduction,
                        status=s.status,
                        status_reason=s.reason,
                    )
                    for i in by_company[company]
                    if (s := lives[i].states[r]) is not None
                )
                if not versions:
                    continue
                is_open = rnd.status == RoundStatus.OPEN
                when = d.moment(rnd.opens_on + timedelta(days=14), rnd.answers_until)
                if is_open and d.u() < DRAFT_SHARE_OPEN:
                    out.append(DemoSubmission(company, r, 1, SubmissionStatus.DRAFT, None, None, versions))
                    continue
                if d.u() < REOPENED_SHARE:
                    when = min(when, datetime.combine(rnd.answers_until - timedelta(days=31), when.timetz()))
                    # One figure was wrong in the first revision; the company had it reopened.
                    j = d.integer(0, len(versions) - 1)
                    wrong = versions[j].co2_reduction_t * d.pick((0.5, 0.8), (0.5, 0.5))
                    first = tuple(
                        replace(v, co2_reduction_t=float(round(wrong))) if k == j else v
                        for k, v in enumerate(versions)
                    )
                    reopened = when + timedelta(days=d.integer(3, 20))
                    later = reopened + timedelta(days=d.integer(1, 10))
                    if is_open:  # the correction is still a draft: the first revision counts
                        out.append(
                            DemoSubmission(company, r, 1, SubmissionStatus.SUBMITTED, when, None, versions)
                        )
                        out.append(
                            DemoSubmission(company, r, 2, SubmissionStatus.DRAFT, None, reopened, first)
                        )
                    else:
                        out.append(
                            DemoSubmission(company, r, 1, SubmissionStatus.SUBMITTED, when, None, first)
                        )
                        out.append(
                            DemoSubmission(
                                company, r, 2, SubmissionStatus.SUBMITTED, later, reopened, versions
                            )
                        )
                    continue
                out.append(DemoSubmission(company, r, 1, SubmissionStatus.SUBMITTED, when, None, versions))
        return out

    def consents(self, lives: list[_Life]) -> list[DemoConsent]:
        d = self.draw
        first_location: dict[str, DemoLocation] = {}
        for life in lives:
            loc = self.ds.locations[life.plan.location_index]
            first_location.setdefault(loc.operator_key, loc)
        out: list[DemoConsent] = []
        for company in sorted(first_location, key=lambda key: int(key.split(":")[1])):
            loc = first_location[company]
            for grantee, purpose, share in (
                (loc.grid_operator_key, ConsentPurpose.GRID_INVESTMENT_PLAN, CONSENT_GRID_SHARE),
                (province_key(loc.province_code), ConsentPurpose.PCES, CONSENT_PROVINCE_SHARE),
            ):
                if d.u() < share:
                    revoked = d.u() < CONSENT_REVOKED_SHARE
                    out.append(
                        DemoConsent(
                            owner_key=company,
                            grantee_key=grantee,
                            purpose=purpose,
                            valid_from=date(2024, 1, 1) + timedelta(days=d.integer(0, 500)),
                            valid_until=date(2027, 12, 31),
                            revoked_at=d.moment(date(2026, 1, 1), date(2026, 6, 30)) if revoked else None,
                        )
                    )
        return out

    def run(self) -> DemoPlanSet:
        lives = self.lives()
        return DemoPlanSet(
            rounds=DEMO_ROUNDS,
            plans=tuple(life.plan for life in lives),
            submissions=tuple(self.submissions(lives)),
            consents=tuple(self.consents(lives)),
        )


def generate_plans(ds: DemoDataset) -> DemoPlanSet:
    """The demo plans of `ds`: pure and deterministic (same data set, same plans)."""
    return _PlanGenerator(ds).run()


# ---------------------------------------------------------------------------------------------- writes


def demo_rounds() -> Q:
    return Q(code__startswith=DEMO_ROUND_PREFIX)


def demo_plans_exist() -> bool:
    return SurveyRound.objects.filter(demo_rounds()).exists()


def _demo_company_key(ds: DemoDataset, organisations: Mapping[str, Organisation]) -> str | None:
    """The data-set key of the company the `demo-bedrijf` account gets (the rule of demo.accounts)."""
    from .accounts import _demo_company  # late: accounts imports the loader, which imports this module

    company = _demo_company(None)
    if company is None:
        return None
    return next((key for key, org in organisations.items() if org.pk == company.pk), None)


def demo_plans_write(
    plan_set: DemoPlanSet,
    ds: DemoDataset,
    *,
    location_ids: Sequence[int],
    organisations: Mapping[str, Organisation],
) -> dict[str, Any]:
    """Store the plan set (inside the caller's transaction): rounds, plans, submissions with their
    versions, and consents (the demo company's to Liander and the province of Gelderland added)."""
    rounds: list[SurveyRound] = []
    for rnd in plan_set.rounds:
        obj = SurveyRound(
            code=rnd.code,
            name=rnd.name,
            kind=rnd.kind,
            opens_on=rnd.opens_on,
            closes_on=rnd.closes_on,
            status=rnd.status,
            previous=rounds[-1] if rounds else None,
        )
        obj.full_clean()
        obj.save()
        rounds.append(obj)
    _insert_rows(
        Plan,
        ({"location": location_ids[p.location_index], "reference": p.reference} for p in plan_set.plans),
    )
    plan_pks = {
        (location, reference): pk
        for location, reference, pk in Plan.objects.filter(location__origin=DataOrigin.DEMO).values_list(
            "location_id", "reference", "pk"
        )
    }
    plan_ids = [plan_pks[(location_ids[p.location_index], p.reference)] for p in plan_set.plans]
    _insert_rows(
        Submission,
        (
            {
                "organisation": organisations[s.company_key].pk,
                "round": rounds[s.round_index].pk,
                "revision": s.revision,
                "status": str(s.status),
                "submitted_at": s.submitted_at,
                "reopened_at": s.reopened_at,
                "reopen_reason": REOPEN_REASON if s.reopened_at else "",
            }
            for s in plan_set.submissions
        ),
    )
    submission_pks = {
        key[:3]: key[3]
        for key in Submission.objects.filter(round__in=rounds).values_list(
            "organisation_id", "round_id", "revision", "pk"
        )
    }
    submission_ids = [
        submission_pks[(organisations[s.company_key].pk, rounds[s.round_index].pk, s.revision)]
        for s in plan_set.submissions
    ]
    versions = _insert_rows(PlanVersion, _version_rows(plan_set, plan_ids, submission_ids))
    demo_company = _demo_company_key(ds, organisations)
    consents = [c for c in plan_set.consents if c.owner_key != demo_company]
    if demo_company is not None:
        grid_operator = grid_key(DEMO_COMPANY_GRANTEES[0][0])
        province = province_key(DEMO_COMPANY_GRANTEES[1][0])
        consents += [
            DemoConsent(demo_company, key, purpose, date(2025, 1, 1), date(2027, 12, 31))
            for key, purpose in (
                (grid_operator, ConsentPurpose.GRID_INVESTMENT_PLAN),
                (province, ConsentPurpose.PCES),
            )
            if key in organisations
        ]
    Consent.objects.bulk_create(
        (
            Consent(
                owner=organisations[c.owner_key],
                grantee=organisations[c.grantee_key],
                purpose=c.purpose,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
                revoked_at=c.revoked_at,
            )
            for c in consents
            if c.grantee_key in organisations
        ),
        batch_size=BATCH_SIZE,
    )
    summary = plan_set.summary()
    summary["plan_versions"] = versions
    summary["consents"] = len(consents)
    summary["demo_company"] = organisations[demo_company].name if demo_company else None
    return summary


def _version_rows(
    plan_set: DemoPlanSet, plan_ids: Sequence[int], submission_ids: Sequence[int]
) -> Iterator[dict[str, Any]]:
    """The column values of every version, by model field name."""
    for submission, submission_id in zip(plan_set.submissions, submission_ids, strict=True):
        for v in submission.versions:
            plan = plan_set.plans[v.plan_index]
            yield {
                "plan": plan_ids[v.plan_index],
                "submission": submission_id,
                "title": plan.technology,
                "route": str(plan.route),
                "technology": plan.technology,
                "description": DESCRIPTIONS[plan.route],
                "temperature_level": str(plan.temperature_level),
                "investment_decision_year": v.investment_decision_year,
                "in_operation_year": v.in_operation_year,
                "co2_reduction_t": v.co2_reduction_t,
                "grid_request_date": plan.grid_request_date,
                "priority_class": int(plan.priority_class),
                "accepts_flexible_contract": plan.accepts_flexible_contract,
                "status": str(v.status),
                "status_reason": v.status_reason,
                **version_fields(plan, v),
            }


def _insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows of `model` with one prepared statement (executemany), as the loader does for emissions:
    several times faster than model instances through bulk_create (scale 100 has 140,000 versions). Each
    row gives values by field name; model defaults fill the rest; dates and time stamps are adapted by the
    backend. Identifiers come from the model and are quoted; the values are parameters."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    now = timezone.now()
    defaults = {f.name: f.get_default() for f in fields}
    names = [f.name for f in fields]
    datetimes = {f.name for f in fields if isinstance(f, models.DateTimeField)}
    dates = {f.name for f in fields if isinstance(f, models.DateField)} - datetimes
    ops = connection.ops
    count = 0
    with connection.cursor() as cursor:
        for chunk in batched(rows, BATCH_SIZE * 5):
            params = []
            for row in chunk:
                values = {**defaults, "created_at": now, "updated_at": now, **row}
                for name in datetimes:
                    values[name] = ops.adapt_datetimefield_value(values[name])
                for name in dates:
                    values[name] = ops.adapt_datefield_value(values[name])
                params.append([values[name] for name in names])
            cursor.executemany(sql, params)
            count += len(params)
    return count


def demo_plans_delete() -> dict[str, int]:
    """Remove what the demo plans wrote: every version, submission and plan of the demo rounds, of demo
    companies and of demo locations; the demo rounds; consents given or received by demo companies."""
    demo_companies = Organisation.objects.filter(origin=DataOrigin.DEMO, kind=OrganisationKind.COMPANY)
    rounds = SurveyRound.objects.filter(demo_rounds())
    submissions = Submission.objects.filter(Q(round__in=rounds) | Q(organisation__in=demo_companies))
    plans = Plan.objects.filter(location__origin=DataOrigin.DEMO)
    deleted = {
        "plan_versions": PlanVersion.objects.filter(
            Q(submission__in=submissions) | Q(plan__in=plans)
        ).delete()[0]
    }
    deleted["submissions"] = submissions.delete()[0]
    deleted["plans"] = plans.delete()[0]
    deleted["consents"] = Consent.objects.filter(
        Q(owner__in=demo_companies) | Q(grantee__in=demo_companies)
    ).delete()[0]
    rounds.update(previous=None)
    deleted["survey_rounds"] = rounds.delete()[0]
    return deleted
