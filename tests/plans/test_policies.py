"""Who sees which plan data, role by role, through the one policy layer (cluster6.authz.policies):
plan versions, plans, submissions, consents, read logs, and who may draw the grid-demand export."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cluster6.accounts.constants import Role
from cluster6.audit.models import ReadLog
from cluster6.authz.policies import (
    Action,
    ConsentPolicy,
    PlanVersionPolicy,
    access,
    can_export_grid_demand,
    policy_for,
    visible_to,
)
from cluster6.plans.constants import ConsentPurpose
from cluster6.plans.models import Consent, Plan, PlanVersion, Submission
from cluster6.registry.constants import OrganisationKind
from cluster6.registry.models import Organisation
from tests.factories import (
    ConsentFactory,
    OrganisationFactory,
    ProvinceOrganisationFactory,
    UserFactory,
    user_with_role,
)

from .sharing_world import build_world

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Consent periods are judged against today's date: pin it."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def titles(actor) -> set[str]:
    return set(visible_to(actor, PlanVersion.objects.all()).values_list("title", flat=True))


def org(kind: str, name: str) -> Organisation:
    return OrganisationFactory(kind=kind, name=name, kvk_number="")


def consent(owner, grantee, **kwargs) -> Consent:
    kwargs.setdefault("valid_from", datetime.date(2025, 1, 1))
    kwargs.setdefault("valid_until", datetime.date(2025, 12, 31))
    return ConsentFactory(owner=owner, grantee=grantee, **kwargs)


# --- Plan versions, role by role -----------------------------------------------------------------------


def test_the_ministry_sees_every_submitted_version_and_no_draft(world):
    assert titles(user_with_role(Role.MINISTERIE)) == {"Boiler A", "Oven B"}


def test_a_superuser_sees_every_submitted_version_and_no_draft(world):
    assert titles(UserFactory(is_superuser=True)) == {"Boiler A", "Oven B"}


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.RVO, OrganisationKind.RVO),
        (Role.CLUSTERREGISSEUR, OrganisationKind.FOUNDATION),
        (Role.REGIOMANAGER, OrganisationKind.FOUNDATION),
    ],
)
def test_rvo_and_the_foundation_see_nothing_without_consent_and_the_consented_with_it(world, role, kind):
    # given a programme organisation without any consent
    organisation = org(kind, f"Organisatie {role}")
    user = user_with_role(role, organisation)
    assert titles(user) == set()
    # when company A consents to it
    consent(world.company_a, organisation, purpose=ConsentPurpose.POLICY)
    # then it sees A's submitted version, not A's draft, not B's plans
    assert titles(user) == {"Boiler A"}


def test_a_province_sees_only_what_is_consented_to_it(world):
    gelderland = ProvinceOrganisationFactory(province=world.gelderland)
    brabant = ProvinceOrganisationFactory(province=world.brabant)
    consent(world.company_b, gelderland, purpose=ConsentPurpose.PCES)
    # consent is per organisation, not per province of the location: Gelderland sees B's Brabant plan
    assert titles(user_with_role(Role.PROVINCIE, gelderland)) == {"Oven B"}
    assert titles(user_with_role(Role.PROVINCIE, brabant)) == set()


def test_a_grid_operator_with_consent_sees_the_submitted_version(world):
    consent(world.company_a, world.liander)
    assert titles(user_with_role(Role.NETBEHEERDER, world.liander)) == {"Boiler A"}


def test_a_grid_operator_without_consent_sees_nothing(world):
    assert titles(user_with_role(Role.NETBEHEERDER, world.liander)) == set()


def test_a_consent_to_another_grid_operator_does_not_help(world):
    consent(world.company_a, world.enexis)
    consent(world.company_b, world.enexis)
    assert titles(user_with_role(Role.NETBEHEERDER, world.liander)) == set()
    assert titles(user_with_role(Role.NETBEHEERDER, world.enexis)) == {"Boiler A", "Oven B"}


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "revoked"),
    [
        (datetime.date(2024, 1, 1), datetime.date(2025, 6, 14), False),  # expired yesterday
        (datetime.date(2025, 6, 16), datetime.date(2026, 6, 15), False),  # valid from tomorrow
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), True),  # revoked
    ],
    ids=["expired", "not-yet-valid", "revoked"],
)
def test_a_consent_that_is_not_in_force_gives_no_access(world, valid_from, valid_until, revoked):
    consent(
        world.company_a,
        world.liander,
        valid_from=valid_from,
        valid_until=valid_until,
        revoked_at=timezone.now() if revoked else None,
    )
    user = user_with_role(Role.NETBEHEERDER, world.liander)
    assert titles(user) == set()
    with pytest.raises(Http404):
        access(user, PlanVersion.objects.all(), world.v_a.pk)


def test_a_consent_counts_on_its_first_and_last_day(world):
    consent(world.company_a, world.liander, valid_from=TODAY, valid_until=TODAY)
    assert titles(user_with_role(Role.NETBEHEERDER, world.liander)) == {"Boiler A"}


def test_drafts_never_leave_the_company_even_with_consent(world):
    consent(world.company_a, world.liander)
    for user in [
        user_with_role(Role.NETBEHEERDER, world.liander),
        user_with_role(Role.MINISTERIE),
        UserFactory(is_superuser=True),
    ]:
        assert "Boiler A concept" not in titles(user)
        with pytest.raises(Http404):
            access(user, PlanVersion.objects.all(), world.v_a_draft.pk)


def test_a_company_sees_its_own_versions_with_drafts_and_not_other_companies(world):
    consent(world.company_b, world.liander)  # irrelevant for companies
    assert titles(user_with_role(Role.BEDRIJF, world.company_a)) == {"Boiler A", "Boiler A concept"}
    assert titles(user_with_role(Role.BEDRIJF, world.company_b)) == {"Oven B"}


def test_the_anonymous_public_sees_no_plan_data(world):
    anonymous = AnonymousUser()
    assert titles(anonymous) == set()
    assert not visible_to(anonymous, Plan.objects.all()).exists()
    assert not visible_to(anonymous, Submission.objects.all()).exists()
    assert not visible_to(anonymous, Consent.objects.all()).exists()
    assert not visible_to(anonymous, ReadLog.objects.all()).exists()


def test_an_inactive_user_sees_nothing_even_with_consent(world):
    consent(world.company_a, world.liander)
    user = user_with_role(Role.NETBEHEERDER, world.liander, is_active=False)
    assert titles(user) == set()


def test_the_object_check_agrees_with_the_list(world):
    consent(world.company_a, world.liander)
    user = user_with_role(Role.NETBEHEERDER, world.liander)
    assert access(user, PlanVersion.objects.all(), world.v_a.pk) == world.v_a
    with pytest.raises(Http404):
        access(user, PlanVersion.objects.all(), world.v_b.pk)
    policy = policy_for(PlanVersion)
    assert policy.can(user, world.v_a, Action.VIEW)
    assert not policy.can(user, world.v_b, Action.VIEW)
    assert not policy.can(user, world.v_a, Action.EDIT)


def test_only_the_company_edits_its_draft_and_nobody_edits_a_submitted_version(world):
    policy = policy_for(PlanVersion)
    company = user_with_role(Role.BEDRIJF, world.company_a)
    assert policy.can(company, world.v_a_draft, Action.EDIT)
    assert not policy.can(company, world.v_a, Action.EDIT)
    assert not policy.can(user_with_role(Role.MINISTERIE), world.v_a_draft, Action.EDIT)


def test_with_a_purpose_only_consents_for_that_purpose_count(world):
    consent(world.company_a, world.liander, purpose=ConsentPurpose.PCES)
    consent(world.company_b, world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    user = user_with_role(Role.NETBEHEERDER, world.liander)
    assert titles(user) == {"Boiler A", "Oven B"}
    scoped = PlanVersionPolicy().scope(
        user, PlanVersion.objects.all(), purpose=ConsentPurpose.GRID_INVESTMENT_PLAN
    )
    assert set(scoped.values_list("title", flat=True)) == {"Oven B"}
    # the ministry does not depend on consent, so not on the purpose either
    ministry = PlanVersionPolicy().scope(
        user_with_role(Role.MINISTERIE),
        PlanVersion.objects.all(),
        purpose=ConsentPurpose.GRID_INVESTMENT_PLAN,
    )
    assert set(ministry.values_list("title", flat=True)) == {"Boiler A", "Oven B"}


# --- Plans and submissions -----------------------------------------------------------------------------


def test_a_plan_identity_follows_its_visible_versions(world):
    consent(world.company_a, world.liander)
    references = lambda u: set(visible_to(u, Plan.objects.all()).values_list("reference", flat=True))  # noqa: E731
    assert references(user_with_role(Role.NETBEHEERDER, world.liander)) == {"A-1"}
    assert references(user_with_role(Role.NETBEHEERDER, world.enexis)) == set()
    assert references(user_with_role(Role.BEDRIJF, world.company_b)) == {"B-1"}
    assert references(user_with_role(Role.MINISTERIE)) == {"A-1", "B-1"}


def test_submission_metadata_role_by_role(world):
    consent(world.company_a, world.liander)
    rounds = lambda u: {(s.organisation.name, s.status) for s in visible_to(u, Submission.objects.all())}  # noqa: E731
    everything = {("Glasfabriek A", "ingediend"), ("Glasfabriek A", "concept"), ("Keramiek B", "ingediend")}
    assert rounds(user_with_role(Role.MINISTERIE)) == everything
    assert rounds(user_with_role(Role.RVO)) == everything
    assert rounds(user_with_role(Role.CLUSTERREGISSEUR)) == everything
    assert rounds(user_with_role(Role.NETBEHEERDER, world.liander)) == {("Glasfabriek A", "ingediend")}
    assert rounds(user_with_role(Role.NETBEHEERDER, world.enexis)) == set()
    assert rounds(user_with_role(Role.BEDRIJF, world.company_b)) == {("Keramiek B", "ingediend")}


def test_reopening_is_for_rvo_and_the_foundation_and_only_for_a_submitted_round(world):
    policy = policy_for(Submission)
    submitted, draft = world.v_a.submission, world.v_a_draft.submission
    assert policy.can(user_with_role(Role.RVO), submitted, Action.REOPEN)
    assert policy.can(user_with_role(Role.REGIOMANAGER), submitted, Action.REOPEN)
    assert not policy.can(
        user_with_role(Role.RVO, Organisation.objects.get(name="RVO")), draft, Action.REOPEN
    )
    assert not policy.can(user_with_role(Role.MINISTERIE), submitted, Action.REOPEN)
    assert not policy.can(user_with_role(Role.BEDRIJF, world.company_a), submitted, Action.REOPEN)
    assert policy.can(user_with_role(Role.BEDRIJF, world.company_a), draft, Action.SUBMIT)
    assert not policy.can(user_with_role(Role.BEDRIJF, world.company_a), submitted, Action.SUBMIT)


# --- Consents and read logs ----------------------------------------------------------------------------


def test_a_consent_is_seen_by_its_owner_its_grantee_and_the_ministry_only(world):
    given = consent(world.company_a, world.liander)
    seen = lambda u: set(visible_to(u, Consent.objects.all()))  # noqa: E731
    assert seen(user_with_role(Role.BEDRIJF, world.company_a)) == {given}
    assert seen(user_with_role(Role.NETBEHEERDER, world.liander)) == {given}
    assert seen(user_with_role(Role.MINISTERIE)) == {given}
    assert seen(user_with_role(Role.NETBEHEERDER, world.enexis)) == set()
    assert seen(user_with_role(Role.BEDRIJF, world.company_b)) == set()
    assert seen(user_with_role(Role.RVO)) == set()


def test_only_the_owning_company_grants_and_revokes(world):
    policy = ConsentPolicy()
    given = consent(world.company_a, world.liander)
    new = Consent(owner=world.company_a, grantee=world.enexis)
    company_a = user_with_role(Role.BEDRIJF, world.company_a)
    others = [
        user_with_role(Role.BEDRIJF, world.company_b),
        user_with_role(Role.NETBEHEERDER, world.liander),
        user_with_role(Role.MINISTERIE),
    ]
    for action in (Action.GRANT, Action.REVOKE):
        assert policy.can(company_a, given, action)
        assert policy.can(company_a, new, action)
        for other in others:
            assert not policy.can(other, given, action)
    with pytest.raises(PermissionDenied):
        access(
            user_with_role(Role.NETBEHEERDER, world.liander), Consent.objects.all(), given.pk, Action.REVOKE
        )
    with pytest.raises(Http404):
        access(user_with_role(Role.BEDRIJF, world.company_b), Consent.objects.all(), given.pk, Action.REVOKE)


def test_a_company_sees_the_reads_of_its_own_data_and_the_ministry_all(world):
    a_read = ReadLog.objects.create(owner=world.company_a, target_type="plans.planversion", target_id="1")
    b_read = ReadLog.objects.create(owner=world.company_b, target_type="plans.planversion", target_id="2")
    seen = lambda u: set(visible_to(u, ReadLog.objects.all()))  # noqa: E731
    assert seen(user_with_role(Role.BEDRIJF, world.company_a)) == {a_read}
    assert seen(user_with_role(Role.MINISTERIE)) == {a_read, b_read}
    assert seen(user_with_role(Role.NETBEHEERDER, world.liander)) == set()
    assert seen(user_with_role(Role.RVO)) == set()


# --- Organisations and the export ----------------------------------------------------------------------


def test_a_company_can_see_the_public_bodies_it_may_consent_to_but_not_other_companies(world):
    province = ProvinceOrganisationFactory(province=world.gelderland)
    rvo = org(OrganisationKind.RVO, "RVO")
    names = set(
        visible_to(user_with_role(Role.BEDRIJF, world.company_a), Organisation.objects.all()).values_list(
            "name", flat=True
        )
    )
    assert {"Liander", "Enexis", province.name, "RVO", "Glasfabriek A"} <= names
    assert rvo.name in names
    assert "Keramiek B" not in names


def test_only_a_grid_operator_for_itself_and_the_ministry_may_draw_the_demand_export(world):
    liander_user = user_with_role(Role.NETBEHEERDER, world.liander)
    assert can_export_grid_demand(liander_user, world.liander)
    assert not can_export_grid_demand(liander_user, world.enexis)
    ministry = user_with_role(Role.MINISTERIE)
    assert can_export_grid_demand(ministry, world.enexis)
    assert not can_export_grid_demand(ministry, world.company_a)  # not an operator
    for user in [
        user_with_role(Role.RVO),
        user_with_role(Role.BEDRIJF, world.company_a),
        user_with_role(Role.PROVINCIE),
        AnonymousUser(),
    ]:
        assert not can_export_grid_demand(user, world.liander)
