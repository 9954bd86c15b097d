"""The plans endpoints of the API: /api/plans/, /api/plans/{id}/, /api/consents/ and
/api/exports/grid-demand/ — the same policies as the web pages, reads logged with channel "api" (the
export "export"), answers as documented in the schema."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.audit.models import ReadLog
from cluster6.plans.constants import ConsentPurpose, PlanStatus, Route
from tests.factories import (
    ConsentFactory,
    PlanFactory,
    PlanVersionFactory,
    UserFactory,
    user_with_role,
)
from tests.plans.sharing_world import build_world
from tests.test_api_conformance import Contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def contract() -> Contract:
    return Contract(json.loads(APIClient().get("/api/schema/", {"format": "json"}).content))


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


# --- /api/plans/ ---------------------------------------------------------------------------------------


def test_the_list_role_by_role(world):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    expected = {
        "ministry": (user_with_role(Role.MINISTERIE), {"Boiler A", "Oven B"}),
        "liander (consent)": (user_with_role(Role.NETBEHEERDER, world.liander), {"Boiler A"}),
        "enexis (none)": (user_with_role(Role.NETBEHEERDER, world.enexis), set()),
        "rvo (none)": (user_with_role(Role.RVO), set()),
        "company A (no drafts here)": (user_with_role(Role.BEDRIJF, world.company_a), {"Boiler A"}),
        "company B": (user_with_role(Role.BEDRIJF, world.company_b), {"Oven B"}),
    }
    for name, (user, visible) in expected.items():
        assert set(titles(client_for(user).get("/api/plans/"))) == visible, name
    assert APIClient().get("/api/plans/").status_code == 401


def test_a_plan_version_in_full_and_its_read_logged(world, contract):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    user = user_with_role(Role.NETBEHEERDER, world.liander, first_name="Lars", last_name="de Vries")
    response = client_for(user).get(f"/api/plans/{world.v_a.pk}/")
    contract.check("/api/plans/{id}/", response)
    body = response.json()
    assert body["plan"] == {"id": world.v_a.plan_id, "reference": "A-1"}
    assert body["owner"] == {"id": world.company_a.pk, "name": "Glasfabriek A"}
    assert body["location"]["grid_service_area"]["code"] == "L1"
    assert body["round"]["code"] == "dsh-2025"
    assert (body["revision"], body["is_superseded"]) == (1, False)
    assert (body["extra_capacity_mw"], body["electricity_delta_gwh"]) == (5.0, 25.0)
    assert (body["status"], body["certainty"]) == (PlanStatus.FEASIBILITY, "mogelijk")
    log = ReadLog.objects.get()
    assert (log.owner, log.actor, log.actor_organisation, log.channel) == (
        world.company_a,
        user,
        world.liander,
        "api",
    )
    assert log.purpose == ConsentPurpose.GRID_INVESTMENT_PLAN
    assert log.target_id == str(world.v_a.pk)


def test_the_detail_is_404_without_consent_for_drafts_and_for_unknown_ids(world, contract):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    client = client_for(user_with_role(Role.NETBEHEERDER, world.liander))
    for pk in (world.v_b.pk, world.v_a_draft.pk, 999999):
        response = client.get(f"/api/plans/{pk}/")
        assert response.status_code == 404
        contract.check("/api/plans/{id}/", response)
    # the company itself does not get its draft here either (the API serves submitted versions)
    company = client_for(user_with_role(Role.BEDRIJF, world.company_a))
    assert company.get(f"/api/plans/{world.v_a_draft.pk}/").status_code == 404
    assert not ReadLog.objects.exists()


def test_the_list_logs_one_read_per_version_on_the_page(world):
    ministry = user_with_role(Role.MINISTERIE)
    response = client_for(ministry).get("/api/plans/", {"page_size": 1})
    assert response.json()["count"] == 2
    assert len(titles(response)) == 1
    logs = list(ReadLog.objects.all())
    assert len(logs) == 1
    assert logs[0].channel == "api"
    assert logs[0].target_id == str(response.json()["results"][0]["id"])


def test_the_filters_and_their_validation(world, contract):
    PlanVersionFactory(
        submission=world.v_b.submission,
        plan=PlanFactory(location=world.loc_b, reference="B-2"),
        title="Waterstofbrander B",
        route=Route.HYDROGEN,
        status=PlanStatus.INVESTMENT_DECISION,
    )
    client = client_for(user_with_role(Role.MINISTERIE))
    cases = {
        "province=PV25": {"Boiler A"},
        f"grid_area={world.area_e.pk}": {"Oven B", "Waterstofbrander B"},
        "route=waterstof": {"Waterstofbrander B"},
        "status=haalbaarheid": {"Boiler A", "Oven B"},
        f"round={world.draft_round.pk}": set(),
        f"round={world.round.pk}": {"Boiler A", "Oven B", "Waterstofbrander B"},
        f"owner={world.company_b.pk}": {"Oven B", "Waterstofbrander B"},
    }
    for query, expected in cases.items():
        response = client.get(f"/api/plans/?{query}")
        contract.check("/api/plans/", response)
        assert set(titles(response)) == expected, query
    for query in ("province=Gelderland", "route=kernfusie", "status=x", "round=0", "purpose=spionage"):
        response = client.get(f"/api/plans/?{query}")
        assert response.status_code == 400, query
        contract.check("/api/plans/", response)


def test_the_purpose_filter_narrows_to_that_consent_and_is_logged(world):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.PCES)
    ConsentFactory(owner=world.company_b, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    client = client_for(user_with_role(Role.NETBEHEERDER, world.liander))
    assert titles(client.get("/api/plans/", {"purpose": "pces"})) == ["Boiler A"]
    assert ReadLog.objects.get().purpose == "pces"


def test_the_list_takes_a_bounded_number_of_queries(world):
    ConsentFactory(owner=world.company_a, grantee=world.liander)
    client = client_for(user_with_role(Role.NETBEHEERDER, world.liander))
    client.get("/api/plans/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/plans/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        PlanVersionFactory(
            submission=world.v_a.submission, plan=PlanFactory(location=world.loc_a, reference=f"N{n}")
        )
    assert ReadLog.objects.count() == 2  # one read in each of the two calls
    assert count() == before


# --- /api/consents/ ------------------------------------------------------------------------------------


def test_consents_given_and_received_with_their_state(world, contract):
    active = ConsentFactory(owner=world.company_a, grantee=world.liander)
    revoked = ConsentFactory(
        owner=world.company_a, grantee=world.enexis, revoked_at=timezone.now(), purpose=ConsentPurpose.PCES
    )
    ConsentFactory(owner=world.company_b, grantee=world.enexis)

    def ids(user, query="") -> dict[int, str]:
        response = client_for(user).get(f"/api/consents/{query}")
        contract.check("/api/consents/", response)
        return {row["id"]: row["state"] for row in response.json()["results"]}

    company = user_with_role(Role.BEDRIJF, world.company_a)
    assert ids(company) == {active.pk: "actief", revoked.pk: "ingetrokken"}
    assert ids(company, "?active=true") == {active.pk: "actief"}
    assert ids(company, "?active=false") == {revoked.pk: "ingetrokken"}
    assert ids(user_with_role(Role.NETBEHEERDER, world.liander)) == {active.pk: "actief"}
    assert len(ids(user_with_role(Role.MINISTERIE))) == 3
    assert ids(user_with_role(Role.RVO)) == {}
    row = client_for(company).get("/api/consents/").json()["results"][-1]
    assert row["grantee"] == {"id": world.liander.pk, "name": "Liander", "kind": "netbeheerder"}
    assert row["purpose"] == ConsentPurpose.GRID_INVESTMENT_PLAN


# --- /api/exports/grid-demand/ -------------------------------------------------------------------------


def test_the_grid_demand_export_as_json(world, contract):
    ConsentFactory(owner=world.company_a, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    ConsentFactory(owner=world.company_b, grantee=world.liander, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    user = user_with_role(Role.NETBEHEERDER, world.liander)
    response = client_for(user).get("/api/exports/grid-demand/")
    contract.check("/api/exports/grid-demand/", response)
    body = response.json()
    assert body["operator"] == {"id": world.liander.pk, "name": "Liander"}
    assert body["round"]["code"] == "dsh-2025"
    assert body["purpose"] == "investeringsplan"
    # B consented but its plan is in Enexis' area: only A's plan in Liander's area L1
    assert [(t["area"]["code"], t["year"], t["extra_capacity_mw"]) for t in body["totals"]] == [
        ("L1", 2028, 5.0)
    ]
    assert body["totals"][0]["extra_capacity_mw_by_certainty"] == {
        "vast": 0.0,
        "waarschijnlijk": 0.0,
        "mogelijk": 5.0,
    }
    assert [p["reference"] for p in body["plans"]] == ["A-1"]
    assert body["cells"][0]["plan_versions"] == [world.v_a.pk]
    assert (body["extra_capacity_mw"], body["electricity_gwh"]) == (5.0, 25.0)
    assert [(r.channel, r.purpose, r.owner) for r in ReadLog.objects.all()] == [
        ("export", "investeringsplan", world.company_a)
    ]


def test_the_export_errors(world, contract):
    template = "/api/exports/grid-demand/"
    cases = [
        (user_with_role(Role.RVO), "", 403),
        (user_with_role(Role.BEDRIJF, world.company_a), "", 403),
        (user_with_role(Role.NETBEHEERDER, world.liander), f"?operator={world.enexis.pk}", 403),
        (user_with_role(Role.NETBEHEERDER, world.liander), "?round=999999", 404),
        (user_with_role(Role.NETBEHEERDER, world.liander), "?round=abc", 400),
        (user_with_role(Role.MINISTERIE), "", 400),  # must name an operator
        (UserFactory(is_superuser=True), "?operator=999999", 404),
        (None, "", 401),
    ]
    for user, query, status in cases:
        response = client_for(user).get(f"{template}{query}")
        assert response.status_code == status, (user, query, response.content)
        contract.check(template, response)


def test_the_ministry_names_an_operator(world, contract):
    response = client_for(user_with_role(Role.MINISTERIE)).get(
        "/api/exports/grid-demand/", {"operator": world.enexis.pk, "round": world.round.pk}
    )
    contract.check("/api/exports/grid-demand/", response)
    assert [p["reference"] for p in response.json()["plans"]] == ["B-1"]  # no consent needed


def test_no_round_yet_gives_an_empty_export(db, contract):
    from tests.factories import GridOperatorFactory

    operator = GridOperatorFactory(name="Stedin")
    response = client_for(user_with_role(Role.NETBEHEERDER, operator)).get("/api/exports/grid-demand/")
    contract.check("/api/exports/grid-demand/", response)
    body = response.json()
    assert (body["round"], body["totals"], body["plans"], body["extra_capacity_mw"]) == (None, [], [], 0.0)


def test_consent_periods_are_judged_by_today(world):
    ConsentFactory(
        owner=world.company_a,
        grantee=world.liander,
        valid_from=timezone.localdate() + datetime.timedelta(days=1),
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    client = client_for(user_with_role(Role.NETBEHEERDER, world.liander))
    assert titles(client.get("/api/plans/")) == []
    assert client.get(f"/api/plans/{world.v_a.pk}/").status_code == 404
    assert client.get("/api/exports/grid-demand/").json()["plans"] == []
