"""Always fresh: a change of the analysis' inputs queues one background refresh (on commit), the database
worker (`db_worker --batch`) computes it, and the pages and the API show the last complete run with a
notice while a newer one is being computed. The world and its expected answers: tests/analysis/world.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cluster6.accounts.constants import Role
from cluster6.analysis.freshness import REFRESH_TASK_PATH, analysis_request_refresh, refresh_state
from cluster6.analysis.models import AnalysisRun
from cluster6.analysis.services import analysis_run
from cluster6.plans.constants import ConsentPurpose
from cluster6.plans.models import Consent
from cluster6.plans.services import submission_reopen, submission_submit
from cluster6.plans.sharing import consent_grant, consent_revoke
from tests.analysis.world import build_world
from tests.factories import GridOperatorFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "Er wordt een nieuwe analyse berekend; dit is de uitkomst van"


@pytest.fixture
def world():
    return build_world()


def refreshes() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=REFRESH_TASK_PATH).order_by("enqueued_at"))


def waiting() -> int:
    return DBTaskResult.objects.filter(task_path=REFRESH_TASK_PATH, status=TaskResultStatus.READY).count()


def work() -> None:
    """Run the database worker until the queue is empty (as `make run`'s worker would)."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# ------------------------------------------------------------------------------------- what queues one


def test_submitting_and_reopening_queue_a_refresh_on_commit(world, django_capture_on_commit_callbacks):
    rvo = user_with_role(Role.RVO)
    with django_capture_on_commit_callbacks(execute=True):
        reopened = submission_reopen(submission=world.submission, actor=rvo, reason="correctie")
    assert [r.args_kwargs["kwargs"]["reason"] for r in refreshes()] == ["submission.reopened"]

    work()
    reopened.versions.filter(plan__reference="OLD").update(status_reason="markt weggevallen")
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=reopened, actor=world.company_user)
    assert [r.args_kwargs["kwargs"]["reason"] for r in refreshes()] == [
        "submission.reopened",
        "submission.submitted",
    ]
    assert waiting() == 1


def test_a_refused_submission_queues_nothing(world, django_capture_on_commit_callbacks):
    # the submitted revision cannot be submitted again: the service refuses, nothing is committed
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
        submission_submit(submission=world.submission, actor=world.company_user)
    assert refreshes() == []


def test_giving_and_withdrawing_consent_queue_a_refresh(world, django_capture_on_commit_callbacks):
    grantee = GridOperatorFactory(name="Stedin")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        consent = consent_grant(
            owner=world.company,
            grantee=grantee,
            purpose=ConsentPurpose.GRID_INVESTMENT_PLAN,
            valid_from=today,
            valid_until=today + dt.timedelta(days=30),
            actor=world.company_user,
        )
    assert waiting() == 1
    work()
    with django_capture_on_commit_callbacks(execute=True):
        consent_revoke(consent=Consent.objects.get(pk=consent.pk), actor=world.company_user)
    assert [r.args_kwargs["kwargs"]["reason"] for r in refreshes()] == ["consent.granted", "consent.revoked"]


def test_an_import_queues_a_refresh_but_a_dry_run_does_not(
    world, tmp_path, run_import, django_capture_on_commit_callbacks
):
    path = tmp_path / "zones.geojson"
    square = [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "peildatum": "2026-08-21",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"laag": "rnb_afnamefgb", "color_code": 2, "RNB": "Liander"},
                        "geometry": {"type": "Polygon", "coordinates": square},
                    }
                ],
            }
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_import("grid", path, dry_run=True)
    assert refreshes() == []
    with django_capture_on_commit_callbacks(execute=True):
        run_import("grid", path)
    assert [r.args_kwargs["kwargs"]["reason"] for r in refreshes()] == ["import.grid"]


def test_a_timeline_edit_in_the_admin_queues_a_refresh(world, django_capture_on_commit_callbacks):
    world.ministry_user.is_staff = True
    world.ministry_user.save()
    ministry = client(world.ministry_user)
    url = reverse("admin:infra_gridproject_add")
    data = {
        "area": world.congested.pk,
        "name": "Nieuw station",
        "operator_name": "Liander",
        "operator_type": "rnb",
        "phase": "scheduled",
        "completion_year": 2028,
        "certainty": "vast",
        "added_capacity_mw": 20,
        "source": "test",
    }
    page = ministry.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {**{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}, **data}
    with django_capture_on_commit_callbacks(execute=True):
        response = ministry.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert [r.args_kwargs["kwargs"]["reason"] for r in refreshes()] == ["timeline.edited"]


# ------------------------------------------------------------------------------- coalescing and worker


def test_changes_coalesce_while_a_refresh_waits(world):
    first = analysis_request_refresh(reason="a")
    assert first is not None
    assert analysis_request_refresh(reason="b") is None
    assert analysis_request_refresh(reason="c") is None
    assert waiting() == 1
    # a running refresh may have read the inputs before the change: a new one is queued beside it
    DBTaskResult.objects.filter(pk=first).update(status=TaskResultStatus.RUNNING)
    assert analysis_request_refresh(reason="d") is not None
    assert len(refreshes()) == 2


def test_the_worker_computes_the_run_and_reuses_an_unchanged_input(world):
    analysis_request_refresh(reason="first")
    work()
    (done,) = refreshes()
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    run = AnalysisRun.objects.get()
    assert done.return_value["run"] == run.pk
    assert refresh_state().refreshing is False
    # nothing changed: the next refresh reuses the stored run
    analysis_request_refresh(reason="again")
    work()
    assert AnalysisRun.objects.count() == 1


def test_an_input_back_to_an_older_one_is_stored_anew_as_the_newest(world):
    first = analysis_run(actor=None, reuse=False)
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    second = analysis_run(actor=None, reuse=False)
    world.congested.congestion_end_withdrawal_rnb = 2029
    world.congested.save()
    analysis_request_refresh(reason="back")
    work()
    newest = AnalysisRun.objects.order_by("-created_at", "-id").first()
    assert newest.pk not in (first.pk, second.pk)
    assert newest.input_hash == first.input_hash


def test_a_failed_refresh_is_reported(world):
    analysis_run(actor=None, reuse=False)
    analysis_request_refresh(reason="x")
    DBTaskResult.objects.update(status=TaskResultStatus.FAILED)
    state = refresh_state()
    assert (state.refreshing, state.failed) == (False, True)


# --------------------------------------------------------------------------------------------- pages


def test_the_overview_reads_the_stored_run_and_says_when_a_newer_one_is_computed(world):
    ministry = client(world.ministry_user)
    # no run at all: the page queues one and says so (it computes nothing itself)
    html = ministry.get(reverse("analysis:overview")).content.decode()
    assert "Er wordt een nieuwe analyse berekend" in html
    assert AnalysisRun.objects.count() == 0
    assert waiting() == 1
    ministry.get(reverse("analysis:overview"))
    assert waiting() == 1  # not queued twice
    work()
    run = AnalysisRun.objects.get()
    response = ministry.get(reverse("analysis:overview"))
    assert response.context["run"].pk == run.pk
    assert NOTICE not in response.content.decode()
    # an input changes: the stored run is shown with the notice until the worker is done
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    analysis_request_refresh(reason="test")
    response = ministry.get(reverse("analysis:overview"))
    assert response.context["run"].pk == run.pk
    assert NOTICE in response.content.decode()
    assert AnalysisRun.objects.count() == 1
    work()
    response = ministry.get(reverse("analysis:overview"))
    assert response.context["run"].pk != run.pk
    assert NOTICE not in response.content.decode()


def test_the_company_pages_show_the_notice_then_the_fresh_answer(world):
    analysis_request_refresh(reason="start")
    work()
    company = client(world.company_user)
    page = company.get(reverse("analysis:company")).content.decode()
    assert NOTICE not in page
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    analysis_request_refresh(reason="import")
    page = company.get(reverse("analysis:company"))
    assert NOTICE in page.content.decode()
    boiler = next(r for r in page.context["results"] if r.plan_id == world.boiler.plan_id)
    assert boiler.connection_year == 2029
    detail = company.get(reverse("analysis:result_detail", args=[boiler.pk])).content.decode()
    assert NOTICE in detail
    work()
    page = company.get(reverse("analysis:company"))
    assert NOTICE not in page.content.decode()
    boiler = next(r for r in page.context["results"] if r.plan_id == world.boiler.plan_id)
    assert boiler.connection_year == 2031


def test_the_api_latest_run_is_the_last_complete_one_with_its_refresh_state(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(world.ministry_user)
    url = "/api/analysis/runs/latest/"
    assert api.get(url).status_code == 404
    assert waiting() == 1
    work()
    body = api.get(url).json()
    run = AnalysisRun.objects.get()
    assert (body["id"], body["refreshing"], body["refresh_requested_at"]) == (run.pk, False, None)
    analysis_request_refresh(reason="test")
    body = api.get(url).json()
    assert (body["id"], body["refreshing"]) == (run.pk, True)
    assert body["refresh_requested_at"] is not None
    assert AnalysisRun.objects.count() == 1  # the API computes nothing itself
