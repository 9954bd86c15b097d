"""Visibility of production locations, role by role, through the one policy layer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cluster6.accounts.constants import Role
from cluster6.authz.policies import Action, access_location, visible_to
from cluster6.registry.models import ProductionLocation
from tests.factories import (
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    ProvinceOrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two provinces, two grid operators, a company group, and locations in clusters 6 and 3."""
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    brabant = ProvinceFactory(code="PV30", name="Noord-Brabant")
    liander = GridOperatorFactory(name="Liander")
    enexis = GridOperatorFactory(name="Enexis")
    area_l = GridServiceAreaFactory(code="L1", operators=[liander])
    area_e = GridServiceAreaFactory(code="E1", operators=[enexis])
    group = OrganisationFactory(name="Groep")
    daughter = OrganisationFactory(name="Dochter", parent=group)
    other = OrganisationFactory(name="Ander bedrijf")
    locs = {
        "own": ProductionLocationFactory(
            name="own", operator=group, province=gelderland, grid_service_area=area_l
        ),
        "daughter": ProductionLocationFactory(
            name="daughter", operator=daughter, province=brabant, grid_service_area=area_e
        ),
        "other_gld": ProductionLocationFactory(name="other_gld", operator=other, province=gelderland),
        "cluster3": ProductionLocationFactory(
            name="cluster3", operator=other, province=brabant, cluster_derived=3, grid_service_area=area_e
        ),
    }
    return {"gelderland": gelderland, "liander": liander, "enexis": enexis, "group": group, "locs": locs}


def names(actor) -> set[str]:
    return set(visible_to(actor, ProductionLocation.objects.all()).values_list("name", flat=True))


ALL = {"own", "daughter", "other_gld", "cluster3"}


@pytest.mark.parametrize("role", [Role.MINISTERIE, Role.RVO])
def test_national_roles_see_every_location(world, role):
    assert names(user_with_role(role)) == ALL


@pytest.mark.parametrize("role", [Role.CLUSTERREGISSEUR, Role.REGIOMANAGER])
def test_stichting_sees_every_cluster6_location(world, role):
    assert names(user_with_role(role)) == ALL - {"cluster3"}


def test_province_sees_only_its_province(world):
    org = ProvinceOrganisationFactory(province=world["gelderland"])
    assert names(user_with_role(Role.PROVINCIE, org)) == {"own", "other_gld"}


def test_grid_operator_sees_locations_in_its_service_areas(world):
    assert names(user_with_role(Role.NETBEHEERDER, world["liander"])) == {"own"}
    assert names(user_with_role(Role.NETBEHEERDER, world["enexis"])) == {"daughter", "cluster3"}


def test_company_sees_its_own_and_its_subsidiaries_locations(world):
    assert names(user_with_role(Role.BEDRIJF, world["group"])) == {"own", "daughter"}


def test_anonymous_and_inactive_users_see_nothing(world):
    assert names(AnonymousUser()) == set()
    user = user_with_role(Role.MINISTERIE)
    user.is_active = False
    assert names(user) == set()


def test_access_gives_404_for_an_invisible_location_and_403_for_a_forbidden_action(world):
    company = user_with_role(Role.BEDRIJF, world["group"])
    with pytest.raises(Http404):
        access_location(company, world["locs"]["other_gld"].pk)
    assert access_location(company, world["locs"]["own"].pk).name == "own"
    with pytest.raises(PermissionDenied):
        access_location(company, world["locs"]["own"].pk, Action.OVERRIDE_CLUSTER)
    province = user_with_role(Role.PROVINCIE, ProvinceOrganisationFactory(province=world["gelderland"]))
    with pytest.raises(PermissionDenied):
        access_location(province, world["locs"]["own"].pk, Action.EDIT)
