"""The one-sentence Dutch explanation per plan (rule 13). Numbers in Dutch notation."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Binding, Bottleneck, Carrier, FeasibilityClass


def nl_number(value: float, decimals: int = 1) -> str:
    """1234.5 -> '1.234,5'."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


SUBJECT: dict[str, str] = {
    "grid": "de netaansluiting",
    Carrier.HYDROGEN.value: "waterstof",
    Carrier.CO2.value: "CO2-transport en -opslag",
    Carrier.GREEN_GAS.value: "groen gas",
    Carrier.HEAT.value: "warmte",
}
NETWORK: dict[str, str] = {
    Carrier.HYDROGEN.value: "het waterstofnetwerk",
    Carrier.CO2.value: "het CO2-netwerk",
    Carrier.GREEN_GAS.value: "het groengasnet",
    Carrier.HEAT.value: "het warmtenet",
}
BINDING_TEXT: dict[Binding, str] = {
    Binding.REGIONAL: "het regionale net is beperkend",
    Binding.TENNET: "het TenneT-net is beperkend",
    Binding.NONE: "er is geen beperking",
}


@dataclass(frozen=True, slots=True)
class ExplanationInput:
    feasibility: FeasibilityClass
    planned_year: int
    deadline_year: int
    horizon_year: int
    requirement: str | None  # "grid" or a carrier value: the binding requirement
    bottleneck: Bottleneck | None
    late: bool  # the binding requirement is late (else: on time only through uncertain items)
    year: int | None  # its year (counting uncertain items when late, without them otherwise)
    ready_year_certain: int | None
    grid_position: int | None = None
    grid_queue_length: int | None = None
    grid_mw_ahead: float | None = None
    grid_area: str | None = None
    grid_binding: Binding = Binding.NONE
    distance_km: float | None = None
    max_distance_km: float | None = None
    extra_cost: bool = False
    year_unknown: bool = False  # the grid year is unknown: a shortage without a published end year


def _when(year: int | None, horizon: int) -> str:
    return f"pas in {year}" if year is not None else f"niet vóór {horizon + 1}"


def _detail(e: ExplanationInput) -> str:
    if e.requirement == "grid" and e.grid_position is not None:
        return (
            f" (plaats {e.grid_position} van {e.grid_queue_length} in de wachtrij van {e.grid_area}, "
            f"{nl_number(e.grid_mw_ahead or 0.0)} MW voor u; {BINDING_TEXT[e.grid_binding]})"
        )
    if e.requirement == "grid" and e.grid_binding == Binding.TENNET:
        return f" ({BINDING_TEXT[e.grid_binding]})"
    if e.extra_cost:
        return " (alleen per schip of vrachtwagen, tegen hogere kosten)"
    return ""


def explain(e: ExplanationInput) -> str:
    if e.feasibility == FeasibilityClass.EXCLUDED:
        return "Niet meegeteld: het plan is niet actief."
    if e.feasibility == FeasibilityClass.NOT_DEPENDENT:
        return "Dit plan heeft geen nieuwe of zwaardere energie-infrastructuur nodig."
    if e.feasibility == FeasibilityClass.CAN:
        return (
            "Kan doorgaan: alle benodigde infrastructuur is uiterlijk in "
            f"{e.ready_year_certain} beschikbaar, op tijd voor het geplande jaar {e.planned_year}."
        )
    req = e.requirement or "grid"
    subject = SUBJECT[req]
    if e.bottleneck == Bottleneck.DISTANCE:
        where = (
            f"het dichtstbijzijnde punt ligt op {nl_number(e.distance_km)} km"
            if e.distance_km is not None
            else "er is geen aansluitpunt dichtbij"
        )
        subject = (
            f"{NETWORK[req]} ligt te ver weg voor een directe aansluiting ({where}, maximaal "
            f"{nl_number(e.max_distance_km or 0.0)} km), dus {subject}"
        )
    when = _when(e.year, e.horizon_year)
    detail = _detail(e)
    if e.feasibility == FeasibilityClass.MAY_NOT:
        if e.late:
            return (
                f"Mag (nog) niet: {subject} is {when} beschikbaar, later dan het geplande jaar "
                f"{e.planned_year} maar uiterlijk in {max(e.planned_year, e.deadline_year)}{detail}."
            )
        return (
            f"Mag (nog) niet: {subject} is alleen op tijd beschikbaar via onzekere projecten; zonder die "
            f"projecten {when}{detail}."
        )
    if e.year is None and e.year_unknown:
        return (
            f"Kan niet op de huidige planning: {subject} heeft een onbekend jaar; de netbeheerder meldt een "
            f"tekort zonder verwacht jaar van einde congestie{detail}."
        )
    if e.year is None:
        return (
            f"Kan niet: {subject} is niet beschikbaar binnen de horizon "
            f"(tot en met {e.horizon_year}){detail}."
        )
    return f"Kan niet: {subject} is {when} beschikbaar, na {max(e.planned_year, e.deadline_year)}{detail}."
