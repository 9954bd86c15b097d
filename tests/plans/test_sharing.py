"""Consent (grant, revoke, history), the shared plans (latest submitted revision, filters), the read log
(`log_plan_reads`) and the pages "Delen en toestemming" and "Gedeelde plannen"."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent, ReadLog
from cluster6.authz.policies import visible_to
from cluster6.plans.constants import ConsentPurpose, PlanStatus, Route, SubmissionStatus
from cluster6.plans.models import Consent, PlanVersion
from cluster6.plans.sharing import (
    ConsentState,
    SharedPlanFilters,
    consent_grant,
    consent_list,
    consent_revoke,
    consent_state,
    log_plan_reads,
    read_log_list,
    shared_version_get,
    shared_version_list,
)
from cluster6.registry.constants import OrganisationKind
from tests.factories import (
    ConsentFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    ProvinceOrganisationFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

from .sharing_world import build_world

pytestmark = pytest.mark.django_db

YEAR_AHEAD = datetime.timedelta(days=365)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def company_user(world):
    return user_with_role(Role.BEDRIJF, world.company_a, first_name="Anna", last_name="Jansen")


@pytest.fixture
def liander_user(world):
    return user_with_role(Role.NETBEHEERDER, world.liander, first_name="Lars", last_name="de Vries")


def grant(world, actor, grantee=None, **kwargs):
    today = timezone.localdate()
    params = {
        "owner": world.company_a,
        "grantee": grantee or world.liander,
        "purpose": ConsentPurpose.GRID_INVESTMENT_PLAN,
        "valid_from": today,
        "valid_until": today + YEAR_AHEAD,
    }
    params.update(kwargs)
    return consent_grant(actor=actor, **params)


def titles(qs) -> list[str]:
    return [v.title for v in qs]


# --- Granting ------------------------------------------------------------------------------------------


def test_a_company_grants_a_grid_operator_access_and_it_is_audited(world, company_user, liander_user):
    # given a grid operator that sees nothing
    assert titles(shared_version_list(actor=liander_user)) == []
    # when the company grants it read access for the investment plan
    consent = grant(world, company_user)
    # then the consent is stored with who granted it, audited, and the grid operator sees the plan
    consent.refresh_from_db()
    assert (consent.owner, consent.grantee, consent.granted_by) == (
        world.company_a,
        world.liander,
        company_user,
    )
    assert consent_state(consent) == ConsentState.ACTIVE
    event = AuditEvent.objects.get(verb="consent.granted")
    assert event.target_id == str(consent.pk)
    assert event.actor == company_user
    assert event.changes["grantee"] == world.liander.pk
    assert event.changes["purpose"] == ConsentPurpose.GRID_INVESTMENT_PLAN
    assert titles(shared_version_list(actor=liander_user)) == ["Boiler A"]


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.GRID_OPERATOR,
        OrganisationKind.PROVINCE,
        OrganisationKind.MINISTRY,
        OrganisationKind.RVO,
        OrganisationKind.FOUNDATION,
    ],
)
def test_every_requester_kind_can_receive_consent(world, company_user, kind):
    grantee = (
        ProvinceOrganisationFactory(province=world.gelderland)
        if kind == OrganisationKind.PROVINCE
        else OrganisationFactory(kind=kind, name=f"Ontvanger {kind}", kvk_number="")
    )
    assert grant(world, company_user, grantee=grantee).grantee == grantee


def test_a_company_cannot_be_given_consent(world, company_user):
    with pytest.raises(ValidationError) as exc:
        grant(world, company_user, grantee=world.company_b)
    assert "grantee" in exc.value.message_dict
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime.timedelta(days=10), datetime.timedelta(days=5), "valid_until"),  # end before start
        (-datetime.timedelta(days=30), -datetime.timedelta(days=1), "valid_until"),  # entirely past
    ],
    ids=["reversed", "past"],
)
def test_an_impossible_period_is_refused(world, company_user, start, end, field):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        grant(world, company_user, valid_from=today + start, valid_until=today + end)
    assert field in exc.value.message_dict
    assert not Consent.objects.exists()


def test_an_overlapping_consent_for_the_same_grantee_and_purpose_is_refused_until_revoked(
    world, company_user
):
    first = grant(world, company_user)
    with pytest.raises(ValidationError) as exc:
        grant(world, company_user, valid_from=timezone.localdate() + datetime.timedelta(days=30))
    assert "__all__" in exc.value.message_dict
    # another purpose is a separate consent
    grant(world, company_user, purpose=ConsentPurpose.PCES)
    # after revoking, the same grant is possible again
    consent_revoke(consent=first, actor=company_user)
    assert grant(world, company_user).pk != first.pk
    assert Consent.objects.count() == 3


def test_only_the_company_itself_grants(world, liander_user):
    other_company = user_with_role(Role.BEDRIJF, world.company_b)
    for actor in (liander_user, other_company, user_with_role(Role.MINISTERIE)):
        with pytest.raises(PermissionDenied):
            grant(world, actor)
    assert not Consent.objects.exists()


# --- Revoking ------------------------------------------------------------------------------------------


def test_revoking_ends_access_at_once_keeps_the_row_and_is_audited(world, company_user, liander_user):
    consent = grant(world, company_user)
    assert titles(shared_version_list(actor=liander_user)) == ["Boiler A"]
    # when the company revokes
    revoked = consent_revoke(consent=consent, actor=company_user)
    # then the row stays with who and when, the history shows it, and the grid operator sees nothing
    assert revoked.revoked_by == company_user
    assert revoked.revoked_at is not None
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert consent_state(revoked) == ConsentState.REVOKED
    assert [c.pk for c in consent_list(actor=company_user)] == [consent.pk]
    assert [c.pk for c in consent_list(actor=company_user, active=True)] == []
    assert titles(shared_version_list(actor=liander_user)) == []
    event = AuditEvent.objects.get(verb="consent.revoked")
    assert (event.target_id, event.actor, event.changes["state_before"]) == (
        str(consent.pk),
        company_user,
        "actief",
    )


def test_a_revoked_or_expired_consent_cannot_be_revoked_again(world, company_user):
    consent = grant(world, company_user)
    consent_revoke(consent=consent, actor=company_user)
    with pytest.raises(ValidationError):
        consent_revoke(consent=consent, actor=company_user)
    expired = ConsentFactory(
        owner=world.company_a,
        grantee=world.enexis,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError):
        consent_revoke(consent=expired, actor=company_user)
    expired.refresh_from_db()
    assert expired.revoked_at is None


def test_a_future_consent_can_be_revoked_before_it_starts(world, company_user):
    today = timezone.localdate()
    consent = grant(world, company_user, valid_from=today + datetime.timedelta(days=10))
    assert consent_state(consent) == ConsentState.FUTURE
    assert consent_state(consent_revoke(consent=consent, actor=company_user)) == ConsentState.REVOKED


def test_only_the_company_itself_revokes(world, company_user, liander_user):
    consent = grant(world, company_user)
    with pytest.raises(PermissionDenied):
        consent_revoke(consent=consent, actor=liander_user)
    consent.refresh_from_db()
    assert consent.revoked_at is None


# --- Shared versions -----------------------------------------------------------------------------------


def test_the_list_shows_the_latest_submitted_revision_per_plan_and_round(world, liander_user):
    # given revision 1 of A (submitted, then reopened), revision 2 submitted with a changed title, and
    # revision 3 still a draft
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    r1 = world.v_a
    r2 = PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=world.company_a, round=world.round, revision=2),
        plan=r1.plan,
        title="Boiler A herzien",
    )
    PlanVersionFactory(
        submission=SubmissionFactory(organisation=world.company_a, round=world.round, revision=3),
        plan=r1.plan,
        title="Boiler A concept r3",
    )
    # then the list shows revision 2 only; revision 1 stays readable as history, marked superseded
    assert titles(shared_version_list(actor=liander_user)) == ["Boiler A herzien"]
    assert shared_version_get(actor=liander_user, version_id=r1.pk).is_superseded
    assert not shared_version_get(actor=liander_user, version_id=r2.pk).is_superseded


def test_each_round_keeps_its_own_latest_version(world, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    older = SurveyRoundFactory(code="pces-2023", name="pCES 2023", opens_on=datetime.date(2023, 1, 1))
    PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=world.company_a, round=older),
        plan=world.v_a.plan,
        title="Boiler A 2023",
    )
    # newest round first
    assert titles(shared_version_list(actor=liander_user)) == ["Boiler A", "Boiler A 2023"]
    only_older = shared_version_list(actor=liander_user, filters=SharedPlanFilters(round=older.pk))
    assert titles(only_older) == ["Boiler A 2023"]


def test_the_filters(world):
    ministry = user_with_role(Role.MINISTERIE)
    PlanVersionFactory(
        submission=world.v_b.submission,
        plan=PlanFactory(location=world.loc_b, reference="B-2"),
        title="Waterstofbrander B",
        route=Route.HYDROGEN,
        status=PlanStatus.INVESTMENT_DECISION,
    )

    def listed(**kwargs):
        return set(titles(shared_version_list(actor=ministry, filters=SharedPlanFilters(**kwargs))))

    assert listed() == {"Boiler A", "Oven B", "Waterstofbrander B"}
    assert listed(province="PV25") == {"Boiler A"}
    assert listed(route=Route.HYDROGEN) == {"Waterstofbrander B"}
    assert listed(status=PlanStatus.FEASIBILITY) == {"Boiler A", "Oven B"}
    assert listed(grid_area=world.area_e.pk) == {"Oven B", "Waterstofbrander B"}
    assert listed(round=world.draft_round.pk) == set()  # only a draft in that round
    assert listed(owner=world.company_a.pk) == {"Boiler A"}


def test_the_purpose_filter_keeps_plans_consented_for_that_purpose(world, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.PCES)
    ConsentFactory(owner=world.company_b, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    everything = shared_version_list(actor=liander_user)
    for_plan = shared_version_list(
        actor=liander_user, filters=SharedPlanFilters(purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    )
    assert set(titles(everything)) == {"Boiler A", "Oven B"}
    assert titles(for_plan) == ["Oven B"]


def test_a_company_never_finds_its_draft_among_shared_plans(world, company_user):
    assert titles(shared_version_list(actor=company_user)) == ["Boiler A"]
    from django.http import Http404

    with pytest.raises(Http404):
        shared_version_get(actor=company_user, version_id=world.v_a_draft.pk)


def test_the_list_takes_a_fixed_number_of_queries(world):
    ministry = user_with_role(Role.MINISTERIE)
    list(shared_version_list(actor=ministry))  # warm the membership cache

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(shared_version_list(actor=ministry))
            [
                (v.plan.location.province, v.submission.round.name, v.submission.organisation.name)
                for v in rows
            ]
        return len(ctx.captured_queries)

    before = count()
    for n in range(5):
        PlanVersionFactory(
            submission=world.v_b.submission, plan=PlanFactory(location=world.loc_b, reference=f"X{n}")
        )
    assert count() == before == 1


# --- The read log --------------------------------------------------------------------------------------


def test_reads_by_another_organisation_are_logged_one_per_company_in_bulk(world, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.PCES)
    extra = [
        PlanVersionFactory(
            submission=world.v_a.submission, plan=PlanFactory(location=world.loc_a, reference=f"A-{n}")
        )
        for n in range(2, 6)
    ]
    versions = list(shared_version_list(actor=liander_user))
    assert len(versions) == 5
    with CaptureQueriesContext(connection) as ctx:
        logs = log_plan_reads(actor=liander_user, versions=versions, channel="web")
    # one query for the consents, one bulk insert (SQLite and PostgreSQL both in one statement here)
    assert len([q for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "SELECT"))]) == 2
    # one row per company read, with every version of it that was read
    assert len(logs) == 1
    row = ReadLog.objects.get(owner=world.company_a)
    assert row.row_count == 5
    assert row.target_ids == sorted(v.pk for v in [world.v_a, *extra])
    assert row.target_id == ",".join(str(v.pk) for v in sorted([world.v_a, *extra], key=lambda v: v.pk))
    assert row.actor == liander_user
    assert row.actor_label == "Lars de Vries"
    assert row.actor_organisation == world.liander
    assert row.channel == "web"
    assert row.purpose == "investeringsplan,pces"  # the purposes of the consents that give access
    assert row.target_type == "plans.planversion"
    assert "A-1" in row.target_label
    assert "Boiler A" in row.target_label


def test_a_stated_purpose_is_recorded_and_the_companys_own_reads_are_not_logged(
    world, company_user, liander_user
):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    log_plan_reads(actor=liander_user, versions=[world.v_a], channel="api", purpose=ConsentPurpose.PCES)
    assert ReadLog.objects.get().purpose == ConsentPurpose.PCES
    assert log_plan_reads(actor=company_user, versions=[world.v_a, world.v_a_draft], channel="web") == []
    assert ReadLog.objects.count() == 1


def test_the_ministry_reads_without_consent_and_is_logged_with_its_organisation(world):
    ministry = user_with_role(Role.MINISTERIE)
    log_plan_reads(actor=ministry, versions=list(shared_version_list(actor=ministry)), channel="web")
    rows = ReadLog.objects.order_by("owner__name")
    assert [(r.owner, r.purpose) for r in rows] == [(world.company_a, ""), (world.company_b, "")]
    assert {r.actor_organisation.kind for r in rows} == {OrganisationKind.MINISTRY}


def test_an_unknown_channel_is_refused(world, liander_user):
    with pytest.raises(ValueError, match="channel"):
        log_plan_reads(actor=liander_user, versions=[world.v_a], channel="fax")


def test_the_company_sees_the_reads_of_its_data_only(world, liander_user):
    ministry = user_with_role(Role.MINISTERIE)
    log_plan_reads(actor=ministry, versions=[world.v_a, world.v_b], channel="web")
    company_a = user_with_role(Role.BEDRIJF, world.company_a)
    assert [r.target_id for r in read_log_list(actor=company_a)] == [str(world.v_a.pk)]
    assert list(read_log_list(actor=liander_user)) == []
    assert len(read_log_list(actor=ministry)) == 2


# --- The pages -----------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_consent_page_shows_current_and_past_consents_and_the_grant_form(world, company_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander, valid_from=datetime.date(2020, 1, 1))
    ConsentFactory(
        owner=world.company_a,
        grantee=world.enexis,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 12, 31),
    )
    response = client_for(company_user).get(reverse("plans:consents"))
    assert response.status_code == 200
    html = response.content.decode()
    current, past = html.split('id="current-consents"')[1], html.split('id="past-consents"')[1]
    assert "Liander" in current.split("</table>")[0]
    assert "Enexis" in past.split("</table>")[0]
    assert "Enexis" not in current.split("</table>")[0]
    assert 'id="consent-form"' in html
    # the grantee menu offers requesters, not companies
    form = html.split('id="consent-form"')[1].split("</form>")[0]
    assert "Liander" in form
    assert "Keramiek B" not in form


def test_granting_and_revoking_through_the_page(world, company_user, liander_user):
    client = client_for(company_user)
    today = timezone.localdate()
    response = client.post(
        reverse("plans:consent_grant"),
        {
            "owner": world.company_a.pk,
            "grantee": world.liander.pk,
            "purpose": ConsentPurpose.GRID_INVESTMENT_PLAN,
            "valid_from": today.isoformat(),
            "valid_until": (today + YEAR_AHEAD).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.granted_by == company_user
    # the grid operator now sees the plan on its page
    assert "Boiler A" in client_for(liander_user).get(reverse("plans:shared_list")).content.decode()
    # revoke
    response = client.post(reverse("plans:consent_revoke", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_by == company_user
    assert "Boiler A" not in client_for(liander_user).get(reverse("plans:shared_list")).content.decode()


def test_an_invalid_grant_shows_the_problems_and_writes_nothing(world, company_user):
    today = timezone.localdate()
    response = client_for(company_user).post(
        reverse("plans:consent_grant"),
        {
            "owner": world.company_a.pk,
            "grantee": world.company_b.pk,  # not offered: a company
            "purpose": "",
            "valid_from": today.isoformat(),
            "valid_until": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="field__error"') >= 3
    assert not Consent.objects.exists()


def test_others_cannot_grant_or_revoke_through_the_pages(world, company_user, liander_user):
    consent = ConsentFactory(owner=world.company_a, grantee=world.liander)
    # the grid operator sees the consent (it received it) but may not revoke it
    assert (
        client_for(liander_user).post(reverse("plans:consent_revoke", args=[consent.pk])).status_code == 403
    )
    # another company does not even see it
    other = client_for(user_with_role(Role.BEDRIJF, world.company_b))
    assert other.post(reverse("plans:consent_revoke", args=[consent.pk])).status_code == 404
    # the consent page is for companies (and the ministry)
    assert client_for(liander_user).get(reverse("plans:consents")).status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert Client().get(reverse("plans:consents")).status_code == 302  # to the login page


def test_the_shared_list_logs_one_read_per_version_shown(world, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    ConsentFactory(owner=world.company_b, grantee=world.liander)
    response = client_for(liander_user).get(reverse("plans:shared_list"), {"provincie": "PV30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oven B" in html
    assert "Boiler A" not in html
    assert [(r.owner, r.channel) for r in ReadLog.objects.all()] == [(world.company_b, "web")]


def test_the_shared_list_without_consent_is_empty_and_logs_nothing(world):
    enexis_user = user_with_role(Role.NETBEHEERDER, world.enexis)
    response = client_for(enexis_user).get(reverse("plans:shared_list"))
    assert response.status_code == 200
    assert "Boiler A" not in response.content.decode()
    assert "Oven B" not in response.content.decode()
    assert not ReadLog.objects.exists()


def test_the_shared_detail_is_logged_and_404_without_consent(world, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    client = client_for(liander_user)
    response = client.get(reverse("plans:shared_detail", args=[world.v_a.pk]))
    assert response.status_code == 200
    assert "Boiler A" in response.content.decode()
    assert client.get(reverse("plans:shared_detail", args=[world.v_b.pk])).status_code == 404
    assert client.get(reverse("plans:shared_detail", args=[world.v_a_draft.pk])).status_code == 404
    assert [(r.target_id, r.channel) for r in ReadLog.objects.all()] == [(str(world.v_a.pk), "web")]


def test_the_company_sees_who_read_what_when_how_and_why(world, company_user, liander_user):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    client_for(liander_user).get(reverse("plans:shared_detail", args=[world.v_a.pk]))
    html = client_for(company_user).get(reverse("plans:consents")).content.decode()
    log = html.split('id="access-log"')[1].split("</table>")[0]
    assert "Lars de Vries" in log
    assert "Liander" in log
    assert "Boiler A" in log
    assert "web" in log
    assert "Investeringsplan netbeheerder" in log
    summary = html.split('id="reader-summary"')[1].split("</ul>")[0]
    assert "Liander" in summary


def test_the_shared_pages_read_the_data_through_the_policies_not_around_them(world):
    """A drafted version of a consenting company never appears, whatever the filters say."""
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    response = client_for(liander).get(reverse("plans:shared_list"), {"ronde": world.draft_round.pk})
    assert "Boiler A concept" not in response.content.decode()
    assert (
        visible_to(liander, PlanVersion.objects.filter(submission__status=SubmissionStatus.DRAFT)).count()
        == 0
    )


def test_a_location_of_a_consenting_company_in_another_area_is_shared_too(world, liander_user):
    """Consent is per organisation: the grid operator sees all of the company's submitted plans."""
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    elsewhere = ProductionLocationFactory(
        name="A Tilburg", operator=world.company_a, grid_service_area=world.area_e
    )
    PlanVersionFactory(
        submission=world.v_a.submission,
        plan=PlanFactory(location=elsewhere, reference="A-T"),
        title="Boiler A2",
    )
    assert set(titles(shared_version_list(actor=liander_user))) == {"Boiler A", "Boiler A2"}


# --- Done when: a company submits; a grid operator with consent sees it, one without does not ----------


def test_done_when_submitted_plans_reach_the_consented_grid_operator_only_and_the_company_sees_the_reads(
    world,
):
    from rest_framework.test import APIClient

    from cluster6.plans.services import plan_version_save, submission_start, submission_submit
    from tests.factories import EmissionRecordFactory

    # given a company with a location in Liander's area and an open round
    company = OrganisationFactory(name="Papierfabriek C")
    location = ProductionLocationFactory(
        name="C Renkum", operator=company, grid_operator=world.liander, grid_service_area=world.area_l
    )
    EmissionRecordFactory(location=location, year=2022, tco2e=40_000)
    EmissionRecordFactory(location=location, year=2023, tco2e=38_000)
    survey_round = SurveyRoundFactory(
        code="dsh-2026",
        name="DSH 2026",
        opens_on=datetime.date(2026, 1, 1),
        closes_on=datetime.date(2026, 12, 31),
    )
    company_user = user_with_role(Role.BEDRIJF, company, first_name="Carla", last_name="Claessen")
    liander_user = user_with_role(Role.NETBEHEERDER, world.liander, first_name="Lars", last_name="de Vries")
    enexis_user = user_with_role(Role.NETBEHEERDER, world.enexis)

    # when the company fills in a plan, submits the round and grants Liander consent for its investment plan
    draft = submission_start(organisation=company, round=survey_round, actor=company_user)
    version = plan_version_save(
        submission=draft,
        data={
            "location": location.pk,
            "reference": "PM-3",
            "title": "Elektrische stoomketel PM3",
            "route": Route.ELECTRIFICATION,
            "technology": "elektrodeketel",
            "co2_reduction_t": 9_000.0,
            "investment_decision_year": 2026,
            "in_operation_year": 2028,
            "electricity_delta_gwh": 48.0,
            "extra_capacity_mw": 12.0,
            "voltage_level": "hs",
            "gas_delta_m3": -5_000_000.0,
            "grid_need": "verzwaring",
            "status": PlanStatus.INVESTMENT_DECISION,
        },
        actor=company_user,
    )
    submission_submit(submission=draft, actor=company_user)
    consent_grant(
        owner=company,
        grantee=world.liander,
        purpose=ConsentPurpose.GRID_INVESTMENT_PLAN,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + YEAR_AHEAD,
        actor=company_user,
    )

    # then Liander sees it in the UI (list and detail), in the API (list and detail) and in its export
    liander_web, liander_api = client_for(liander_user), APIClient()
    liander_api.force_login(liander_user)
    assert "Elektrische stoomketel PM3" in liander_web.get(reverse("plans:shared_list")).content.decode()
    assert liander_web.get(reverse("plans:shared_detail", args=[version.pk])).status_code == 200
    api_titles = [r["title"] for r in liander_api.get("/api/plans/").json()["results"]]
    assert "Elektrische stoomketel PM3" in api_titles
    assert liander_api.get(f"/api/plans/{version.pk}/").status_code == 200
    export = liander_api.get("/api/exports/grid-demand/", {"round": survey_round.pk}).json()
    assert [(p["reference"], p["extra_capacity_mw"]) for p in export["plans"]] == [("PM-3", 12.0)]
    assert liander_web.get(reverse("plans:export_csv"), {"ronde": survey_round.pk}).status_code == 200

    # and Enexis, without consent, does not: absent from the list and the export, 404 on the detail
    enexis_web, enexis_api = client_for(enexis_user), APIClient()
    enexis_api.force_login(enexis_user)
    assert "Elektrische stoomketel PM3" not in enexis_web.get(reverse("plans:shared_list")).content.decode()
    assert enexis_web.get(reverse("plans:shared_detail", args=[version.pk])).status_code == 404
    assert enexis_api.get("/api/plans/").json()["results"] == []
    assert enexis_api.get(f"/api/plans/{version.pk}/").status_code == 404
    assert enexis_api.get("/api/exports/grid-demand/", {"round": survey_round.pk}).json()["plans"] == []

    # and the company sees Liander's reads in its access log: person, organisation, channel and purpose
    reads = ReadLog.objects.filter(owner=company)
    assert {r.channel for r in reads} == {"web", "api", "export"}
    assert {r.actor_organisation for r in reads} == {world.liander}
    html = client_for(company_user).get(reverse("plans:consents")).content.decode()
    log = html.split('id="access-log"')[1].split("</table>")[0]
    assert "Lars de Vries" in log
    assert "Liander" in log
    assert "Elektrische stoomketel PM3" in log
    for channel in ("web", "api", "export"):
        assert f"<td>{channel}</td>" in log
    assert "Investeringsplan netbeheerder" in log
    assert "Enexis" not in log


def test_the_grant_form_names_its_company_without_a_thousands_separator(world):
    """Regression: the hidden owner field was localised, so a company with id 1234 was posted as
    "1.234", the form failed silently on the hidden field and no consent could be given."""
    company = OrganisationFactory(pk=1234, name="Papier Duizend", kind=OrganisationKind.COMPANY)
    user = user_with_role(Role.BEDRIJF, company)
    html = client_for(user).get(reverse("plans:consents")).content.decode()
    assert 'name="owner" value="1234"' in html
    response = client_for(user).post(
        reverse("plans:consent_grant"),
        {
            "owner": "1234",
            "grantee": world.liander.pk,
            "purpose": ConsentPurpose.GRID_INVESTMENT_PLAN,
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": (timezone.localdate() + YEAR_AHEAD).isoformat(),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Consent.objects.filter(owner=company, grantee=world.liander).exists()
