"""The analysis app below the web layer: the adapters (registry -> engine), stored runs, the policy on
results, scenarios and `cluster6 analyse`. The expected figures are worked out by hand in world.py."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cluster6.accounts.constants import Role
from cluster6.analysis import adapters, selectors
from cluster6.analysis.models import AnalysisRun, PlanResult
from cluster6.analysis.services import analysis_run, scenario_create, scenario_update
from cluster6.audit.models import AuditEvent, ReadLog
from cluster6.infra.constants import Certainty, OperatorType
from cluster6.plans.constants import VoltageLevel
from cluster6.plans.models import PlanVersion
from tests.analysis.world import build_world
from tests.factories import GridProjectFactory, SubmittedSubmissionFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

PARAMS = {"base_year": 2026}


@pytest.fixture
def world():
    return build_world()


def result_of(run: AnalysisRun, version: PlanVersion) -> PlanResult:
    return run.results.get(plan=version.plan)


# ------------------------------------------------------------------------------------------ adapters


def test_current_versions_take_the_latest_submitted_revision_and_skip_drafts(world):
    # given a later round in which the company submitted only the boiler (the rest is dropped)
    later = SurveyRoundFactory(
        code="top60-2026", opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 12, 31)
    )
    newer = SubmittedSubmissionFactory(organisation=world.company, round=later)
    PlanVersion.objects.create(
        **{
            f.name: getattr(world.boiler, f.name)
            for f in PlanVersion._meta.concrete_fields
            if f.name not in ("id", "submission", "created_at", "updated_at")
        },
        submission=newer,
    )

    # when the current versions are read
    versions = adapters.current_versions()

    # then the company counts with its newest round only, the other company with its own; no drafts
    assert {(v.plan.reference, v.submission_id) for v in versions} == {
        ("BOILER", newer.pk),
        ("HP", world.heatpump.submission_id),
    }


def test_the_timeline_as_the_engine_sees_it(world):
    # given a TenneT-constrained area, a reinforcement with and one without capacity, and a HV plan
    world.free.congestion_end_withdrawal_tennet = 2034
    world.free.tennet_status_withdrawal = 3
    world.free.save()
    GridProjectFactory(
        area=world.congested,
        name="Nieuw station",
        completion_year=2028,
        added_capacity_mw=20,
        certainty=Certainty.FIRM,
    )
    GridProjectFactory(area=world.congested, name="Onbekend", completion_year=2027, added_capacity_mw=None)
    GridProjectFactory(
        area=world.free,
        name="380 kV",
        operator_type=OperatorType.TENNET,
        completion_year=2031,
        added_capacity_mw=300,
    )
    world.heatpump.voltage_level = VoltageLevel.HV
    world.heatpump.save()

    # when the inputs are loaded
    inputs = adapters.load_inputs(params=adapters.engine_io.params_from_dict(PARAMS))

    # then capacity now is 0 in the congested area and existing - required (10 MW) in the free one ...
    areas = {a.id: a for a in inputs.infra.areas}
    assert areas["CONG"].capacity_now_mw == 0
    assert areas["CONG"].congestion_end_year == 2029
    assert areas["FREE"].capacity_now_mw == 10
    # ... only the reinforcement with a capacity counts
    assert [(r.id, r.year, r.mw, r.certainty.value) for r in areas["CONG"].reinforcements] == [
        ("CONG|Nieuw station", 2028, 20.0, "firm")
    ]
    # ... the free area has its own TenneT level (end 2034) with the TenneT project; the HV plan sits on it
    assert areas["FREE"].parent_id == "tennet:FREE"
    assert areas["tennet:FREE"].congestion_end_year == 2034
    assert [r.id for r in areas["tennet:FREE"].reinforcements] == ["FREE|TenneT|380 kV"]
    assert inputs.project_group["FREE|TenneT|380 kV"] == "TenneT|380 kV"
    plans = {p.id: p for p in inputs.plans}
    assert plans[str(world.heatpump.plan_id)].grid_area_id == "tennet:FREE"
    # ... the boiler's request is already in CONG's published waiting list: no other requests remain
    assert [q for q in inputs.infra.queue if q.area_id == "CONG"] == []
    # ... the hydrogen phase with its point; the kiln needs hydrogen
    assert [r.id for r in inputs.infra.rollouts] == ["H2-OOST"]
    assert [c.value for c in plans[str(world.kiln.plan_id)].needs] == ["hydrogen"]


def test_a_waiting_list_less_the_platforms_plans_becomes_equal_requests(world):
    # given the boiler requested after the snapshot: it is not in the published list
    world.boiler.grid_request_date = world.congested.snapshot_date.replace(year=2027)
    world.boiler.save()

    inputs = adapters.load_inputs(params=adapters.engine_io.params_from_dict(PARAMS))

    queue = [q for q in inputs.infra.queue if q.area_id == "CONG"]
    # undated: the published waiting list is ahead of every plan of its class (rule 4, issue 8)
    assert [(q.mw, q.request_date) for q in queue] == [(2.0, None)] * 2


# ---------------------------------------------------------------------------------------------- runs


def test_a_run_gives_the_hand_checked_outcomes(world):
    run = analysis_run(actor=world.ministry_user, params=PARAMS)

    boiler = result_of(run, world.boiler)
    assert (boiler.feasibility, boiler.connection_year, boiler.queue_position, boiler.queue_length) == (
        "may_not",
        2029,
        1,
        1,
    )
    assert (boiler.mw_ahead, boiler.binding, boiler.bottleneck) == (0.0, "regional", "grid_congestion")
    assert boiler.explanation.startswith("Mag (nog) niet: de netaansluiting is pas in 2029 beschikbaar")
    kiln = result_of(run, world.kiln)
    assert (kiln.feasibility, kiln.bottleneck, kiln.ready_year) == ("cannot", "hydrogen", 2032)
    assert kiln.carriers[0]["via"] == "H2-OOST"
    assert 8 < kiln.carriers[0]["distance_km"] < 9.5
    heatpump = result_of(run, world.heatpump)
    assert (heatpump.feasibility, heatpump.connection_year) == ("can", 2026)
    assert result_of(run, world.efficiency).feasibility == "not_dependent"
    assert result_of(run, world.cancelled).feasibility == "excluded"
    # the aggregates: 3 dependent plans, 2 held back; CO2 by 2030: boiler 8,000 + heat pump 4,000 + 1,000
    assert (run.n_dependent, run.headline_share) == (3, pytest.approx(2 / 3))
    assert run.co2_by_deadline_t == 13_000
    assert run.engine_version
    assert len(run.input_hash) == 64
    assert run.parameters["base_year"] == 2026
    assert AuditEvent.objects.filter(verb="analysis.run", target_id=str(run.pk)).exists()


def test_a_run_is_reused_until_the_input_changes(world):
    first = analysis_run(actor=None, params=PARAMS)
    assert analysis_run(actor=None, params=PARAMS) == first
    # a change in the timeline changes the hash and gives a new run
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    second = analysis_run(actor=None, params=PARAMS)
    assert second != first
    assert second.input_hash != first.input_hash
    assert result_of(second, world.boiler).feasibility == "cannot"
    # other parameters: another run too
    assert analysis_run(actor=None, params={**PARAMS, "flexible_share": 0.5}).input_hash != second.input_hash


def test_runs_are_append_only(world):
    run = analysis_run(actor=None, params=PARAMS)
    run.notes = ["changed"]
    with pytest.raises(RuntimeError):
        run.save()
    with pytest.raises(RuntimeError):
        run.results.first().delete()


def test_bad_parameters_are_named(world):
    with pytest.raises(ValidationError) as exc:
        analysis_run(
            actor=None, params={"base_year": 2026, "flexible_share": 2, "max_distance_km": {"kolen": 3}}
        )
    text = " ".join(exc.value.messages)
    assert "flexible_share" in text
    assert "kolen" in text


# -------------------------------------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("company_user", {"BOILER", "KILN", "EFF", "OLD"}),
        ("operator_user", {"BOILER", "KILN", "EFF", "OLD"}),  # consent from the company, not the other
        ("other_operator_user", set()),
        ("ministry_user", {"BOILER", "KILN", "EFF", "OLD", "HP"}),
    ],
)
def test_plan_results_follow_the_plan_policy(world, who, sees):
    run = analysis_run(actor=None, params=PARAMS)
    actor = getattr(world, who)
    assert {r.plan.reference for r in selectors.plan_result_list(actor=actor, run=run)} == sees


@pytest.mark.parametrize(
    ("role", "sees_runs", "sees_results"),
    [
        (Role.RVO, True, False),
        (Role.CLUSTERREGISSEUR, True, False),
        (Role.REGIOMANAGER, True, False),
        (Role.PROVINCIE, True, False),
        (Role.BEDRIJF, False, False),
    ],
)
def test_runs_are_for_the_aggregate_roles_results_need_consent(world, role, sees_runs, sees_results):
    run = analysis_run(actor=None, params=PARAMS)
    actor = world.user(role)
    assert selectors.run_list(actor=actor).exists() is sees_runs
    assert selectors.plan_result_list(actor=actor, run=run).exists() is sees_results


def test_reads_of_another_companys_results_are_logged(world):
    run = analysis_run(actor=None, params=PARAMS)
    results = list(selectors.plan_result_list(actor=world.operator_user, run=run))
    selectors.log_result_reads(actor=world.operator_user, results=results, channel="web")
    # one row for the company, with the four results it read
    (log,) = ReadLog.objects.filter(owner=world.company, actor=world.operator_user)
    assert log.row_count == 4
    assert sorted(log.target_ids) == sorted(r.plan_version_id for r in results)
    # the company reading its own results is not logged
    selectors.log_result_reads(
        actor=world.company_user,
        results=selectors.plan_result_list(actor=world.company_user, run=run),
        channel="web",
    )
    assert ReadLog.objects.filter(actor=world.company_user).count() == 0


def test_the_company_sees_its_own_answer(world):
    analysis_run(actor=None, params=PARAMS)
    mine = selectors.plan_results_for_company(actor=world.company_user)
    assert {r.plan.reference for r in mine} == {"BOILER", "KILN", "EFF", "OLD"}


# ----------------------------------------------------------------------------------------- scenarios


def test_a_scenario_is_compared_with_the_baseline(world):
    # given the congestion at CONG ending two years earlier (2027)
    scenario = scenario_create(
        actor=world.ministry_user,
        values={"name": "Station Vol eerder", "congestion_end_shifts": {"CONG": -2}},
    )

    run = analysis_run(actor=world.ministry_user, params=PARAMS, scenario=scenario)

    # then the boiler can go ahead; it was in operation by 2030 already, so the CO2 by 2030 is unchanged
    assert run.kind == "scenario"
    assert run.baseline is not None
    assert run.baseline.kind == "basis"
    assert run.comparison["co2_by_deadline_delta_t"] == 0
    assert run.comparison["headline_share_scenario"] == pytest.approx(1 / 3)
    changes = run.comparison["class_changes"]
    assert [(c["plan_id"], c["baseline"], c["scenario"]) for c in changes] == [
        (str(world.boiler.plan_id), "may_not", "can")
    ]
    assert result_of(run, world.boiler).connection_year == 2027
    assert run.scenario_snapshot["congestion_end_shifts"] == {"CONG": -2}
    # the other operator sees the number of changes but not the plan
    shown, total = selectors.class_changes(actor=world.other_operator_user, run=run)
    assert (shown, total) == ([], 1)


def test_a_hydrogen_phase_earlier_gains_co2_before_2030(world):
    scenario = scenario_create(
        actor=world.ministry_user, values={"name": "H2 eerder", "rollout_shifts": {"H2-OOST": -3}}
    )
    run = analysis_run(actor=world.ministry_user, params=PARAMS, scenario=scenario)
    assert run.comparison["co2_by_deadline_delta_t"] == 12_000
    assert result_of(run, world.kiln).feasibility == "can"


def test_bad_scenarios_are_rejected_with_the_field(world):
    with pytest.raises(ValidationError) as exc:
        scenario_create(
            actor=world.ministry_user,
            values={
                "name": "fout",
                "rollout_shifts": {"H2-OOST": "twee"},
                "extra_capacity": [{"area_id": "CONG", "mw": -3}],
            },
        )
    text = " ".join(exc.value.messages)
    assert "rollout_shifts.H2-OOST" in text
    assert "extra_capacity[0].year" in text
    assert "extra_capacity[0].mw" in text


def test_an_unknown_project_in_a_scenario_is_reported_when_it_runs(world):
    scenario = scenario_create(
        actor=world.ministry_user, values={"name": "onbekend", "rollout_shifts": {"H2-NERGENS": -1}}
    )
    with pytest.raises(ValidationError) as exc:
        analysis_run(actor=None, params=PARAMS, scenario=scenario)
    assert "H2-NERGENS" in " ".join(exc.value.messages)


def test_editing_a_scenario_keeps_the_stored_run(world):
    scenario = scenario_create(
        actor=world.ministry_user, values={"name": "v1", "congestion_end_shifts": {"CONG": -1}}
    )
    run = analysis_run(actor=None, params=PARAMS, scenario=scenario)
    scenario_update(
        scenario=scenario, actor=world.ministry_user, values={"congestion_end_shifts": {"CONG": -2}}
    )
    run.refresh_from_db()
    assert run.scenario_snapshot["congestion_end_shifts"] == {"CONG": -1}


# ------------------------------------------------------------------------------------------- command


def test_analyse_on_the_database_and_on_its_exported_files_agree(world, tmp_path):
    params = tmp_path / "params.json"
    params.write_text(json.dumps(PARAMS), encoding="utf-8")
    out = io.StringIO()
    call_command("analyse", "--params", str(params), "--out", str(tmp_path / "db.json"), "--json", stdout=out)
    db_summary = json.loads(out.getvalue())
    assert db_summary["stored_run"] == AnalysisRun.objects.get().pk
    call_command(
        "analyse", "--params", str(params), "--export-inputs", str(tmp_path / "in"), stdout=io.StringIO()
    )
    out = io.StringIO()
    call_command(
        "analyse",
        "--plans", str(tmp_path / "in" / "plans.json"),
        "--infra", str(tmp_path / "in" / "infra.json"),
        "--params", str(params),
        "--out", str(tmp_path / "files.json"),
        "--json",
        stdout=out,
    )  # fmt: skip
    file_summary = json.loads(out.getvalue())
    assert file_summary["input_hash"] == db_summary["input_hash"]
    assert file_summary["headline_share"] == pytest.approx(2 / 3)
    db_doc = json.loads((tmp_path / "db.json").read_text())

    file_doc = json.loads((tmp_path / "files.json").read_text())
    assert db_doc["summary"] == file_doc["summary"]
    # the platform adds company counts (for disclosure control) to the engine's aggregates
    assert without_companies(db_doc["aggregates"]) == file_doc["aggregates"]
    assert db_doc["aggregates"]["total"]["n_companies"] == 2
    by_plan = {p["plan_id"]: p for p in file_doc["plans"]}
    assert by_plan[str(world.boiler.plan_id)]["grid"]["connection_year"] == 2029


def test_analyse_names_every_problem_in_a_bad_file(tmp_path):
    plans = tmp_path / "plans.json"
    plans.write_text(
        json.dumps(
            {
                "format": "cluster6.engine.plans",
                "plans": [{"id": "P1", "planned_year": "2030"}, {"location_id": "L"}],
            }
        ),
        encoding="utf-8",
    )
    infra = tmp_path / "infra.json"
    infra.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("analyse", "--plans", str(plans), "--infra", str(infra))
    assert "infrastructuur: ongeldige JSON op regel 1" in str(exc.value)
    infra.write_text(json.dumps({"areas": []}), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("analyse", "--plans", str(plans), "--infra", str(infra))
    text = str(exc.value)
    assert "plans[0].location_id: verplicht veld ontbreekt" in text
    assert "plans[0].planned_year: moet een geheel getal zijn" in text
    assert "plans[1].id: verplicht veld ontbreekt" in text
    assert "plans[0].co2_reduction_t: verplicht veld ontbreekt" in text


def without_companies(aggregates):
    def strip(row):
        return {k: v for k, v in row.items() if k not in ("n_companies", "companies")}

    return {
        "total": strip(aggregates["total"]),
        "by": {d: [strip(r) for r in rows] for d, rows in aggregates["by"].items()},
    }
