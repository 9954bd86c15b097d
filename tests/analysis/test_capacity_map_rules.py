"""Reading the capacity map as grid operators mean it (issue 8, point 2; docs/engine.md, "From the registry to
the engine"): the published waiting list is ahead of every new request, an end-of-congestion year on the map
makes capacity available from that year, and a published waiting list means no capacity is free now.

Every rule has a hand-checked case and a case on a small extract of the real capacity map of 2026-07-29 (a
few rows of /work/shared/data/grid/capaciteitskaart_serviceareas_2026-07-29.csv, read in the test)."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from cluster6 import engine as eng
from cluster6.analysis import adapters
from cluster6.infra.constants import Certainty, CongestionColour, OperatorType
from cluster6.infra.models import GridServiceArea
from cluster6.infra.timeline import (
    CAPACITY_CONGESTED,
    CAPACITY_EXISTING_MINUS_REQUIRED,
    CAPACITY_UNKNOWN,
    capacity_now,
    own_level,
)
from tests.factories import ProvinceFactory

AREAS = "capaciteitskaart_serviceareas_2026-07-29.csv"
SNAPSHOT = date(2026, 7, 29)
PROVINCES = [
    ("PV20", "Groningen"), ("PV21", "Fryslân"), ("PV22", "Drenthe"), ("PV23", "Overijssel"),
    ("PV24", "Flevoland"), ("PV25", "Gelderland"), ("PV26", "Utrecht"), ("PV27", "Noord-Holland"),
    ("PV28", "Zuid-Holland"), ("PV29", "Zeeland"), ("PV30", "Noord-Brabant"), ("PV31", "Limburg"),
]  # fmt: skip


def regional_area(**fields) -> GridServiceArea:
    values = {"code": "A", "name": "Station A", "operator_type": OperatorType.RNB}
    values.update(fields)
    return GridServiceArea(**values)


def engine_plan(plan_id: str, area: str, mw: float, request_date: date | None) -> eng.Plan:
    return eng.Plan(
        id=plan_id,
        location_id=f"L-{plan_id}",
        province="Overijssel",
        sector="keramiek",
        route="elektrificatie",
        planned_year=2030,
        co2_reduction_t=1000.0,
        grid_operator="Enexis",
        grid_area_id=area,
        grid_mw=mw,
        request_date=request_date,
    )


# ------------------------------------------------------------------------------------- hand-checked


def test_the_waiting_list_becomes_undated_requests_less_the_plans_already_in_it() -> None:
    # given area A with a published waiting list of 10 MW in 5 requests at the snapshot of 29 July 2026,
    # a plan of 2 MW requested the day before (in the list) and one of 3 MW requested the day after
    grid = adapters._Grid([], {}, {}, {"A": SNAPSHOT}, {"A": (10.0, 5)}, [])
    plans = [
        engine_plan("P-voor", "A", 2.0, date(2026, 7, 28)),
        engine_plan("P-na", "A", 3.0, date(2026, 7, 30)),
    ]
    # when the waiting list is read
    queue = adapters._other_requests(plans, grid)
    # then the list less the plan in it (10 - 2 = 8 MW, 5 - 1 = 4 requests) is 4 undated requests of 2 MW
    assert [(q.id, q.mw, q.request_date) for q in queue] == [
        (f"wachtrij:A:{k}", 2.0, None) for k in range(1, 5)
    ]


def test_an_end_year_on_the_map_makes_capacity_available_from_that_year() -> None:
    # given regional areas with TenneT's year 2035 (firm): one with a waiting list (6 MW) and no year of its
    # own, one with a shortage status and no year of its own, one with its own year 2029 too, and one that
    # is not congested itself (no list, status available)
    tennet = {"congestion_end_withdrawal_tennet": 2035, "tennet_congestion_end_certainty": Certainty.FIRM}
    listed = regional_area(queue_withdrawal_mw=6.0, **tennet)
    short = regional_area(status_withdrawal=CongestionColour.SHORTAGE, **tennet)
    both = regional_area(queue_withdrawal_mw=6.0, congestion_end_withdrawal_rnb=2029, **tennet)
    free = regional_area(status_withdrawal=CongestionColour.AVAILABLE, **tennet)
    # then a congested area without a year of its own ends in TenneT's year, with TenneT's certainty ...
    assert own_level(listed)[0::2] == (2035, Certainty.FIRM)
    assert own_level(short)[0::2] == (2035, Certainty.FIRM)
    assert capacity_now(listed) == (0.0, CAPACITY_CONGESTED)
    # ... its own year wins when given, and an area that is not congested itself gets no end (the TenneT
    # level above it carries TenneT's year)
    assert own_level(both)[0] == 2029
    assert own_level(free)[0] is None


def test_a_published_waiting_list_means_no_capacity_is_free_now() -> None:
    # given areas without an end year: a waiting list and no figures; a waiting list and 8 MW spare
    # (55 - 47); no waiting list and 8 MW spare; nothing at all
    listed = regional_area(queue_withdrawal_mw=17.8, queue_requests_withdrawal=49)
    listed_spare = regional_area(
        queue_withdrawal_mw=6.9,
        queue_requests_withdrawal=16,
        existing_capacity_withdrawal_mw=55.0,
        required_capacity_withdrawal_mw=47.0,
    )
    spare = regional_area(existing_capacity_withdrawal_mw=55.0, required_capacity_withdrawal_mw=47.0)
    # then a waiting list means congested (0 MW free now), otherwise the figures decide
    assert capacity_now(listed) == (0.0, CAPACITY_CONGESTED)
    assert capacity_now(listed_spare) == (0.0, CAPACITY_CONGESTED)
    assert capacity_now(spare) == (8.0, CAPACITY_EXISTING_MINUS_REQUIRED)
    assert capacity_now(regional_area()) == (None, CAPACITY_UNKNOWN)


# ------------------------------------------------------------------------ on the real capacity map


@pytest.fixture
def real_map(shared_data, run_import, tmp_path):
    """Import the given rows of the real capacity map (read from the shared data, written to a temporary
    extract) and return the engine's grid for base year 2026."""

    def load(*codes: str) -> adapters._Grid:
        source = shared_data / "grid" / AREAS
        with source.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [r for r in reader if not codes or r["area_id"] in codes]
            header = reader.fieldnames
        assert not codes or {r["area_id"] for r in rows} == set(codes)
        extract = tmp_path / AREAS
        with extract.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        for code, name in PROVINCES:
            ProvinceFactory(code=code, name=name)
        assert run_import("grid", extract)["status"] == "applied"
        return adapters._grid(2026)

    return load


def area_of(grid: adapters._Grid, area_id: str) -> eng.GridArea:
    return next(a for a in grid.areas if a.id == area_id)


def analyse(grid: adapters._Grid, plans: list[eng.Plan]) -> eng.AnalysisResult:
    queue = adapters._other_requests(plans, grid)
    infra = eng.Infrastructure(tuple(grid.areas), tuple(queue))
    return eng.Engine(plans, infra, eng.Parameters(base_year=2026)).analyse()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_the_waiting_list_of_almelo_is_ahead_whatever_the_request_date(real_map) -> None:
    # given AMLM Almelo Mosterdpot: waiting list 10.5 MW in 41 requests, regional end 2029, TenneT 2035
    grid = real_map("AMLM")
    for day, place, ahead in [
        # requested the day before the snapshot: in the list, behind the rest of it (41 - 1 requests,
        # 10.5 - 2 MW)
        (date(2026, 7, 28), (41, 41), 8.5),
        # the day after: behind the whole list
        (date(2026, 7, 30), (42, 42), 10.5),
        # long before: still behind the list (before the fix: place 1)
        (date(2020, 1, 1), (41, 41), 8.5),
    ]:
        result = analyse(grid, [engine_plan("P", "AMLM", 2.0, day)])
        g = result.outcome_by_id("P").grid
        assert (g.queue_position, g.queue_length) == place
        assert g.mw_ahead == pytest.approx(ahead, abs=0.01)
        # and it connects when TenneT's congestion ends, not now
        assert (g.regional_year, g.tennet_year, g.connection_year) == (2029, 2035, 2035)


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_eerbeek_roermond_hoogkerk_are_available_from_tennets_year(real_map) -> None:
    # given three areas with a waiting list, no regional year and TenneT's year (2035, 2034, 2035)
    grid = real_map("OS EERBEEK 10-1i + 10-2i", "MLBK", "GNHK")
    for code, year in [("OS EERBEEK 10-1i + 10-2i", 2035), ("MLBK", 2034), ("GNHK", 2035)]:
        # then the regional area ends its congestion in TenneT's year (before: never, "regional grid binds")
        assert area_of(grid, code).congestion_end_year == year
        result = analyse(grid, [engine_plan("P", code, 2.0, date(2026, 7, 30))])
        assert result.outcome_by_id("P").grid.connection_year == year


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_areas_with_a_waiting_list_are_never_unconstrained(real_map) -> None:
    # given the whole real map
    grid = real_map()
    listed = set(GridServiceArea.objects.filter(queue_withdrawal_mw__gt=0).values_list("code", flat=True))
    assert len(listed) == 274
    # then no area with a waiting list is unconstrained now unless the map says its congestion ends in 2026
    # (before: 41 areas without figures and without a regional year were)
    free_now = {
        a.id
        for a in grid.areas
        if a.id in listed and a.congestion_end_year is not None and a.congestion_end_year <= 2026
    }
    solved_2026 = set(
        GridServiceArea.objects.filter(code__in=listed, congestion_end_withdrawal_rnb__lte=2026).values_list(
            "code", flat=True
        )
    )
    assert free_now == solved_2026
    # and MAK (17.8 MW waiting, no figures, no year) has nothing free now and no end of congestion
    mak = area_of(grid, "MAK")
    assert (mak.capacity_now_mw, mak.congestion_end_year) == (0.0, None)


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_a_shortage_without_a_year_is_unknown_not_never(real_map) -> None:
    # given the whole real map: the areas whose own level is a shortage without a published end year
    grid = real_map()
    unknown = {a.id for a in grid.areas if a.congestion_end_unknown and a.level == eng.GridLevel.REGIONAL}
    assert len(unknown) == 16
    for code in sorted(unknown):
        area = GridServiceArea.objects.get(code=code)
        assert own_level(area)[0] is None
        assert area.queue_withdrawal_mw or CongestionColour.SHORTAGE in own_level(area)[1]
    # MAK: 17.8 MW waiting, no figures, no year at either level: unknown (before: "never before 2050")
    assert "MAK" in unknown
    # when a plan asks capacity behind one of them that no reinforcement serves
    code = next(
        a.id
        for a in grid.areas
        if a.congestion_end_unknown and not a.reinforcements and a.level == eng.GridLevel.REGIONAL
    )
    result = analyse(grid, [engine_plan("P", code, 2.0, date(2026, 7, 30))])
    o = result.outcome_by_id("P")
    # then its year is unknown (not "never before 2050"), said so, and counted apart
    assert o.grid.connection_year is None
    assert o.year_unknown
    assert "onbekend jaar" in o.explanation
    assert result.aggregates.total.n_unknown == 1
