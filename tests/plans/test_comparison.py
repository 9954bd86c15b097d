"""Round-to-round comparison of plans: the classification rules (hand-made cases and properties), the
aggregates with the disclosure rule, and the page and API per role (docs/plans.md)."""

from __future__ import annotations

import math
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.plans.comparison import (
    ComparedPlan,
    GroupBy,
    PlanChange,
    PlanState,
    classify_plan,
    group_figures,
    plan_comparison,
    summarise,
)
from cluster6.plans.constants import Change, PlanStatus, Route, SubmissionStatus
from cluster6.registry.constants import Sector
from tests.factories import (
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

OPS, CANCELLED = PlanStatus.FEASIBILITY, PlanStatus.CANCELLED


def s(year: int, t: float, status: str = OPS) -> PlanState:
    return PlanState(in_operation_year=year, co2_reduction_t=t, status=status)


# ------------------------------------------------------------------------------ classification: by hand


def test_unchanged_plan():
    change = classify_plan(s(2028, 10_000), s(2028, 10_000), responded_in_b=True)
    assert change == PlanChange(
        change=Change.UNCHANGED, reduction_delta_t=0.0, before_a_t=10_000, before_b_t=10_000
    )


def test_postponed_past_2030_loses_its_whole_reduction_before_2030():
    change = classify_plan(s(2029, 50_000), s(2032, 50_000), responded_in_b=True)
    assert change.change == Change.POSTPONED
    assert change.past_2030 is True
    assert (change.before_a_t, change.before_b_t, change.postponed_t) == (50_000, 0, 50_000)


def test_postponed_within_2030_loses_nothing_before_2030():
    change = classify_plan(s(2027, 1_000), s(2029, 1_000), responded_in_b=True)
    assert change.change == Change.POSTPONED
    assert change.past_2030 is False
    assert change.postponed_t == 0
    assert change.before_b_t == 1_000


def test_status_postponed_counts_as_postponement_even_with_the_same_year():
    change = classify_plan(s(2028, 5_000), s(2028, 5_000, PlanStatus.POSTPONED), responded_in_b=True)
    assert change.change == Change.POSTPONED
    # the year governs the reduction before 2030: still in operation by 2030
    assert change.postponed_t == 0
    assert change.before_b_t == 5_000


def test_postponed_status_takes_precedence_over_an_earlier_year():
    change = classify_plan(s(2032, 5_000), s(2029, 5_000, PlanStatus.POSTPONED), responded_in_b=True)
    assert change.change == Change.POSTPONED
    assert change.accelerated_t == 5_000  # the t/yr follow the effect, the class the precedence


def test_accelerated_into_2030():
    change = classify_plan(s(2031, 2_000), s(2029, 2_000), responded_in_b=True)
    assert change.change == Change.ACCELERATED
    assert (change.before_a_t, change.before_b_t, change.accelerated_t) == (0, 2_000, 2_000)


def test_cancelled_by_status():
    change = classify_plan(s(2029, 8_000), s(2029, 8_000, PlanStatus.CANCELLED), responded_in_b=True)
    assert change.change == Change.CANCELLED
    assert (change.cancelled_t, change.reduction_delta_t) == (8_000, -8_000)


def test_dropped_plan_of_a_company_that_submitted_b_is_cancelled():
    change = classify_plan(s(2026, 3_000), None, responded_in_b=True)
    assert change.change == Change.CANCELLED
    assert change.cancelled_t == 3_000


def test_dropped_plan_of_a_company_that_did_not_submit_b_is_not_classified():
    change = classify_plan(s(2028, 7_000), None, responded_in_b=False)
    assert change.change is None
    assert change.not_resubmitted_t == 7_000
    assert change.before_b_t == 0


def test_new_plan_and_a_revived_cancelled_plan_are_new():
    new = classify_plan(None, s(2027, 6_000), responded_in_b=True)
    revived = classify_plan(s(2027, 6_000, PlanStatus.CANCELLED), s(2027, 6_000), responded_in_b=True)
    for change in (new, revived):
        assert change.change == Change.NEW
        assert (change.new_t, change.reduction_delta_t) == (6_000, 6_000)


def test_new_plan_after_2030_adds_nothing_before_2030():
    change = classify_plan(None, s(2033, 6_000), responded_in_b=True)
    assert change.change == Change.NEW
    assert change.new_t == 0


def test_nothing_to_compare_when_cancelled_or_absent_in_both():
    assert classify_plan(s(2027, 1, PlanStatus.CANCELLED), None, responded_in_b=True) is None
    assert classify_plan(None, s(2027, 1, PlanStatus.CANCELLED), responded_in_b=True) is None


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (4_000, 5_000, Change.REDUCTION_UP),
        (4_000, 3_000, Change.REDUCTION_DOWN),
        (4_000, 4_039, Change.UNCHANGED),  # within 1%
        (4_000, 4_041, Change.REDUCTION_UP),  # beyond 1% and 1 t
        (50, 50.9, Change.UNCHANGED),  # 1.8% but within 1 t
        (50, 51.5, Change.REDUCTION_UP),
    ],
)
def test_reduction_change_tolerance(before, after, expected):
    change = classify_plan(s(2027, before), s(2027, after), responded_in_b=True)
    assert change.change == expected
    assert math.isclose(change.changed_t, after - before)  # counted in "other" even within the tolerance


# ------------------------------------------------------------------------------- classification: properties

years = st.integers(min_value=2024, max_value=2040)
reductions = st.floats(min_value=0, max_value=1e6, allow_nan=False)
statuses = st.sampled_from(list(PlanStatus))
states = st.builds(PlanState, in_operation_year=years, co2_reduction_t=reductions, status=statuses)
optional_states = st.none() | states


@given(year_a=years, year_b=years, t=reductions)
def test_postponed_and_accelerated_are_mirror_images(year_a, year_b, t):
    forward = classify_plan(s(year_a, t), s(year_b, t), responded_in_b=True)
    backward = classify_plan(s(year_b, t), s(year_a, t), responded_in_b=True)
    assert (forward.change == Change.POSTPONED) == (backward.change == Change.ACCELERATED)
    assert forward.postponed_t == backward.accelerated_t
    assert forward.past_2030 == (year_a <= 2030 < year_b)


@given(a=states, b=states)
def test_new_and_cancelled_are_mirror_images(a, b):
    forward = classify_plan(a, b, responded_in_b=True)
    backward = classify_plan(b, a, responded_in_b=True)
    assert (forward is None) == (backward is None)
    if forward is not None:
        assert (forward.change == Change.NEW) == (backward.change == Change.CANCELLED)
        if forward.change == Change.NEW:
            assert forward.new_t == backward.cancelled_t


plan_pairs = st.lists(
    st.tuples(optional_states, optional_states, st.booleans(), st.sampled_from("xyz"), st.integers(1, 5)),
    max_size=40,
)


@given(pairs=plan_pairs)
def test_totals_reconcile(pairs):
    """before_b = before_a - postponed - cancelled + new + other - not resubmitted, for any set of plans."""
    items = []
    before_a = before_b = 0.0
    for a, b, responded, group, company in pairs:
        change = classify_plan(a, b, responded_in_b=responded or b is not None)
        if change is None:
            continue
        items.append(ComparedPlan(change, group, company))
        before_a += a.reduction_before() if a else 0.0
        before_b += b.reduction_before() if b else 0.0
    totals = summarise(items)
    scale = max(1.0, before_a, before_b)
    assert math.isclose(totals.before_a_t, before_a, abs_tol=1e-9 * scale)
    assert math.isclose(totals.before_b_t, before_b, abs_tol=1e-9 * scale)
    assert abs(totals.reconciliation_error()) <= 1e-9 * scale
    assert min(totals.postponed_t, totals.cancelled_t, totals.new_t, totals.accelerated_t) >= 0
    assert sum(v for k, v in totals.counts.items() if k != "past_2030") == totals.plans
    # the groups add up to the totals when nothing is suppressed
    groups = group_figures(items, min_companies=0, max_share=1.0)
    assert sum(g.figures.plans for g in groups) == totals.plans
    assert math.isclose(sum(g.figures.before_b_t for g in groups), totals.before_b_t, abs_tol=1e-6 * scale)


# ------------------------------------------------------------------------------------------- disclosure


def item(group: str, company: int, t: float = 1_000) -> ComparedPlan:
    return ComparedPlan(classify_plan(s(2028, t), s(2028, t), responded_in_b=True), group, company)


def test_groups_with_fewer_than_three_companies_are_suppressed():
    items = [item("a", 1), item("a", 2), item("a", 3)]  # 3 companies
    items += [item("b", 4), item("b", 4), item("b", 5)]  # 2 companies, 3 plans
    items += [item("c", 6)]  # 1 company
    groups = {g.key: g for g in group_figures(items)}
    assert groups["a"].figures.companies == 3
    assert not groups["a"].suppressed
    assert groups["b"].suppressed
    assert groups["b"].suppression == "primary"
    assert groups["c"].suppressed


def test_a_single_suppressed_group_drags_the_smallest_other_group_along():
    items = [item("a", c) for c in (1, 2, 3, 4, 5)]
    items += [item("b", c, 500) for c in (6, 7, 8)]
    items += [item("c", c, 900) for c in (9, 10, 11)]
    items += [item("d", 12)]
    groups = {g.key: g for g in group_figures(items)}
    assert groups["d"].suppression == "primary"
    # b and c have 3 companies each; b has the smaller reduction: it is suppressed as well
    assert groups["b"].suppression == "secondary"
    assert groups["b"].figures is None
    assert not groups["a"].suppressed
    assert not groups["c"].suppressed


# --------------------------------------------------------------------------------- the hand-made world

A_ROUND, B_ROUND = "ronde-a", "ronde-b"


@pytest.fixture
def world(db):
    """Nine plans of eight companies over two rounds (docs/plans.md, "worked example"):

    | # | company | sector | province | route | A (year, t) | B | class |
    | 1 | c1 | ceramics | GLD | electrification | 2028, 10000 (r2; r1 said 12000) | 2028, 10000 | unchanged |
    | 2 | c2 | ceramics | GLD | CCS | 2029, 50000 | 2032, 50000 | postponed past 2030 |
    | 3 | c3 | ceramics | BRA | hydrogen | 2029, 8000 | cancelled | cancelled |
    | 4 | c4 | food | BRA | electrification | - | 2027, 6000 | new |
    | 5 | c5 | food | GLD | electrification | 2027, 4000 | 2027, 5000 | reduction up |
    | 6 | c6 | food | BRA | electrification | 2026, 3000 | absent (c6 submitted B) | cancelled |
    | 7 | c7 | food | GLD | efficiency | 2031, 2000 | 2029, 2000 | accelerated |
    | 8 | c6 | food | BRA | efficiency | 2028, 1000 | 2029, 1000 | postponed (not past 2030) |
    | 9 | c8 | ceramics | GLD | electrification | 2028, 7000 | c8 has only a draft in B | not resubmitted |
    """
    gld = ProvinceFactory(code="PV25", name="Gelderland")
    bra = ProvinceFactory(code="PV30", name="Noord-Brabant")
    round_a = SurveyRoundFactory(code=A_ROUND, name="Ronde A")
    round_b = SurveyRoundFactory(code=B_ROUND, name="Ronde B", previous=round_a)
    companies = {f"c{i}": OrganisationFactory(name=f"Geheim bedrijf {i} B.V.") for i in range(1, 9)}
    rows = [
        (1, "c1", Sector.CERAMICS, gld, Route.ELECTRIFICATION, (2028, 10_000, OPS), (2028, 10_000, OPS)),
        (2, "c2", Sector.CERAMICS, gld, Route.CCS, (2029, 50_000, OPS), (2032, 50_000, PlanStatus.POSTPONED)),
        (3, "c3", Sector.CERAMICS, bra, Route.HYDROGEN, (2029, 8_000, OPS), (2029, 8_000, CANCELLED)),
        (4, "c4", Sector.FOOD, bra, Route.ELECTRIFICATION, None, (2027, 6_000, OPS)),
        (5, "c5", Sector.FOOD, gld, Route.ELECTRIFICATION, (2027, 4_000, OPS), (2027, 5_000, OPS)),
        (6, "c6", Sector.FOOD, bra, Route.ELECTRIFICATION, (2026, 3_000, OPS), None),
        (7, "c7", Sector.FOOD, gld, Route.EFFICIENCY, (2031, 2_000, OPS), (2029, 2_000, OPS)),
        (8, "c6", Sector.FOOD, bra, Route.EFFICIENCY, (2028, 1_000, OPS), (2029, 1_000, OPS)),
        (9, "c8", Sector.CERAMICS, gld, Route.ELECTRIFICATION, (2028, 7_000, OPS), None),
    ]  # fmt: skip
    subs = {}

    def submission(company, rnd, revision=1, status=SubmissionStatus.SUBMITTED):
        key = (company, rnd.code, revision)
        if key not in subs:
            factory = (
                SubmittedSubmissionFactory if status == SubmissionStatus.SUBMITTED else SubmissionFactory
            )
            subs[key] = factory(organisation=companies[company], round=rnd, revision=revision, status=status)
        return subs[key]

    for number, company, sector, province, route, a, b in rows:
        location = ProductionLocationFactory(operator=companies[company], province=province, sector=sector)
        plan = PlanFactory(location=location, reference=f"P{number}")
        for rnd, version, revision in ((round_a, a, 2 if company == "c1" else 1), (round_b, b, 1)):
            if version is None:
                continue
            year, t, status = version
            PlanVersionFactory(
                submission=submission(company, rnd, revision),
                plan=plan,
                route=route,
                in_operation_year=year,
                investment_decision_year=None,
                co2_reduction_t=t,
                status=status,
                title=f"Geheim plan {number}",
            )
        if company == "c1":  # an earlier submitted revision of round A said 12000: the latest counts
            PlanVersionFactory(
                submission=submission("c1", round_a, 1), plan=plan, route=route, in_operation_year=2028,
                investment_decision_year=None, co2_reduction_t=12_000, title="Geheim plan 1 (r1)",
            )  # fmt: skip
        if company == "c8":  # a draft in round B never counts
            PlanVersionFactory(
                submission=submission("c8", round_b, 1, SubmissionStatus.DRAFT), plan=plan, route=route,
                in_operation_year=2027, investment_decision_year=None, co2_reduction_t=99_000,
            )  # fmt: skip
    submission("c6", round_b)  # c6 did submit round B (with plan 8)
    return {"a": round_a, "b": round_b, "companies": companies}


def figures_of(comparison, key=None):
    if key is None:
        return comparison.totals
    return next(g for g in comparison.groups if g.key == key).figures


def as_tuple(f):
    return (
        f.before_a_t,
        f.postponed_t,
        f.cancelled_t,
        f.new_t,
        f.accelerated_t,
        f.changed_t,
        f.not_resubmitted_t,
        f.before_b_t,
    )


#: (before A, postponed, cancelled, new, accelerated, changed, not resubmitted, before B) in t/yr.
EXPECTED = {
    None: (83_000, 50_000, 11_000, 6_000, 2_000, 1_000, 7_000, 24_000),
    (GroupBy.SECTOR, Sector.CERAMICS): (75_000, 50_000, 8_000, 0, 0, 0, 7_000, 10_000),
    (GroupBy.SECTOR, Sector.FOOD): (8_000, 0, 3_000, 6_000, 2_000, 1_000, 0, 14_000),
    (GroupBy.PROVINCE, "PV25"): (71_000, 50_000, 0, 0, 2_000, 1_000, 7_000, 17_000),
    (GroupBy.PROVINCE, "PV30"): (12_000, 0, 11_000, 6_000, 0, 0, 0, 7_000),
    (GroupBy.ROUTE, Route.ELECTRIFICATION): (24_000, 0, 3_000, 6_000, 0, 1_000, 7_000, 21_000),
}


@pytest.mark.parametrize("group_by", GroupBy.ALL)
def test_hand_made_case_per_group(world, group_by):
    # given
    ministry = user_with_role(Role.MINISTERIE)
    # when
    comparison = plan_comparison(
        actor=ministry, round_from=world["a"], round_to=world["b"], group_by=group_by
    )
    # then: exact t/yr per cause, in total and per group
    assert as_tuple(figures_of(comparison)) == EXPECTED[None]
    for dimension_and_key, expected in EXPECTED.items():
        if dimension_and_key is not None and dimension_and_key[0] == group_by:
            assert as_tuple(figures_of(comparison, dimension_and_key[1])) == expected, dimension_and_key
    assert abs(comparison.totals.reconciliation_error()) < 1e-6
    assert comparison.totals.counts == {
        Change.NEW: 1,
        Change.UNCHANGED: 1,
        Change.ACCELERATED: 1,
        Change.POSTPONED: 2,
        Change.CANCELLED: 2,
        Change.REDUCTION_UP: 1,
        Change.REDUCTION_DOWN: 0,
        "niet_ingediend": 1,
        "past_2030": 1,
    }
    assert (comparison.totals.plans, comparison.totals.companies) == (9, 8)


def test_hand_made_case_route_groups_of_fewer_than_three_companies_are_suppressed(world):
    comparison = plan_comparison(
        actor=user_with_role(Role.RVO), round_from=world["a"], round_to=world["b"], group_by=GroupBy.ROUTE
    )
    reasons = {g.key: g.suppression for g in comparison.groups}
    # CCS, hydrogen and efficiency rest on 1, 1 and 2 companies (primary). Electrification (5 companies)
    # passes itself, but the total minus electrification would give the three together, 61,000 t in A
    # of which c2 holds 50,000 (82% > 70%): so electrification is blanked too (secondary).
    assert reasons == {
        Route.CCS: "primary",
        Route.HYDROGEN: "primary",
        Route.EFFICIENCY: "primary",
        Route.ELECTRIFICATION: "secondary",
    }
    assert comparison.totals is not None  # the total itself passes (c2: 60% in A, c1: 42% in B)


def test_province_filter(world):
    comparison = plan_comparison(
        actor=user_with_role(Role.CLUSTERREGISSEUR),
        round_from=world["a"],
        round_to=world["b"],
        group_by=GroupBy.SECTOR,
        province_code="PV30",
    )
    # Brabant alone: c3, c4 and c6 (3 companies), but in round B c4's new plan is 6,000 of the 7,000 t
    # (86% > 70%): the totals are blanked (dominance), and with them every group
    assert comparison.totals is None
    assert all(g.suppressed for g in comparison.groups)
    # the ministry reads every plan: nothing is blanked for it
    ministry = plan_comparison(
        actor=user_with_role(Role.MINISTERIE),
        round_from=world["a"],
        round_to=world["b"],
        group_by=GroupBy.SECTOR,
        province_code="PV30",
    )
    assert as_tuple(ministry.totals) == EXPECTED[(GroupBy.PROVINCE, "PV30")]


def test_subsidiaries_of_one_group_count_as_one_company(db):
    # given: three companies with a plan each in the same sector, two of them daughters of one group
    parent = OrganisationFactory()
    owners = [OrganisationFactory(parent=parent), OrganisationFactory(parent=parent), OrganisationFactory()]
    round_a, round_b = SurveyRoundFactory(code="x-a"), SurveyRoundFactory(code="x-b")
    for owner in owners:
        for rnd in (round_a, round_b):
            sub = SubmittedSubmissionFactory(organisation=owner, round=rnd)
            plan = PlanFactory(location=ProductionLocationFactory(operator=owner), reference="P1")
            PlanVersionFactory(submission=sub, plan=plan, investment_decision_year=None)
    # when
    comparison = plan_comparison(actor=user_with_role(Role.RVO), round_from=round_a, round_to=round_b)
    # then: two companies only, so suppressed (for a role that may not read the plans)
    assert comparison.totals is None
    assert all(g.suppressed for g in comparison.groups)


def test_company_users_may_not_see_the_aggregates(world):
    from django.core.exceptions import PermissionDenied

    company = user_with_role(Role.BEDRIJF, world["companies"]["c1"])
    with pytest.raises(PermissionDenied):
        plan_comparison(actor=company, round_from=world["a"], round_to=world["b"])


# ------------------------------------------------------------------------------------------- page and API

PROGRAMME_ROLES = [
    Role.MINISTERIE,
    Role.RVO,
    Role.CLUSTERREGISSEUR,
    Role.REGIOMANAGER,
    Role.PROVINCIE,
    Role.NETBEHEERDER,
]


@pytest.mark.parametrize("role", PROGRAMME_ROLES)
def test_page_shows_aggregates_and_no_company_or_plan(world, client, role):
    # given
    client.force_login(user_with_role(role))
    # when
    response = client.get(reverse("plans:comparison"), {"van": A_ROUND, "naar": B_ROUND, "per": "provincie"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vergelijking uitvraagrondes" in html
    assert "/static/vendor/plotly/plotly.min.js" in html
    # no asset from elsewhere (a CDN); a random token in the page may contain the letters "cdn"
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
    assert 'id="comparison-waterfall"' in html
    assert "83,0" in html
    assert "24,0" in html
    assert "−50,0" in html  # lost to postponement (Gelderland and total)
    assert "Gelderland" in html
    assert "Noord-Brabant" in html
    assert "Geheim" not in html  # no company or plan names


def test_page_defaults_to_the_latest_answered_round_and_its_previous(world, client):
    client.force_login(user_with_role(Role.RVO))
    response = client.get(reverse("plans:comparison"))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (comparison.round_from.code, comparison.round_to.code) == (A_ROUND, B_ROUND)
    assert comparison.group_by == GroupBy.SECTOR


def test_page_suppresses_small_groups(world, client):
    client.force_login(user_with_role(Role.RVO))
    response = client.get(reverse("plans:comparison"), {"van": A_ROUND, "naar": B_ROUND, "per": "route"})
    html = response.content.decode()
    assert html.count("&lt;3 bedrijven") == 3


def test_page_rejects_the_same_round_twice(world, client):
    client.force_login(user_with_role(Role.MINISTERIE))
    response = client.get(reverse("plans:comparison"), {"van": A_ROUND, "naar": A_ROUND})
    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert "Kies twee verschillende uitvraagrondes." in response.content.decode()


def test_page_is_forbidden_for_company_users_and_asks_anonymous_users_to_log_in(world, client):
    client.force_login(user_with_role(Role.BEDRIJF, world["companies"]["c1"]))
    assert client.get(reverse("plans:comparison")).status_code == 403
    client.logout()
    response = client.get(reverse("plans:comparison"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def api_get(user, **params):
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api.get(reverse("api:plan-comparison"), params)


@pytest.mark.parametrize("role", PROGRAMME_ROLES)
def test_api_returns_the_same_aggregates(world, role):
    response = api_get(user_with_role(role), **{"from": A_ROUND, "to": B_ROUND, "group_by": "sector"})
    assert response.status_code == 200
    data = response.json()
    assert (data["round_from"]["code"], data["round_to"]["code"]) == (A_ROUND, B_ROUND)
    totals = data["totals"]
    assert (
        totals["reduction_from_t"],
        totals["postponed_t"],
        totals["cancelled_t"],
        totals["new_t"],
        totals["accelerated_t"],
        totals["changed_t"],
        totals["not_resubmitted_t"],
        totals["reduction_to_t"],
    ) == EXPECTED[None]
    assert totals["other_t"] == 3_000
    assert totals["net_change_t"] == -59_000
    assert totals["counts"]["postponed_past_2030"] == 1
    assert totals["counts"]["not_resubmitted"] == 1
    groups = {g["key"]: g for g in data["groups"]}
    assert groups[Sector.FOOD]["label"] == "Voedingsmiddelen"
    if role == Role.MINISTERIE:  # reads every plan: nothing blanked
        assert groups[Sector.FOOD]["figures"]["new_t"] == 6_000
    else:
        # ceramics in round B is c1's plan alone (10,000 of 10,000 t): dominance; food is then blanked
        # too, since the total minus food would give ceramics
        assert groups[Sector.CERAMICS]["figures"] is None
        assert groups[Sector.FOOD]["figures"] is None
    assert "Geheim" not in response.content.decode()


def test_api_suppressed_groups_carry_no_figures(world):
    data = api_get(user_with_role(Role.RVO), **{"from": A_ROUND, "to": B_ROUND, "group_by": "route"}).json()
    suppressed = [g for g in data["groups"] if g["suppressed"]]
    assert len(suppressed) == 4  # three primary, electrification secondary (see the route test above)
    assert all(g["figures"] is None for g in suppressed)


def test_api_forbidden_for_companies_unauthorised_for_anonymous(world):
    company = user_with_role(Role.BEDRIJF, world["companies"]["c1"])
    assert api_get(company, **{"from": A_ROUND, "to": B_ROUND}).status_code == 403
    assert api_get(None, **{"from": A_ROUND, "to": B_ROUND}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "bestaat-niet", "to": B_ROUND}, "from"),
        ({"from": A_ROUND, "to": A_ROUND}, "to"),
        ({"from": A_ROUND}, "to"),
        ({"from": A_ROUND, "to": B_ROUND, "group_by": "bedrijf"}, "group_by"),
    ],
)
def test_api_rejects_bad_queries(world, params, field):
    response = api_get(user_with_role(Role.RVO), **params)
    assert response.status_code == 400
    assert field in response.json()


def test_navigation_offers_the_comparison_to_programme_roles_only(world, client):
    link = f'href="{reverse("plans:comparison")}"'
    client.force_login(user_with_role(Role.PROVINCIE))
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role(Role.BEDRIJF, world["companies"]["c2"]))
    assert link not in client.get(reverse("home")).content.decode()


def test_page_in_english(world, client):
    client.force_login(user_with_role(Role.MINISTERIE))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("plans:comparison"), {"van": A_ROUND, "naar": B_ROUND})
    html = response.content.decode()
    assert "Comparison of survey rounds" in html
    assert "lost to postponement (1 plan moved past 2030)" in html
    assert "83.0" in html  # English number notation
