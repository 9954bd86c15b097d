"""The figures that leaked one company's plans before the one disclosure rule (issue 7, point 1), tried as
the roles that may not read those plans (RVO, a grid operator without consent), through the pages, the
API and the exports; and the same figures for those who may read the plans (the ministry, the company).

The world (tests/plans/sharing_world.py, plus): company A has two plans in area L1 (Liander) and is the
only company there; companies B, C, D and E have a plan each in E1 (Enexis), so the analysis as a whole
rests on five companies of equal size and its total may be shown. Area Q1 is for the queue: company A
asks for capacity there after company F (and, in the second case, G and H)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.analysis.models import AnalysisRun, PlanResult
from cluster6.analysis.services import analysis_run, scenario_create
from tests.factories import (
    GridProjectFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    SubmittedSubmissionFactory,
    user_with_role,
)
from tests.plans.sharing_world import build_world

pytestmark = pytest.mark.django_db

BASE_YEAR = {"base_year": 2026}
RUNS = "/api/analysis/runs/"
SCENARIOS = "/api/analysis/scenarios/"
HIDDEN = "onvoldoende bedrijven"


def _plan(world, org, location, *, title, request=None, mw=5.0):
    submission = org.submissions.filter(round=world.round).first() or SubmittedSubmissionFactory(
        organisation=org, round=world.round
    )
    return PlanVersionFactory(
        submission=submission,
        plan=PlanFactory(location=location, reference=title),
        title=title,
        grid_request_date=request,
        extra_capacity_mw=mw,
    )


@pytest.fixture
def world():
    w = build_world()
    w.v_a2 = PlanVersionFactory(
        submission=w.v_a.submission,
        plan=PlanFactory(location=w.loc_a, reference="A-2"),
        title="Warmtepomp A",
        in_operation_year=2031,
    )
    # congestion in L1 ends in 2031: boiler A (2028) waits past 2030; two years earlier it makes 2030
    w.area_l.congestion_end_withdrawal_rnb = 2031
    for area, box in ((w.area_l, (5.7, 51.9, 6.1, 52.1)), (w.area_e, (4.9, 51.5, 5.2, 51.7))):
        area.bbox_west, area.bbox_south, area.bbox_east, area.bbox_north = box
        area.save()
    w.reinforcement = GridProjectFactory(
        area=w.area_l, name="Arnhem uitbreiden", added_capacity_mw=30.0, completion_year=2031
    )
    w.others = []
    for name in ("C", "D", "E"):
        org = OrganisationFactory(name=f"Bedrijf {name}")
        loc = ProductionLocationFactory(
            name=f"{name} Tilburg", operator=org, province=w.brabant, grid_service_area=w.area_e
        )
        _plan(w, org, loc, title=f"Oven {name}")
        w.others.append(org)
    w.run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    return w


@pytest.fixture
def users(world):
    return SimpleNamespace(
        rvo=user_with_role(Role.RVO),
        enexis=user_with_role(Role.NETBEHEERDER, world.enexis),
        ministry=user_with_role(Role.MINISTERIE),
        company_a=user_with_role(Role.BEDRIJF, world.company_a),
    )


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = response.content.decode("utf-8").lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,")
    return list(csv.reader(io.StringIO(text), dialect))


# ------------------------------------------------------------------------------------ unlock ranking


def _gaining(world):
    """The stored ranking rows whose gain rests on company A alone (the L1 projects; the precondition:
    there are some, with tonnes)."""
    a = {str(world.company_a.pk)}
    rows = [r for r in world.run.unlock_ranking if set(r["companies"]) == a]
    assert rows, "the world must have a project that unlocks A's plans only"
    assert any(r["co2_gained_t"] > 0 for r in rows), "and one that gains tonnes"
    return rows


def test_the_unlock_ranking_hides_the_gain_of_projects_that_rest_on_one_company(world, users):
    # given the L1 projects, whose gain is company A's plans alone
    gaining = _gaining(world)
    codes = {r["code"] for r in gaining}
    # when RVO reads the ranking through the API
    body = _api(users.rvo).get(f"{RUNS}{world.run.pk}/unlock-ranking/").json()
    rows = {r["code"]: r for r in body["results"]}
    # then those rows are there, without figures or rank, marked
    for code in codes:
        assert rows[code]["suppression"] == "primary"
        assert (rows[code]["co2_gained_t"], rows[code]["plans_unlocked"], rows[code]["rank"]) == (
            None,
            None,
            None,
        )
    assert "companies" not in body["results"][0]
    # the end of congestion in E1 rests on B, C, D and E: shown
    assert rows["einde-congestie:E1"]["suppression"] == ""
    assert rows["einde-congestie:E1"]["plans_unlocked"] == 4
    # and they come after every shown row, so their place says nothing of their gain
    order = [r["suppression"] != "" for r in body["results"]]
    assert order == sorted(order)
    assert [r["rank"] for r in body["results"] if not r["suppression"]] == list(
        range(1, 1 + sum(1 for r in body["results"] if not r["suppression"]))
    )
    # the ministry reads every plan: it sees the figures
    body = _api(users.ministry).get(f"{RUNS}{world.run.pk}/unlock-ranking/").json()
    shown = {r["code"]: r for r in body["results"]}
    for stored in gaining:
        assert shown[stored["code"]]["co2_gained_t"] == stored["co2_gained_t"]
        assert shown[stored["code"]]["suppression"] == ""


def test_the_unlock_page_and_its_csv_hide_the_same(world, users):
    gaining = _gaining(world)
    page = _web(users.rvo).get(reverse("analysis:unlock"), {"run": world.run.pk})
    html = page.content.decode()
    assert HIDDEN in html
    for stored in gaining:
        row = next(r for r in page.context["rows"] if r["code"] == stored["code"])
        assert row["co2_gained_t"] is None
        assert row["suppression"] == "primary"
    # the CSV (Excel form and machine form) and the workbook
    for params in ({"run": world.run.pk}, {"run": world.run.pk, "vorm": "machine"}):
        rows = _csv(_web(users.rvo).get(reverse("analysis:export_csv", args=["ontsluiting"]), params))
        header, data = rows[0], rows[1:]
        gained = header.index("Extra CO2-reductie vóór of in 2030 (t/jaar)")
        for stored in gaining:
            (row,) = [r for r in data if r[1] == stored["name"]]
            assert row[gained] == ""
            assert row[0] == ""  # no rank
            assert row[-1] == "ja"
            if stored["co2_gained_t"]:
                assert str(stored["co2_gained_t"]) not in row
    # the ministry's CSV has them
    rows = _csv(
        _web(users.ministry).get(reverse("analysis:export_csv", args=["ontsluiting"]), {"run": world.run.pk})
    )
    gained = rows[0].index("Extra CO2-reductie vóór of in 2030 (t/jaar)")
    names = {r[1]: r for r in rows[1:]}
    for stored in gaining:
        assert names[stored["name"]][-1] == ""
        assert names[stored["name"]][gained] != ""


def test_the_scenario_editor_lists_projects_in_a_public_order(world, users):
    options = _web(users.rvo).get(reverse("analysis:scenario_create")).context["editor"].options
    keys = [(e["kind"], e["name"], e["code"]) for e in options.projects.values()]
    assert keys == sorted(keys)


# ------------------------------------------------------------------------------------------ scenarios


def test_a_scenario_minus_its_baseline_does_not_give_one_companys_plans(world, users):
    # given a scenario that moves the end of congestion in L1, where only company A sits
    scenario = scenario_create(
        actor=users.rvo, values={"name": "L1 eerder", "congestion_end_shifts": {"L1": -2}}
    )
    # when RVO runs it through the API
    body = _api(users.rvo).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json").json()
    run = AnalysisRun.objects.get(pk=body["id"])
    assert run.comparison["co2_by_deadline_delta_t"] or run.comparison["class_changes"]  # it changes A
    comparison = body["comparison"]
    # then the difference is not shown: it would be A's plans
    assert comparison["suppression"] == "primary"
    for key in ("co2_by_deadline_delta_t", "co2_by_deadline_scenario_t", "counts_scenario", "plans_earlier"):
        assert comparison[key] is None, key
    assert comparison["class_changes_total"] is None
    # the baseline itself rests on five companies: shown
    baseline = _api(users.rvo).get(f"{RUNS}{world.run.pk}/").json()
    assert baseline["summary"]["co2_by_deadline_t"] is not None
    # and the scenario run's own figures, minus the baseline's, would give the same: blanked too
    scenario_run = _api(users.rvo).get(f"{RUNS}{run.pk}/").json()
    assert scenario_run["aggregates"]["total"]["suppression"] != ""
    for key in ("co2_by_deadline_t", "n_can", "n_may_not", "n_cannot"):
        assert scenario_run["aggregates"]["total"][key] is None, key
    assert scenario_run["comparison"]["suppression"] == "primary"
    # the scenario page says why, the list shows no difference
    html = _web(users.rvo).get(reverse("analysis:scenario_detail", args=[scenario.pk])).content.decode()
    assert 'id="comparison-suppressed"' in html
    assert 'id="co2-delta"' not in html
    assert HIDDEN in _web(users.rvo).get(reverse("analysis:scenarios")).content.decode()
    # the ministry and company A's own reader (a grantee would be the same) see the difference
    body = _api(users.ministry).get(f"{RUNS}{run.pk}/").json()
    assert body["comparison"]["suppression"] == ""
    assert body["comparison"]["co2_by_deadline_delta_t"] == run.comparison["co2_by_deadline_delta_t"]


def test_a_scenario_that_changes_enough_companies_shows_its_difference(world, users):
    # given a scenario that ends the congestion in E1 three years earlier
    scenario = scenario_create(
        actor=users.rvo, values={"name": "E1 eerder", "congestion_end_shifts": {"E1": -3}}
    )
    body = _api(users.rvo).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json").json()
    run = AnalysisRun.objects.get(pk=body["id"])
    changed = {
        str(r.organisation_id)
        for r in PlanResult.objects.filter(run=run)
        for b in PlanResult.objects.filter(run=world.run, plan_id=r.plan_id)
        if (r.feasibility, r.ready_year, r.by_deadline) != (b.feasibility, b.ready_year, b.by_deadline)
    }
    # then: the plans of B, C, D and E change alike (four companies, none dominant): the difference is shown
    assert changed == {str(o.pk) for o in (world.company_b, *world.others)}
    assert body["comparison"]["suppression"] == ""
    assert body["comparison"]["co2_by_deadline_delta_t"] == run.comparison["co2_by_deadline_delta_t"]
    assert body["comparison"]["class_changes_total"] == len(run.comparison["class_changes"]) > 0


# ------------------------------------------------------------------------------------------------ map


def test_the_area_map_blanks_counts_of_areas_with_too_few_companies(world, users):
    features = _web(users.rvo).get(reverse("analysis:map_areas"), {"run": world.run.pk}).json()["features"]
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    # L1: company A alone
    assert by_code["L1"]["suppression"] == "primary"
    assert (by_code["L1"]["dependent"], by_code["L1"]["held"], by_code["L1"]["share"]) == (None, None, None)
    # E1: B, C, D and E, one plan each, but the overview's total minus E1 would give L1: blanked too
    # (secondary; test_the_overview_total_minus_the_shown_areas_does_not_give_one_companys_plans)
    assert by_code["E1"]["suppression"] == "secondary"
    assert by_code["E1"]["dependent"] is None
    # the ministry sees L1's counts
    features = (
        _web(users.ministry).get(reverse("analysis:map_areas"), {"run": world.run.pk}).json()["features"]
    )
    assert next(f for f in features if f["properties"]["code"] == "L1")["properties"]["dependent"] == 2


# ---------------------------------------------------------------------------------- MW ahead (queue)


def _queue_world(world, ahead: int):
    """Area Q1 (congested); `ahead` other companies ask for 5 MW there early in 2026, company A later."""
    area = GridServiceAreaFactory(
        code="Q1",
        name="Queue 150/10kV",
        operators=[world.liander],
        province=world.gelderland,
        existing_capacity_withdrawal_mw=0.0,
        queue_withdrawal_mw=0.0,
        queue_requests_withdrawal=0,
        congestion_end_withdrawal_rnb=2035,
    )
    for i in range(ahead):
        org = OrganisationFactory(name=f"Wachtende {i}")
        loc = ProductionLocationFactory(operator=org, province=world.gelderland, grid_service_area=area)
        _plan(world, org, loc, title=f"Vooraan {i}", request=dt.date(2026, 1, 10 + i))
    loc = ProductionLocationFactory(
        name="A Queue", operator=world.company_a, province=world.gelderland, grid_service_area=area
    )
    mine = _plan(world, world.company_a, loc, title="Achteraan A", request=dt.date(2026, 5, 1))
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    return PlanResult.objects.get(run=run, plan_version=mine)


@pytest.mark.parametrize(("ahead", "shown"), [(1, False), (2, False), (3, True)])
def test_the_mw_ahead_in_the_queue_never_isolates_one_company(world, users, ahead, shown):
    result = _queue_world(world, ahead)
    assert result.queue_position == ahead + 1  # the precondition: the others are ahead
    assert result.mw_ahead == pytest.approx(5.0 * ahead)
    # the company's answer on the page and in the API
    page = _web(users.company_a).get(reverse("analysis:result_detail", args=[result.pk]))
    api = _api(users.company_a).get(f"/api/analysis/plans/{result.plan_id}/connection/").json()
    grid = api["result"]["grid"]
    if shown:
        assert page.context["result"].mw_ahead == pytest.approx(5.0 * ahead)
        assert grid["mw_ahead"] == pytest.approx(5.0 * ahead)
    else:
        assert page.context["result"].mw_ahead is None
        assert HIDDEN in page.content.decode()
        assert grid["mw_ahead"] is None
        assert "MW voor u niet getoond" in api["result"]["explanation"]
        assert f"{5 * ahead} MW voor u" not in api["result"]["explanation"]
    # the place in the queue stays (a count of requests), and no other company is named
    assert grid["queue_position"] == ahead + 1
    assert "Wachtende" not in page.content.decode()
    # the ministry reads every plan: the MW ahead is shown
    body = _api(users.ministry).get(f"/api/analysis/plans/{result.plan_id}/connection/").json()
    assert body["result"]["grid"]["mw_ahead"] == pytest.approx(5.0 * ahead)


# ------------------------------------------------------------------------------------------ overview


def test_the_overview_blanks_one_companys_province_but_not_for_the_ministry(world, users):
    # Gelderland holds company A's plans alone; Noord-Brabant B, C, D and E
    rows = {r["key"]: r for r in _web(users.rvo).get(reverse("analysis:overview")).context["group_rows"]}
    assert rows["Gelderland"]["suppression"] == "primary"
    assert rows["Gelderland"]["n_plans"] is None
    # the total minus Noord-Brabant would give Gelderland: Noord-Brabant is blanked too
    assert rows["Noord-Brabant"]["suppression"] == "secondary"
    # the ministry reads every plan: the current analysis (no ?run=) shows it everything
    rows = {r["key"]: r for r in _web(users.ministry).get(reverse("analysis:overview")).context["group_rows"]}
    assert rows["Gelderland"]["n_plans"] == 2
    assert rows["Gelderland"]["suppression"] == ""


def test_the_overview_total_minus_the_shown_areas_does_not_give_one_companys_plans(world, users):
    # given the overview's total of dependent plans, shown to RVO (five companies)
    total = _web(users.rvo).get(reverse("analysis:overview")).context["total"]
    assert total["n_dependent"] is not None
    # when RVO reads the area map of the same run
    features = _web(users.rvo).get(reverse("analysis:map_areas"), {"run": world.run.pk}).json()["features"]
    props = {f["properties"]["code"]: f["properties"] for f in features}
    # then the total minus the shown areas does not give L1 (company A alone): E1 is blanked as well
    assert props["L1"]["suppression"] == "primary"
    assert props["E1"]["suppression"] == "secondary"
    assert props["E1"]["dependent"] is None
    shown = sum(p["dependent"] for p in props.values() if p["dependent"] is not None)
    assert total["n_dependent"] - shown != 2
    # the ministry reads every plan: it sees both areas
    features = (
        _web(users.ministry).get(reverse("analysis:map_areas"), {"run": world.run.pk}).json()["features"]
    )
    assert {f["properties"]["code"]: f["properties"]["dependent"] for f in features} == {"L1": 2, "E1": 4}


def test_one_provinces_comparison_does_not_give_the_province_blanked_in_the_national_table(db):
    from cluster6.plans.comparison import GroupBy, plan_comparison
    from cluster6.plans.constants import PlanStatus
    from tests.factories import ProvinceFactory, SurveyRoundFactory

    # given province X with three equal companies and province Y with one company alone
    x, y = ProvinceFactory(code="PVX", name="X"), ProvinceFactory(code="PVY", name="Y")
    round_a = SurveyRoundFactory(code="2024-A", name="Ronde A")
    round_b = SurveyRoundFactory(code="2025-A", name="Ronde B", previous=round_a)
    for name, province in (("x1", x), ("x2", x), ("x3", x), ("y1", y)):
        org = OrganisationFactory(name=name)
        plan = PlanFactory(location=ProductionLocationFactory(operator=org, province=province))
        for rnd in (round_a, round_b):
            PlanVersionFactory(
                submission=SubmittedSubmissionFactory(organisation=org, round=rnd),
                plan=plan,
                in_operation_year=2028,
                investment_decision_year=None,
                co2_reduction_t=1_000,
                status=PlanStatus.FEASIBILITY,
            )
    rvo = user_with_role(Role.RVO)
    national = plan_comparison(actor=rvo, round_from=round_a, round_to=round_b, group_by=GroupBy.PROVINCE)
    reasons = {g.key: g.suppression for g in national.groups}
    assert national.totals is not None
    assert reasons == {"PVY": "primary", "PVX": "secondary"}
    # when RVO filters on X: the national total minus X's totals would give Y (one company)
    only_x = plan_comparison(
        actor=rvo, round_from=round_a, round_to=round_b, group_by=GroupBy.SECTOR, province_code="PVX"
    )
    # then X's totals and groups are blanked as in the national table
    assert only_x.totals is None
    assert all(g.figures is None and g.suppression == "secondary" for g in only_x.groups)
    # the ministry reads every plan: it sees X
    ministry = user_with_role(Role.MINISTERIE)
    assert (
        plan_comparison(
            actor=ministry, round_from=round_a, round_to=round_b, group_by=GroupBy.SECTOR, province_code="PVX"
        ).totals
        is not None
    )
