"""The submission pages per role: a company fills in, saves, submits, downloads and uploads; provinces and
grid operators cannot; RVO and Stichting Cluster 6 reopen; the ministry follows without reopening."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cluster6.accounts.constants import Role
from cluster6.plans.constants import SubmissionStatus
from cluster6.plans.models import Plan, PlanVersion, Submission
from cluster6.plans.selectors import company_round_rows, round_overview
from cluster6.plans.services import submission_start, submission_submit
from tests.factories import GridOperatorFactory, ProvinceOrganisationFactory, user_with_role
from tests.plans.submission_world import build_world, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db

CODE = "dsh-2025"


@pytest.fixture
def world():
    return build_world()


def url(name: str, *args) -> str:
    return reverse(f"plans:{name}", args=args)


def plan_post(**changes) -> dict[str, str]:
    """The plan form as a browser posts it (Dutch notation in number fields)."""
    data = {
        "location": "",
        "reference": "",
        "title": "Warmtepomp droogkamers",
        "route": "elektrificatie",
        "technology": "warmtepomp",
        "description": "",
        "temperature_level": "midden",
        "co2_reduction_t": "3.000",
        "investment_decision_year": "2026",
        "in_operation_year": "2028",
        "electricity_delta_gwh": "8,5",
        "extra_capacity_mw": "2",
        "voltage_level": "ms",
        "gas_delta_m3": "-1.500.000",
        "hydrogen_t": "0",
        "green_gas_m3": "0",
        "co2_transport_t": "0",
        "heat_delta_gwh": "0",
        "grid_need": "verzwaring",
        "grid_request_date": "",
        "priority_class": "4",
        "capex_eur": "",
        "funding_gap_eur": "",
        "status": "haalbaarheid",
        "status_reason": "",
    }
    data.update(changes)
    return data


def versions_state():
    return sorted(
        PlanVersion.objects.values_list("pk", "submission_id", "title", "co2_reduction_t", "updated_at")
    )


# -- the company --------------------------------------------------------------------------------------------


def test_company_fills_in_saves_resumes_and_submits(client, world):
    client.force_login(world.user)

    # "Mijn uitvragen": the open round, not started; the previous one submitted
    page = client.get(url("my_rounds"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "DSH 2025" in html
    assert "nog niet begonnen" in html
    assert "L-CES 2024" in html
    assert "Ingediend" in html

    # the round page offers to start, with the plan of the previous round
    page = client.get(url("round_detail", CODE))
    assert "Concept aanmaken" in page.content.decode()
    assert "1 plan uit L-CES 2024" in page.content.decode()
    response = client.post(url("round_start", CODE))
    assert response.status_code == 302
    draft = Submission.objects.get(round__code=CODE)
    assert draft.versions.count() == 1

    # add a plan through the form (Dutch notation)
    data = plan_post(location=str(world.boiler.pk))
    response = client.post(url("plan_add", CODE), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = draft.versions.exclude(plan__reference="OVEN-1").get()
    assert (new.co2_reduction_t, new.electricity_delta_gwh, new.gas_delta_m3) == (3000.0, 8.5, -1_500_000.0)
    assert new.plan.location == world.boiler

    # resume later: the round page shows both plans in the draft
    page = client.get(url("round_detail", CODE)).content.decode()
    assert "Plannen in uw concept" in page
    assert "Warmtepomp droogkamers" in page
    assert "Elektrische oven" in page
    assert "3.000" in page  # Dutch notation

    # edit the copied plan
    oven = draft.versions.get(plan__reference="OVEN-1")
    page = client.get(url("plan_edit", CODE, oven.pk)).content.decode()
    assert 'value="12.000"' in page  # the prefilled reduction, in Dutch notation
    response = client.post(
        url("plan_edit", CODE, oven.pk),
        plan_post(title="Elektrische oven", co2_reduction_t="12.500", in_operation_year="2031"),
    )
    assert response.status_code == 302
    oven.refresh_from_db()
    assert (oven.co2_reduction_t, oven.in_operation_year) == (12_500.0, 2031)

    # submit: confirmation first
    page = client.get(url("round_submit", CODE))
    assert "Definitief indienen" in page.content.decode()
    response = client.post(url("round_submit", CODE), {})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT
    response = client.post(url("round_submit", CODE), {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED

    # afterwards read-only, with the locked notice and the revision in the history
    page = client.get(url("round_detail", CODE)).content.decode()
    assert 'id="locked-notice"' in page
    assert "Plan toevoegen" not in page
    assert 'id="upload-form"' not in page
    assert url("revision_detail", CODE, 1) in page
    assert client.get(url("plan_add", CODE)).status_code == 403
    assert client.post(url("plan_edit", CODE, oven.pk), plan_post()).status_code == 403
    assert client.post(url("plan_remove", CODE, oven.pk)).status_code == 403
    assert client.post(url("round_submit", CODE), {"confirm": "on"}).status_code == 403
    revision = client.get(url("revision_detail", CODE, 1)).content.decode()
    assert "Elektrische oven" in revision
    assert "alleen lezen" in revision


def test_invalid_plan_shows_dutch_errors_and_saves_nothing(client, world):
    client.force_login(world.user)
    submission_start(organisation=world.company, round=world.current, actor=world.user)
    before = versions_state()

    response = client.post(
        url("plan_add", CODE),
        plan_post(
            location=str(world.kiln.pk), co2_reduction_t="abc", grid_need="geen", in_operation_year="2090"
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "geen getal: &#x27;abc&#x27;" in html
    assert "2000–2070" in html
    assert versions_state() == before

    # the domain rules (after the fields parse) name their field too
    response = client.post(url("plan_add", CODE), plan_post(location=str(world.kiln.pk), grid_need="geen"))
    assert response.status_code == 400
    assert "elektrificatie zonder netaansluiting" in response.content.decode()
    assert versions_state() == before


def test_plan_form_in_an_htmx_panel(client, world):
    client.force_login(world.user)
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)

    fragment = client.get(url("plan_add", CODE), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert 'id="plan-form"' in html
    assert "Energie en infrastructuur" in html  # grouped fields

    errors = client.post(
        url("plan_add", CODE), plan_post(location="", title=""), headers={"HX-Request": "true"}
    )
    assert errors.status_code == 200  # htmx swaps 200 responses only
    assert 'id="plan-form-errors"' in errors.content.decode()

    saved = client.post(
        url("plan_add", CODE), plan_post(location=str(world.kiln.pk)), headers={"HX-Request": "true"}
    )
    assert saved.headers["HX-Redirect"].startswith(url("round_detail", CODE))
    assert draft.versions.count() == 2


def test_remove_a_plan(client, world):
    client.force_login(world.user)
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    version = draft.versions.get()
    assert client.post(url("plan_remove", CODE, version.pk)).status_code == 302
    assert draft.versions.count() == 0
    assert world.previous_submission.versions.count() == 1


def test_template_download_is_prefilled(client, world):
    client.force_login(world.user)

    response = client.get(url("round_template", CODE))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["Plannen", "Locaties", "Toelichting"]
    plans = book["Plannen"]
    header = [c.value for c in plans[1]]
    assert "CO2-reductie (t/jaar)" in header
    row = dict(zip(header, [c.value for c in plans[2]], strict=True))
    # prefilled from the previous round (there is no draft yet)
    assert row["Kenmerk"] == "OVEN-1"
    assert row["Locatie (ETS-id of platform-id)"] == "NL_901"
    assert row["CO2-reductie (t/jaar)"] == 12_000
    assert row["Route"] == "Elektrificatie"
    locations = [[c.value for c in r] for r in book["Locaties"].iter_rows(min_row=2)]
    assert {r[0] for r in locations} == {"NL_901", str(world.boiler.pk)}
    assert any(r[0] == "NL_901" and r[7] == 40_000 for r in locations)
    assert plans.data_validations.dataValidation  # choice lists and number checks

    csv = client.get(url("round_template_csv", CODE))
    assert csv.content.startswith("\ufeff".encode())
    assert "Locatie (ETS-id of platform-id);Kenmerk;Titel" in csv.content.decode("utf-8-sig")


def test_upload_good_file_replaces_the_draft(client, world):
    client.force_login(world.user)
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    content = xlsx_bytes([good_row(), good_row(**{"Kenmerk": "OVEN-2", "Titel": "Tweede oven"})])

    response = client.post(url("round_upload", CODE), {"file": _file(content, "plannen.xlsx")})

    assert response.status_code == 302
    assert sorted(draft.versions.values_list("plan__reference", flat=True)) == ["OVEN-1", "OVEN-2"]
    assert world.previous_submission.versions.get().co2_reduction_t == 12_000.0
    page = client.get(url("round_detail", CODE)).content.decode()
    assert "Tweede oven" in page
    assert "2 plan(nen) ingelezen uit plannen.xlsx" in page


def test_upload_bad_file_shows_every_problem_and_writes_nothing(client, world):
    client.force_login(world.user)
    submission_start(organisation=world.company, round=world.current, actor=world.user)
    before = versions_state()
    plans_before = Plan.objects.count()
    content = xlsx_bytes(
        [
            good_row(**{"CO2-reductie (t/jaar)": "veel"}),
            good_row(**{"Kenmerk": "X", "Locatie (ETS-id of platform-id)": "NL_12345"}),
        ]
    )

    response = client.post(url("round_upload", CODE), {"file": _file(content, "fout.xlsx")})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html
    for text in ("Blad", "Rij", "Veld", "Melding", "geen getal: &#x27;veel&#x27;", "onbekende locatie"):
        assert text in html
    assert "2 problemen gevonden; er is niets opgeslagen." in html
    assert versions_state() == before
    assert Plan.objects.count() == plans_before


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_company_with_several_organisations_chooses_one(client, world):
    # a user of two companies acts for the one asked for, never for a third
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.user, organisation=world.other_company, role=Role.BEDRIJF)
    client.force_login(world.user)
    page = client.get(url("my_rounds"), {"organisatie": world.other_company.pk}).content.decode()
    assert f"?organisatie={world.other_company.pk}" in page
    stranger = ProvinceOrganisationFactory()
    assert client.get(url("my_rounds"), {"organisatie": stranger.pk}).status_code == 404


# -- other roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROVINCIE, Role.NETBEHEERDER])
def test_province_and_grid_operator_cannot_submit(client, world, role):
    organisation = ProvinceOrganisationFactory() if role == Role.PROVINCIE else GridOperatorFactory()
    client.force_login(user_with_role(role, organisation))
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)

    assert client.get(url("my_rounds")).status_code == 403
    assert client.get(url("round_detail", CODE)).status_code == 403
    assert client.post(url("round_start", CODE)).status_code == 403
    assert client.get(url("plan_add", CODE)).status_code == 403
    assert client.post(url("round_submit", CODE), {"confirm": "on"}).status_code == 403
    upload = {"file": _file(xlsx_bytes([good_row()]), "p.xlsx")}
    assert client.post(url("round_upload", CODE), upload).status_code == 403
    assert client.get(url("round_template", CODE)).status_code == 403
    assert client.get(url("round_overview", CODE)).status_code == 403
    assert client.post(url("submission_reopen", draft.pk), {f"s{draft.pk}-reason": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT
    assert not Submission.objects.filter(organisation=organisation).exists()


def test_another_company_sees_nothing_of_this_one(client, world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    other = user_with_role(Role.BEDRIJF, world.other_company)
    client.force_login(other)
    oven = draft.versions.get()
    assert client.get(url("revision_detail", "lces-2024", 1)).status_code == 404
    assert client.get(url("round_detail", CODE), {"organisatie": world.company.pk}).status_code == 404
    client.post(url("round_start", CODE))  # starts its own draft
    assert client.get(url("plan_edit", CODE, oven.pk)).status_code == 404
    assert "Elektrische oven" not in client.get(url("round_detail", CODE)).content.decode()


def test_anonymous_users_go_to_the_login_page(client, world):
    response = client.get(url("my_rounds"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.RVO, Role.CLUSTERREGISSEUR])
def test_staff_follow_the_round_and_reopen(client, world, role):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    staff = user_with_role(role)
    client.force_login(staff)

    index = client.get(url("my_rounds")).content.decode()
    assert url("round_overview", CODE) in index
    overview = client.get(url("round_overview", CODE)).content.decode()
    assert world.company.name in overview
    assert "Heropenen" in overview
    assert "Elektrische oven" not in overview  # metadata only, no plan content

    bad = client.post(url("submission_reopen", draft.pk), {f"s{draft.pk}-reason": ""})
    assert bad.status_code == 400
    response = client.post(url("submission_reopen", draft.pk), {f"s{draft.pk}-reason": "Netgegevens onjuist"})
    assert response.status_code == 302
    reopened = Submission.objects.get(round=world.current, revision=2)
    assert reopened.status == SubmissionStatus.DRAFT
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.SUBMITTED

    # the company sees the reopened draft with the reason, and its submitted revision 1
    client.force_login(world.user)
    page = client.get(url("round_detail", CODE)).content.decode()
    assert 'id="reopened-notice"' in page
    assert "Netgegevens onjuist" in page
    assert url("revision_detail", CODE, 1) in page


def test_ministry_follows_but_cannot_reopen(client, world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    client.force_login(user_with_role(Role.MINISTERIE))
    overview = client.get(url("round_overview", CODE)).content.decode()
    assert world.company.name in overview
    assert 'class="reopen-form"' not in overview
    response = client.post(url("submission_reopen", draft.pk), {f"s{draft.pk}-reason": "graag"})
    assert response.status_code == 403
    assert not Submission.objects.filter(revision=2, round=world.current).exists()


def test_company_cannot_reopen_its_own_submission(client, world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    client.force_login(world.user)
    assert client.post(url("submission_reopen", draft.pk), {f"s{draft.pk}-reason": "x"}).status_code == 403
    assert client.get(url("round_overview", CODE)).status_code == 403


# -- query counts of the list selectors ---------------------------------------------------------------------


def test_list_selectors_query_counts(world, django_assert_max_num_queries):
    submission_start(organisation=world.company, round=world.current, actor=world.user)
    user = type(world.user).objects.get(pk=world.user.pk)
    with django_assert_max_num_queries(4):  # memberships, organisations, rounds, submissions
        rows = company_round_rows(actor=user, organisation=world.company)
    assert [(r.round.code, r.current is not None) for r in rows] == [("dsh-2025", True), ("lces-2024", True)]
    rvo = user_with_role(Role.RVO)
    rvo = type(rvo).objects.get(pk=rvo.pk)
    with django_assert_max_num_queries(2):  # memberships, submissions with their organisations
        overview = round_overview(actor=rvo, round=world.current)
    assert [r.organisation for r in overview] == [world.company]


@pytest.fixture
def english():
    """Pages in English; the language a request activates must not leak into later tests."""
    yield "en"
    translation.activate(settings.LANGUAGE_CODE)


def test_english_pages_with_dutch_files(client, world, english):
    # the pages follow the language; the template's headers stay Dutch (the exchange format)
    client.force_login(world.user)
    submission_start(organisation=world.company, round=world.current, actor=world.user)
    client.cookies["django_language"] = english
    page = client.get(url("round_detail", CODE)).content.decode()
    assert "Plans in your draft" in page
    form = client.get(url("plan_add", CODE)).content.decode()
    assert "CO2 reduction (t/year)" in form
    book = load_workbook(io.BytesIO(client.get(url("round_template", CODE)).content))
    assert "CO2-reductie (t/jaar)" in [c.value for c in book["Plannen"][1]]
    assert "Verandering aardgasverbruik (m3/jaar)" in [c.value for c in book["Plannen"][1]]


# -- the admin (ministry) ---------------------------------------------------------------------------------


def test_plans_admin_lists_and_forms_render_and_submissions_are_read_only(client, world):
    from django.contrib import admin

    from tests.factories import ConsentFactory

    ConsentFactory(owner=world.company)
    client.force_login(user_with_role(Role.MINISTERIE, is_staff=True))
    for model in [m for m in admin.site._registry if m._meta.app_label == "plans"]:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, info
        obj = model.objects.first()
        assert obj is not None, info
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200, info
    # rounds are managed here; submissions and versions change only through the services
    assert client.get(reverse("admin:plans_surveyround_add")).status_code == 200
    assert client.get(reverse("admin:plans_submission_add")).status_code == 403
    assert client.get(reverse("admin:plans_planversion_add")).status_code == 403
    page = client.get(reverse("admin:plans_submission_change", args=[world.previous_submission.pk]))
    assert 'name="_save"' not in page.content.decode()


def test_row_ids_and_option_values_are_not_localised(client, world):
    # given a draft whose version has a four-digit id (Dutch notation would write 1.234)
    client.force_login(world.user)
    submission = submission_start(organisation=world.company, round=world.current, actor=world.user)
    version = submission.versions.get()
    PlanVersion.objects.filter(pk=version.pk).update(id=4321)
    # when the round page renders, then the row id is usable in a selector
    page = client.get(url("round_detail", CODE)).content.decode()
    assert 'id="versie-4321"' in page
