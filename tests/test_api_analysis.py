"""The analysis endpoints of the API (/api/analysis/...): runs, plan results, the unlock ranking, MIEK
candidates, exports, scenarios and "wanneer kan ik aansluiten?" — runs and scenarios for the aggregate
roles, plan results under PlanResultPolicy (the company its own, the ministry all, others with consent),
reads of another company's results logged, answers as documented in the schema.

The world is tests/plans/sharing_world.py: company A in Liander's area L1, company B in Enexis' area E1,
one submitted plan each (both congested until 2029, planned for 2028: "mag (nog) niet"). The scenario
"L1 eerder" moves the end of congestion in L1 two years earlier, which makes A's plan "kan doorgaan".
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.analysis.freshness import analysis_request_refresh
from cluster6.analysis.models import AnalysisRun, PlanResult, Scenario
from cluster6.analysis.services import analysis_current, scenario_create
from cluster6.audit.models import ReadLog
from cluster6.registry.models import Organisation
from tests.factories import (
    ConsentFactory,
    PlanFactory,
    PlanVersionFactory,
    ProvinceOrganisationFactory,
)
from tests.factories import user_with_role as _user_with_role
from tests.plans.sharing_world import build_world
from tests.test_api_conformance import Contract, _params

pytestmark = pytest.mark.django_db

RUNS = "/api/analysis/runs/"
SCENARIOS = "/api/analysis/scenarios/"


def user_with_role(role, organisation=None, **kwargs):
    """tests.factories.user_with_role, sharing the one ministry, RVO and foundation organisation (their
    names are unique) between the users of a test."""
    if organisation is None and role not in (Role.PROVINCIE, Role.NETBEHEERDER, Role.BEDRIJF):
        organisation = Organisation.objects.filter(memberships__role=role).first()
    return _user_with_role(role, organisation, **kwargs)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def ministry():
    return user_with_role(Role.MINISTERIE)


@pytest.fixture
def run(world, ministry) -> AnalysisRun:
    return analysis_current(actor=ministry)


@pytest.fixture
def liander(world):
    """Liander's user, with company A's consent (not B's)."""
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    return user_with_role(Role.NETBEHEERDER, world.liander)


@pytest.fixture
def enexis(world):
    """Enexis' user, without any consent."""
    return user_with_role(Role.NETBEHEERDER, world.enexis)


@pytest.fixture
def contract() -> Contract:
    return Contract(json.loads(APIClient().get("/api/schema/", {"format": "json"}).content))


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def refs(response) -> set[str]:
    return {row["plan"]["reference"] for row in ok(response)["results"]}


# --- Runs ----------------------------------------------------------------------------------------------


def test_runs_are_for_the_aggregate_roles(world, run, contract):
    # given a stored baseline run and a user of each role
    aggregate_roles = [
        Role.MINISTERIE,
        Role.RVO,
        Role.CLUSTERREGISSEUR,
        Role.REGIOMANAGER,
        Role.PROVINCIE,
        Role.NETBEHEERDER,
    ]
    for role in aggregate_roles:
        client = client_for(user_with_role(role))
        # when they list the runs and open the run, then they see it
        response = client.get(RUNS)
        contract.check(RUNS, response)
        assert [r["id"] for r in ok(response)["results"]] == [run.pk], role
        contract.check(f"{RUNS}{{id}}/", client.get(f"{RUNS}{run.pk}/"))
    # a company user gets 403 on every run endpoint, the anonymous public 401
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    for url in (
        RUNS,
        f"{RUNS}{run.pk}/",
        f"{RUNS}latest/",
        f"{RUNS}{run.pk}/unlock-ranking/",
        f"{RUNS}{run.pk}/miek-candidates/",
        f"{RUNS}{run.pk}/export/?table=groepen",
        SCENARIOS,
    ):
        assert company.get(url).status_code == 403, url
        assert APIClient().get(url).status_code == 401, url
    assert APIClient().get(f"{RUNS}{run.pk}/plans/").status_code == 401
    assert company.post(RUNS, {}, format="json").status_code == 403
    assert APIClient().post(RUNS, {}, format="json").status_code == 401


def test_a_run_in_full(run, ministry, contract):
    response = client_for(ministry).get(f"{RUNS}{run.pk}/")
    contract.check(f"{RUNS}{{id}}/", response)
    body = ok(response)
    assert (body["kind"], body["engine_version"], body["input_hash"]) == (
        "basis",
        run.engine_version,
        run.input_hash,
    )
    assert len(body["input_hash"]) == 64
    assert body["parameters"]["base_year"] == timezone.localdate().year
    assert body["basis"] == run.basis
    assert body["notes"] == run.notes
    assert body["summary"]["n_plans"] == 2
    assert body["summary"]["n_may_not"] == run.aggregates["total"]["n_may_not"]
    assert {g["key"] for g in body["aggregates"]["by"]["province"]} == {"Gelderland", "Noord-Brabant"}
    assert body["comparison"] is None
    assert body["scenario"] is None
    assert client_for(ministry).get(f"{RUNS}999999/").status_code == 404
    assert client_for(ministry).get(f"{RUNS}abc/").status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker runs as it would: outside a test transaction
def test_the_latest_baseline_is_the_last_stored_run(world, ministry, contract):
    client = client_for(ministry)
    # no run yet: 404, and a background refresh is queued (the API computes nothing itself)
    missing = client.get(f"{RUNS}latest/")
    contract.check(f"{RUNS}latest/", missing)
    assert missing.status_code == 404
    assert AnalysisRun.objects.count() == 0
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    first = client.get(f"{RUNS}latest/")
    contract.check(f"{RUNS}latest/", first)
    second = client.get(f"{RUNS}latest/")
    assert ok(first)["id"] == ok(second)["id"]
    assert ok(first)["refreshing"] is False
    assert AnalysisRun.objects.count() == 1
    # a changed input: the stored run until the worker has computed the new one
    PlanVersionFactory(submission=world.v_b.submission, plan=PlanFactory(location=world.loc_b))
    analysis_request_refresh(reason="test")
    assert ok(client.get(f"{RUNS}latest/"))["refreshing"] is True
    assert ok(client.get(f"{RUNS}latest/"))["id"] == ok(first)["id"]
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    assert ok(client.get(f"{RUNS}latest/"))["id"] != ok(first)["id"]


def test_the_list_filters_by_kind(run, ministry, contract):
    scenario = scenario_create(
        actor=ministry, values={"name": "L1 eerder", "congestion_end_shifts": {"L1": -2}}
    )
    client = client_for(ministry)
    ok(client.post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json"), 201)
    assert {r["kind"] for r in ok(client.get(RUNS))["results"]} == {"basis", "scenario"}
    assert [r["kind"] for r in ok(client.get(RUNS, {"kind": "scenario"}))["results"]] == ["scenario"]
    assert [r["id"] for r in ok(client.get(RUNS, {"kind": "basis"}))["results"]] == [run.pk]
    response = client.get(RUNS, {"kind": "toekomst"})
    assert response.status_code == 400
    contract.check(RUNS, response)


def test_post_runs_the_analysis_and_reuses_the_same_input(world, ministry, contract):
    client = client_for(ministry)
    response = client.post(RUNS, {"parameters": {"unlock_years_earlier": 3}}, format="json")
    contract.check(RUNS, response, method="post")
    body = ok(response, 201)
    assert body["parameters"]["unlock_years_earlier"] == 3
    assert body["created_by"] == ministry.get_username()
    # the same input again: the stored run, 200
    again = client.post(RUNS, {"parameters": {"unlock_years_earlier": 3}}, format="json")
    contract.check(RUNS, again, method="post")
    assert ok(again)["id"] == body["id"]
    # no body at all: the default parameters
    assert ok(client.post(RUNS, format="json"), 201)["parameters"]["unlock_years_earlier"] != 3


def test_post_with_bad_parameters_is_400_naming_the_field(world, ministry, contract):
    client = client_for(ministry)
    cases = [
        (
            {"parameters": {"base_year": 1800, "flexible_share": "veel"}},
            "parameters",
            ["base_year", "flexible_share"],
        ),
        ({"parameters": [1, 2]}, "parameters", []),
        ({"parameters": {"unlock_years_earlier": 99}}, "parameters", ["unlock_years_earlier"]),
        ({"scenario": 999999}, "scenario", []),
        ({"scenario": "een"}, "scenario", []),
    ]
    for body, field, named in cases:
        response = client.post(RUNS, body, format="json")
        contract.check(RUNS, response, method="post")
        errors = ok(response, 400)
        assert list(errors) == [field], (body, errors)
        for name in named:
            assert any(name in message for message in errors[field]), (name, errors)
    assert "moet tussen 1900 en 2200 liggen" in " ".join(
        ok(client.post(RUNS, {"parameters": {"base_year": 1800}}, format="json"), 400)["parameters"]
    )
    assert not AnalysisRun.objects.exists()


def test_a_session_post_needs_the_csrf_token(world, ministry):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ministry)
    assert client.post(RUNS, {}, format="json").status_code == 403


# --- Plan results --------------------------------------------------------------------------------------


def test_plan_results_role_by_role(world, run, liander, enexis, ministry, contract):
    template = f"{RUNS}{{id}}/plans/"
    expected = {
        "ministry (all)": (ministry, {"A-1", "B-1"}),
        "liander (A's consent)": (liander, {"A-1"}),
        "enexis (no consent)": (enexis, set()),
        "rvo (no consent)": (user_with_role(Role.RVO), set()),
        "province (no consent)": (user_with_role(Role.PROVINCIE), set()),
        "cluster 6 (no consent)": (user_with_role(Role.CLUSTERREGISSEUR), set()),
    }
    for name, (user, visible) in expected.items():
        response = client_for(user).get(f"{RUNS}{run.pk}/plans/")
        contract.check(template, response)
        assert refs(response) == visible, name
    assert client_for(ministry).get(f"{RUNS}999999/plans/").status_code == 404


def test_a_company_lists_its_own_results_in_a_baseline_run_only(world, run, ministry, contract):
    template = f"{RUNS}{{id}}/plans/"
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    # its own plan in the baseline run, and not B's
    response = company.get(f"{RUNS}{run.pk}/plans/")
    contract.check(template, response)
    assert refs(response) == {"A-1"}
    assert not ReadLog.objects.exists()
    # a scenario run and an unknown run are 404 for it (the ministry sees the scenario run)
    scenario = scenario_create(
        actor=ministry, values={"name": "L1 eerder", "congestion_end_shifts": {"L1": -2}}
    )
    scenario_run = ok(client_for(ministry).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json"), 201)
    for pk in (scenario_run["id"], 999999, "abc"):
        response = company.get(f"{RUNS}{pk}/plans/")
        assert response.status_code == 404, pk
        contract.check(template, response)
    assert ok(client_for(ministry).get(f"{RUNS}{scenario_run['id']}/plans/"))["count"] == 2


def test_a_plan_result_in_full_and_its_read_logged(world, run, liander, contract):
    response = client_for(liander).get(f"{RUNS}{run.pk}/plans/")
    contract.check(f"{RUNS}{{id}}/plans/", response)
    (row,) = ok(response)["results"]
    stored = PlanResult.objects.get(run=run, plan=world.v_a.plan)
    assert row["id"] == stored.pk
    assert row["plan"] == {"id": world.v_a.plan_id, "reference": "A-1"}
    assert (row["plan_version"], row["title"], row["route"]) == (world.v_a.pk, "Boiler A", "elektrificatie")
    assert row["owner"] == {"id": world.company_a.pk, "name": "Glasfabriek A"}
    assert row["location"]["province"] == {"code": "PV25", "name": "Gelderland"}
    assert (row["feasibility"], row["bottleneck"]) == (stored.feasibility, stored.bottleneck)
    assert row["grid"]["area_code"] == "L1"
    assert row["grid"]["connection_year"] == stored.connection_year
    assert row["grid"]["queue_position"] == stored.queue_position
    assert row["explanation"] == stored.explanation
    log = ReadLog.objects.get()
    assert (log.owner, log.actor, log.actor_organisation, log.channel) == (
        world.company_a,
        liander,
        world.liander,
        "api",
    )
    assert log.target_id == str(world.v_a.pk)


def test_the_ministry_reading_a_page_logs_one_read_per_result_on_it(world, run, ministry):
    response = client_for(ministry).get(f"{RUNS}{run.pk}/plans/", {"page_size": 1})
    assert ok(response)["count"] == 2
    (log,) = ReadLog.objects.all()
    assert log.channel == "api"
    assert log.target_id == str(ok(response)["results"][0]["plan_version"])


def test_plan_result_filters_and_their_validation(world, run, ministry, contract):
    template = f"{RUNS}{{id}}/plans/"
    client = client_for(ministry)
    feasibility_a = PlanResult.objects.get(run=run, plan=world.v_a.plan).feasibility
    cases = {
        "province=PV25": {"A-1"},
        "province=PV30": {"B-1"},
        f"class={feasibility_a}": {"A-1", "B-1"},
        "class=cannot": set(),
        "sector=voedingsmiddelen": {"A-1", "B-1"},
        "sector=glas": set(),
        "route=elektrificatie": {"A-1", "B-1"},
        "route=waterstof": set(),
        "bottleneck=grid_congestion": {"A-1", "B-1"},
        "bottleneck=hydrogen": set(),
        "grid_area=E1": {"B-1"},
        "q=oven": {"B-1"},
        "q=glasfabriek": {"A-1"},
    }
    for query, expected in cases.items():
        response = client.get(f"{RUNS}{run.pk}/plans/?{query}")
        contract.check(template, response)
        assert refs(response) == expected, query
    for query in ("province=Gelderland", "class=misschien", "sector=x", "route=kernfusie", "bottleneck=geld"):
        response = client.get(f"{RUNS}{run.pk}/plans/?{query}")
        assert response.status_code == 400, query
        assert list(response.json()) == [query.split("=")[0]]
        contract.check(template, response)


def test_the_plan_list_takes_a_bounded_number_of_queries(world, liander, ministry):
    # given two runs of the same parameters: one with 2 plans, one with 8 plans
    small = analysis_current(actor=ministry)
    for n in range(6):
        PlanVersionFactory(
            submission=world.v_a.submission, plan=PlanFactory(location=world.loc_a, reference=f"N{n}")
        )
    large = analysis_current(actor=ministry)
    client = client_for(liander)

    def count(run) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{RUNS}{run.pk}/plans/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    count(small)  # warm up (session, content types; each run's queues are read once per worker)
    count(large)
    n_small, rows_small = count(small)
    n_large, rows_large = count(large)
    assert (rows_small, rows_large) == (1, 7)
    assert n_small == n_large


def test_the_run_and_scenario_lists_take_a_bounded_number_of_queries(
    world, ministry, django_assert_max_num_queries
):
    client = client_for(ministry)
    for n in range(4):
        scenario = scenario_create(
            actor=ministry, values={"name": f"S{n}", "congestion_end_shifts": {"L1": -n - 1}}
        )
        ok(client.post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json"), 201)
    assert AnalysisRun.objects.count() == 5
    client.get(RUNS)
    # session, user, memberships, count, page (with scenario and maker joined)
    with django_assert_max_num_queries(5):
        assert len(ok(client.get(RUNS))["results"]) == 5
    with django_assert_max_num_queries(5):
        assert len(ok(client.get(SCENARIOS))["results"]) == 4


# --- "Wanneer kan ik aansluiten?" ----------------------------------------------------------------------


def connection_url(plan) -> str:
    return f"/api/analysis/plans/{plan.pk}/connection/"


def test_the_company_sees_when_its_plan_can_connect(world, run, contract):
    template = "/api/analysis/plans/{plan_id}/connection/"
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    response = company.get(connection_url(world.v_a.plan))
    contract.check(template, response)
    body = ok(response)
    stored = PlanResult.objects.get(run=run, plan=world.v_a.plan)
    assert body["plan"] == world.v_a.plan_id
    assert body["run"]["id"] == run.pk
    assert body["run"]["input_hash"] == run.input_hash
    assert body["result"]["grid"]["connection_year"] == stored.connection_year
    assert body["result"]["grid"]["mw_ahead"] == stored.mw_ahead
    assert body["result"]["feasibility"] == stored.feasibility
    assert not ReadLog.objects.exists()  # its own plan
    # another company's plan is 404, like an unknown plan
    for plan_id in (world.v_b.plan_id, 999999):
        response = company.get(f"/api/analysis/plans/{plan_id}/connection/")
        assert response.status_code == 404
        contract.check(template, response)
    assert APIClient().get(connection_url(world.v_a.plan)).status_code == 401


def test_a_grid_operator_sees_the_connection_only_with_consent(world, run, liander, enexis, ministry):
    # Liander has A's consent: it sees A's plan, and the read is logged
    assert ok(client_for(liander).get(connection_url(world.v_a.plan)))["plan"] == world.v_a.plan_id
    log = ReadLog.objects.get()
    assert (log.owner, log.actor, log.channel) == (world.company_a, liander, "api")
    assert client_for(liander).get(connection_url(world.v_b.plan)).status_code == 404
    # Enexis has no consent: not even the plan in its own area
    assert client_for(enexis).get(connection_url(world.v_b.plan)).status_code == 404
    # the ministry sees both
    for plan in (world.v_a.plan, world.v_b.plan):
        assert client_for(ministry).get(connection_url(plan)).status_code == 200
    assert ReadLog.objects.count() == 3


def test_no_run_yet_is_404(world):
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    assert company.get(connection_url(world.v_a.plan)).status_code == 404


# --- Unlock ranking and MIEK candidates ----------------------------------------------------------------


def unlock_count(client, run, query: str) -> int:
    return ok(client.get(f"{RUNS}{run.pk}/unlock-ranking/?{query}"))["count"]


def test_the_unlock_ranking_and_its_filters(run, ministry, contract):
    template = f"{RUNS}{{id}}/unlock-ranking/"
    client = client_for(ministry)
    response = client.get(f"{RUNS}{run.pk}/unlock-ranking/")
    contract.check(template, response)
    rows = ok(response)["results"]
    assert [r["code"] for r in rows] == [e["code"] for e in run.unlock_ranking]
    assert {r["area_code"] for r in rows} == {"L1", "E1"}
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert unlock_count(client, run, "kind=congestion_end") == len(rows)
    assert unlock_count(client, run, "kind=grid_reinforcement") == 0
    assert unlock_count(client, run, "carrier=hydrogen") == 0
    assert unlock_count(client, run, "page_size=1") == len(rows)
    for query in ("kind=brug", "carrier=kolen"):
        response = client.get(f"{RUNS}{run.pk}/unlock-ranking/?{query}")
        assert response.status_code == 400
        contract.check(template, response)
    assert (
        client_for(user_with_role(Role.PROVINCIE)).get(f"{RUNS}{run.pk}/unlock-ranking/").status_code == 200
    )


def test_the_miek_candidates(run, ministry, contract):
    response = client_for(ministry).get(f"{RUNS}{run.pk}/miek-candidates/")
    contract.check(f"{RUNS}{{id}}/miek-candidates/", response)
    assert ok(response)["count"] == len(run.miek_candidates)


def test_miek_candidates_when_demand_reaches_the_threshold(world, ministry, contract):
    client = client_for(ministry)
    body = ok(client.post(RUNS, {"parameters": {"miek_threshold_mw": 1.0}}, format="json"), 201)
    response = client.get(f"{RUNS}{body['id']}/miek-candidates/")
    contract.check(f"{RUNS}{{id}}/miek-candidates/", response)
    run = AnalysisRun.objects.get(pk=body["id"])
    assert [r["area_id"] for r in ok(response)["results"]] == [m["area_id"] for m in run.miek_candidates]


# --- Exports -------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert not text.startswith("\ufeff")  # the API's default is the CSV for machines (vorm=excel: Excel)
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_exports(world, run, ministry, settings):
    # with disclosure control (3 companies), RVO, which may read none of the plans, gets the groups of
    # this small world blanked, and the total too (two companies)
    groups = read_csv(
        client_for(user_with_role(Role.RVO)).get(f"{RUNS}{run.pk}/export/", {"table": "groepen"})
    )
    assert groups[0][:3] == ["Indeling", "Groep", "Plannen"]
    assert [*groups[1][:3], groups[1][-1]] == ["Totaal", "totaal", "", "ja"]
    assert ["Provincie", "Gelderland", "", "ja"] in [[*row[:3], row[-1]] for row in groups]
    # the ministry reads every plan: it gets the figures
    client = client_for(ministry)
    groups = read_csv(client.get(f"{RUNS}{run.pk}/export/", {"table": "groepen", "format": "csv"}))
    assert groups[1][:3] == ["Totaal", "totaal", "2"]
    assert ["Provincie", "Gelderland", "1"] in [row[:3] for row in groups]
    ranking = read_csv(client.get(f"{RUNS}{run.pk}/export/", {"table": "ontsluiting"}))  # CSV by default
    assert ranking[0][:2] == ["Rang", "Project"]
    assert len(ranking) == 1 + len(run.unlock_ranking)
    miek = read_csv(client.get(f"{RUNS}{run.pk}/export/", {"table": "miek"}))
    assert miek[0][0] == "Gebied"
    assert not ReadLog.objects.exists()  # no plan rows in these tables


def test_the_plan_export_is_scoped_and_logged(world, run, liander):
    response = client_for(liander).get(f"{RUNS}{run.pk}/export/", {"table": "plannen", "format": "csv"})
    rows = read_csv(response)
    assert rows[0][:3] == ["Plan", "Titel", "Productielocatie"]
    assert [row[:5] for row in rows[1:]] == [["A-1", "Boiler A", "A Arnhem", "Glasfabriek A", "Gelderland"]]
    assert f"analyse-{run.pk}-plannen.csv" in response["Content-Disposition"]
    assert response.streaming is True
    (log,) = ReadLog.objects.all()
    assert (log.owner, log.channel, log.target_id) == (world.company_a, "export", str(world.v_a.pk))


def test_the_xlsx_export_opens_with_openpyxl(world, run, liander):
    response = client_for(liander).get(f"{RUNS}{run.pk}/export/", {"table": "plannen", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"analyse-{run.pk}.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # streams
    assert workbook.sheetnames == ["Analyse", "Per groep", "Plannen", "Ontsluiting", "Kandidaat-MIEK"]
    provenance = {row[0]: row[1] for row in workbook["Analyse"].iter_rows(values_only=True)}
    assert provenance["Invoer-hash (SHA-256)"] == run.input_hash
    plans = list(workbook["Plannen"].iter_rows(values_only=True))
    assert [row[0] for row in plans[1:]] == ["A-1"]  # B's plan: no consent
    # Liander reads A's plans; the total minus A's would be B's alone: blanked for Liander
    assert list(workbook["Per groep"].iter_rows(values_only=True))[1][:3] == ("Totaal", "totaal", None)
    assert [(r.owner, r.channel) for r in ReadLog.objects.all()] == [(world.company_a, "export")]


def test_export_errors(world, run, ministry, contract):
    template = f"{RUNS}{{id}}/export/"
    client = client_for(ministry)
    cases = [
        (client, f"{RUNS}{run.pk}/export/", {"format": "csv"}, 400, ["table"]),  # CSV needs a table
        (client, f"{RUNS}{run.pk}/export/", {}, 400, ["table"]),
        (client, f"{RUNS}{run.pk}/export/", {"table": "alles"}, 400, ["table"]),
        (client, f"{RUNS}{run.pk}/export/", {"table": "groepen", "format": "pdf"}, 400, ["format"]),
        (client, f"{RUNS}999999/export/", {"table": "groepen"}, 404, None),
        (client_for(user_with_role(Role.BEDRIJF, world.company_a)), f"{RUNS}{run.pk}/export/", {}, 403, None),
        (APIClient(), f"{RUNS}{run.pk}/export/", {"table": "groepen"}, 401, None),
    ]
    for c, url, query, status, fields in cases:
        response = c.get(url, query)
        assert response.status_code == status, (query, response.content)
        contract.check(template, response)
        if fields is not None:
            assert list(response.json()) == fields


# --- Scenarios -----------------------------------------------------------------------------------------


def test_scenario_crud_and_who_may_edit(world, ministry, contract):
    maker = user_with_role(Role.CLUSTERREGISSEUR)
    other = user_with_role(Role.PROVINCIE)
    # the maker creates one
    response = client_for(maker).post(
        SCENARIOS,
        {
            "name": "L1 eerder",
            "description": "Einde congestie Arnhem twee jaar eerder",
            "congestion_end_shifts": {"L1": -2},
            "extra_capacity": [{"area_id": "E1", "year": 2027, "mw": 10}],
        },
        format="json",
    )
    contract.check(SCENARIOS, response, method="post")
    body = ok(response, 201)
    pk = body["id"]
    assert (body["name"], body["created_by"], body["can_edit"], body["runs"]) == (
        "L1 eerder",
        maker.get_username(),
        True,
        [],
    )
    assert Scenario.objects.get(pk=pk).created_by == maker
    detail = f"{SCENARIOS}{pk}/"
    # every aggregate role sees it; only the maker and the ministry edit
    response = client_for(other).get(detail)
    contract.check(f"{SCENARIOS}{{id}}/", response)
    assert ok(response)["can_edit"] is False
    for method, url, data in [
        ("patch", detail, {"name": "Van mij"}),
        ("put", detail, {"name": "Van mij"}),
        ("post", f"{detail}archive/", None),
    ]:
        response = getattr(client_for(other), method)(url, data, format="json")
        assert response.status_code == 403, (method, url)
        template = f"{SCENARIOS}{{id}}/archive/" if url.endswith("archive/") else f"{SCENARIOS}{{id}}/"
        contract.check(template, response, method=method)
    assert Scenario.objects.get(pk=pk).name == "L1 eerder"
    # the ministry changes one field (PATCH)
    response = client_for(ministry).patch(detail, {"flexible_share": 0.5}, format="json")
    contract.check(f"{SCENARIOS}{{id}}/", response, method="patch")
    assert ok(response)["flexible_share"] == 0.5
    assert ok(response)["congestion_end_shifts"] == {"L1": -2}
    # the maker replaces it (PUT): what it leaves out takes the defaults
    response = client_for(maker).put(
        detail, {"name": "Alleen E1", "rollout_shifts": {"H2-1": 1}}, format="json"
    )
    contract.check(f"{SCENARIOS}{{id}}/", response, method="put")
    body = ok(response)
    assert (body["name"], body["rollout_shifts"], body["congestion_end_shifts"]) == (
        "Alleen E1",
        {"H2-1": 1},
        {},
    )
    assert (body["extra_capacity"], body["flexible_share"], body["description"]) == ([], None, "")
    # archived: out of the list, in the archived list
    response = client_for(maker).post(f"{detail}archive/")
    contract.check(f"{SCENARIOS}{{id}}/archive/", response, method="post")
    assert ok(response)["is_archived"] is True
    assert ok(client_for(other).get(SCENARIOS))["results"] == []
    assert [s["id"] for s in ok(client_for(other).get(SCENARIOS, {"archived": "true"}))["results"]] == [pk]
    # unknown and company: 404 and 403
    assert client_for(ministry).get(f"{SCENARIOS}999999/").status_code == 404
    assert client_for(ministry).patch(f"{SCENARIOS}999999/", {}, format="json").status_code == 404
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    assert company.get(detail).status_code == 403
    assert company.post(SCENARIOS, {"name": "x"}, format="json").status_code == 403
    assert client_for(ministry).delete(detail).status_code == 405


def test_bad_scenario_rows_are_400_naming_row_and_field(world, ministry, contract):
    client = client_for(ministry)
    cases = [
        ({"name": "x", "extra_capacity": [{"area_id": "L1", "year": 2027}]}, "extra_capacity", "[0].mw"),
        ({"name": "x", "extra_capacity": {"area_id": "L1"}}, "extra_capacity", "lijst"),
        ({"name": "x", "extra_capacity": [{"area_id": "L1", "year": 2027, "mw": 5, "certainty": "zeker"}]},
         "extra_capacity", "[0].certainty"),
        ({"name": "x", "reinforcement_shifts": {"L1|Versterking": "snel"}}, "reinforcement_shifts", "L1|"),
        ({"name": "x", "congestion_end_shifts": {"L1": 99}}, "congestion_end_shifts", "L1"),
        ({"name": "x", "rollout_shifts": "H2"}, "rollout_shifts", "object"),
        ({"name": "x", "flexible_share": 2}, "flexible_share", ""),
        ({"description": "zonder naam"}, "name", ""),
        ({"name": "x" * 121}, "name", ""),
    ]  # fmt: skip
    for body, field, fragment in cases:
        response = client.post(SCENARIOS, body, format="json")
        contract.check(SCENARIOS, response, method="post")
        errors = ok(response, 400)
        assert list(errors) == [field], (body, errors)
        assert all(isinstance(m, str) for m in errors[field])
        assert fragment in " ".join(errors[field]), (fragment, errors)
    assert not Scenario.objects.exists()
    # an update checks the same way and changes nothing
    scenario = scenario_create(actor=ministry, values={"name": "goed"})
    response = client.patch(f"{SCENARIOS}{scenario.pk}/", {"extra_capacity": [{"mw": 1}]}, format="json")
    contract.check(f"{SCENARIOS}{{id}}/", response, method="patch")
    assert "extra_capacity" in ok(response, 400)
    scenario.refresh_from_db()
    assert scenario.extra_capacity == []


def test_a_scenario_run_shows_only_the_class_changes_the_user_may_see(world, liander, enexis, contract):
    # given a scenario that ends congestion in L1 two years earlier
    maker = user_with_role(Role.MINISTERIE)
    scenario = scenario_create(actor=maker, values={"name": "L1 eerder", "congestion_end_shifts": {"L1": -2}})
    template = f"{SCENARIOS}{{id}}/run/"
    # when Liander (A's consent) runs it
    response = client_for(liander).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json")
    contract.check(template, response, method="post")
    body = ok(response, 201)
    run = AnalysisRun.objects.get(pk=body["id"])
    stored = run.comparison["class_changes"]
    assert [int(c["plan_id"]) for c in stored] == [world.v_a.plan_id]  # the precondition
    # then it is a scenario run against the baseline, and it sees A's change
    assert (body["kind"], body["scenario"]["id"]) == ("scenario", scenario.pk)
    assert body["baseline"] == AnalysisRun.objects.get(kind="basis").pk
    assert body["scenario_snapshot"]["congestion_end_shifts"] == {"L1": -2}
    comparison = body["comparison"]
    assert comparison["class_changes_total"] == 1
    (change,) = comparison["class_changes"]
    assert change["plan"] == {"id": world.v_a.plan_id, "reference": "A-1"}
    assert (change["baseline"]["feasibility"], change["scenario"]["feasibility"]) == (
        stored[0]["baseline"],
        stored[0]["scenario"],
    )
    assert change["scenario"]["ready_year"] == stored[0]["scenario_ready_year"]
    # only A's plan changes, which Liander reads: the difference is shown ...
    assert comparison["suppression"] == ""
    assert comparison["co2_by_deadline_delta_t"] == run.comparison["co2_by_deadline_delta_t"]
    # ... but not the baseline's (nor the scenario's) own figures: minus A's plans they are B's alone
    assert comparison["baseline_suppression"] == "primary"
    assert comparison["counts_scenario"] is None
    assert comparison["co2_by_deadline_baseline_t"] is None
    assert [(r.owner, r.actor, r.channel) for r in ReadLog.objects.all()] == [
        (world.company_a, liander, "api")
    ]
    # Enexis (no consent) gets the stored run (200) without the plan, and without the difference: it
    # rests on company A alone, whose plans Enexis may not read (scenario minus baseline = A's plan)
    response = client_for(enexis).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json")
    contract.check(template, response, method="post")
    comparison = ok(response)["comparison"]
    assert ok(response)["id"] == run.pk
    assert (comparison["class_changes"], comparison["class_changes_total"]) == ([], None)
    assert comparison["suppression"] == "primary"
    assert comparison["co2_by_deadline_delta_t"] is None
    # the same on the run's own page, and the scenario lists its run
    comparison = ok(client_for(enexis).get(f"{RUNS}{run.pk}/"))["comparison"]
    assert (comparison["class_changes"], comparison["class_changes_total"]) == ([], None)
    assert [r["id"] for r in ok(client_for(enexis).get(f"{SCENARIOS}{scenario.pk}/"))["runs"]] == [run.pk]
    assert ReadLog.objects.count() == 1


def test_a_scenario_with_unknown_codes_is_400_when_it_runs(world, ministry, contract):
    scenario = scenario_create(actor=ministry, values={"name": "Fout", "reinforcement_shifts": {"X|Y": -1}})
    response = client_for(ministry).post(f"{SCENARIOS}{scenario.pk}/run/", {}, format="json")
    contract.check(f"{SCENARIOS}{{id}}/run/", response, method="post")
    errors = ok(response, 400)
    assert list(errors) == ["non_field_errors"]
    assert "X|Y" in errors["non_field_errors"][0]
    response = client_for(ministry).post(
        f"{SCENARIOS}{scenario.pk}/run/", {"parameters": {"deadline_year": "2030"}}, format="json"
    )
    assert "deadline_year" in ok(response, 400)["parameters"][0]
    assert not AnalysisRun.objects.filter(kind="scenario").exists()
    assert client_for(ministry).post(f"{SCENARIOS}999999/run/", {}, format="json").status_code == 404


def test_a_post_with_a_scenario_id_runs_that_scenario(world, ministry):
    scenario = scenario_create(
        actor=ministry, values={"name": "L1 eerder", "congestion_end_shifts": {"L1": -2}}
    )
    body = ok(client_for(ministry).post(RUNS, {"scenario": scenario.pk}, format="json"), 201)
    assert (body["kind"], body["comparison"]["class_changes_total"]) == ("scenario", 1)
    assert len(body["comparison"]["class_changes"]) == 1  # the ministry sees every plan


# --- Contract ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.MINISTERIE, Role.RVO, Role.PROVINCIE, Role.NETBEHEERDER, Role.BEDRIJF, None]
)
def test_every_analysis_endpoint_answers_as_documented_for_every_role(world, run, contract, role):
    organisation = {Role.NETBEHEERDER: world.liander, Role.BEDRIJF: world.company_a}.get(role)
    if role == Role.PROVINCIE:
        organisation = ProvinceOrganisationFactory(province=world.gelderland)
    client = client_for(user_with_role(role, organisation) if role is not None else None)
    scenario = scenario_create(actor=user_with_role(Role.MINISTERIE), values={"name": "S"})
    calls = [
        (f"{RUNS}", RUNS),
        (f"{RUNS}{{id}}/", f"{RUNS}{run.pk}/"),
        (f"{RUNS}{{id}}/", f"{RUNS}999999/"),
        (f"{RUNS}latest/", f"{RUNS}latest/"),
        (f"{RUNS}{{id}}/plans/", f"{RUNS}{run.pk}/plans/"),
        (f"{RUNS}{{id}}/plans/", f"{RUNS}{run.pk}/plans/?page=9"),
        (f"{RUNS}{{id}}/unlock-ranking/", f"{RUNS}{run.pk}/unlock-ranking/"),
        (f"{RUNS}{{id}}/miek-candidates/", f"{RUNS}{run.pk}/miek-candidates/"),
        (f"{RUNS}{{id}}/export/", f"{RUNS}{run.pk}/export/?format=csv"),
        (SCENARIOS, SCENARIOS),
        (f"{SCENARIOS}{{id}}/", f"{SCENARIOS}{scenario.pk}/"),
        ("/api/analysis/plans/{plan_id}/connection/", connection_url(world.v_a.plan)),
        ("/api/analysis/plans/{plan_id}/connection/", connection_url(world.v_b.plan)),
    ]
    statuses = set()
    for template, url in calls:
        response = client.get(url)
        statuses.add(response.status_code)
        contract.check(template, response)
    expected = {
        None: {401},
        Role.BEDRIJF: {200, 403, 404},
    }.get(role, {200, 400, 404})
    assert statuses == expected


@pytest.mark.parametrize("path", ["plans/", "unlock-ranking/"])
def test_fuzzed_query_parameters_never_break_the_contract(run, ministry, contract, path):
    client = client_for(ministry)
    template = f"{RUNS}{{id}}/{path}"
    operation = contract.operation(template)

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(params=_params(operation))
    def check(params: dict[str, str]) -> None:
        response = client.get(f"{RUNS}{run.pk}/{path}", params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        contract.check(template, response)

    check()


def test_groups_of_fewer_than_three_companies_show_no_figures(world, run, ministry, settings):
    rvo = client_for(user_with_role(Role.RVO))
    response = rvo.get(f"{RUNS}{run.pk}/")
    by_province = {r["key"]: r for r in response.json()["aggregates"]["by"]["province"]}
    assert all(r["suppression"] == "primary" and r["n_plans"] is None for r in by_province.values())
    # the total rests on two companies as well: blanked for RVO
    assert response.json()["summary"]["n_plans"] is None
    assert response.json()["aggregates"]["total"]["suppression"] == "primary"
    # the ministry reads every plan: nothing blanked
    response = client_for(ministry).get(f"{RUNS}{run.pk}/")
    assert response.json()["summary"]["n_plans"] == 2
    assert {r["suppression"] for r in response.json()["aggregates"]["by"]["province"]} == {""}
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 1
    settings.CLUSTER6_DISCLOSURE_MAX_SHARE = 1.0
    response = rvo.get(f"{RUNS}{run.pk}/")
    assert {r["suppression"] for r in response.json()["aggregates"]["by"]["province"]} == {""}
