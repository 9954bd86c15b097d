"""The Django admin through the policy layer: who enters, which models and rows each role sees, reads of
company plans logged in the company's read log, and every change to users and memberships audited."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership
from cluster6.audit.models import AuditEvent, ReadLog
from tests.factories import EmissionRecordFactory, OrganisationFactory, UserFactory, user_with_role
from tests.plans.sharing_world import build_world

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MINISTERIE])
def test_every_other_role_is_kept_out_of_every_admin_page_even_as_staff(client, world, role):
    user = user_with_role(role, organisation=world.company_a if role == Role.BEDRIJF else None, is_staff=True)
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302
    assert "/admin/login/" in index["Location"]
    for model in admin.site._registry:
        response = client.get(changelist(model))
        assert response.status_code == 302, model
        assert "/admin/login/" in response["Location"]
    # not even the company's own plans: the company works through the services, not the admin
    page = client.get(reverse("admin:plans_planversion_change", args=[world.v_a_draft.pk]))
    assert page.status_code == 302
    assert not ReadLog.objects.exists()


@pytest.mark.parametrize("who", ["ministerie", "superuser"])
def test_the_ministry_and_superusers_see_every_model_but_only_submitted_plans(client, world, who):
    user = (
        user_with_role(Role.MINISTERIE, is_staff=True)
        if who == "ministerie"
        else UserFactory(is_staff=True, is_superuser=True)
    )
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    shown = {(m["object_name"]) for app in index.context["app_list"] for m in app["models"]}
    assert {"PlanVersion", "Submission", "Consent", "ReadLog", "User", "Membership", "ApiToken"} <= shown
    assert "Group" not in shown  # roles are memberships, not Django groups
    # rows: the submitted versions of both companies, never company A's draft
    versions = client.get(changelist(world.v_a._meta.model))
    assert {v.title for v in versions.context["cl"].result_list} == {"Boiler A", "Oven B"}
    assert "Boiler A concept" not in versions.content.decode()
    # the draft cannot be opened by its id either
    draft = client.get(reverse("admin:plans_planversion_change", args=[world.v_a_draft.pk]))
    assert draft.status_code == 302
    assert "Boiler A concept" not in client.get(draft["Location"]).content.decode()
    # the draft submission's page lists no plan content
    submission = client.get(reverse("admin:plans_submission_change", args=[world.v_a_draft.submission_id]))
    assert submission.status_code == 200
    assert "Boiler A concept" not in submission.content.decode()
    # and nothing can be changed in plans, submissions or consents
    detail = client.get(reverse("admin:plans_planversion_change", args=[world.v_a.pk]))
    assert detail.context["has_change_permission"] is False
    assert (
        client.post(
            reverse("admin:plans_planversion_delete", args=[world.v_a.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_ministry_read_of_a_company_plan_in_the_admin_is_in_the_companys_read_log(client, world):
    minister = user_with_role(Role.MINISTERIE, is_staff=True)
    client.force_login(minister)
    # opening company A's submitted plan version
    assert client.get(reverse("admin:plans_planversion_change", args=[world.v_a.pk])).status_code == 200
    entry = ReadLog.objects.get(owner=world.company_a)
    assert (entry.actor, entry.channel, entry.target_id) == (minister, "admin", str(world.v_a.pk))
    # the list shows titles and figures: every row on it is a read too
    before = ReadLog.objects.count()
    client.get(changelist(world.v_a._meta.model))
    assert ReadLog.objects.count() == before + 2
    assert set(ReadLog.objects.filter(channel="admin").values_list("owner__name", flat=True)) == {
        "Glasfabriek A",
        "Keramiek B",
    }
    # the submission page shows its versions: logged as well
    before = ReadLog.objects.count()
    client.get(reverse("admin:plans_submission_change", args=[world.v_b.submission_id]))
    assert ReadLog.objects.filter(owner=world.company_b).count() == 2
    assert ReadLog.objects.count() == before + 1
    # and company A sees the reads on its own page
    company_user = user_with_role(Role.BEDRIJF, organisation=world.company_a)
    client.force_login(company_user)
    page = client.get(reverse("plans:consents"))
    assert "admin" in page.content.decode()


def test_a_change_to_a_membership_is_audited_with_its_diff(client, world):
    minister = user_with_role(Role.MINISTERIE, is_staff=True)
    member = user_with_role(Role.BEDRIJF, organisation=world.company_a)
    membership = member.memberships.get()
    client.force_login(minister)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": member.pk, "organisation": world.company_b.pk, "role": Role.BEDRIJF, "is_active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(verb="admin.membership.changed")
    assert event.actor == minister
    assert event.target_id == str(membership.pk)
    assert event.changes["organisation"] == "Keramiek B"
    assert event.changes["previous"]["organisation"] == "Glasfabriek A"


def test_a_role_given_on_the_user_page_and_a_staff_flag_are_audited(client):
    minister = user_with_role(Role.MINISTERIE, is_staff=True)
    target = UserFactory(username="nieuw")
    client.force_login(minister)
    page = client.get(reverse("admin:accounts_user_change", args=[target.pk]))
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data = {k: v for k, v in data.items() if not isinstance(v, list) and k != "password"}
    data.update(
        {
            "is_staff": "on",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organisation": str(OrganisationFactory(name="Bedrijf Y").pk),
            "memberships-0-role": Role.BEDRIJF,
            "memberships-0-is_active": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data["date_joined_0"] = "2026-01-01"
    data["date_joined_1"] = "10:00:00"
    response = client.post(reverse("admin:accounts_user_change", args=[target.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    changed = AuditEvent.objects.get(verb="admin.user.changed")
    assert changed.changes["is_staff"] is True
    assert changed.changes["previous"]["is_staff"] is False
    assert "password" not in changed.changes
    added = AuditEvent.objects.get(verb="admin.membership.added")
    assert added.changes["role"] == Role.BEDRIJF
    assert Membership.objects.filter(user=target, role=Role.BEDRIJF).exists()


def test_the_admin_refuses_changes_the_policy_does_not_allow(client):
    record = EmissionRecordFactory()
    client.force_login(user_with_role(Role.MINISTERIE, is_staff=True))
    # emission records come from the imports: nobody edits them by hand, not even the ministry
    page = client.get(reverse("admin:registry_emissionrecord_change", args=[record.pk]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    posted = client.post(reverse("admin:registry_emissionrecord_change", args=[record.pk]), {"tco2e": "1"})
    assert posted.status_code == 403
    assert (
        client.post(
            reverse("admin:registry_emissionrecord_delete", args=[record.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # while the location itself is the ministry's to correct (LocationPolicy: national roles edit)
    location = client.get(reverse("admin:registry_productionlocation_change", args=[record.location_id]))
    assert location.context["has_change_permission"] is True
    record.refresh_from_db()
    assert record.tco2e != 1
