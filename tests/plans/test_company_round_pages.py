"""A company opens every round and revision page it has (issue 7, point 5: these failed with a 500 when a
submission had no "submitted by" user, as every demo submission has), and the survey staff open the
round overviews of the same rounds."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.accounts.models import User
from cluster6.plans.constants import RoundStatus, SubmissionStatus
from cluster6.plans.models import Submission, SurveyRound
from cluster6.registry.models import Organisation
from tests.factories import (
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)
ROUND_PAGE = re.compile(r'href="(/plannen/rondes/[\w-]+/(?:revisies/\d+/)?)[^"]*"')


@dataclass
class DemoLikeCompany:
    company: Organisation
    user: User
    rounds: list[SurveyRound]
    submissions: list[Submission]


def build_demo_like_company(title: str = "Elektrische boiler") -> DemoLikeCompany:
    """Like a demo company: submissions without "submitted by" and reopenings without "reopened by", in
    a closed round (two submitted revisions), an open round (a submitted revision and its reopened draft)
    and an open round with a submitted revision only."""
    company = OrganisationFactory(name="Demobedrijf B.V.")
    location = ProductionLocationFactory(name="Demolocatie", operator=company)
    closed = SurveyRoundFactory(
        code="lces-2024", name="L-CES 2024", status=RoundStatus.CLOSED, opens_on=dt.date(2024, 1, 1),
        closes_on=dt.date(2024, 12, 31),
    )  # fmt: skip
    open_ = SurveyRoundFactory(code="dsh-2025", name="DSH 2025", previous=closed)
    other = SurveyRoundFactory(code="dsh-2025-extra", name="DSH 2025 extra")
    plan = PlanFactory(location=location, reference="DEMO-1")
    submissions = [
        SubmittedSubmissionFactory(organisation=company, round=closed, revision=1, submitted_at=WHEN),
        SubmittedSubmissionFactory(
            organisation=company, round=closed, revision=2, submitted_at=WHEN + dt.timedelta(days=20),
            reopened_at=WHEN + dt.timedelta(days=10), reopen_reason="Cijfer klopte niet",
        ),
        SubmittedSubmissionFactory(organisation=company, round=open_, revision=1, submitted_at=WHEN),
        SubmissionFactory(
            organisation=company, round=open_, revision=2, status=SubmissionStatus.DRAFT,
            reopened_at=WHEN + dt.timedelta(days=5), reopen_reason="Correctie",
        ),
        SubmittedSubmissionFactory(organisation=company, round=other, revision=1, submitted_at=WHEN),
    ]  # fmt: skip
    for submission in submissions:
        assert submission.submitted_by is None
        assert submission.reopened_by is None
        PlanVersionFactory(submission=submission, plan=plan, title=title)
    user = user_with_role(Role.BEDRIJF, company, username="demo-bedrijf")
    return DemoLikeCompany(company, user, [closed, open_, other], submissions)


def _pages(client: Client, start: str) -> dict[str, int]:
    """Every round and revision page reachable from `start` (following links), with its status code."""
    seen: dict[str, int] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200:
            todo += ROUND_PAGE.findall(response.content.decode())
    return seen


def test_a_company_opens_every_round_and_revision_page_without_a_submitter():
    world = build_demo_like_company()
    client = Client(raise_request_exception=True)
    client.force_login(world.user)
    pages = _pages(client, reverse("plans:my_rounds"))
    expected_rounds = {reverse("plans:round_detail", args=[r.code]) for r in world.rounds}
    expected_revisions = {
        reverse("plans:revision_detail", args=[s.round.code, s.revision])
        for s in world.submissions
        if s.status == SubmissionStatus.SUBMITTED
    }
    assert expected_rounds | expected_revisions <= set(pages)
    assert {url: code for url, code in pages.items() if code != 200} == {}
    # and the pages say who submitted: nobody known
    for submission in world.submissions:
        if submission.status != SubmissionStatus.SUBMITTED:
            continue
        url = reverse("plans:revision_detail", args=[submission.round.code, submission.revision])
        assert "door –" in client.get(url).content.decode()
    # a reopened draft names who reopened it, or RVO when nobody is known
    html = client.get(reverse("plans:round_detail", args=["dsh-2025"])).content.decode()
    assert "heropend door RVO" in html


def test_the_submitter_is_named_when_known():
    world = build_demo_like_company()
    submitted = world.submissions[0]
    submitted.submitted_by = user_with_role(
        Role.BEDRIJF, world.company, first_name="Carla", last_name="Claes"
    )
    submitted.save()
    client = Client(raise_request_exception=True)
    client.force_login(world.user)
    html = client.get(reverse("plans:revision_detail", args=["lces-2024", 1])).content.decode()
    assert "door Carla Claes" in html


@pytest.mark.parametrize("role", [Role.RVO, Role.CLUSTERREGISSEUR, Role.MINISTERIE])
def test_the_staff_open_the_overviews_of_those_rounds(role):
    world = build_demo_like_company()
    client = Client(raise_request_exception=True)
    client.force_login(user_with_role(role))
    for survey_round in world.rounds:
        response = client.get(reverse("plans:round_overview", args=[survey_round.code]))
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert "Demobedrijf B.V." in response.content.decode()


def test_every_round_and_revision_page_of_demo_companies_opens():
    """On the real demo data (seed 1): companies with a reopened round, one with a draft correction and
    one with two submitted revisions, open every round and revision page they have."""
    from cluster6.demo.loader import demo_load

    demo_load(seed=1, scale=1)
    reopened = Submission.objects.filter(revision=2, round__code__startswith="demo-").select_related("round")
    draft = reopened.filter(status=SubmissionStatus.DRAFT).first()
    submitted = reopened.filter(status=SubmissionStatus.SUBMITTED).first()
    assert draft is not None
    assert submitted is not None
    for organisation in {draft.organisation, submitted.organisation}:
        subs = list(Submission.objects.filter(organisation=organisation).select_related("round"))
        assert any(s.status == SubmissionStatus.SUBMITTED and s.submitted_by is None for s in subs)
        client = Client(raise_request_exception=True)
        client.force_login(user_with_role(Role.BEDRIJF, organisation))
        pages = _pages(client, reverse("plans:my_rounds"))
        expected = {reverse("plans:round_detail", args=[s.round.code]) for s in subs} | {
            reverse("plans:revision_detail", args=[s.round.code, s.revision])
            for s in subs
            if s.status == SubmissionStatus.SUBMITTED
        }
        assert expected <= set(pages)
        assert {url: code for url, code in pages.items() if code != 200} == {}
