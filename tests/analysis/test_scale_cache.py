"""National scale (issue 8, point 5), second round: what guards the caches and trimmed reads behind the
faster overview, run list, run plans API and round comparison (bench/web.py measures them).

- a run's figures as shown to a viewer (disclosure control applied) are cached per run, rule and set of
  companies the viewer reads in full: a cached answer is exactly the uncached one, two viewers with
  different sets never share an entry, and callers get a copy;
- the overview and the run list do not read a run's large figures once the cache holds them, and their
  number of queries does not grow with the number of results;
- `readable_companies` (analysis and round comparison) is asked once a request and gives the same answer
  as the definition (every result / version of the company readable by the actor);
- the API's grid answer per plan result is the grid serializer's, with one serializer per list.

The world is tests/plans/sharing_world.py, grown as in test_scale.py."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.analysis import shown_cache
from cluster6.analysis.disclosure import disclosed_aggregates, disclosed_ranking
from cluster6.analysis.models import AnalysisRun, PlanResult
from cluster6.analysis.selectors import readable_companies, run_get
from cluster6.analysis.services import analysis_run
from cluster6.api.serializers_analysis import PlanResultGridSerializer
from cluster6.authz.policies import visible_to
from cluster6.plans import comparison
from cluster6.plans.constants import SubmissionStatus
from cluster6.plans.models import PlanVersion, SurveyRound
from tests.factories import ConsentFactory, user_with_role
from tests.plans.sharing_world import build_world

from .test_scale import BASE_YEAR, _client, _grow, _queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    ConsentFactory(owner=w.company_a, grantee=w.liander)
    return w


@pytest.fixture(autouse=True)
def _empty_cache():
    shown_cache.clear()
    yield
    shown_cache.clear()


def _figure_reads(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if '"analysis_analysisrun"."aggregates"' in q["sql"]]


# ------------------------------------------------------------------------------------------ the cache


def test_the_cached_shown_figures_are_the_uncached_ones_for_each_viewer(world, settings):
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 6  # five companies: the total rests on the known ones
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    province = user_with_role(Role.PROVINCIE)
    stored = AnalysisRun.objects.get(pk=run.pk)
    for _round in range(2):  # filled, then read from the cache
        for user in (ministry, liander, province):
            shown = run_get(actor=user, run_id=run.pk)
            known = readable_companies(actor=user, run=run.pk)
            assert shown.known_companies == known
            assert shown.shown_aggregates == disclosed_aggregates(stored.aggregates, known=known)
            assert shown.shown_unlock_ranking == disclosed_ranking(stored.unlock_ranking, known=known)
    # the ministry reads every company in full, the province none: different entries, different figures
    m = run_get(actor=ministry, run_id=run.pk)
    p = run_get(actor=province, run_id=run.pk)
    assert m.known_companies != p.known_companies
    assert p.shown_aggregates["total"]["suppression"]
    assert not m.shown_aggregates["total"]["suppression"]


def test_the_cache_hands_out_copies(world):
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    first = run_get(actor=ministry, run_id=run.pk).shown_aggregates
    first["total"]["n_plans"] = -1
    first["by"].clear()
    again = run_get(actor=ministry, run_id=run.pk).shown_aggregates
    assert again["total"]["n_plans"] != -1
    assert again["by"]


def test_the_cache_keys_on_the_rule(world, settings):
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    province = user_with_role(Role.PROVINCIE)
    stored = AnalysisRun.objects.get(pk=run.pk)
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 1
    low = run_get(actor=province, run_id=run.pk).shown_aggregates
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 50  # more than there are: everything suppressed
    high = run_get(actor=province, run_id=run.pk).shown_aggregates
    assert high == disclosed_aggregates(stored.aggregates, known=frozenset())
    assert high["total"]["suppression"]
    assert low != high


# ------------------------------------------------------------------------------------- page queries


@pytest.mark.parametrize("url", ["/api/analysis/runs/", reverse("analysis:overview")])
def test_the_overview_and_the_run_list_read_the_figures_once_and_do_not_grow(world, url):
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    _grow(world, 3)
    analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    client = _client(liander)
    _queries(client, url, {})  # fills the cache
    with CaptureQueriesContext(connection) as ctx:
        few, _r = _queries(client, url, {})
    assert _figure_reads(ctx) == []  # the cache answered: the large JSON is not read at all
    _grow(world, 30, start=3)
    analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    _queries(client, url, {})
    with CaptureQueriesContext(connection) as ctx:
        many, _r = _queries(client, url, {})
    assert many <= few
    assert _figure_reads(ctx) == []


def test_the_run_list_summary_is_the_disclosed_total(world, settings):
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 6  # five companies: too few for who reads none in full
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    province = user_with_role(Role.PROVINCIE)
    stored = AnalysisRun.objects.get(pk=run.pk)
    expected = disclosed_aggregates(stored.aggregates, known=frozenset())["total"]
    ministry = user_with_role(Role.MINISTERIE)
    assert expected["suppression"]  # five companies: too few
    assert expected["n_plans"] is None
    # the list applies the rule as for a viewer who reads no company in full (the strictest), for all
    for _round in range(2):
        for user in (province, ministry):
            row = _client(user).get("/api/analysis/runs/").json()["results"][0]
            assert row["summary"]["n_plans"] == expected["n_plans"]
            assert row["summary"]["co2_t"] == expected["co2_t"]
    settings.CLUSTER6_DISCLOSURE_MIN_COMPANIES = 3
    shown = disclosed_aggregates(stored.aggregates, known=frozenset())["total"]
    assert shown["n_plans"] == 8
    assert _client(ministry).get("/api/analysis/runs/").json()["results"][0]["summary"]["n_plans"] == 8


# ------------------------------------------------------------------------------ readable companies


def _readable_by_definition(actor, run: AnalysisRun) -> frozenset[str]:
    every: dict[int, set[int]] = defaultdict(set)
    for pk, org in PlanResult.objects.filter(run=run).values_list("pk", "organisation_id"):
        every[org].add(pk)
    seen = set(visible_to(actor, PlanResult.objects.filter(run=run)).values_list("pk", flat=True))
    return frozenset(str(org) for org, pks in every.items() if pks <= seen)


def test_readable_companies_is_the_definition_and_asked_once_a_request(world):
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    for user in (
        ministry,
        user_with_role(Role.NETBEHEERDER, world.liander),
        user_with_role(Role.PROVINCIE),
        user_with_role(Role.BEDRIJF, world.company_a),
    ):
        expected = _readable_by_definition(user, run)
        with CaptureQueriesContext(connection) as ctx:
            assert readable_companies(actor=user, run=run) == expected
        assert len(ctx.captured_queries) <= 3  # the policy's memberships, the counts
        with CaptureQueriesContext(connection) as ctx:
            assert readable_companies(actor=user, run=run.pk) == expected
        assert ctx.captured_queries == []  # once a request (the same user object)
    fresh = type(ministry).objects.get(pk=ministry.pk)  # another request's user object
    assert readable_companies(actor=fresh, run=run) == frozenset(
        str(o) for o in PlanResult.objects.filter(run=run).values_list("organisation_id", flat=True)
    )


def _comparison_known_by_definition(actor, round_ids) -> frozenset[int]:
    qs = PlanVersion.objects.filter(
        submission__round_id__in=round_ids, submission__status=SubmissionStatus.SUBMITTED
    )
    every: dict[int, set[int]] = defaultdict(set)
    for pk, operator, parent in qs.values_list(
        "pk", "plan__location__operator_id", "plan__location__operator__parent_id"
    ):
        every[int(parent or operator)].add(pk)
    seen = set(visible_to(actor, qs).values_list("pk", flat=True))
    return frozenset(c for c, pks in every.items() if pks <= seen)


def test_the_comparisons_readable_companies_is_the_definition(world):
    _grow(world, 4)
    round_ids = list(SurveyRound.objects.values_list("pk", flat=True))
    for user in (
        user_with_role(Role.MINISTERIE),
        user_with_role(Role.NETBEHEERDER, world.liander),
        user_with_role(Role.NETBEHEERDER, world.enexis),
        user_with_role(Role.PROVINCIE),
    ):
        expected = _comparison_known_by_definition(user, round_ids)
        assert comparison.readable_companies(actor=user, round_ids=round_ids) == expected
        with CaptureQueriesContext(connection) as ctx:
            assert comparison.readable_companies(actor=user, round_ids=round_ids) == expected
        assert ctx.captured_queries == []
    liander_known = comparison.readable_companies(
        actor=user_with_role(Role.NETBEHEERDER, world.liander), round_ids=round_ids
    )
    assert world.company_a.pk in liander_known  # consented to Liander
    assert world.company_b.pk not in liander_known  # did not


# ------------------------------------------------------------------------------------------ the API


def test_the_api_grid_answer_is_the_grid_serializers(world):
    _grow(world, 4)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    rows = _client(ministry).get(f"/api/analysis/runs/{run.pk}/plans/").json()["results"]
    by_id = {r.pk: r for r in PlanResult.objects.filter(run=run)}
    with_grid = [r for r in rows if r["grid"] is not None]
    assert with_grid
    for row in rows:
        result = by_id[row["id"]]
        if not result.grid_area_code:
            assert row["grid"] is None
            continue
        expected = dict(PlanResultGridSerializer(result).data)
        # the queue disclosure may blank the MW ahead on the listed object; the rest is the serializer's
        for key in expected.keys() - {"mw_ahead", "tennet_mw_ahead", "queue_hidden", "tennet_queue_hidden"}:
            assert row["grid"][key] == expected[key], key


def test_the_api_plan_list_pages_by_id_in_the_lists_order(world):
    from cluster6.plans.sharing import shared_version_list

    _grow(world, 6)
    ministry = user_with_role(Role.MINISTERIE)
    client = _client(ministry)
    expected = list(shared_version_list(actor=ministry).values_list("pk", flat=True))
    assert len(expected) > 10
    got: list[int] = []
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/plans/", {"page_size": 5, "page": page})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        got += [row["id"] for row in response.json()["results"]]
    assert got == expected[:15]
    assert len(set(counts)) == 1  # the same queries for each page
