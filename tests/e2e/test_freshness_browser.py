"""Always fresh, in a real browser: the end of congestion in the company's service area has moved from 2029
to 2031 (as a re-import of the capacity map would do); RVO has reopened the company's submission. The
company resubmits it, sees on "Wanneer kan ik aansluiten?" the stored answer with the notice that a new
analysis is being computed, and, once the background worker has run, the fresh answer (2031) with its
range of connection years (earliest, most likely, latest); its start page then shows the notification
that its connection year slipped, which it marks as read. Screenshots go to
test-artifacts/screenshots/freshness-*.png."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from cluster6.accounts.constants import Role
from cluster6.analysis.freshness import analysis_request_refresh
from cluster6.notifications.models import Notification
from cluster6.plans.services import submission_reopen
from tests.analysis.world import build_world
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password
NOTICE = "Er wordt een nieuwe analyse berekend; dit is de uitkomst van"


def work() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


def test_company_resubmits_and_sees_the_notice_then_the_fresh_answer(browser_page):
    world = build_world()
    analysis_request_refresh(reason="start")
    work()  # the first run: the boiler connects in 2029
    reopened = submission_reopen(
        submission=world.submission, actor=user_with_role(Role.RVO), reason="correctie"
    )
    reopened.versions.filter(plan__reference="OLD").update(status_reason="markt weggevallen")
    world.congested.congestion_end_withdrawal_rnb = 2031
    world.congested.save()
    page = browser_page.page

    browser_page.goto("/accounts/login/")
    page.fill("#id_username", world.company_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("#notifications").count() == 0

    # the company resubmits its reopened round
    browser_page.goto(f"/plannen/rondes/{world.round.code}/")
    page.click("#submit-link")
    page.wait_for_selector("#submit-form")
    page.check("#id_confirm")
    page.click("text=Definitief indienen")
    page.wait_for_selector("#locked-notice")

    # its answers: the stored run, with the notice that a new one is being computed
    page.click("nav.main-nav >> text=Wanneer kan ik aansluiten?")
    page.wait_for_selector("#company-results")
    assert NOTICE in page.inner_text("#analysis-refreshing")
    assert "2029" in page.inner_text("#company-results")
    browser_page.screenshot("freshness-01-being-computed")

    # the background worker computes the new run; the page shows the fresh answer
    work()
    page.reload()
    page.wait_for_selector("#company-results")
    assert page.locator("#analysis-refreshing").count() == 0
    answers = page.inner_text("#company-results")
    assert "2031" in answers
    browser_page.screenshot("freshness-02-fresh-answer")

    # the boiler's answer gives its range of connection years: the end of congestion in 2031 is planned
    # (earliest and most likely 2031); no firm project brings it, so the latest is open ("na 2050")
    page.click("#company-results li:has-text('2031') >> text=Bekijk de details")
    page.wait_for_selector("#connection-range")
    assert page.inner_text("#connection-range [data-range=earliest]") == "2031"
    assert page.inner_text("#connection-range [data-range=likely]") == "2031"
    assert page.inner_text("#connection-range [data-range=latest]") == "na 2050"
    assert page.inner_text("#realisation-range [data-range=likely]") == "2031"
    browser_page.screenshot("freshness-03-range")

    # the start page shows that the connection year slipped, with a link to the answer
    page.click("nav.main-nav >> text=Start")
    page.wait_for_selector("#notifications")
    banner = page.inner_text("#notifications")
    assert "is verschoven van 2029 naar 2031" in banner
    browser_page.screenshot("freshness-04-notification")
    page.click("#notifications >> text=Gelezen")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("#notifications").count() == 0
    assert Notification.objects.get().read_at is not None
    assert browser_page.foreign_requests() == []
    assert browser_page.console_errors == []
