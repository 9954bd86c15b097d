"""Factories for test data (factory_boy). Use these, not Model.objects.create, in tests."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership, User
from cluster6.infra.constants import OperatorType
from cluster6.infra.models import GridProject, GridServiceArea
from cluster6.plans.constants import (
    ConsentPurpose,
    GridNeed,
    PlanStatus,
    RoundKind,
    RoundStatus,
    Route,
    SubmissionStatus,
    TemperatureLevel,
    VoltageLevel,
)
from cluster6.plans.models import Consent, Plan, PlanVersion, Submission, SurveyRound
from cluster6.registry.constants import EmissionSource, OrganisationKind, Sector
from cluster6.registry.models import EmissionRecord, Municipality, Organisation, ProductionLocation, Province


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PV{20 + n % 80:02d}")
    name = factory.LazyAttribute(lambda o: f"Provincie {o.code}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # 9000-9999: never a real CBS code, so never one of the seeded cluster municipalities
    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.LazyAttribute(lambda o: f"Gemeente {o.code}")
    province = factory.SubFactory(ProvinceFactory)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bedrijf {n} B.V.")
    kind = OrganisationKind.COMPANY
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")


class GridOperatorFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Netbeheerder {n}")
    kind = OrganisationKind.GRID_OPERATOR
    kvk_number = ""


class ProvinceOrganisationFactory(OrganisationFactory):
    name = factory.LazyAttribute(lambda o: f"Provincie {o.province.name}")
    kind = OrganisationKind.PROVINCE
    kvk_number = ""
    province = factory.SubFactory(ProvinceFactory)


class GridServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = GridServiceArea
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"AREA{n}")
    name = factory.LazyAttribute(lambda o: f"Station {o.code}")
    operator_type = OperatorType.RNB
    existing_capacity_withdrawal_mw = 100.0
    queue_withdrawal_mw = 20.0
    queue_requests_withdrawal = 10
    congestion_end_withdrawal_rnb = 2029

    @factory.post_generation
    def operators(self, create: bool, extracted: list[Organisation] | None, **kwargs: object) -> None:
        if create and extracted:
            self.operators.set(extracted)


class GridProjectFactory(DjangoModelFactory):
    class Meta:
        model = GridProject

    area = factory.SubFactory(GridServiceAreaFactory)
    name = factory.Sequence(lambda n: f"Versterking {n}")
    operator_type = OperatorType.RNB
    completion_year = 2029


class ProductionLocationFactory(DjangoModelFactory):
    class Meta:
        model = ProductionLocation

    name = factory.Sequence(lambda n: f"Locatie {n}")
    operator = factory.SubFactory(OrganisationFactory)
    province = factory.SubFactory(ProvinceFactory)
    municipality = factory.LazyAttribute(lambda o: MunicipalityFactory(province=o.province))
    sector = Sector.FOOD
    is_ets = True
    latitude = 52.0
    longitude = 5.5
    cluster_derived = 6


class EmissionRecordFactory(DjangoModelFactory):
    class Meta:
        model = EmissionRecord
        django_get_or_create = ("location", "year", "source")

    location = factory.SubFactory(ProductionLocationFactory)
    year = 2022
    tco2e = 15_000
    source = EmissionSource.EU_ETS
    verified = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.nl")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.BEDRIJF


def user_with_role(role: Role, organisation: Organisation | None = None, **user_kwargs: object) -> User:
    """A user with one membership of `role`, in a fitting organisation unless one is given."""
    if organisation is None:
        organisation = {
            Role.PROVINCIE: lambda: ProvinceOrganisationFactory(),
            Role.NETBEHEERDER: lambda: GridOperatorFactory(),
            Role.BEDRIJF: lambda: OrganisationFactory(),
            Role.MINISTERIE: lambda: OrganisationFactory(
                name="Ministerie van Klimaat en Groene Groei", kind=OrganisationKind.MINISTRY
            ),
            Role.RVO: lambda: OrganisationFactory(name="RVO", kind=OrganisationKind.RVO),
            Role.CLUSTERREGISSEUR: lambda: OrganisationFactory(
                name="Stichting Cluster 6", kind=OrganisationKind.FOUNDATION
            ),
            Role.REGIOMANAGER: lambda: OrganisationFactory(
                name="Stichting Cluster 6 (regio)", kind=OrganisationKind.FOUNDATION
            ),
        }[role]()
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


# --- plans ---------------------------------------------------------------------------------------------


class SurveyRoundFactory(DjangoModelFactory):
    class Meta:
        model = SurveyRound
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ronde-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    kind = RoundKind.DSH
    opens_on = datetime.date(2025, 1, 1)
    closes_on = datetime.date(2025, 12, 31)
    status = RoundStatus.OPEN


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    location = factory.SubFactory(ProductionLocationFactory)
    reference = factory.Sequence(lambda n: f"P-{n:04d}")


class SubmissionFactory(DjangoModelFactory):
    class Meta:
        model = Submission

    organisation = factory.SubFactory(OrganisationFactory)
    round = factory.SubFactory(SurveyRoundFactory)
    status = SubmissionStatus.DRAFT


class SubmittedSubmissionFactory(SubmissionFactory):
    status = SubmissionStatus.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))


class PlanVersionFactory(DjangoModelFactory):
    """A version of a plan at a location of the submitting organisation (an electrification project)."""

    class Meta:
        model = PlanVersion

    submission = factory.SubFactory(SubmittedSubmissionFactory)
    plan = factory.LazyAttribute(
        lambda o: PlanFactory(location=ProductionLocationFactory(operator=o.submission.organisation))
    )
    title = factory.Sequence(lambda n: f"Elektrische boiler {n}")
    route = Route.ELECTRIFICATION
    technology = "elektrische stoomboiler"
    temperature_level = TemperatureLevel.MEDIUM
    investment_decision_year = 2026
    in_operation_year = 2028
    co2_reduction_t = 5_000.0
    electricity_delta_gwh = 25.0
    extra_capacity_mw = 5.0
    voltage_level = VoltageLevel.MV
    gas_delta_m3 = -2_800_000.0
    grid_need = GridNeed.LARGER
    status = PlanStatus.FEASIBILITY


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    owner = factory.SubFactory(OrganisationFactory)
    grantee = factory.SubFactory(GridOperatorFactory)
    purpose = ConsentPurpose.GRID_INVESTMENT_PLAN
    valid_from = datetime.date(2020, 1, 1)
    valid_until = datetime.date(2099, 12, 31)
