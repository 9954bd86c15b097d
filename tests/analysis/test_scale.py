"""National scale (issue 8, point 5): what guards the fixes that bench/web.py measures.

- the pages, the API and the exports of plan results issue a number of queries that does not grow with the
  number of results, and never load the run's figures per row;
- the exports of plan results stream and hold the same rows as before;
- a read writes one read-log row per company whose data it showed (with the number of rows), not one per
  result;
- the maps are bounded: a hard cap on the points of one response (`truncated`, `total`) and a viewport
  (`bbox`);
- the company visibility filter is computed on the result's own indexed columns and still lets through
  exactly the company's own (and its subsidiaries') results.

The world is tests/plans/sharing_world.py (companies A and B), grown by `_grow` with more companies in
Liander's area that consented to Liander."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.analysis import export
from cluster6.analysis.models import PlanResult
from cluster6.analysis.selectors import plan_result_list
from cluster6.analysis.services import analysis_run
from cluster6.audit.models import ReadLog
from cluster6.authz.policies import visible_to
from cluster6.core.bbox import MAP_LIMIT, parse_bbox
from cluster6.registry.models import ProductionLocation
from tests.factories import (
    ConsentFactory,
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


def _grow(world, n: int, *, plans_each: int = 2, start: int = 0) -> None:
    """`n` more companies in Liander's area (Gelderland), each with `plans_each` submitted plans at one
    location, each consenting to Liander."""
    for i in range(start, start + n):
        company = OrganisationFactory(name=f"Bedrijf {i:03d}")
        location = ProductionLocationFactory(
            name=f"Locatie {i:03d}",
            operator=company,
            province=world.gelderland,
            grid_operator=world.liander,
            grid_service_area=world.area_l,
            latitude=51.9 + i * 0.001,
            longitude=5.8 + i * 0.001,
        )
        submission = SubmittedSubmissionFactory(organisation=company, round=world.round)
        for k in range(plans_each):
            PlanVersionFactory(
                submission=submission,
                plan=PlanFactory(location=location, reference=f"G{i:03d}-{k}"),
                title=f"Plan {i:03d}-{k}",
            )
        ConsentFactory(owner=company, grantee=world.liander)


@pytest.fixture
def world():
    w = build_world()
    ConsentFactory(owner=w.company_a, grantee=w.liander)
    return w


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str, params: dict[str, object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    assert response.status_code == 200, body[:300]
    return len(ctx.captured_queries), response


def _no_run_figures(ctx: CaptureQueriesContext) -> None:
    """No query read the run's large figures (its aggregates or unlock ranking) more than once."""
    reads = [q["sql"] for q in ctx.captured_queries if '"analysis_analysisrun"."unlock_ranking"' in q["sql"]]
    assert len(reads) <= 1, reads


# ------------------------------------------------------------------------------------------- queries


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("analysis:results", {}),
        ("analysis:map_locations", {}),
        ("analysis:export_csv", {"table": "plannen"}),
        ("analysis:export_xlsx", {}),
    ],
)
def test_result_pages_and_exports_issue_as_many_queries_for_many_results_as_for_few(world, name, params):
    ministry = user_with_role(Role.MINISTERIE)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    params = dict(params)
    table = params.pop("table", None)
    url = reverse(name, args=[table] if table else [])
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    few = {u: _queries(_client(u), url, {"run": run.pk, **params})[0] for u in (ministry, liander)}
    _grow(world, 30, start=3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    for user in (ministry, liander):
        client = _client(user)
        with CaptureQueriesContext(connection) as ctx:
            n, _response = _queries(client, url, {"run": run.pk, **params})
        assert n <= few[user], (name, user, n, few[user])
        _no_run_figures(ctx)
    assert PlanResult.objects.filter(run=run).count() > 60


def test_the_api_plan_results_issue_as_many_queries_for_many_results_as_for_few(world):
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    client = _client(liander)
    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    few, _r = _queries(client, f"/api/analysis/runs/{run.pk}/plans/", {})
    _grow(world, 30, start=3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    many, response = _queries(client, f"/api/analysis/runs/{run.pk}/plans/", {})
    assert many <= few
    assert response.json()["count"] == 1 + 33 * 2  # A's plan and the grown companies' (B gave no consent)
    # the export streams
    _n, export_response = _queries(
        client, f"/api/analysis/runs/{run.pk}/export/", {"table": "plannen", "format": "csv"}
    )
    assert export_response.streaming is True


# ------------------------------------------------------------------------------------------- exports


def test_the_plan_export_streams_the_same_rows_as_the_table(world):
    _grow(world, 5)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    response = _client(liander).get(reverse("analysis:export_csv", args=["plannen"]), {"run": run.pk})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Disposition"] == f'attachment; filename="analyse-{run.pk}-plannen.csv"'
    body = b"".join(response.streaming_content)
    # the same bytes as the whole table written at once (the disclosure of the queues applied alike)
    from cluster6.analysis.selectors import disclose_queues

    results = disclose_queues(actor=liander, results=plan_result_list(actor=liander, run=run))
    assert body == export.to_csv(export.results_table(results))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 1 + 5 * 2  # header, A's plan, the grown companies' plans (not B's)
    assert "Oven B" not in body.decode("utf-8-sig")


# ------------------------------------------------------------------------------------------- read log


def test_a_map_view_writes_one_read_log_row_per_company(world):
    _grow(world, 12)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    response = _client(ministry).get(reverse("analysis:map_locations"), {"run": run.pk})
    assert response.status_code == 200
    logs = list(ReadLog.objects.filter(actor=ministry))
    owners = {r.owner_id for r in logs}
    assert len(logs) == len(owners) == 14  # A, B and the twelve grown companies: one row each
    assert all(r.channel == "web" for r in logs)
    by_owner = {r.owner_id: r for r in logs}
    grown = by_owner[PlanResult.objects.filter(run=run, plan__reference="G000-0").get().organisation_id]
    assert grown.row_count == 2
    assert len(grown.target_ids) == 2
    assert grown.target_label.startswith("2 planversies")
    assert by_owner[world.company_a.pk].row_count == 1
    assert by_owner[world.company_a.pk].target_id == str(world.v_a.pk)


def test_the_result_list_logs_one_row_per_company_shown(world):
    _grow(world, 4)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    assert _client(liander).get(reverse("analysis:results"), {"run": run.pk}).status_code == 200
    logs = ReadLog.objects.filter(actor=liander)
    assert logs.count() == 5  # A and the four grown companies; B gave no consent
    assert sum(r.row_count for r in logs) == 1 + 4 * 2
    assert {r.actor_organisation_id for r in logs} == {world.liander.pk}
    assert {r.purpose for r in logs} == {"investeringsplan"}


# ------------------------------------------------------------------------------------------- maps


def test_the_analysis_map_is_capped_and_served_by_viewport(world):
    _grow(world, 20, plans_each=1)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    client = _client(user_with_role(Role.MINISTERIE))
    url = reverse("analysis:map_locations")
    whole = client.get(url, {"run": run.pk}).json()
    assert whole["total"] == len(whole["features"]) == 22
    assert whole["truncated"] is False
    capped = client.get(url, {"run": run.pk, "limit": 5}).json()
    assert len(capped["features"]) == 5
    assert (capped["total"], capped["truncated"]) == (22, True)
    assert (
        client.get(url, {"run": run.pk, "limit": 10**6}).json()["limit"] == MAP_LIMIT
    )  # never above the cap
    # the viewport: only the first five grown locations (longitude 5.800-5.804)
    box = client.get(url, {"run": run.pk, "bbox": "5.7995,51.8,5.8045,52.0"}).json()
    assert sorted(f["properties"]["name"] for f in box["features"]) == [f"Locatie {i:03d}" for i in range(5)]
    for f in box["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 5.7995 <= lon <= 5.8045
        assert 51.8 <= lat <= 52.0
    # the read log holds what was shown: five companies for the viewport
    assert ReadLog.objects.filter(channel="web").count() == 22 + 5 + 22 + 5


def test_the_location_map_is_capped_and_served_by_viewport(world):
    _grow(world, 20, plans_each=1)
    client = _client(user_with_role(Role.MINISTERIE))
    url = reverse("map_locations")
    total = ProductionLocation.objects.filter(latitude__isnull=False).count()
    whole = client.get(url).json()
    assert (whole["total"], whole["truncated"], len(whole["features"])) == (total, False, total)
    capped = client.get(url, {"limit": 3}).json()
    assert (len(capped["features"]), capped["total"], capped["truncated"]) == (3, total, True)
    box = client.get(url, {"bbox": "5.7995,51.8,5.8045,52.0"}).json()
    assert sorted(f["properties"]["name"] for f in box["features"]) == [f"Locatie {i:03d}" for i in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx.captured_queries) <= 6  # session, user, memberships, count, rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4.5,51.5,6.0,52.5", (4.5, 51.5, 6.0, 52.5)),
        ("", None),
        ("1,2,3", None),
        ("a,b,c,d", None),
        ("6,51,5,52", None),  # west > east
        ("nan,51,5,52", None),
        ("-200,-100,200,100", (-180.0, -90.0, 180.0, 90.0)),
    ],
)
def test_parse_bbox(value, expected):
    box = parse_bbox(value)
    assert (None if box is None else (box.west, box.south, box.east, box.north)) == expected


# ------------------------------------------------------------------------------------------- visibility


def test_the_company_filter_uses_the_results_own_columns_and_keeps_the_subsidiaries(world):
    _grow(world, 5)
    parent = world.company_a
    subsidiary = OrganisationFactory(name="Dochter A", parent=parent)
    location = ProductionLocationFactory(
        name="Dochter Arnhem", operator=subsidiary, province=world.gelderland
    )
    PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=subsidiary, round=world.round),
        plan=PlanFactory(location=location, reference="D-1"),
        title="Dochterplan",
    )
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    company = user_with_role(Role.BEDRIJF, parent)
    with CaptureQueriesContext(connection) as ctx:
        seen = set(
            visible_to(company, PlanResult.objects.filter(run=run)).values_list("plan__reference", flat=True)
        )
    assert seen == {"A-1", "D-1"}
    sql = ctx.captured_queries[-1]["sql"]
    # on the result's own indexed column, not an OR across joined tables
    assert '"analysis_planresult"."plan_version_id" IN' in sql
    assert "parent_id" not in sql


# ------------------------------------------------------------------------------------------- queues


def test_the_one_pass_queue_summary_gives_the_rules_answer_for_every_place():
    """`QueuePrefix.check` (an export's disclosure of the MW ahead) equals `Rule.check` on the requests
    ahead, for every place, company and viewer, on random queues with ties, shared companies and zeros."""
    import random

    from cluster6.analysis.disclosure import rule
    from cluster6.analysis.selectors import QueueDisclosure, QueuePrefix

    r0 = rule()
    rng = random.Random(8)
    for _ in range(200):
        companies = [str(c) for c in range(rng.randint(1, 9))]
        queue = [
            (rng.randint(1, 12), rng.choice(companies), rng.choice([0.0, 0.5, 1.0, 2.0, 10.0, 40.0]))
            for _ in range(rng.randint(0, 25))
        ]
        known = frozenset(rng.sample(companies, rng.randint(0, len(companies))))
        prefix = QueuePrefix(queue, known)
        for place in range(0, 15):
            for org in [*companies, "x"]:
                expected = r0.check(QueueDisclosure._ahead(queue, place), known | {org})
                assert prefix.check(place, org, r0) == expected, (queue, known, place, org)
