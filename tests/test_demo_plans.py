"""The demo plans (issue 3, point 6): deterministic generation, the route mix and infrastructure needs, the
changes between rounds, consents, and on the loaded demo data (seed 1) the round comparison with its
losses to postponement and cancellation and its new plans per sector, province and route."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership
from cluster6.demo.accounts import demo_accounts_ensure
from cluster6.demo.generator import Geography, generate
from cluster6.demo.loader import demo_delete, demo_load
from cluster6.demo.plans import DEMO_ROUNDS, DemoPlanSet, generate_plans, version_fields
from cluster6.plans.comparison import GroupBy, plan_comparison
from cluster6.plans.constants import (
    ConsentPurpose,
    GridNeed,
    PlanStatus,
    Route,
    SubmissionStatus,
    TemperatureLevel,
)
from cluster6.plans.models import Consent, Plan, PlanVersion, Submission, SurveyRound
from cluster6.registry.constants import DEFAULT_CLUSTER_MUNICIPALITIES, DataOrigin, OrganisationKind, Sector
from cluster6.registry.models import Organisation, ProductionLocation
from tests.factories import user_with_role

LCES, DSH = DEMO_ROUNDS[1].code, DEMO_ROUNDS[2].code


@pytest.fixture(scope="module")
def dataset():
    geography = Geography.builtin({code: c for c, code, _ in DEFAULT_CLUSTER_MUNICIPALITIES})
    return generate(seed=1, scale=1, geography=geography)


@pytest.fixture(scope="module")
def plan_set(dataset) -> DemoPlanSet:
    return generate_plans(dataset)


def latest_versions(plan_set: DemoPlanSet, round_index: int):
    """The versions of the latest submitted revision per company in a round."""
    latest = {}
    for s in plan_set.submissions:
        if s.round_index != round_index or s.status != SubmissionStatus.SUBMITTED:
            continue
        if s.company_key not in latest or latest[s.company_key].revision < s.revision:
            latest[s.company_key] = s
    return [v for s in latest.values() for v in s.versions]


# --------------------------------------------------------------------------------------------- pure


def test_same_data_set_gives_the_same_plans(dataset, plan_set):
    assert generate_plans(dataset) == plan_set


def test_another_seed_gives_other_plans(plan_set):
    geography = Geography.builtin({code: c for c, code, _ in DEFAULT_CLUSTER_MUNICIPALITIES})
    other = generate_plans(generate(seed=2, scale=1, geography=geography))
    assert other != plan_set
    assert len(other.plans) != len(plan_set.plans) or other.submissions != plan_set.submissions


def test_plans_belong_to_cluster6_locations_with_unique_references(dataset, plan_set):
    assert 500 <= len(plan_set.plans) <= 900  # about 1.6 plans per cluster-6 location
    assert all(dataset.locations[p.location_index].cluster_derived == 6 for p in plan_set.plans)
    keys = [(p.location_index, p.reference) for p in plan_set.plans]
    assert len(keys) == len(set(keys))


def test_route_mix(dataset, plan_set):
    routes = Counter(p.route for p in plan_set.plans)
    assert routes.most_common(1)[0][0] == Route.ELECTRIFICATION
    assert routes[Route.ELECTRIFICATION] > 0.35 * len(plan_set.plans)
    ccs = [dataset.locations[p.location_index].sector for p in plan_set.plans if p.route == Route.CCS]
    green_gas = [
        dataset.locations[p.location_index].sector for p in plan_set.plans if p.route == Route.GREEN_GAS
    ]
    assert sum(s in (Sector.CERAMICS, Sector.WASTE) for s in ccs) >= 0.7 * len(ccs)
    assert sum(s in (Sector.CERAMICS, Sector.GLASS) for s in green_gas) >= 0.6 * len(green_gas)
    hydrogen = [p for p in plan_set.plans if p.route == Route.HYDROGEN]
    assert hydrogen
    assert all(p.temperature_level in (TemperatureLevel.HIGH, TemperatureLevel.VERY_HIGH) for p in hydrogen)


def test_infrastructure_needs_follow_the_route(plan_set):
    for round_index in range(len(DEMO_ROUNDS)):
        for v in latest_versions(plan_set, round_index):
            plan = plan_set.plans[v.plan_index]
            f = version_fields(plan, v)
            if plan.route == Route.ELECTRIFICATION:
                assert f["extra_capacity_mw"] > 0
                assert f["electricity_delta_gwh"] > 0
                assert f["grid_need"] != GridNeed.NONE
                assert f["voltage_level"]
            assert f["needs_hydrogen"] == (plan.route == Route.HYDROGEN)
            assert f["needs_co2"] == (plan.route == Route.CCS)
            assert f["needs_green_gas"] == (plan.route == Route.GREEN_GAS)
            if plan.route == Route.HYDROGEN:
                assert f["hydrogen_t"] > 0
            if plan.route == Route.CCS:
                assert f["co2_transport_t"] > v.co2_reduction_t
            if plan.route == Route.GREEN_GAS:
                assert f["green_gas_m3"] == -f["gas_delta_m3"] > 0


def test_hardly_any_hydrogen_before_2030_in_the_latest_round(plan_set):
    hydrogen = [
        v
        for v in latest_versions(plan_set, 2)
        if plan_set.plans[v.plan_index].route == Route.HYDROGEN and v.status != PlanStatus.CANCELLED
    ]
    assert hydrogen
    assert sum(v.in_operation_year <= 2030 for v in hydrogen) <= 0.25 * len(hydrogen)


def test_a_site_never_plans_more_reduction_than_it_emits(dataset, plan_set):
    for round_index in range(len(DEMO_ROUNDS)):
        per_site: dict[int, float] = defaultdict(float)
        for v in latest_versions(plan_set, round_index):
            if v.status != PlanStatus.CANCELLED:
                per_site[plan_set.plans[v.plan_index].location_index] += v.co2_reduction_t
        for index, total in per_site.items():
            assert total <= dataset.locations[index].emission(2024)


def test_rounds_have_periods_statuses_and_drafts_only_in_the_open_round(plan_set):
    assert [r.name for r in plan_set.rounds] == ["pCES 2023 (demo)", "L-CES 2024 (demo)", "DSH 2025 (demo)"]
    assert all(r.code.startswith("demo-") for r in plan_set.rounds)
    drafts = [s for s in plan_set.submissions if s.status == SubmissionStatus.DRAFT]
    assert drafts
    assert {s.round_index for s in drafts} == {2}
    revised = [s for s in plan_set.submissions if s.revision == 2]
    assert {s.round_index for s in revised} >= {1, 2}  # reopened in a closed and in the open round
    for s in plan_set.submissions:
        if s.submitted_at is not None:
            rnd = plan_set.rounds[s.round_index]
            assert rnd.opens_on <= s.submitted_at.date() <= rnd.closes_on


# --------------------------------------------------------------------------------------- loaded data


@pytest.fixture
def loaded(db):
    result = demo_load(seed=1, scale=1)
    return result.plans


def test_load_writes_the_plans_marked_as_demo(loaded, plan_set):
    assert SurveyRound.objects.filter(code__startswith="demo-").count() == 3
    dsh = SurveyRound.objects.get(code=DSH)
    assert (dsh.status, dsh.previous.code, dsh.previous.previous.code) == ("open", LCES, DEMO_ROUNDS[0].code)
    assert Plan.objects.count() == len(plan_set.plans) == loaded["plans"]
    assert not Plan.objects.exclude(location__origin=DataOrigin.DEMO).exists()
    assert PlanVersion.objects.count() == loaded["plan_versions"]
    assert Submission.objects.count() == len(plan_set.submissions)
    # every stored version passes the model's validation
    for version in PlanVersion.objects.order_by("pk")[::25]:
        version.full_clean()


def test_demo_company_consents_to_liander_and_gelderland(loaded):
    accounts = {a.role: a for a in demo_accounts_ensure()}
    company = Membership.objects.get(user__username=accounts[Role.BEDRIJF].username).organisation
    granted = set(
        Consent.objects.filter(owner=company, revoked_at__isnull=True).values_list("grantee__name", "purpose")
    )
    assert granted == {
        ("Liander", ConsentPurpose.GRID_INVESTMENT_PLAN),
        ("Provincie Gelderland", ConsentPurpose.PCES),
    }
    assert loaded["demo_company"] == company.name
    # and a share of the other companies consent to their grid operator
    grid = Consent.objects.filter(purpose=ConsentPurpose.GRID_INVESTMENT_PLAN).exclude(owner=company)
    assert grid.count() >= 50
    assert all(c.grantee.kind == "netbeheerder" for c in grid.select_related("grantee"))
    assert Submission.objects.filter(organisation=company, round__code=DSH).exists()


def test_comparison_on_demo_data_reports_losses_and_new_plans_per_dimension(loaded, plan_set):
    # given
    ministry = user_with_role(Role.MINISTERIE, Organisation.objects.get(kind=OrganisationKind.MINISTRY))
    lces, dsh = SurveyRound.objects.get(code=LCES), SurveyRound.objects.get(code=DSH)
    for group_by in GroupBy.ALL:
        # when
        comparison = plan_comparison(actor=ministry, round_from=lces, round_to=dsh, group_by=group_by)
        t = comparison.totals
        # then: the totals reconcile and match the submitted (non-draft) figures of the plan set
        assert abs(t.reconciliation_error()) < 1e-3
        expected = plan_set.summary()["reduction_before_2030_mt"]
        assert math.isclose(t.before_a_t / 1e6, expected[LCES], abs_tol=1e-3)
        assert math.isclose(t.before_b_t / 1e6, expected[DSH], abs_tol=1e-3)
        assert 1.5e6 <= t.before_b_t <= 2.5e6
        assert 0.15 <= (t.postponed_t + t.cancelled_t) / t.before_a_t <= 0.6  # tens of percent lost
        assert t.new_t > 0
        assert t.counts["past_2030"] > 0
        shown = [g.figures for g in comparison.groups if not g.suppressed]
        assert len(shown) >= 3, group_by
        assert any(f.postponed_t > 0 for f in shown), group_by
        assert any(f.cancelled_t > 0 for f in shown), group_by
        assert any(f.new_t > 0 for f in shown), group_by
        for f in shown:
            assert abs(f.reconciliation_error()) < 1e-3
            assert f.companies >= 3


def test_reset_replaces_and_delete_removes_the_demo_plans(loaded):
    # when
    again = demo_load(seed=1, scale=1, reset=True)
    # then: the same plans again, not twice
    assert Plan.objects.count() == loaded["plans"] == again.plans["plans"]
    assert again.deleted["plans"] == loaded["plans"]
    assert again.deleted["survey_rounds"] == 3
    # when
    deleted = demo_delete()
    # then
    assert deleted["plan_versions"] == loaded["plan_versions"]
    assert not SurveyRound.objects.exists()
    assert not (Plan.objects.exists())
    assert not (Submission.objects.exists())
    assert not (Consent.objects.exists())
    assert not ProductionLocation.objects.filter(origin=DataOrigin.DEMO).exists()
