"""The rules that turn a service area's published figures into the timeline the analysis uses (docs/engine.md,
"From the registry to the engine"). Pure functions of an area's fields: the analysis adapters, the area
page and the API all call these, so the figure a user reads is the one the engine gets."""

from __future__ import annotations

from .constants import CongestionColour, OperatorType
from .models import GridServiceArea

#: From this congestion status on (investigation, shortage) an area has no capacity free now.
CONGESTED_FROM = CongestionColour.INVESTIGATION

#: Where the capacity free now comes from.
CAPACITY_STORED = "stored"  # "beschikbare capaciteit afname nu" is filled in
CAPACITY_CONGESTED = "congested"  # derived: 0, the area is congested
CAPACITY_EXISTING_MINUS_REQUIRED = "existing_minus_required"  # derived: existing minus required
CAPACITY_UNKNOWN = "unknown"  # no figures and no congestion: the analysis sets no limit


def congested(statuses: tuple[int | None, ...]) -> bool:
    return any(s is not None and s >= CONGESTED_FROM for s in statuses)


def own_level(area: GridServiceArea) -> tuple[int | None, tuple[int | None, ...], str]:
    """The expected end of congestion, the statuses and the certainty that the analysis reads for the
    area's own level: the regional operator's for a regional area, TenneT's for a TenneT area. A regional
    area that is congested (a status of investigation or shortage, or a published waiting list) without a
    year of its own, whose map gives TenneT's year, is solved in that year (with TenneT's certainty): the
    map's end-of-congestion year for the area is TenneT's (docs/engine.md, "From the registry to the
    engine")."""
    if area.operator_type == OperatorType.TENNET:
        end = area.congestion_end_withdrawal_tennet or area.congestion_end_withdrawal_rnb
        return (
            end,
            (area.tennet_status_withdrawal, area.status_withdrawal),
            area.tennet_congestion_end_certainty,
        )
    if (
        area.congestion_end_withdrawal_rnb is None
        and area.congestion_end_withdrawal_tennet is not None
        and (congested((area.status_withdrawal,)) or has_waiting_list(area))
    ):
        return (
            area.congestion_end_withdrawal_tennet,
            (area.status_withdrawal,),
            area.tennet_congestion_end_certainty,
        )
    return area.congestion_end_withdrawal_rnb, (area.status_withdrawal,), area.congestion_end_certainty


def end_unknown(area: GridServiceArea) -> bool:
    """The map publishes a shortage at the area's own level (a status of investigation or shortage, or a
    waiting list) without an end year (or 2099, which the importer stores as unknown): a connection that no
    reinforcement brings within the horizon then has an unknown year, not "never" (docs/engine.md, rule 8)."""
    end, statuses, _certainty = own_level(area)
    return end is None and (congested(statuses) or has_waiting_list(area))


def tennet_end_unknown(area: GridServiceArea) -> bool:
    """The same for the TenneT level above a regional area (TenneT's status; TenneT publishes no list)."""
    return area.congestion_end_withdrawal_tennet is None and congested((area.tennet_status_withdrawal,))


def has_waiting_list(area: GridServiceArea) -> bool:
    """The map publishes a withdrawal waiting list for the area (more than 0 MW waiting)."""
    return (area.queue_withdrawal_mw or 0.0) > 0


def capacity_now(area: GridServiceArea) -> tuple[float | None, str]:
    """The withdrawal capacity free now for the waiting list, and which rule gives it (a CAPACITY_*
    value): the stored value when given; otherwise 0 in a congested area (a status of investigation or
    shortage, an expected end year of congestion, or a published waiting list: nobody waits where capacity
    is free), else the existing minus the required capacity (at least 0). None: unknown and not congested,
    which the analysis treats as unconstrained."""
    if area.available_capacity_withdrawal_mw is not None:
        return float(area.available_capacity_withdrawal_mw), CAPACITY_STORED
    end, statuses, _certainty = own_level(area)
    if end is not None or congested(statuses) or has_waiting_list(area):
        return 0.0, CAPACITY_CONGESTED
    existing, required = area.existing_capacity_withdrawal_mw, area.required_capacity_withdrawal_mw
    if existing is not None and required is not None:
        return max(0.0, float(existing) - float(required)), CAPACITY_EXISTING_MINUS_REQUIRED
    return None, CAPACITY_UNKNOWN


def derived_capacity_now_mw(area: GridServiceArea) -> float | None:
    return capacity_now(area)[0]


def capacity_basis(area: GridServiceArea) -> str:
    return capacity_now(area)[1]
