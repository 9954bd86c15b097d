"""The Django admin: open to the ministry role only, every registered model renders, changes audit."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent
from tests.factories import (
    EmissionRecordFactory,
    GridProjectFactory,
    ProductionLocationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry_admin():
    return user_with_role(Role.MINISTERIE, is_staff=True)


def test_every_registered_model_has_a_working_list_and_form(client, ministry_admin):
    EmissionRecordFactory()
    GridProjectFactory()
    client.force_login(ministry_admin)
    models = [
        m for m in admin.site._registry if m._meta.app_label in {"registry", "infra", "accounts", "audit"}
    ]
    assert len(models) >= 14
    for model in models:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            assert (
                client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
            ), info


@pytest.mark.parametrize("role", [Role.RVO, Role.CLUSTERREGISSEUR, Role.PROVINCIE, Role.BEDRIJF])
def test_other_roles_are_kept_out_even_as_staff(client, role):
    client.force_login(user_with_role(role, is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_audit_log_is_read_only_in_the_admin(client, ministry_admin):
    client.force_login(ministry_admin)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403


def test_an_admin_change_is_audited(client, ministry_admin):
    loc = ProductionLocationFactory(name="Oud")
    client.force_login(ministry_admin)
    page = client.get(reverse("admin:registry_productionlocation_change", args=[loc.pk]))
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "name": "Nieuw",
            "emissions-TOTAL_FORMS": "0",
            "emissions-INITIAL_FORMS": "0",
            "emissions-MIN_NUM_FORMS": "0",
            "emissions-MAX_NUM_FORMS": "1000",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list)}
    response = client.post(reverse("admin:registry_productionlocation_change", args=[loc.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(verb="admin.productionlocation.changed")
    assert event.actor == ministry_admin
    assert event.changes["name"] == "Nieuw"
