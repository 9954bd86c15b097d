"""The pages of the feasibility analysis with the Django test client, role by role: the overview with its
htmx fragment, rerun and exports; the plan results and one plan's answer; the company page; scenarios
(editor, comparison, archive); the unlock ranking. Reads of another company's results are logged.

The world (tests/plans/sharing_world.py, plus): company A has two submitted plans at "A Arnhem" in area
L1 (Liander), company B one at "B Tilburg" in E1 (Enexis); L1 has a reinforcement. Liander has company A's
consent, Enexis has none. The baseline run is computed with base year 2026."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cluster6.accounts.constants import Role
from cluster6.analysis.constants import RunKind
from cluster6.analysis.models import AnalysisRun, PlanResult, Scenario
from cluster6.analysis.services import analysis_run, scenario_create
from cluster6.audit.models import ReadLog
from tests.factories import (
    ConsentFactory,
    GridProjectFactory,
    PlanFactory,
    PlanVersionFactory,
    ProvinceOrganisationFactory,
    UserFactory,
    user_with_role,
)
from tests.plans.sharing_world import build_world

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password
BASE_YEAR = {"base_year": 2026}
AGGREGATE_ROLES = [
    Role.MINISTERIE,
    Role.RVO,
    Role.CLUSTERREGISSEUR,
    Role.REGIOMANAGER,
    Role.PROVINCIE,
    Role.NETBEHEERDER,
]


def _box(area, west, south, east, north):
    area.bbox_west, area.bbox_south, area.bbox_east, area.bbox_north = west, south, east, north
    area.save()


@pytest.fixture
def world():
    w = build_world()
    _box(w.area_l, 5.7, 51.9, 6.1, 52.1)
    _box(w.area_e, 4.9, 51.5, 5.2, 51.7)
    w.v_a2 = PlanVersionFactory(
        submission=w.v_a.submission,
        plan=PlanFactory(location=w.loc_a, reference="A-2"),
        title="Warmtepomp A",
        in_operation_year=2031,
    )
    w.reinforcement = GridProjectFactory(area=w.area_l, name="Arnhem uitbreiden", added_capacity_mw=30.0)
    ConsentFactory(owner=w.company_a, grantee=w.liander)
    w.run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    return w


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users(world):
    make = {
        Role.MINISTERIE: lambda: user_with_role(Role.MINISTERIE),
        Role.RVO: lambda: user_with_role(Role.RVO),
        Role.CLUSTERREGISSEUR: lambda: user_with_role(Role.CLUSTERREGISSEUR),
        Role.REGIOMANAGER: lambda: user_with_role(Role.REGIOMANAGER),
        Role.PROVINCIE: lambda: user_with_role(
            Role.PROVINCIE, ProvinceOrganisationFactory(province=world.gelderland)
        ),
        Role.NETBEHEERDER: lambda: user_with_role(Role.NETBEHEERDER, world.liander),
    }
    out = {role: f() for role, f in make.items()}
    return SimpleNamespace(
        by_role=out,
        ministry=out[Role.MINISTERIE],
        liander=out[Role.NETBEHEERDER],
        enexis=user_with_role(Role.NETBEHEERDER, world.enexis),
        rvo=out[Role.RVO],
        company_a=user_with_role(Role.BEDRIJF, world.company_a),
        company_b=user_with_role(Role.BEDRIJF, world.company_b),
        nobody=UserFactory(),
    )


def _result(world, version) -> PlanResult:
    return PlanResult.objects.get(run=world.run, plan_version=version)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))  # for Dutch Excel


def _reads(owner, channel: str | None = None):
    qs = ReadLog.objects.filter(owner=owner)
    return qs.filter(channel=channel) if channel else qs


# ------------------------------------------------------------------------------------------ access


AGGREGATE_PAGES = [
    "analysis:overview",
    "analysis:results",
    "analysis:unlock",
    "analysis:scenarios",
    "analysis:scenario_create",
]


@pytest.mark.parametrize("name", AGGREGATE_PAGES)
@pytest.mark.parametrize("role", AGGREGATE_ROLES)
def test_aggregate_pages_are_open_to_every_aggregate_role(world, users, role, name):
    # given a user of an aggregate role; when it opens the page; then it sees it
    response = _client(users.by_role[role]).get(reverse(name), {"run": world.run.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("name", AGGREGATE_PAGES)
def test_a_company_is_sent_to_its_own_answers_and_others_get_403(world, users, name):
    response = _client(users.company_a).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("analysis:company")
    assert _client(users.nobody).get(reverse(name)).status_code == 403
    anonymous = Client().get(reverse(name))
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("analysis:map_locations", []),
        ("analysis:map_areas", []),
        ("analysis:export_xlsx", []),
        ("analysis:export_csv", ["groepen"]),
    ],
)
def test_data_endpoints_are_403_for_companies(world, users, name, args):
    url = reverse(name, args=args)
    assert _client(users.company_a).get(url, {"run": world.run.pk}).status_code == 403
    assert _client(users.ministry).get(url, {"run": world.run.pk}).status_code == 200


def test_an_unknown_or_invisible_run_is_404(world, users):
    client = _client(users.ministry)
    assert client.get(reverse("analysis:overview"), {"run": 999_999}).status_code == 404
    assert client.get(reverse("analysis:overview"), {"run": "x"}).status_code == 404


def test_navigation_offers_the_analysis_by_role(world, users):
    ministry = _client(users.ministry).get(reverse("home")).content.decode()
    assert reverse("analysis:overview") in ministry
    assert "Haalbaarheid" in ministry
    company = _client(users.company_a).get(reverse("home")).content.decode()
    assert "Wanneer kan ik aansluiten?" in company
    assert reverse("analysis:company") in company
    assert f'href="{reverse("analysis:overview")}"' not in company


# ---------------------------------------------------------------------------------------- overview


def test_overview_shows_headline_classes_groups_map_and_provenance(world, users):
    # given the baseline run; when the ministry opens the overview of that run
    response = _client(users.ministry).get(reverse("analysis:overview"), {"run": world.run.pk})
    html = response.content.decode()
    total = world.run.aggregates["total"]
    # then the headline, the L-CES comparison, the classes, the groups, the map and the provenance show
    assert response.status_code == 200
    assert f"{round(total['headline_share'] * 100)}%" in html
    assert "L-CES (2024): 73%" in html
    assert 'id="class-table"' in html
    assert "Mag (nog) niet" in html
    assert 'id="groups-table" data-dimension="province"' in html
    assert "Gelderland" in html
    assert 'id="analysis-map-config"' in html
    assert reverse("analysis:map_locations") in html
    assert world.run.input_hash in html
    assert world.run.engine_version in html
    assert 'id="parameter-form"' in html
    assert f"{reverse('analysis:export_xlsx')}?run={world.run.pk}" in html


def test_overview_without_a_run_shows_the_latest_stored_run(world, users):
    # given the current data; when the overview is opened twice
    client = _client(users.ministry)
    first = client.get(reverse("analysis:overview"))
    runs = AnalysisRun.objects.count()
    second = client.get(reverse("analysis:overview"))
    # then no view computes anything (a background refresh does: tests/analysis/test_freshness.py) and
    # both show the newest stored baseline run
    assert first.status_code == second.status_code == 200
    assert AnalysisRun.objects.count() == runs
    assert first.context["run"].pk == second.context["run"].pk == world.run.pk


def test_the_table_per_dimension_comes_as_an_htmx_fragment(world, users):
    response = _client(users.ministry).get(
        reverse("analysis:overview"),
        {"run": world.run.pk, "per": "sector"},
        headers={"HX-Request": "true", "HX-Target": "groups-panel"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-dimension="sector"' in html
    assert "Voedingsmiddelen" in html
    assert "<html" not in html
    assert 'id="class-table"' not in html


def test_rerun_with_parameters_shows_that_run(world, users):
    # when the ministry reruns with other parameters
    response = _client(users.ministry).post(
        reverse("analysis:overview"),
        {
            "base_year": "2026",
            "flexible_share": "50",
            "distance_hydrogen": "20",
            "distance_co2": "15",
            "distance_green_gas": "10",
            "distance_heat": "5",
            "unlock_years_earlier": "3",
            "miek_threshold_mw": "2,5",
        },
    )
    # then a new run is stored with those parameters and shown
    run = AnalysisRun.objects.order_by("-id").first()
    assert run.pk != world.run.pk
    assert response.status_code == 302
    assert response["Location"].endswith(f"?run={run.pk}")
    assert run.parameters["flexible_share"] == 0.5
    assert run.parameters["unlock_years_earlier"] == 3
    assert run.parameters["miek_threshold_mw"] == 2.5
    assert run.parameters["max_distance_km"]["hydrogen"] == 20


def test_rerun_rejects_bad_parameters_in_dutch(world, users):
    runs = AnalysisRun.objects.count()
    response = _client(users.ministry).post(
        reverse("analysis:overview"),
        {
            "base_year": "2026",
            "flexible_share": "150",
            "unlock_years_earlier": "99",
            "miek_threshold_mw": "-1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vul een percentage van 0 tot en met 100 in." in html
    assert "Jaren eerder (ontsluitingsrangorde)" in html
    assert "Dit getal mag niet negatief zijn." in html
    assert AnalysisRun.objects.count() == runs


def test_a_grid_operator_without_consent_sees_aggregates_but_no_plan(world, users):
    client = _client(users.enexis)
    run = {"run": world.run.pk}
    overview = client.get(reverse("analysis:overview"), run)
    assert overview.status_code == 200
    assert 'id="groups-table"' in overview.content.decode()
    listing = client.get(reverse("analysis:results"), run).content.decode()
    assert 'id="results-empty"' in listing
    assert "Oven B" not in listing
    assert "Boiler A" not in listing
    assert client.get(reverse("analysis:map_locations"), run).json()["features"] == []
    areas = client.get(reverse("analysis:map_areas"), run).json()["features"]
    assert {f["properties"]["code"] for f in areas} == {"L1", "E1"}
    assert (
        client.get(reverse("analysis:result_detail", args=[_result(world, world.v_b).pk])).status_code == 404
    )
    rows = _csv_rows(client.get(reverse("analysis:export_csv", args=["plannen"]), run))
    assert len(rows) == 1  # the header only
    assert not ReadLog.objects.exists()


def test_a_grid_operator_with_consent_sees_those_plans_and_the_reads_are_logged(world, users):
    client = _client(users.liander)
    listing = client.get(reverse("analysis:results"), {"run": world.run.pk}).content.decode()
    assert "Boiler A" in listing
    assert "Warmtepomp A" in listing
    assert "Oven B" not in listing
    # one read-log row per company per read, with the rows it showed
    (log,) = _reads(world.company_a, "web")
    assert log.actor_organisation_id == world.liander.pk
    assert log.row_count == 2
    assert sorted(log.target_ids) == sorted([world.v_a.pk, world.v_a2.pk])
    assert not _reads(world.company_b).exists()


# ------------------------------------------------------------------------------------ plan results


def test_result_list_filters_and_pages(world, users):
    client = _client(users.ministry)
    response = client.get(reverse("analysis:results"), {"run": world.run.pk, "q": "Oven"})
    assert [r.plan_version.title for r in response.context["results"]] == ["Oven B"]
    response = client.get(reverse("analysis:results"), {"run": world.run.pk, "provincie": "Gelderland"})
    assert {r.plan_version.title for r in response.context["results"]} == {"Boiler A", "Warmtepomp A"}
    klass = _result(world, world.v_b).feasibility
    response = client.get(reverse("analysis:results"), {"run": world.run.pk, "klasse": klass})
    assert "Oven B" in {r.plan_version.title for r in response.context["results"]}
    assert response.context["page"].paginator.per_page == 50


def test_a_company_sees_its_own_answers_and_result_page(world, users):
    # given company A's user
    client = _client(users.company_a)
    # when it opens "Wanneer kan ik aansluiten?"
    page = client.get(reverse("analysis:company"))
    html = page.content.decode()
    # then it sees its two plans, each linking to its answer, and nothing of company B
    assert page.status_code == 200
    assert "Boiler A" in html
    assert "Warmtepomp A" in html
    assert "Oven B" not in html
    result = _result(world, world.v_a)
    assert reverse("analysis:result_detail", args=[result.pk]) in html
    detail = client.get(reverse("analysis:result_detail", args=[result.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200
    assert result.explanation in text
    assert 'id="connection-year"' in text
    assert 'id="queue-table"' in text
    assert "Wanneer kan ik aansluiten?" in text
    # its own reads are not logged; another company's plan is not visible
    assert not ReadLog.objects.exists()
    other = _result(world, world.v_b)
    assert client.get(reverse("analysis:result_detail", args=[other.pk])).status_code == 404


def test_the_company_page_says_when_there_is_no_analysis_yet():
    w = build_world()
    client = _client(user_with_role(Role.BEDRIJF, w.company_a))
    html = client.get(reverse("analysis:company")).content.decode()
    assert "De analyse is nog niet uitgevoerd." in html
    assert not AnalysisRun.objects.exists()  # the page does not run it


def test_the_company_page_is_for_companies(world, users):
    assert _client(users.nobody).get(reverse("analysis:company")).status_code == 403
    response = _client(users.ministry).get(reverse("analysis:company"))
    assert response.status_code == 302
    assert response["Location"] == reverse("analysis:results")


def test_a_read_by_another_organisation_is_logged(world, users):
    result = _result(world, world.v_a)
    response = _client(users.ministry).get(reverse("analysis:result_detail", args=[result.pk]))
    assert response.status_code == 200
    log = _reads(world.company_a).get()
    assert (log.channel, log.actor_id, log.target_id) == ("web", users.ministry.pk, str(world.v_a.pk))


def test_result_page_shows_the_grid_answer_and_the_newer_result(world, users):
    old = _result(world, world.v_a)
    newer = analysis_run(actor=None, params={**BASE_YEAR, "unlock_years_earlier": 3}, reuse=False)
    response = _client(users.liander).get(reverse("analysis:result_detail", args=[old.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "L1" in html
    assert 'id="firm-mw"' in html
    fresh = PlanResult.objects.get(run=newer, plan_version=world.v_a)
    assert reverse("analysis:result_detail", args=[fresh.pk]) in html
    assert 'id="timeline-chart"' in html


# ------------------------------------------------------------------------------------------ exports


def test_exports_contain_the_figures_and_log_the_plan_reads(world, users):
    client = _client(users.ministry)
    run = {"run": world.run.pk}
    groups = _csv_rows(client.get(reverse("analysis:export_csv", args=["groepen"]), run))
    total = world.run.aggregates["total"]
    assert groups[0][:3] == ["Indeling", "Groep", "Plannen"]
    assert groups[1][:4] == ["Totaal", "totaal", str(total["n_plans"]), str(total["n_dependent"])]
    response = client.get(reverse("analysis:export_csv", args=["plannen"]), run)
    assert response["Content-Type"].startswith("text/csv")
    plans = _csv_rows(response)
    assert sorted(r[1] for r in plans[1:]) == ["Boiler A", "Oven B", "Warmtepomp A"]
    # one row per company per export, counting its rows
    assert [r.row_count for r in _reads(world.company_a, "export")] == [2]
    assert [r.row_count for r in _reads(world.company_b, "export")] == [1]
    unlock = _csv_rows(client.get(reverse("analysis:export_csv", args=["ontsluiting"]), run))
    assert unlock[0][0] == "Rang"
    assert len(unlock) == len(world.run.unlock_ranking) + 1
    miek = _csv_rows(client.get(reverse("analysis:export_csv", args=["miek"]), run))
    assert miek[0][:2] == ["Gebied", "Naam"]
    assert client.get(reverse("analysis:export_csv", args=["onbekend"]), run).status_code == 404
    streamed = client.get(reverse("analysis:export_xlsx"), run).streaming_content
    book = load_workbook(io.BytesIO(b"".join(streamed)))
    assert book["Analyse"]["B1"].value == world.run.pk
    assert book["Plannen"].max_row == 4  # header and three plans
    assert [r.row_count for r in _reads(world.company_a, "export")] == [2, 2]


def test_the_plan_export_follows_the_filters_and_the_readers_scope(world, users):
    client = _client(users.liander)
    rows = _csv_rows(
        client.get(reverse("analysis:export_csv", args=["plannen"]), {"run": world.run.pk, "q": "Warmtepomp"})
    )
    assert [r[1] for r in rows[1:]] == ["Warmtepomp A"]
    everything = _csv_rows(
        client.get(reverse("analysis:export_csv", args=["plannen"]), {"run": world.run.pk})
    )
    assert sorted(r[1] for r in everything[1:]) == ["Boiler A", "Warmtepomp A"]


# ---------------------------------------------------------------------------------------- scenarios


def _editor_data(**overrides) -> dict[str, str]:
    data = {"name": "Sneller Arnhem", "description": "", "flexible_share": ""}
    for prefix in ("project", "congestion", "rollout", "extra"):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_scenario_editor_offers_the_projects_of_the_ranking(world, users):
    response = _client(users.rvo).get(reverse("analysis:scenario_create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "L1|Arnhem uitbreiden" in html  # a reinforcement
    assert "einde-congestie:L1" in html  # an end of congestion
    assert '<datalist id="grid-areas">' in html
    assert 'value="E1"' in html


def test_scenario_editor_prefills_a_project_from_the_ranking(world, users):
    response = _client(users.rvo).get(
        reverse("analysis:scenario_create"), {"project": "einde-congestie:L1", "jaren": "3"}
    )
    form = response.context["editor"].projects.forms[0]
    assert form.initial == {"project": "einde-congestie:L1", "direction": "eerder", "years": 3}


def test_scenario_form_rejects_bad_rows_naming_the_row_and_field(world, users):
    data = _editor_data(
        **{
            "project-TOTAL_FORMS": "2",
            "project-0-project": "L1|Arnhem uitbreiden",
            "project-0-direction": "eerder",
            "project-0-years": "0",
            "project-1-project": "",
            "project-1-direction": "eerder",
            "project-1-years": "2",
            "extra-TOTAL_FORMS": "2",
            "extra-0-area": "ONBEKEND",
            "extra-0-year": "2028",
            "extra-0-mw": "5",
            "extra-0-certainty": "firm",
            "extra-1-area": "XX9",
            "extra-1-year": "2028",
            "extra-1-mw": "-5",
            "extra-1-certainty": "planned",
        }
    )
    response = _client(users.rvo).post(reverse("analysis:scenario_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="scenario-errors"' in html
    assert (
        "Projecten eerder of later, rij 1, aantal jaren: Zorg ervoor dat deze waarde minstens 1 is." in html
    )
    assert "Projecten eerder of later, rij 2, project: Dit veld is vereist." in html
    assert "Extra capaciteit, rij 2, vermogen (MW): Dit getal mag niet negatief zijn." in html
    # a well-formed row with an unknown area is reported in the same pass
    assert "Extra capaciteit, rij 1, gebiedscode: onbekend voedingsgebied ‘ONBEKEND’" in html
    assert not Scenario.objects.exists()


def test_scenario_form_rejects_unknown_codes_and_duplicates(world, users):
    data = _editor_data(
        **{
            "project-TOTAL_FORMS": "1",
            "project-0-project": "einde-congestie:L1",
            "project-0-direction": "eerder",
            "project-0-years": "2",
            "congestion-TOTAL_FORMS": "2",
            "congestion-0-area": "L1",
            "congestion-0-direction": "later",
            "congestion-0-years": "1",
            "congestion-1-area": "NOPE",
            "congestion-1-direction": "eerder",
            "congestion-1-years": "1",
            "extra-0-area": "XX9",
            "extra-0-year": "2028",
            "extra-0-mw": "10",
            "extra-0-certainty": "firm",
        }
    )
    html = _client(users.rvo).post(reverse("analysis:scenario_create"), data).content.decode()
    assert (
        "Einde congestie verschuiven, rij 1, gebiedscode: staat al in Projecten eerder of later, rij 1"
        in html
    )
    assert "Einde congestie verschuiven, rij 2, gebiedscode: gebied ‘NOPE’" in html
    assert "Extra capaciteit, rij 1, gebiedscode: onbekend voedingsgebied ‘XX9’" in html
    assert not Scenario.objects.exists()


def test_scenario_create_run_and_compare(world, users):
    client = _client(users.rvo)
    # when RVO saves a scenario with a project two years earlier and extra capacity
    data = _editor_data(
        **{
            "description": "Congestie Arnhem eerder voorbij",
            "flexible_share": "40",
            "project-0-project": "einde-congestie:L1",
            "project-0-direction": "eerder",
            "project-0-years": "2",
            "extra-0-area": "E1",
            "extra-0-year": "2027",
            "extra-0-mw": "12,5",
            "extra-0-certainty": "planned",
        }
    )
    response = client.post(reverse("analysis:scenario_create"), data)
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("analysis:scenario_detail", args=[scenario.pk])
    assert scenario.congestion_end_shifts == {"L1": -2}
    assert scenario.reinforcement_shifts == {}
    assert scenario.extra_capacity == [
        {"area_id": "E1", "year": 2027, "mw": 12.5, "certainty": "planned", "id": "extra-1"}
    ]
    assert scenario.flexible_share == 0.4
    assert scenario.created_by == users.rvo
    # the page says it has not been run; "Doorrekenen" runs it against the baseline
    assert 'id="not-run"' in client.get(response["Location"]).content.decode()
    ran = client.post(reverse("analysis:scenario_detail", args=[scenario.pk]))
    assert ran.status_code == 302
    run = AnalysisRun.objects.filter(kind=RunKind.SCENARIO).get()
    assert run.scenario == scenario
    assert run.baseline is not None
    page = client.get(reverse("analysis:scenario_detail", args=[scenario.pk]))
    html = page.content.decode()
    comparison = run.comparison
    # RVO may read none of the plans, and the plans that change belong to company A alone: the
    # scenario minus the baseline would be company A's plans, so the difference is not shown to RVO
    assert 'id="comparison-suppressed"' in html
    assert 'id="co2-delta"' not in html
    assert page.context["total_changes"] == 0
    # the ministry reads every plan: it sees the comparison
    page = _client(users.ministry).get(reverse("analysis:scenario_detail", args=[scenario.pk]))
    html = page.content.decode()
    assert 'id="comparison"' in html
    assert 'id="counts-table"' in html
    assert 'id="co2-delta"' in html
    assert page.context["total_changes"] == len(comparison["class_changes"])
    assert page.context["total_changes"] > 0


def test_the_ministry_sees_which_plans_change_class_and_the_reads_are_logged(world, users):
    scenario = scenario_create(
        actor=users.ministry, values={"name": "Eerder", "congestion_end_shifts": {"L1": -2, "E1": -2}}
    )
    run = analysis_run(actor=users.ministry, params=BASE_YEAR, scenario=scenario)
    page = _client(users.ministry).get(reverse("analysis:scenario_detail", args=[scenario.pk]))
    shown = page.context["changes"]
    assert len(shown) == len(run.comparison["class_changes"]) > 0
    assert "Boiler A" in page.content.decode() or "Oven B" in page.content.decode()
    assert ReadLog.objects.filter(channel="web").count() == len(shown)


def test_scenario_edit_keeps_rows_and_only_the_maker_or_ministry_may_edit(world, users):
    scenario = scenario_create(
        actor=users.rvo,
        values={"name": "Later", "congestion_end_shifts": {"E1": 3}, "rollout_shifts": {}},
    )
    url = reverse("analysis:scenario_edit", args=[scenario.pk])
    page = _client(users.rvo).get(url)
    assert page.status_code == 200
    assert page.context["editor"].congestion.forms[0].initial == {
        "area": "E1",
        "direction": "later",
        "years": 3,
    }
    assert _client(users.liander).get(url).status_code == 403
    assert _client(users.ministry).get(url).status_code == 200
    data = _editor_data(
        **{
            "name": "Later (aangepast)",
            "congestion-TOTAL_FORMS": "1",
            "congestion-INITIAL_FORMS": "1",
            "congestion-0-area": "E1",
            "congestion-0-direction": "later",
            "congestion-0-years": "4",
        }
    )
    assert _client(users.rvo).post(url, data).status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.congestion_end_shifts) == ("Later (aangepast)", {"E1": 4})
    assert _client(users.rvo).get(reverse("analysis:scenario_edit", args=[999_999])).status_code == 404


def test_scenario_list_and_archive(world, users):
    scenario = scenario_create(actor=users.rvo, values={"name": "Archiefkast"})
    listing = _client(users.liander).get(reverse("analysis:scenarios")).content.decode()
    assert "Archiefkast" in listing
    archive = reverse("analysis:scenario_archive", args=[scenario.pk])
    assert _client(users.liander).post(archive).status_code == 403
    assert _client(users.rvo).post(archive).status_code == 302
    scenario.refresh_from_db()
    assert scenario.is_archived
    assert "Archiefkast" not in _client(users.rvo).get(reverse("analysis:scenarios")).content.decode()
    archived = _client(users.rvo).get(reverse("analysis:scenarios"), {"gearchiveerd": "1"})
    assert "Archiefkast" in archived.content.decode()
    assert (
        _client(users.company_a).get(reverse("analysis:scenario_detail", args=[scenario.pk])).status_code
        == 302
    )
    assert (
        _client(users.nobody).get(reverse("analysis:scenario_detail", args=[scenario.pk])).status_code == 403
    )


# ------------------------------------------------------------------------------------- unlock page


def test_unlock_page_shows_the_ranking_and_the_miek_candidates(world, users):
    client = _client(users.by_role[Role.PROVINCIE])
    response = client.get(reverse("analysis:unlock"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["run"].pk == world.run.pk
    assert 'id="unlock-table"' in html
    assert "Einde congestie" in html
    assert 'id="years-earlier"' in html
    assert "2 jaar eerder" in html
    assert 'id="miek-title"' in html
    assert f"{reverse('analysis:export_csv', args=['ontsluiting'])}?run={world.run.pk}" in html
    only_ends = client.get(reverse("analysis:unlock"), {"soort": "congestion_end"}).context["rows"]
    assert only_ends
    assert {r["kind"] for r in only_ends} == {"congestion_end"}
    assert client.get(reverse("analysis:unlock"), {"drager": "hydrogen"}).context["rows"] == []


def test_the_result_list_needs_a_fixed_number_of_queries(world, users, django_assert_max_num_queries):
    # given more plans of company B; when the ministry opens the list, the queries do not grow per row
    for i in range(6):
        PlanVersionFactory(
            submission=world.v_b.submission,
            plan=PlanFactory(location=world.loc_b, reference=f"B-{i + 2}"),
            title=f"Oven B{i + 2}",
        )
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    client = _client(users.ministry)
    # 14, and 4 for the disclosure of the MW ahead (readable companies, the run's stamp and its queues,
    # read once per worker and run, the TenneT areas)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("analysis:results"), {"run": run.pk})
    assert len(response.context["results"]) == 9


def test_the_pages_render_in_english(world, users):
    client = _client(users.ministry)
    client.cookies["django_language"] = "en"
    for name in ("analysis:overview", "analysis:results", "analysis:unlock", "analysis:scenarios"):
        response = client.get(reverse(name), {"run": world.run.pk})
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


def test_groups_of_fewer_than_three_companies_are_not_shown(world, users, settings):
    # given this small world (two companies); when RVO (which may read none of the plans) opens the overview
    html = _client(users.rvo).get(reverse("analysis:overview"), {"run": world.run.pk}).content.decode()
    # then every group is blanked, and so is the total (it rests on two companies too)
    assert "Niet getoond: minder dan 3 bedrijven" in html
    assert 'class="suppressed"' in html
    assert 'id="total-suppressed"' in html
    assert world.run.input_hash in html
    # the ministry reads every plan: nothing is blanked for it
    html = _client(users.ministry).get(reverse("analysis:overview"), {"run": world.run.pk}).content.decode()
    assert "Niet getoond" not in html
    # and with a limit of one company and no dominance limit, RVO sees the figures as well
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 1
    settings.CLUSTER6_DISCLOSURE_MAX_SHARE = 1.0
    html = _client(users.rvo).get(reverse("analysis:overview"), {"run": world.run.pk}).content.decode()
    assert "Niet getoond" not in html
