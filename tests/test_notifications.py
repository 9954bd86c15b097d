"""Notifications of a changed answer: when a background refresh moves a plan's connection year (an
infrastructure date slipped on re-import), the plan's company gets a notification on its start page and
an e-mail; it can mark it as read; nobody else sees it. The world: tests/analysis/world.py (the boiler
connects in 2029, when congestion in its area CONG ends)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.analysis.freshness import analysis_request_refresh, answer_changes
from cluster6.analysis.models import AnalysisRun
from cluster6.notifications.models import Notification, NotificationKind
from cluster6.notifications.selectors import notification_list
from tests.analysis.world import build_world
from tests.factories import MembershipFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

SLIPPED = "Uw aansluitjaar voor plan BOILER (Steenfabriek Zevenaar) is verschoven van 2029 naar 2031."


def work() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def slipped():
    """The world analysed, then the end of congestion in CONG moved from 2029 to 2031 and refreshed."""
    world = build_world()
    world.company_user.email = "planner@klei.example"
    world.company_user.save()
    analysis_request_refresh(reason="start")
    work()
    assert Notification.objects.count() == 0  # the first run has nothing to compare with
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    mail.outbox.clear()
    analysis_request_refresh(reason="import.grid")
    work()
    return world


def test_a_slipped_connection_year_notifies_the_company(slipped):
    world = slipped
    (note,) = Notification.objects.all()
    new_run = AnalysisRun.objects.order_by("-created_at", "-id").first()
    assert (note.organisation, note.user, note.plan_id, note.run_id) == (
        world.company,
        None,
        world.boiler.plan_id,
        new_run.pk,
    )
    assert (note.kind, note.old_value, note.new_value) == (NotificationKind.CONNECTION_YEAR, "2029", "2031")
    assert note.slipped
    assert note.details["connection_year"] == [2029, 2031]
    assert note.result.plan_id == world.boiler.plan_id
    assert note.result.run_id == new_run.pk
    assert note.message() == SLIPPED
    assert note.emailed_at is not None


def test_the_company_users_get_one_email_with_the_link(slipped):
    world = slipped
    (message,) = mail.outbox
    assert message.to == ["planner@klei.example"]
    assert "aansluitjaar" in message.body
    assert SLIPPED in message.body
    note = Notification.objects.get()
    assert f"http://127.0.0.1:8000{reverse('analysis:result_detail', args=[note.result_id])}" in message.body
    assert world.company_user.email not in " ".join(m for m in message.cc + message.bcc)


def test_the_start_page_shows_the_banner_with_a_link_and_mark_as_read(slipped):
    world = slipped
    company = client(world.company_user)
    html = company.get(reverse("home")).content.decode()
    note = Notification.objects.get()
    assert 'id="notifications"' in html
    assert SLIPPED in html
    assert reverse("analysis:result_detail", args=[note.result_id]) in html
    assert reverse("notifications:mark_read", args=[note.pk]) in html

    # marking it as read takes a POST (a GET is refused) and hides the banner
    assert company.get(reverse("notifications:mark_read", args=[note.pk])).status_code == 405
    response = company.post(reverse("notifications:mark_read", args=[note.pk]), {"next": "/"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert note.read_by == world.company_user
    assert 'id="notifications"' not in company.get(reverse("home")).content.decode()


def test_mark_as_read_needs_the_csrf_token(slipped):
    world = slipped
    note = Notification.objects.get()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.company_user)
    assert strict.post(reverse("notifications:mark_read", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_a_company_sees_only_its_own_notifications(slipped):
    world = slipped
    note = Notification.objects.get()
    other_company_user = user_with_role(Role.BEDRIJF, world.other_company)
    for user in (other_company_user, world.operator_user, world.ministry_user):
        assert notification_list(actor=user) == []
        assert 'id="notifications"' not in client(user).get(reverse("home")).content.decode()
        # nor mark it as read: 404
        assert client(user).post(reverse("notifications:mark_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert notification_list(actor=world.company_user) == [note]


def test_a_notification_for_one_user_reaches_only_that_user(slipped):
    # e.g. a case owner (issue 9): a notification with `user` set is for that user alone
    world = slipped
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=world.company, role=Role.BEDRIJF)
    note = Notification.objects.get()
    personal = Notification.objects.create(
        organisation=world.company,
        user=world.company_user,
        kind=note.kind,
        plan=note.plan,
        run=note.run,
        old_value="2029",
        new_value="2031",
    )
    assert personal in notification_list(actor=world.company_user)
    assert personal not in notification_list(actor=colleague)
    assert note in notification_list(actor=colleague)


def test_mark_all_read(slipped):
    world = slipped
    company = client(world.company_user)
    assert company.post(reverse("notifications:mark_all_read"), {"next": "https://evil.example/"}).url == "/"
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_an_unchanged_refresh_notifies_nobody(slipped):
    before = Notification.objects.count()
    mails = len(mail.outbox)
    analysis_request_refresh(reason="consent.granted")
    work()
    assert Notification.objects.count() == before
    assert len(mail.outbox) == mails


def test_answer_changes_compare_class_and_years_per_plan(slipped):
    world = slipped
    old, new = AnalysisRun.objects.order_by("created_at", "id")
    (change,) = answer_changes(previous_run_id=old.pk, run_id=new.pk)
    assert change.plan_id == world.boiler.plan_id
    assert change.changes["connection_year"] == (2029, 2031)
    # the class changes too: 2031 is after the 2030 deadline
    assert change.changes["feasibility"] == ("may_not", "cannot")


def test_a_re_import_of_the_capacity_map_that_moves_a_date_notifies(tmp_path, run_import):
    # given the world analysed, and the capacity map re-imported with CONG's end of congestion in 2031
    world = build_world()
    analysis_request_refresh(reason="start")
    work()
    header = (
        "area_id,name,grid_operator,operator_type,provincie,snapshot_date,existing_capacity_withdrawal_mw,"
        "required_capacity_withdrawal_mw,queue_withdrawal_mw,unique_requests_withdrawal,year_solved_withdrawal_rnb\n"
    )
    areas = tmp_path / "capaciteitskaart_serviceareas.csv"
    areas.write_text(header + "CONG,Station Vol,Liander,RNB,Gelderland,2026-07-29,80,90,4,2,2031\n")
    mail.outbox.clear()

    # when the import is applied (its commit queues the refresh) and the worker runs
    report = run_import("grid", areas)
    assert report["status"] == "applied", report
    world.congested.refresh_from_db()
    assert world.congested.congestion_end_withdrawal_rnb == 2031
    work()

    # then the boiler's company is notified that its connection year slipped, on the page and by mail
    (note,) = Notification.objects.all()
    assert note.message() == SLIPPED
    assert len(mail.outbox) == 1
    assert SLIPPED in client(world.company_user).get(reverse("home")).content.decode()
