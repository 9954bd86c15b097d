"""A small hand-made world for the analysis tests: one province, a congested regional area under a
TenneT area, an uncongested area, two companies with submitted plans, and a hydrogen phase.

The expected outcomes, worked out by hand (base year 2026, deadline 2030):

* "boiler" (5 MW, requested 2025-01-01, in operation 2028, area CONG): CONG has no capacity until its
  congestion ends in 2029; its published waiting list (4 MW) already holds the boiler's request (dated
  before the 2026-07-29 snapshot), so no other requests are ahead: connection 2029, place 1 of 1,
  0 MW ahead, the regional grid binds. Later than planned but by 2030: may not ("mag (nog) niet").
* "kiln" (hydrogen, in operation 2029): the only hydrogen phase reaches its location (within 15 km of
  the network point) from 2032: cannot ("kan niet"), bottleneck hydrogen.
* "heatpump" (3 MW, requested 2026-09-01, in operation 2027, area FREE): FREE is not congested and has
  existing 50 - required 40 = 10 MW free: connection 2026, can go ahead.
* "efficiency" (no new infrastructure): not dependent.
* "cancelled": excluded.
Infrastructure-dependent: boiler, kiln, heatpump -> 2 of 3 held back: headline 2/3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cluster6.accounts.constants import Role
from cluster6.accounts.models import User
from cluster6.infra.constants import Carrier, Certainty, OperatorType
from cluster6.infra.models import CarrierRollout, GridServiceArea, NetworkPoint
from cluster6.plans.constants import ConsentPurpose, GridNeed, PlanStatus, Route, SubmissionStatus
from cluster6.plans.models import PlanVersion, Submission, SurveyRound
from cluster6.registry.models import Organisation, ProductionLocation, Province
from tests.factories import (
    ConsentFactory,
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    ProvinceOrganisationFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
    user_with_role,
)

SNAPSHOT = dt.date(2026, 7, 29)


@dataclass
class World:
    province: Province
    operator: Organisation
    other_operator: Organisation
    company: Organisation
    other_company: Organisation
    congested: GridServiceArea
    free: GridServiceArea
    tennet: GridServiceArea
    site: ProductionLocation
    other_site: ProductionLocation
    round: SurveyRound
    submission: Submission
    boiler: PlanVersion
    kiln: PlanVersion
    heatpump: PlanVersion
    efficiency: PlanVersion
    cancelled: PlanVersion
    hydrogen: CarrierRollout
    company_user: User
    operator_user: User  # a netbeheerder with the company's consent
    other_operator_user: User  # a netbeheerder without consent
    ministry_user: User

    def user(self, role: Role) -> User:
        if role == Role.PROVINCIE:
            return user_with_role(role, ProvinceOrganisationFactory(province=self.province))
        return user_with_role(role)


def build_world() -> World:
    province = ProvinceFactory(code="PV25", name="Gelderland")
    operator = GridOperatorFactory(name="Liander")
    other_operator = GridOperatorFactory(name="Enexis")
    tennet = GridServiceAreaFactory(
        code="TENNET-GLD",
        name="TenneT Gelderland",
        operator_type=OperatorType.TENNET,
        operator_names="TenneT",
        tennet_status_withdrawal=1,
        congestion_end_withdrawal_rnb=None,
        queue_withdrawal_mw=0,
        queue_requests_withdrawal=0,
        existing_capacity_withdrawal_mw=None,
        snapshot_date=SNAPSHOT,
    )
    congested = GridServiceAreaFactory(
        code="CONG",
        name="Station Vol",
        operator_names="Liander",
        congestion_end_withdrawal_rnb=2029,
        queue_withdrawal_mw=4.0,
        queue_requests_withdrawal=2,
        existing_capacity_withdrawal_mw=80.0,
        required_capacity_withdrawal_mw=90.0,
        snapshot_date=SNAPSHOT,
        province=province,
    )
    free = GridServiceAreaFactory(
        code="FREE",
        name="Station Ruim",
        operator_names="Liander",
        congestion_end_withdrawal_rnb=None,
        queue_withdrawal_mw=0.0,
        queue_requests_withdrawal=0,
        existing_capacity_withdrawal_mw=50.0,
        required_capacity_withdrawal_mw=40.0,
        snapshot_date=SNAPSHOT,
        province=province,
    )
    company = OrganisationFactory(name="Steenfabriek De Klei B.V.")
    other_company = OrganisationFactory(name="Zuivel Oost B.V.")
    site = ProductionLocationFactory(
        name="Steenfabriek Zevenaar",
        operator=company,
        province=province,
        grid_operator=operator,
        grid_service_area=congested,
        longitude=5.9,
        latitude=51.9,
    )
    other_site = ProductionLocationFactory(
        name="Zuivelfabriek Lochem",
        operator=other_company,
        province=province,
        grid_operator=operator,
        grid_service_area=free,
        longitude=6.4,
        latitude=52.16,
    )
    rnd = SurveyRoundFactory(code="dsh-2025", name="DSH 2025", opens_on=dt.date(2025, 1, 1))
    submission = SubmittedSubmissionFactory(organisation=company, round=rnd)
    other_submission = SubmittedSubmissionFactory(organisation=other_company, round=rnd)

    def version(sub: Submission, location: ProductionLocation, ref: str, **fields: object) -> PlanVersion:
        return PlanVersionFactory(
            submission=sub, plan=PlanFactory(location=location, reference=ref), **fields
        )

    boiler = version(
        submission,
        site,
        "BOILER",
        title="Elektrische boiler",
        extra_capacity_mw=5.0,
        grid_request_date=dt.date(2025, 1, 1),
        in_operation_year=2028,
        investment_decision_year=2026,
        co2_reduction_t=8_000.0,
    )
    kiln = version(
        submission,
        site,
        "KILN",
        title="Waterstofoven",
        route=Route.HYDROGEN,
        grid_need=GridNeed.NONE,
        extra_capacity_mw=0.0,
        needs_hydrogen=True,
        hydrogen_t=900.0,
        in_operation_year=2029,
        investment_decision_year=2027,
        co2_reduction_t=12_000.0,
    )
    efficiency = version(
        submission,
        site,
        "EFF",
        title="Warmteterugwinning",
        route=Route.EFFICIENCY,
        grid_need=GridNeed.NONE,
        extra_capacity_mw=0.0,
        in_operation_year=2027,
        co2_reduction_t=1_000.0,
    )
    cancelled = version(
        submission,
        site,
        "OLD",
        title="Afgeblazen plan",
        status=PlanStatus.CANCELLED,
        in_operation_year=2027,
        co2_reduction_t=500.0,
    )
    heatpump = version(
        other_submission,
        other_site,
        "HP",
        title="Warmtepomp",
        extra_capacity_mw=3.0,
        grid_request_date=dt.date(2026, 9, 1),
        in_operation_year=2027,
        investment_decision_year=2026,
        co2_reduction_t=4_000.0,
    )
    # a draft of a third company never counts
    draft = SubmissionFactory(round=rnd, status=SubmissionStatus.DRAFT)
    version(draft, ProductionLocationFactory(operator=draft.organisation, province=province), "DRAFT")
    hydrogen = CarrierRollout.objects.create(
        code="H2-OOST",
        carrier=Carrier.HYDROGEN,
        name="Waterstofnetwerk Oost",
        year=2032,
        certainty=Certainty.PLANNED,
    )
    NetworkPoint.objects.create(rollout=hydrogen, code="P1", name="Arnhem", lon=5.9, lat=51.98)
    company_user = user_with_role(Role.BEDRIJF, company)
    operator_user = user_with_role(Role.NETBEHEERDER, operator)
    other_operator_user = user_with_role(Role.NETBEHEERDER, other_operator)
    ministry_user = user_with_role(Role.MINISTERIE)
    ConsentFactory(owner=company, grantee=operator, purpose=ConsentPurpose.GRID_INVESTMENT_PLAN)
    return World(
        province=province,
        operator=operator,
        other_operator=other_operator,
        company=company,
        other_company=other_company,
        congested=congested,
        free=free,
        tennet=tennet,
        site=site,
        other_site=other_site,
        round=rnd,
        submission=submission,
        boiler=boiler,
        kiln=kiln,
        heatpump=heatpump,
        efficiency=efficiency,
        cancelled=cancelled,
        hydrogen=hydrogen,
        company_user=company_user,
        operator_user=operator_user,
        other_operator_user=other_operator_user,
        ministry_user=ministry_user,
    )
