"""The submission services: draft, resume, prefill, save, remove, submit (lock), reopen (a new revision)
and file import (all or nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent
from cluster6.core.errors import ValidationFailed
from cluster6.plans.constants import GridNeed, PlanStatus, RoundStatus, Route, SubmissionStatus
from cluster6.plans.models import Plan, PlanVersion, Submission
from cluster6.plans.services import (
    plan_version_remove,
    plan_version_save,
    submission_import,
    submission_reopen,
    submission_start,
    submission_submit,
)
from tests.factories import ProvinceOrganisationFactory, SurveyRoundFactory, user_with_role
from tests.plans.submission_world import (
    build_world,
    csv_bytes,
    good_row,
    good_values,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def snapshot(submission: Submission) -> list[tuple]:
    """Everything a submission says, to prove it did not change."""
    return sorted(
        PlanVersion.objects.filter(submission=submission).values_list(
            "pk", "plan_id", "title", "co2_reduction_t", "in_operation_year", "status", "updated_at"
        )
    )


# -- start, prefill, resume ---------------------------------------------------------------------------------


def test_start_creates_revision_one_prefilled_from_the_previous_round(world):
    # given a submitted revision in the previous round
    before = snapshot(world.previous_submission)

    # when the company starts the new round
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)

    # then a draft revision 1 holds a copy of every version, for the same plans, with the same content
    assert (draft.revision, draft.status) == (1, SubmissionStatus.DRAFT)
    copies = list(draft.versions.all())
    assert len(copies) == 1
    copy = copies[0]
    assert copy.pk != world.previous_version.pk
    assert copy.plan_id == world.previous_version.plan_id
    assert (copy.title, copy.co2_reduction_t, copy.in_operation_year) == ("Elektrische oven", 12_000.0, 2029)
    # and the previous round is untouched
    assert snapshot(world.previous_submission) == before
    event = AuditEvent.objects.get(verb="submission.started")
    assert event.changes["versions_copied"] == 1
    assert event.changes["prefilled_from"] == world.previous_submission.pk


def test_start_without_a_previous_submission_starts_empty(world):
    round_ = SurveyRoundFactory(code="top60-2025", status=RoundStatus.OPEN)
    draft = submission_start(organisation=world.company, round=round_, actor=world.user)
    assert draft.versions.count() == 0


def test_start_resumes_the_open_draft(world):
    first = submission_start(organisation=world.company, round=world.current, actor=world.user)
    plan_version_save(submission=first, data=good_values(location=world.kiln.pk), actor=world.user)

    again = submission_start(organisation=world.company, round=world.current, actor=world.user)

    assert again.pk == first.pk
    assert again.versions.count() == 2  # the copy and the new plan, not copied twice
    assert Submission.objects.filter(organisation=world.company, round=world.current).count() == 1


@pytest.mark.parametrize("status", [RoundStatus.PLANNED, RoundStatus.CLOSED])
def test_start_refuses_a_round_that_is_not_open(world, status):
    round_ = SurveyRoundFactory(code="pces-2023", status=status)
    with pytest.raises(ValidationError, match="niet open"):
        submission_start(organisation=world.company, round=round_, actor=world.user)
    assert not Submission.objects.filter(round=round_).exists()


def test_start_refuses_after_submitting(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    with pytest.raises(ValidationError, match="al ingediend"):
        submission_start(organisation=world.company, round=world.current, actor=world.user)


def test_start_for_another_company_is_refused(world):
    with pytest.raises(PermissionDenied):
        submission_start(organisation=world.other_company, round=world.current, actor=world.user)
    province = user_with_role(Role.PROVINCIE, ProvinceOrganisationFactory())
    with pytest.raises(PermissionDenied):
        submission_start(organisation=world.company, round=world.current, actor=province)


# -- saving and removing plan versions --------------------------------------------------------------------


def test_save_a_new_plan_creates_plan_with_a_reference_and_a_version(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)

    version = plan_version_save(
        submission=draft, data=good_values(location=world.boiler.pk), actor=world.user
    )

    assert version.plan.reference == "PLAN-001"
    assert version.plan.location == world.boiler
    assert version.submission == draft
    assert version.extra_capacity_mw == 2.0
    assert AuditEvent.objects.filter(verb="plan_version.created", target_id=str(version.pk)).exists()


def test_save_with_own_reference_and_update(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    version = plan_version_save(
        submission=draft, data=good_values(location=world.kiln, reference="WP-7"), actor=world.user
    )
    assert version.plan.reference == "WP-7"

    updated = plan_version_save(
        submission=draft, data={"co2_reduction_t": 3_500.0}, actor=world.user, plan=version.plan
    )

    assert updated.pk == version.pk
    assert updated.co2_reduction_t == 3_500.0
    assert updated.title == "Warmtepomp droogkamers"  # fields not given keep their value
    event = AuditEvent.objects.get(verb="plan_version.updated")
    assert event.changes["fields"] == {"co2_reduction_t": [3000.0, 3500.0]}


def test_save_refuses_a_duplicate_reference_in_the_draft(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    with pytest.raises(ValidationError) as exc:
        plan_version_save(
            submission=draft, data=good_values(location=world.kiln, reference="OVEN-1"), actor=world.user
        )
    assert "reference" in exc.value.message_dict


def test_save_refuses_another_companys_location(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    with pytest.raises(ValidationError) as exc:
        plan_version_save(submission=draft, data=good_values(location=world.foreign.pk), actor=world.user)
    assert "location" in exc.value.message_dict
    assert not Plan.objects.filter(location=world.foreign).exists()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"in_operation_year": 2071}, "in_operation_year", "2070"),
        (
            {"in_operation_year": 2015, "investment_decision_year": 2014},
            "in_operation_year",
            "vóór deze ronde",
        ),
        (
            {"investment_decision_year": 2030, "in_operation_year": 2028},
            "investment_decision_year",
            "na het jaar",
        ),
        ({"co2_reduction_t": 40_001.0}, "co2_reduction_t", "laatst bekende uitstoot"),
        ({"co2_reduction_t": -1.0}, "co2_reduction_t", "minstens 0"),
        ({"grid_need": GridNeed.NONE}, "grid_need", "elektrificatie zonder netaansluiting"),
        (
            {"route": Route.HYDROGEN, "grid_need": GridNeed.NONE, "extra_capacity_mw": 0.0},
            "needs_hydrogen",
            "waterstof",
        ),
        ({"route": Route.CCS}, "needs_co2", "CCS zonder CO2-aansluiting"),
        ({"route": Route.CCS, "needs_co2": True}, "co2_transport_t", "af te voeren CO2"),
        ({"status": PlanStatus.CANCELLED}, "status_reason", "reden"),
        ({"voltage_level": ""}, "voltage_level", "spanningsniveau"),
        ({"capex_eur": 1_000.0, "funding_gap_eur": 2_000.0}, "funding_gap_eur", "onrendabele top"),
    ],
)
def test_save_validates_each_rule_and_writes_nothing(world, changes, field, text):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    plans_before = Plan.objects.count()

    with pytest.raises(ValidationError) as exc:
        plan_version_save(
            submission=draft, data=good_values(location=world.kiln.pk, **changes), actor=world.user
        )

    messages = exc.value.message_dict[field]
    assert any(text.lower() in m.lower() for m in messages), messages
    assert Plan.objects.count() == plans_before
    assert draft.versions.count() == 1


def test_save_and_remove_refused_in_a_submitted_revision(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    version = draft.versions.get()
    with pytest.raises(ValidationError, match="vergrendeld"):
        plan_version_save(
            submission=draft, data={"co2_reduction_t": 1.0}, actor=world.user, plan=version.plan
        )
    with pytest.raises(ValidationError, match="vergrendeld"):
        plan_version_remove(version=version, actor=world.user)
    version.refresh_from_db()
    assert version.co2_reduction_t == 12_000.0


def test_remove_drops_a_new_plan_but_keeps_a_plan_of_an_earlier_round(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    new = plan_version_save(submission=draft, data=good_values(location=world.kiln.pk), actor=world.user)
    copied = draft.versions.get(plan__reference="OVEN-1")

    plan_version_remove(version=new, actor=world.user)
    plan_version_remove(version=copied, actor=world.user)

    assert draft.versions.count() == 0
    assert not Plan.objects.filter(pk=new.plan_id).exists()
    assert Plan.objects.filter(pk=copied.plan_id).exists()  # still has its version in the previous round
    assert world.previous_submission.versions.count() == 1


# -- submit ---------------------------------------------------------------------------------------------


def test_submit_locks_with_time_and_user(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)

    submitted = submission_submit(submission=draft, actor=world.user)

    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED
    assert submitted.is_locked
    assert submitted.submitted_by == world.user
    assert submitted.submitted_at is not None
    assert AuditEvent.objects.filter(verb="submission.submitted", target_id=str(draft.pk)).exists()


def test_submit_refuses_an_empty_submission_unless_marked_no_plans(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    plan_version_remove(version=draft.versions.get(), actor=world.user)

    with pytest.raises(ValidationError, match="geen plannen"):
        submission_submit(submission=draft, actor=world.user)
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT

    submitted = submission_submit(submission=draft, actor=world.user, no_plans=True)
    assert submitted.no_plans
    assert submitted.is_locked


def test_submit_refuses_no_plans_with_plans(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    with pytest.raises(ValidationError, match="bevat plannen"):
        submission_submit(submission=draft, actor=world.user, no_plans=True)


def test_submit_validates_every_version(world):
    # given a copied version that the rules of this round reject (emissions fell below the reduction)
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    PlanVersion.objects.filter(submission=draft).update(co2_reduction_t=50_000.0, status=PlanStatus.POSTPONED)

    with pytest.raises(ValidationError) as exc:
        submission_submit(submission=draft, actor=world.user)

    text = " ".join(exc.value.messages)
    assert "OVEN-1" in text
    assert "CO2-reductie" in text
    assert "Reden statuswijziging" in text
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT


# -- reopen -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RVO, Role.CLUSTERREGISSEUR])
def test_reopen_creates_a_new_draft_revision_and_keeps_the_submitted_one(world, role):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    plan_version_save(submission=draft, data=good_values(location=world.boiler.pk), actor=world.user)
    submitted = submission_submit(submission=draft, actor=world.user)
    before = snapshot(submitted)
    staff = user_with_role(role)

    reopened = submission_reopen(submission=submitted, actor=staff, reason="Cijfers netaansluiting onjuist")

    assert (reopened.revision, reopened.status) == (2, SubmissionStatus.DRAFT)
    assert reopened.reopened_by == staff
    assert reopened.reopen_reason == "Cijfers netaansluiting onjuist"
    assert sorted(reopened.versions.values_list("plan_id", flat=True)) == sorted(
        submitted.versions.values_list("plan_id", flat=True)
    )
    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED
    assert submitted.reopen_reason == ""
    assert snapshot(submitted) == before

    # the company edits the new revision; the submitted one stays as it was
    version = reopened.versions.get(plan__location=world.boiler)
    plan_version_save(
        submission=reopened, data={"co2_reduction_t": 100.0}, actor=world.user, plan=version.plan
    )
    assert snapshot(submitted) == before
    # and resuming returns the reopened draft
    assert submission_start(organisation=world.company, round=world.current, actor=world.user) == reopened


@pytest.mark.parametrize("role", [Role.BEDRIJF, Role.PROVINCIE, Role.NETBEHEERDER, Role.MINISTERIE])
def test_reopen_is_refused_to_other_roles(world, role):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submitted = submission_submit(submission=draft, actor=world.user)
    actor = world.user if role == Role.BEDRIJF else user_with_role(role)
    with pytest.raises(PermissionDenied):
        submission_reopen(submission=submitted, actor=actor, reason="graag")
    assert Submission.objects.filter(round=world.current).count() == 1


def test_reopen_needs_a_reason_and_the_latest_revision(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submitted = submission_submit(submission=draft, actor=world.user)
    rvo = user_with_role(Role.RVO)
    with pytest.raises(ValidationError):
        submission_reopen(submission=submitted, actor=rvo, reason="  ")
    second = submission_reopen(submission=submitted, actor=rvo, reason="correctie")
    submission_submit(submission=second, actor=world.user)
    with pytest.raises(ValidationError, match="nieuwere revisie"):
        submission_reopen(submission=submitted, actor=rvo, reason="nog eens")


# -- import ---------------------------------------------------------------------------------------------


def state(world) -> tuple:
    """Every plan and version in the database, and the audit trail length."""
    return (
        sorted(Plan.objects.values_list("pk", "location_id", "reference")),
        sorted(
            PlanVersion.objects.values_list(
                "pk", "submission_id", "plan_id", "title", "co2_reduction_t", "updated_at"
            )
        ),
        AuditEvent.objects.count(),
    )


def test_import_good_xlsx_replaces_the_draft_only(world):
    # given a draft with the copied plan and one extra plan
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    extra = plan_version_save(submission=draft, data=good_values(location=world.kiln.pk), actor=world.user)
    previous = snapshot(world.previous_submission)
    file = xlsx_bytes(
        [
            good_row(),  # the known plan OVEN-1, now 15,000 t
            good_row(
                **{
                    "Locatie (ETS-id of platform-id)": str(world.boiler.pk),
                    "Kenmerk": "",
                    "Titel": "Restwarmte ketelhuis",
                    "Route": "restwarmte",
                    "CO2-reductie (t/jaar)": "1.250,5",
                    "Netaansluiting nodig": "Geen",
                    "Extra gecontracteerd vermogen (MW)": 0,
                    "Verandering elektriciteitsverbruik (GWh/jaar)": "-0,5",
                    "Spanningsniveau": None,
                }
            ),
        ]
    )

    saved = submission_import(submission=draft, file=upload(file, "plannen.xlsx"), actor=world.user)

    assert len(saved) == 2
    versions = {v.plan.reference: v for v in draft.versions.select_related("plan")}
    assert set(versions) == {"OVEN-1", "PLAN-001"}
    oven = versions["OVEN-1"]
    assert oven.plan_id == world.previous_version.plan_id  # the same plan across rounds
    assert oven.co2_reduction_t == 15_000.0
    assert oven.accepts_flexible_contract is True
    heat = versions["PLAN-001"]
    assert heat.plan.location == world.boiler
    assert heat.co2_reduction_t == 1_250.5
    assert heat.electricity_delta_gwh == -0.5
    assert heat.route == Route.RESIDUAL_HEAT
    # the extra plan of the draft (not in the file) is gone, with its plan
    assert not Plan.objects.filter(pk=extra.plan_id).exists()
    # the previous round's version is untouched
    assert snapshot(world.previous_submission) == previous
    event = AuditEvent.objects.get(verb="submission.imported")
    assert event.changes["versions"] == 2
    assert event.changes["replaced"] == 2


def test_import_csv_with_semicolons_or_commas(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    row = good_row(
        **{"CO2-reductie (t/jaar)": "15.000", "Verandering elektriciteitsverbruik (GWh/jaar)": "42,5"}
    )
    submission_import(submission=draft, file=upload(csv_bytes([row]), "plannen.csv"), actor=world.user)
    version = draft.versions.get()
    assert (version.co2_reduction_t, version.electricity_delta_gwh) == (15_000.0, 42.5)

    row = good_row(**{"Verandering elektriciteitsverbruik (GWh/jaar)": "42.5", "Titel": "Oven, elektrisch"})
    submission_import(
        submission=draft, file=upload(csv_bytes([row], delimiter=","), "p.csv"), actor=world.user
    )
    version = draft.versions.get()
    assert (version.title, version.electricity_delta_gwh) == ("Oven, elektrisch", 42.5)


def test_bad_file_is_rejected_whole_with_every_problem_named(world):
    # given a draft, and a file with one good row and several bad ones
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    before = state(world)
    rows = [
        good_row(),  # line 2: fine
        good_row(**{"Kenmerk": "B", "CO2-reductie (t/jaar)": "abc"}),  # 3: text in a number field
        good_row(**{"Kenmerk": "C", "Extra gecontracteerd vermogen (MW)": "5 MW"}),  # 4: unit in the cell
        good_row(**{"Kenmerk": "D", "Locatie (ETS-id of platform-id)": "NL_999"}),  # 5: not its location
        good_row(**{"Kenmerk": "E", "Jaar in bedrijf": 2090}),  # 6: impossible year
        good_row(**{"Kenmerk": "F", "Jaar investeringsbesluit": 2031, "Jaar in bedrijf": 2029}),  # 7
        good_row(**{"Kenmerk": "G", "CO2-reductie (t/jaar)": 41_000}),  # 8: above the emissions
        good_row(**{"Kenmerk": "H", "Netaansluiting nodig": "Geen"}),  # 9: electrification without grid
        good_row(**{"Kenmerk": "OVEN-1"}),  # 10: duplicate reference
        good_row(**{"Kenmerk": "J", "Route": "kernfusie"}),  # 11: unknown choice
        good_row(**{"Kenmerk": "K", "Waterstof (t/jaar)": -3}),  # 12: negative
    ]

    with pytest.raises(ValidationFailed) as exc:
        submission_import(submission=draft, file=upload(xlsx_bytes(rows), "slecht.xlsx"), actor=world.user)

    found = {(e.sheet, e.line, e.field): e.message for e in exc.value.errors}
    expected = {
        3: ("CO2-reductie (t/jaar)", "geen getal: 'abc'"),
        4: ("Extra gecontracteerd vermogen (MW)", "geen getal: '5 MW'"),
        5: ("Locatie (ETS-id of platform-id)", "onbekende locatie 'NL_999'"),
        6: ("Jaar in bedrijf", "buiten 2000–2070"),
        7: ("Jaar investeringsbesluit", "ligt na het jaar in bedrijf"),
        8: ("CO2-reductie (t/jaar)", "laatst bekende uitstoot"),
        9: ("Netaansluiting nodig", "elektrificatie zonder netaansluiting"),
        10: ("Kenmerk", "al op regel 2"),
        11: ("Route", "onbekende waarde: 'kernfusie'"),
        12: ("Waterstof (t/jaar)", "negatief"),
    }
    for line, (column, text) in expected.items():
        message = found.get(("Plannen", line, column))
        assert message is not None, (line, column, found)
        assert text in message, (line, column, message)
    assert not any(e.line == 2 for e in exc.value.errors)
    # and nothing was written
    assert state(world) == before


def test_missing_columns_are_named_in_one_error(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    columns = [c for c in good_row() if c not in ("Route", "Jaar in bedrijf")]
    with pytest.raises(ValidationFailed) as exc:
        submission_import(
            submission=draft, file=upload(csv_bytes([good_row()], columns=columns), "x.csv"), actor=world.user
        )
    assert len(exc.value.errors) == 1
    error = exc.value.errors[0]
    assert "Route" in error.message
    assert "Jaar in bedrijf" in error.message
    assert error.line == 1


def test_import_refused_in_a_submitted_revision(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    submission_submit(submission=draft, actor=world.user)
    before = state(world)
    with pytest.raises(ValidationError, match="vergrendeld"):
        submission_import(submission=draft, file=upload(xlsx_bytes([good_row()]), "p.xlsx"), actor=world.user)
    assert state(world) == before


def test_import_of_a_file_that_is_no_spreadsheet(world):
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    with pytest.raises(ValidationFailed) as exc:
        submission_import(submission=draft, file=upload(b"PK\x03\x04rubbish", "p.xlsx"), actor=world.user)
    assert "XLSX" in exc.value.errors[0].message


def test_requested_fields_limit_what_the_file_must_hold(world):
    # given a round that asks only the core and the grid need
    world.current.requested_fields = ["grid_need", "extra_capacity_mw"]
    world.current.save()
    draft = submission_start(organisation=world.company, round=world.current, actor=world.user)
    columns = [
        "Locatie (ETS-id of platform-id)",
        "Kenmerk",
        "Titel",
        "Route",
        "CO2-reductie (t/jaar)",
        "Jaar in bedrijf",
        "Extra gecontracteerd vermogen (MW)",
        "Netaansluiting nodig",
        "Status",
    ]
    row = good_row(**{"CO2-reductie (t/jaar)": 11_000})

    submission_import(
        submission=draft, file=upload(csv_bytes([row], columns=columns), "p.csv"), actor=world.user
    )

    version = draft.versions.get()
    assert version.co2_reduction_t == 11_000.0
    # fields the round does not ask for are carried over from the prefilled version
    assert version.investment_decision_year == 2026
    assert version.voltage_level == world.previous_version.voltage_level
