"""A small world for the sharing tests: two companies in two provinces and two grid operators' areas, one
survey round with a submitted submission each, and a draft of company A in a second round.

    company A (Glasfabriek A) - location "A Arnhem" (Gelderland, Liander, area L1)
        round DSH 2025: submitted, plan A-1 "Boiler A"
        round Top-60 2025: DRAFT, plan A-1 "Boiler A concept"
    company B (Keramiek B)    - location "B Tilburg" (Noord-Brabant, Enexis, area E1)
        round DSH 2025: submitted, plan B-1 "Oven B"

No consents: each test gives the ones it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from cluster6.infra.models import GridServiceArea
from cluster6.plans.models import PlanVersion, SurveyRound
from cluster6.registry.models import Organisation, ProductionLocation, Province
from tests.factories import (
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    PlanFactory,
    PlanVersionFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    SubmissionFactory,
    SubmittedSubmissionFactory,
    SurveyRoundFactory,
)


@dataclass
class World:
    gelderland: Province
    brabant: Province
    liander: Organisation
    enexis: Organisation
    area_l: GridServiceArea
    area_e: GridServiceArea
    company_a: Organisation
    company_b: Organisation
    loc_a: ProductionLocation
    loc_b: ProductionLocation
    round: SurveyRound
    draft_round: SurveyRound
    v_a: PlanVersion
    v_a_draft: PlanVersion
    v_b: PlanVersion


def build_world() -> World:
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    brabant = ProvinceFactory(code="PV30", name="Noord-Brabant")
    liander = GridOperatorFactory(name="Liander")
    enexis = GridOperatorFactory(name="Enexis")
    area_l = GridServiceAreaFactory(
        code="L1", name="Arnhem 150/10kV", operators=[liander], province=gelderland
    )
    area_e = GridServiceAreaFactory(code="E1", name="Tilburg 150/10kV", operators=[enexis], province=brabant)
    company_a = OrganisationFactory(name="Glasfabriek A")
    company_b = OrganisationFactory(name="Keramiek B")
    loc_a = ProductionLocationFactory(
        name="A Arnhem",
        operator=company_a,
        province=gelderland,
        grid_operator=liander,
        grid_service_area=area_l,
    )
    loc_b = ProductionLocationFactory(
        name="B Tilburg", operator=company_b, province=brabant, grid_operator=enexis, grid_service_area=area_e
    )
    survey_round = SurveyRoundFactory(code="dsh-2025", name="DSH 2025")
    draft_round = SurveyRoundFactory(code="top60-2025", name="Top-60 2025")
    plan_a = PlanFactory(location=loc_a, reference="A-1")
    v_a = PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=company_a, round=survey_round),
        plan=plan_a,
        title="Boiler A",
    )
    v_a_draft = PlanVersionFactory(
        submission=SubmissionFactory(organisation=company_a, round=draft_round),
        plan=plan_a,
        title="Boiler A concept",
    )
    v_b = PlanVersionFactory(
        submission=SubmittedSubmissionFactory(organisation=company_b, round=survey_round),
        plan=PlanFactory(location=loc_b, reference="B-1"),
        title="Oven B",
    )
    return World(
        gelderland=gelderland,
        brabant=brabant,
        liander=liander,
        enexis=enexis,
        area_l=area_l,
        area_e=area_e,
        company_a=company_a,
        company_b=company_b,
        loc_a=loc_a,
        loc_b=loc_b,
        round=survey_round,
        draft_round=draft_round,
        v_a=v_a,
        v_a_draft=v_a_draft,
        v_b=v_b,
    )
