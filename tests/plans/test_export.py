"""The demand export for grid operators (issue 3 point 5): the totals per service area and year add up
exactly to the consented plans' figures, and leave out what is not consented (for the investment-plan
purpose), drafts, superseded revisions, cancelled plans and other operators' areas."""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cluster6.accounts.constants import Role
from cluster6.audit.models import ReadLog
from cluster6.core.exports import CsvForm
from cluster6.plans.constants import STATUS_CERTAINTY, ConsentPurpose, PlanStatus, Route
from cluster6.plans.export import (
    CELL_COLUMNS,
    PLAN_COLUMNS,
    SHEET_DEMAND,
    SHEET_PLANS,
    grid_demand,
    grid_demand_csv,
    grid_demand_xlsx,
)
from cluster6.plans.models import PlanVersion
from tests.factories import (
    ConsentFactory,
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

#: The consented plans of company A in Liander's territory (round DSH 2025, revision 2):
#: reference -> (location, in-operation year, status, MW, GWh)
CONSENTED = {
    "A1-1": ("a1", 2027, PlanStatus.FEASIBILITY, 5.0, 25.0),
    "A1-2": ("a1", 2027, PlanStatus.INVESTMENT_DECISION, 2.5, 10.0),
    "A1-3": ("a1", 2029, PlanStatus.CONSTRUCTION, 1.25, 4.5),
    "A1-5": ("a1", 2027, PlanStatus.IDEA, 0.1, 0.2),  # sums that are not exact in binary
    "A1-6": ("a1", 2027, PlanStatus.FEASIBILITY, 0.2, 0.1),
    "A2-1": ("a2", 2028, PlanStatus.IDEA, 3.0, 12.0),
    "A3-1": ("a3", 2030, PlanStatus.POSTPONED, 0.75, 3.0),  # grid operator Liander, no service area
    "A1-7": ("a1", 2031, PlanStatus.OPERATING, 0.0, -1.5),  # less electricity: still demand information
}


@pytest.fixture
def world():
    liander = GridOperatorFactory(name="Liander")
    enexis = GridOperatorFactory(name="Enexis")
    arnhem = GridServiceAreaFactory(code="L1", name="Arnhem", operators=[liander])
    nijmegen = GridServiceAreaFactory(code="L2", name="Nijmegen", operators=[liander])
    tilburg = GridServiceAreaFactory(code="E1", name="Tilburg", operators=[enexis])
    company_a = OrganisationFactory(name="Glasfabriek A")
    locs = {
        "a1": ProductionLocationFactory(name="A Arnhem", operator=company_a, grid_service_area=arnhem),
        "a2": ProductionLocationFactory(name="A Nijmegen", operator=company_a, grid_service_area=nijmegen),
        "a3": ProductionLocationFactory(name="A Elst", operator=company_a, grid_operator=liander),
        "a4": ProductionLocationFactory(
            name="A Tilburg", operator=company_a, grid_operator=enexis, grid_service_area=tilburg
        ),
    }
    dsh = SurveyRoundFactory(code="dsh-2025", name="DSH 2025", opens_on=datetime.date(2025, 1, 1))
    older = SurveyRoundFactory(code="lces-2024", name="L-CES 2024", opens_on=datetime.date(2024, 1, 1))
    later = SurveyRoundFactory(
        code="top60-2026",
        name="Top-60 2026",
        opens_on=datetime.date(2026, 1, 1),
        closes_on=datetime.date(2026, 12, 31),
    )
    ConsentFactory(owner=company_a, grantee=liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)

    # revision 1 of DSH 2025 (superseded), revision 2 (counts)
    r1 = SubmittedSubmissionFactory(organisation=company_a, round=dsh, revision=1)
    r2 = SubmittedSubmissionFactory(organisation=company_a, round=dsh, revision=2)
    plans = {}
    for reference, (loc, year, status, mw, gwh) in CONSENTED.items():
        plans[reference] = PlanFactory(location=locs[loc], reference=reference)
        PlanVersionFactory(
            submission=r2,
            plan=plans[reference],
            in_operation_year=year,
            investment_decision_year=None,
            status=status,
            extra_capacity_mw=mw,
            electricity_delta_gwh=gwh,
        )
    PlanVersionFactory(submission=r1, plan=plans["A1-1"], extra_capacity_mw=50.0, electricity_delta_gwh=500.0)
    # left out: cancelled, no electricity demand, another operator's area
    excluded = {
        "A1-4 cancelled": PlanVersionFactory(
            submission=r2,
            plan=PlanFactory(location=locs["a1"], reference="A1-4"),
            status=PlanStatus.CANCELLED,
            extra_capacity_mw=7.0,
        ),
        "A1-8 ccs": PlanVersionFactory(
            submission=r2,
            plan=PlanFactory(location=locs["a1"], reference="A1-8"),
            route=Route.CCS,
            extra_capacity_mw=0.0,
            electricity_delta_gwh=0.0,
        ),
        "A4-1 enexis": PlanVersionFactory(
            submission=r2, plan=PlanFactory(location=locs["a4"], reference="A4-1"), extra_capacity_mw=9.0
        ),
    }
    # a draft in a later round, and an older round
    PlanVersionFactory(
        submission=SubmissionFactory(organisation=company_a, round=later),
        plan=plans["A1-1"],
        extra_capacity_mw=99.0,
    )
    PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=company_a, round=older),
        plan=plans["A1-1"],
        in_operation_year=2026,
        extra_capacity_mw=4.0,
    )

    # other companies in Liander's area: no consent, a consent for another purpose, a consent to Enexis,
    # an expired consent
    def other(name, **consent):
        company = OrganisationFactory(name=name)
        if consent:
            ConsentFactory(owner=company, **consent)
        loc = ProductionLocationFactory(name=f"{name} Arnhem", operator=company, grid_service_area=arnhem)
        return PlanVersionFactory(
            submission=SubmittedSubmissionFactory(organisation=company, round=dsh),
            plan=PlanFactory(location=loc, reference=f"{name}-1"),
            extra_capacity_mw=10.0,
            in_operation_year=2027,
        )

    excluded["B no consent"] = other("B")
    excluded["C pces"] = other("C", grantee=liander, purpose=ConsentPurpose.PCES)
    excluded["D enexis"] = other("D", grantee=enexis, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    excluded["E expired"] = other(
        "E",
        grantee=liander,
        purpose=ConsentPurpose.GRID_INVESTMENT_PLAN,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
    )
    return {
        "liander": liander,
        "enexis": enexis,
        "arnhem": arnhem,
        "nijmegen": nijmegen,
        "company_a": company_a,
        "dsh": dsh,
        "older": older,
        "r2": r2,
        "excluded": excluded,
    }


@pytest.fixture
def liander_user(world):
    return user_with_role(Role.NETBEHEERDER, world["liander"])


def expected_totals(world) -> dict[tuple[str, int], tuple[float, float]]:
    """(area code or "", year) -> (MW, GWh), summed independently from the stored consented versions."""
    groups: dict[tuple[str, int], list[PlanVersion]] = defaultdict(list)
    versions = PlanVersion.objects.filter(
        submission=world["r2"], plan__reference__in=CONSENTED
    ).select_related("plan__location__grid_service_area")
    assert versions.count() == len(CONSENTED)
    for v in versions:
        area = v.plan.location.grid_service_area
        groups[(area.code if area else "", v.in_operation_year)].append(v)
    return {
        key: (math.fsum(v.extra_capacity_mw for v in vs), math.fsum(v.electricity_delta_gwh for v in vs))
        for key, vs in groups.items()
    }


def test_the_totals_per_area_and_year_add_up_exactly_to_the_consented_plans(world, liander_user):
    demand = grid_demand(actor=liander_user)
    # the latest round with submissions, by default
    assert demand.round == world["dsh"]
    assert demand.operator == world["liander"]
    totals = {(t.area_code, t.year): (t.extra_capacity_mw, t.electricity_gwh) for t in demand.totals}
    assert totals == expected_totals(world)
    assert totals[("L1", 2027)] == (math.fsum([5.0, 2.5, 0.1, 0.2]), math.fsum([25.0, 10.0, 0.2, 0.1]))
    # the cells (per status) add up to the totals, and the plans to the cells
    for t in demand.totals:
        cells = [c for c in demand.cells if (c.area_id, c.year) == (t.area_id, t.year)]
        assert math.fsum(c.extra_capacity_mw for c in cells) == pytest.approx(t.extra_capacity_mw, abs=1e-12)
        assert sum(c.plans for c in cells) == t.plans
        assert math.fsum(t.mw_by_certainty.values()) == pytest.approx(t.extra_capacity_mw, abs=1e-12)
    for c in demand.cells:
        behind = [p for p in demand.plans if p.version_id in c.version_ids]
        assert math.fsum(p.extra_capacity_mw for p in behind) == c.extra_capacity_mw
        assert math.fsum(p.electricity_gwh for p in behind) == c.electricity_gwh
        assert {STATUS_CERTAINTY[PlanStatus(p.status)].value for p in behind} == {c.certainty}
    # exactly the consented plans are behind the figures
    assert sorted(p.reference for p in demand.plans) == sorted(CONSENTED)
    assert demand.total_mw == math.fsum(mw for *_, mw, _gwh in CONSENTED.values())
    assert demand.total_gwh == math.fsum(gwh for *_, gwh in CONSENTED.values())


def test_not_consented_draft_superseded_cancelled_and_other_areas_are_left_out(world, liander_user):
    demand = grid_demand(actor=liander_user)
    behind = {p.version_id for p in demand.plans}
    for name, version in world["excluded"].items():
        assert version.pk not in behind, name
    assert {p.owner for p in demand.plans} == {"Glasfabriek A"}
    assert all(p.revision == 2 for p in demand.plans)
    assert max(p.extra_capacity_mw for p in demand.plans) < 50  # not revision 1, not the draft
    assert PlanStatus.CANCELLED not in {c.status for c in demand.cells}


def test_by_status_and_certainty(world, liander_user):
    demand = grid_demand(actor=liander_user)
    arnhem_2027 = {
        (c.status, c.certainty): (c.extra_capacity_mw, c.plans)
        for c in demand.cells
        if (c.area_code, c.year) == ("L1", 2027)
    }
    assert arnhem_2027 == {
        (PlanStatus.INVESTMENT_DECISION, "waarschijnlijk"): (2.5, 1),
        (PlanStatus.IDEA, "mogelijk"): (0.1, 1),
        (PlanStatus.FEASIBILITY, "mogelijk"): (math.fsum([5.0, 0.2]), 2),
    }
    total = next(t for t in demand.totals if (t.area_code, t.year) == ("L1", 2027))
    assert total.mw_by_certainty == {
        "vast": 0.0,
        "waarschijnlijk": 2.5,
        "mogelijk": math.fsum([5.0, 0.2, 0.1]),
    }


def test_a_plan_without_a_service_area_is_counted_under_its_grid_operator(world, liander_user):
    demand = grid_demand(actor=liander_user)
    unknown = [t for t in demand.totals if t.area_id is None]
    assert [(t.year, t.extra_capacity_mw) for t in unknown] == [(2030, 0.75)]
    assert demand.totals[-1].area_id is None  # listed last


def test_another_round_can_be_chosen(world, liander_user):
    demand = grid_demand(actor=liander_user, round_id=world["older"].pk)
    assert [(p.reference, p.year, p.extra_capacity_mw) for p in demand.plans] == [("A1-1", 2026, 4.0)]
    with pytest.raises(Http404):
        grid_demand(actor=liander_user, round_id=999999)


def test_another_grid_operator_gets_only_its_own_territory(world):
    enexis_user = user_with_role(Role.NETBEHEERDER, world["enexis"])
    # D consented to Enexis, but its plan is in Liander's area; A did not consent to Enexis
    assert grid_demand(actor=enexis_user).plans == []
    with pytest.raises(PermissionDenied):
        grid_demand(actor=enexis_user, operator_id=world["liander"].pk)


def test_the_ministry_chooses_an_operator_and_sees_every_submitted_plan(world):
    ministry = user_with_role(Role.MINISTERIE)
    with pytest.raises(ValidationError):
        grid_demand(actor=ministry)
    demand = grid_demand(actor=ministry, operator_id=world["liander"].pk)
    owners = {p.owner for p in demand.plans}
    assert owners == {"Glasfabriek A", "B", "C", "D", "E"}  # the ministry needs no consent


@pytest.mark.parametrize("role", [Role.RVO, Role.CLUSTERREGISSEUR, Role.PROVINCIE, Role.BEDRIJF])
def test_other_roles_may_not_draw_the_export(world, role):
    user = user_with_role(role, world["company_a"] if role == Role.BEDRIJF else None)
    with pytest.raises(PermissionDenied):
        grid_demand(actor=user, operator_id=world["liander"].pk)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("plans:export")).status_code == 403
    assert client.get(reverse("plans:export_csv")).status_code == 403


# --- Files ---------------------------------------------------------------------------------------------


def test_the_csv_files_carry_the_same_figures(world, liander_user):
    demand = grid_demand(actor=liander_user)
    rows = list(csv.DictReader(io.StringIO(grid_demand_csv(demand, form=CsvForm.MACHINE).decode())))
    assert list(rows[0]) == CELL_COLUMNS
    sums: dict[tuple[str, int], list[float]] = defaultdict(list)
    for row in rows:
        sums[(row["gebiedscode"], int(row["jaar_in_bedrijf"]))].append(float(row["extra_vermogen_mw"]))
    assert {k: math.fsum(v) for k, v in sums.items()} == pytest.approx(
        {k: mw for k, (mw, _gwh) in expected_totals(world).items()}, abs=1e-12
    )
    plans = list(
        csv.DictReader(io.StringIO(grid_demand_csv(demand, table="plannen", form=CsvForm.MACHINE).decode()))
    )
    assert list(plans[0]) == PLAN_COLUMNS
    assert sorted(r["kenmerk"] for r in plans) == sorted(CONSENTED)
    assert {r["bedrijf"] for r in plans} == {"Glasfabriek A"}


def test_the_workbook_has_the_demand_sheet_and_the_plans_behind_it(world, liander_user):
    demand = grid_demand(actor=liander_user)
    wb = load_workbook(io.BytesIO(grid_demand_xlsx(demand)))
    assert wb.sheetnames == [SHEET_DEMAND, SHEET_PLANS]
    ws = wb[SHEET_DEMAND]
    values = list(ws.iter_rows(values_only=True))
    header = values.index(next(r for r in values if r and r[0] == "Gebiedscode"))
    body = values[header + 1 : -1]
    assert len(body) == len(demand.cells)
    assert math.fsum(r[5] for r in body) == pytest.approx(demand.total_mw, abs=1e-12)
    assert values[-1][5] == demand.total_mw
    plans = list(wb[SHEET_PLANS].iter_rows(values_only=True))
    assert plans[0][:2] == ("Gebiedscode", "Voedingsgebied")
    assert sorted(r[9] for r in plans[1:]) == sorted(CONSENTED)  # Kenmerk
    assert {r[7] for r in plans[1:]} == {"Glasfabriek A"}  # Bedrijf
    assert {r[8] for r in plans[1:]} == {"A Arnhem", "A Nijmegen", "A Elst"}  # Locatie


# --- Pages and the read log ----------------------------------------------------------------------------


def test_downloads_are_logged_per_company_with_channel_export(world, liander_user):
    client = Client()
    client.force_login(liander_user)
    response = client.get(reverse("plans:export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="netvraag-liander-dsh-2025.xlsx"'
    logs = ReadLog.objects.filter(channel="export")
    # one row per company per download, counting the plans it read
    assert [r.row_count for r in logs] == [len(CONSENTED)]
    assert {(r.owner, r.purpose, r.actor_organisation) for r in logs} == {
        (world["company_a"], ConsentPurpose.GRID_INVESTMENT_PLAN, world["liander"])
    }
    response = client.get(reverse("plans:export_csv"), {"tabel": "plannen"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == ";".join(PLAN_COLUMNS)  # for Dutch Excel by default
    assert [r.row_count for r in ReadLog.objects.filter(channel="export")] == [len(CONSENTED)] * 2


def test_the_export_page_shows_the_figures_and_logs_the_view(world, liander_user):
    client = Client()
    client.force_login(liander_user)
    response = client.get(reverse("plans:export"))
    assert response.status_code == 200
    html = response.content.decode()
    totals = html.split('id="demand-totals"')[1].split("</table>")[0]
    assert "Arnhem" in totals
    assert "Nijmegen" in totals
    assert "7,8" in totals  # 5 + 2.5 + 0.1 + 0.2 MW in Arnhem in 2027, Dutch notation
    assert "Keramiek" not in html
    assert 'id="total-plans">8<' in html
    assert [r.row_count for r in ReadLog.objects.filter(channel="web")] == [len(CONSENTED)]


def test_the_ministry_export_page_asks_for_an_operator_first(world):
    client = Client()
    client.force_login(user_with_role(Role.MINISTERIE))
    response = client.get(reverse("plans:export"))
    assert response.status_code == 200
    assert 'name="netbeheerder"' in response.content.decode()
    assert not ReadLog.objects.exists()
    assert client.get(reverse("plans:export_csv")).status_code == 302
    response = client.get(reverse("plans:export_csv"), {"netbeheerder": world["liander"].pk})
    assert response.status_code == 200
    assert ReadLog.objects.filter(channel="export").exists()
