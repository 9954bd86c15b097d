"""The synthetic demo data set: determinism, calibration against the real ETS figures, geography and grid,
the loader, the `demo` command with --scale and --reset, and the idempotent `setup_demo` accounts."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from cluster6.accounts.constants import Role
from cluster6.accounts.models import Membership, User
from cluster6.audit.models import AuditEvent
from cluster6.authz.policies import visible_to
from cluster6.demo import geography as geo
from cluster6.demo import profiles as pf
from cluster6.demo.accounts import demo_password
from cluster6.demo.generator import (
    GRID_OPERATOR_NAMES,
    DemoDataset,
    Geography,
    generate,
    grid_key,
)
from cluster6.demo.loader import DemoDataExistsError, demo_load, geography_ensure
from cluster6.infra.constants import CongestionColour, OperatorType
from cluster6.infra.models import GridProject, GridServiceArea
from cluster6.registry.constants import (
    CLUSTER6,
    DEFAULT_CLUSTER_MUNICIPALITIES,
    INDUSTRIAL_SECTORS,
    DataOrigin,
    EmissionSource,
    OrganisationKind,
    Sector,
)
from cluster6.registry.models import (
    BusinessPark,
    EmissionRecord,
    Municipality,
    Organisation,
    ProductionLocation,
    Province,
)
from tests.factories import MunicipalityFactory, OrganisationFactory, ProductionLocationFactory

GELDERLAND, BRABANT, LIMBURG = "PV25", "PV30", "PV31"


@pytest.fixture(scope="module")
def cluster_list() -> dict[str, int]:
    """The configurable cluster list as the registry migrations seed it."""
    return {code: cluster for cluster, code, _ in DEFAULT_CLUSTER_MUNICIPALITIES}


@pytest.fixture(scope="module")
def geography(cluster_list) -> Geography:
    return Geography.builtin(cluster_list)


@pytest.fixture(scope="module")
def dataset(geography) -> DemoDataset:
    return generate(seed=1, scale=1, geography=geography)


def cluster6(ds: DemoDataset):
    return [loc for loc in ds.locations if loc.cluster_derived == CLUSTER6]


def cluster6_ets(ds: DemoDataset):
    return [loc for loc in cluster6(ds) if loc.is_ets]


def emissions_2024(locations) -> np.ndarray:
    return np.array([loc.emission(pf.REFERENCE_YEAR) or 0 for loc in locations], dtype=float)


# ------------------------------------------------------------------------------------------ determinism


def test_same_seed_and_scale_give_identical_data(geography, dataset):
    # when
    again = generate(seed=1, scale=1, geography=geography)
    # then
    assert again == dataset
    assert again.summary() == dataset.summary()


def test_another_seed_gives_other_data(geography, dataset):
    # when
    other = generate(seed=2, scale=1, geography=geography)
    # then: same design (counts), other draws (names, places, sizes)
    assert other != dataset
    assert len(other.locations) == len(dataset.locations)
    assert [loc.name for loc in other.locations] != [loc.name for loc in dataset.locations]
    assert [loc.emissions for loc in other.locations] != [loc.emissions for loc in dataset.locations]


def test_generator_does_not_touch_the_global_random_state(geography):
    # given
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    # when
    generate(seed=5, scale=1, geography=geography)
    # then
    assert np.random.random() == expected


# ------------------------------------------------------------------------------------------ calibration


def test_location_counts(dataset, cluster_list):
    c6 = cluster6(dataset)
    ets = [loc for loc in c6 if loc.is_ets]
    assert 150 <= len(ets) <= 190
    assert 200 <= len(c6) - len(ets) <= 260
    others = [loc for loc in dataset.locations if loc.cluster_derived != CLUSTER6]
    assert len(others) >= 50
    assert {loc.cluster_derived for loc in others} == {1, 2, 3, 4, 5}
    assert all(cluster_list[loc.municipality_code] == loc.cluster_derived for loc in others)
    assert all(loc.municipality_code not in cluster_list for loc in c6)


def test_cluster6_ets_emissions_2024_total_and_size_distribution(dataset):
    e = emissions_2024(cluster6_ets(dataset))
    assert 4.5e6 <= e.sum() <= 4.9e6
    assert 12_000 <= np.median(e) <= 18_000
    assert 70_000 <= np.quantile(e, 0.9) <= 110_000
    assert e.max() < 300_000


def test_cluster6_ets_trend(dataset):
    total = {y: sum(loc.emission(y) or 0 for loc in cluster6_ets(dataset)) / 1e6 for y in pf.YEARS}
    assert 4.6 <= total[2013] <= 5.0
    assert total[2013] > total[2024]  # a mild decline
    assert total[2020] < min(total[2019], total[2021])  # the 2020 dip
    assert all(abs(total[y] - total[y - 1]) < 0.5 for y in pf.YEARS[1:])


def test_non_ets_sites_are_smaller(dataset):
    c6 = cluster6(dataset)
    ets = emissions_2024([loc for loc in c6 if loc.is_ets])
    non_ets = emissions_2024([loc for loc in c6 if not loc.is_ets])
    assert np.median(non_ets) < np.median(ets) / 2
    assert non_ets.max() < 25_000
    assert all(len(loc.emissions) >= 3 for loc in dataset.locations)
    assert {y for loc in dataset.locations for y, _t in loc.emissions} == set(pf.YEARS)


def test_sector_mix(dataset):
    ets = cluster6_ets(dataset)
    by_count = Counter(loc.sector for loc in ets)
    assert [s for s, _n in by_count.most_common(2)] == [Sector.FOOD, Sector.CERAMICS]
    by_emissions: Counter[str] = Counter()
    for loc in ets:
        if loc.sector in INDUSTRIAL_SECTORS:
            by_emissions[loc.sector] += loc.emission(pf.REFERENCE_YEAR) or 0
    top5 = {s for s, _t in by_emissions.most_common(5)}
    assert top5 == {Sector.FOOD, Sector.CERAMICS, Sector.PAPER, Sector.CHEMICALS, Sector.GLASS}
    assert by_count[Sector.WASTE] == 9  # the nine AVIs
    assert by_count[Sector.OIL_GAS] >= 1
    oil_gas = [loc for loc in cluster6(dataset) if loc.sector == Sector.OIL_GAS]
    assert {loc.province_code for loc in oil_gas} <= pf.OIL_GAS_PROVINCES


def test_data_centres_use_much_electricity_and_emit_little(dataset):
    ict = [loc for loc in cluster6(dataset) if loc.sector == Sector.ICT]
    assert len(ict) >= 3
    assert all(loc.electricity_use_gwh >= 10 for loc in ict)
    assert all((loc.emission(pf.REFERENCE_YEAR) or 0) < 5_000 for loc in ict)


def test_province_mix(dataset):
    counts = Counter(loc.province_code for loc in cluster6(dataset))
    assert {p for p, _n in counts.most_common(3)} == {GELDERLAND, BRABANT, LIMBURG}
    assert set(counts) == {p.code for p in geo.PROVINCES}
    ets_counts = Counter(loc.province_code for loc in cluster6_ets(dataset))
    assert {p for p, _n in ets_counts.most_common(3)} == {GELDERLAND, BRABANT, LIMBURG}


def test_business_parks(dataset):
    share = sum(loc.business_park_key is not None for loc in dataset.locations) / len(dataset.locations)
    assert 0.65 <= share <= 0.75
    c6_share = sum(loc.business_park_key is not None for loc in cluster6(dataset)) / len(cluster6(dataset))
    assert 0.65 <= c6_share <= 0.75
    parks = {p.key: p for p in dataset.business_parks}
    assert len(parks) == len(dataset.business_parks)
    for loc in dataset.locations:
        if loc.business_park_key:
            park = parks[loc.business_park_key]
            assert park.municipality_code == loc.municipality_code
            assert park.name.split(" ")[0] in pf.PARK_PREFIXES
    assert {(p.name, p.municipality_code) for p in parks.values()} == {
        (p.name, p.municipality_code) for p in dataset.business_parks
    }


def test_energy_use_is_consistent_with_emissions_and_lces_scope(dataset):
    c6 = cluster6(dataset)
    for loc in dataset.locations:
        emitted = loc.emission(pf.REFERENCE_YEAR) or 0
        # gas burnt cannot emit (much) more CO2 than the site emits
        assert loc.gas_use_m3 * pf.CO2_T_PER_M3_GAS <= 1.3 * emitted + 1
        assert loc.contracted_capacity_mw > 0
        # a year at full contracted capacity covers the electricity use
        assert loc.contracted_capacity_mw * 8.76 >= loc.electricity_use_gwh
    food = [loc for loc in c6 if loc.sector == Sector.FOOD]
    assert all(
        loc.gas_use_m3 * pf.CO2_T_PER_M3_GAS >= 0.7 * (loc.emission(pf.REFERENCE_YEAR) or 0) for loc in food
    )
    share = sum(loc.in_lces_scope for loc in c6) / len(c6)
    assert 0.7 <= share < 1.0
    ets_share = sum(loc.in_lces_scope for loc in c6 if loc.is_ets) / sum(loc.is_ets for loc in c6)
    assert ets_share >= 0.9


# ------------------------------------------------------------------------------------- organisations


def test_organisations(dataset):
    orgs = {o.key: o for o in dataset.organisations}
    kinds = Counter(o.kind for o in dataset.organisations)
    assert kinds[OrganisationKind.PROVINCE] == 12
    assert (
        kinds[OrganisationKind.MINISTRY]
        == kinds[OrganisationKind.RVO]
        == kinds[OrganisationKind.FOUNDATION]
        == 1
    )
    assert {o.name for o in dataset.organisations if o.kind == OrganisationKind.GRID_OPERATOR} == set(
        GRID_OPERATOR_NAMES
    )
    names = [(o.kind, o.name) for o in dataset.organisations]
    assert len(names) == len(set(names))
    companies = [o for o in dataset.organisations if o.kind == OrganisationKind.COMPANY]
    assert all(o.kvk_number.isdigit() and len(o.kvk_number) == 8 for o in companies)
    assert len({o.kvk_number for o in companies}) == len(companies)
    children = [o for o in companies if o.parent_key]
    assert len(children) >= 10
    assert all(orgs[o.parent_key].kind == OrganisationKind.COMPANY for o in children)
    sites_per_operator = Counter(loc.operator_key for loc in dataset.locations)
    assert all(orgs[key].kind == OrganisationKind.COMPANY for key in sites_per_operator)
    assert max(sites_per_operator.values()) >= 3
    assert len(sites_per_operator) < len(dataset.locations) * 0.9
    gelderland = Counter(loc.operator_key for loc in cluster6(dataset) if loc.province_code == GELDERLAND)
    assert max(gelderland.values()) >= 3


# -------------------------------------------------------------------------------- geography and grid


def test_every_location_has_a_place_and_a_service_area_that_contains_it(dataset, geography):
    places = {p.code: p for p in geography.places}
    areas = {a.code: a for a in dataset.areas}
    for loc in dataset.locations:
        assert places[loc.municipality_code].province_code == loc.province_code
        area = areas[loc.area_code]
        assert area.contains(loc.longitude, loc.latitude)
        assert area.province_code == loc.province_code
        assert loc.grid_operator_key in area.operator_keys
        assert 50.7 <= loc.latitude <= 53.6
        assert 3.3 <= loc.longitude <= 7.3
        # near its municipality's point (jitter of a few km)
        place = places[loc.municipality_code]
        assert abs(loc.latitude - place.lat) < 0.2
        assert abs(loc.longitude - place.lon) < 0.3


def test_grid_service_areas_resemble_the_capacity_map(dataset):
    rnb = [a for a in dataset.areas if a.operator_type == OperatorType.RNB]
    tennet = [a for a in dataset.areas if a.operator_type == OperatorType.TENNET]
    assert len(rnb) >= 40
    assert len(tennet) == 12
    for area in rnb:
        regional = {grid_key(o) for o in geo.REGIONAL_OPERATORS[area.province_code]}
        assert set(area.operator_keys) <= regional
        assert area.bbox_west < area.bbox_east
        assert area.bbox_south < area.bbox_north
        assert area.existing_capacity_withdrawal_mw > 0
    per_province = Counter(a.province_code for a in rnb)
    assert min(per_province.values()) >= 2
    assert per_province[GELDERLAND] >= 5
    assert {o for a in rnb for o in a.operator_keys} >= {grid_key(n) for n in ("Enexis", "Liander", "Stedin")}
    rnb_ends = [a.congestion_end_withdrawal_rnb for a in rnb if a.congestion_end_withdrawal_rnb]
    assert sum(2026 <= y <= 2031 for y in rnb_ends) / len(rnb_ends) >= 0.7
    assert all(
        (a.congestion_end_withdrawal_rnb is not None)
        == (a.status_withdrawal >= CongestionColour.INVESTIGATION)
        for a in rnb
    )
    assert all(
        a.queue_withdrawal_mw > 0 and a.queue_requests_withdrawal > 0 for a in rnb if a.status_withdrawal >= 2
    )
    tennet_ends = [
        a.congestion_end_withdrawal_tennet for a in dataset.areas if a.congestion_end_withdrawal_tennet
    ]
    assert sum(2034 <= y <= 2036 for y in tennet_ends) / len(tennet_ends) >= 0.6
    statuses = [a.tennet_status_withdrawal for a in dataset.areas]
    assert statuses.count(CongestionColour.SHORTAGE) / len(statuses) > 0.5


def test_grid_projects(dataset):
    by_area = Counter(p.area_code for p in dataset.projects)
    assert set(by_area) == {a.code for a in dataset.areas}
    assert all(2026 <= p.completion_year <= 2037 for p in dataset.projects)
    assert all(p.added_capacity_mw > 0 for p in dataset.projects)
    keys = [(p.area_code, p.name, p.operator_name) for p in dataset.projects]
    assert len(keys) == len(set(keys))
    assert {p.operator_type for p in dataset.projects} == {OperatorType.RNB, OperatorType.TENNET}
    assert len({p.certainty for p in dataset.projects}) >= 2


def test_scale_multiplies_everything(geography, dataset):
    # when
    double = generate(seed=1, scale=2, geography=geography)
    # then
    assert len(double.locations) == 2 * len(dataset.locations)
    assert len(double.areas) == 2 * len(dataset.areas)
    companies = sum(o.kind == OrganisationKind.COMPANY for o in dataset.organisations)
    assert (
        1.7 * companies
        <= sum(o.kind == OrganisationKind.COMPANY for o in double.organisations)
        <= 2.3 * companies
    )
    assert double.summary()["cluster6_ets_mt_2024"] == pytest.approx(9.4, abs=0.1)
    assert 12 <= double.summary()["cluster6_ets_median_kt_2024"] <= 18
    assert len({loc.ets_installation_id for loc in double.locations if loc.is_ets}) == sum(
        loc.is_ets for loc in double.locations
    )
    assert len({a.code for a in double.areas}) == len(double.areas)


def test_geography_from_the_database_uses_stored_polygons(db, cluster_list):
    # given: Zevenaar stored with a (square) polygon, and nothing else
    zevenaar = next(m for m in geo.MUNICIPALITIES if m.code == "GM0299")
    square = [
        [zevenaar.lon - 0.05, zevenaar.lat - 0.03],
        [zevenaar.lon + 0.05, zevenaar.lat - 0.03],
        [zevenaar.lon + 0.05, zevenaar.lat + 0.03],
        [zevenaar.lon - 0.05, zevenaar.lat + 0.03],
        [zevenaar.lon - 0.05, zevenaar.lat - 0.03],
    ]
    gelderland = Province.objects.create(code=GELDERLAND, name="Gelderland")
    MunicipalityFactory(
        code="GM0299",
        name="Zevenaar",
        province=gelderland,
        geometry={"type": "Polygon", "coordinates": [square]},
    )
    # when
    geography = geography_ensure()
    ds = generate(seed=1, scale=1, geography=geography)
    # then: the stored rows are used, the missing provinces and built-in municipalities are added
    assert Province.objects.count() == 12
    assert Municipality.objects.count() == len(geo.MUNICIPALITIES)
    in_zevenaar = [loc for loc in ds.locations if loc.municipality_code == "GM0299"]
    assert in_zevenaar
    for loc in in_zevenaar:
        assert zevenaar.lon - 0.05 <= loc.longitude <= zevenaar.lon + 0.05
        assert zevenaar.lat - 0.03 <= loc.latitude <= zevenaar.lat + 0.03


# ---------------------------------------------------------------------------------------------- loader


@pytest.mark.django_db
def test_loader_writes_the_data_set_marked_synthetic(dataset):
    # when
    result = demo_load(seed=1, scale=1)
    # then: the same data set as the pure generator's (same built-in geography)
    assert result.summary == dataset.summary()
    locations = ProductionLocation.objects.all()
    assert locations.count() == len(dataset.locations)
    assert not locations.exclude(origin=DataOrigin.DEMO).exists()
    assert EmissionRecord.objects.count() == sum(len(loc.emissions) for loc in dataset.locations)
    assert not EmissionRecord.objects.exclude(source=EmissionSource.DEMO).exists()
    assert GridServiceArea.objects.filter(is_synthetic=True).count() == len(dataset.areas)
    assert GridProject.objects.filter(is_synthetic=True).count() == len(dataset.projects)
    assert BusinessPark.objects.count() == len(dataset.business_parks)
    assert Organisation.objects.filter(kind=OrganisationKind.COMPANY, origin=DataOrigin.DEMO).count() == sum(
        o.kind == OrganisationKind.COMPANY for o in dataset.organisations
    )
    # derived columns computed by the database agree with the generator
    assert locations.filter(cluster=CLUSTER6).count() == len(cluster6(dataset))
    assert locations.filter(in_lces_scope=True).count() == sum(loc.in_lces_scope for loc in dataset.locations)
    total = sum(
        EmissionRecord.objects.filter(
            year=2024, location__cluster=CLUSTER6, location__is_ets=True
        ).values_list("tco2e", flat=True)
    )
    assert 4.5e6 <= total <= 4.9e6
    # every location in its province, municipality and a service area whose bbox contains it
    assert not locations.filter(province__isnull=True).exists()
    assert not locations.filter(municipality__isnull=True).exists()
    assert not locations.exclude(municipality__province=F("province")).exists()
    inside = locations.filter(
        longitude__gte=F("grid_service_area__bbox_west"),
        longitude__lte=F("grid_service_area__bbox_east"),
        latitude__gte=F("grid_service_area__bbox_south"),
        latitude__lte=F("grid_service_area__bbox_north"),
        grid_service_area__operators=F("grid_operator"),
    )
    assert inside.count() == locations.count()
    liander = Organisation.objects.get(kind=OrganisationKind.GRID_OPERATOR, name="Liander")
    assert liander.service_areas.filter(province__code=GELDERLAND).exists()
    event = AuditEvent.objects.get(verb="demo.loaded")
    assert event.actor is None
    assert event.changes["summary"]["locations"] == len(dataset.locations)


@pytest.mark.django_db
def test_load_refuses_when_demo_data_exists_and_reset_replaces_it():
    # given: demo data, and a real location of a real company
    demo_load(seed=1, scale=1)
    gelderland = Province.objects.get(code=GELDERLAND)
    real = ProductionLocationFactory(
        name="Echte locatie",
        operator=OrganisationFactory(name="Echt bedrijf"),
        province=gelderland,
        municipality=gelderland.municipalities.first(),
    )
    before = ProductionLocation.objects.filter(origin=DataOrigin.DEMO).count()
    # when / then: no second load without --reset
    with pytest.raises(DemoDataExistsError):
        demo_load(seed=1, scale=1)
    assert ProductionLocation.objects.filter(origin=DataOrigin.DEMO).count() == before
    # when: reset with another seed
    result = demo_load(seed=2, scale=1, reset=True)
    # then: replaced, not duplicated; the real data and the institutions are untouched
    assert result.deleted["locations"] == before
    assert ProductionLocation.objects.filter(origin=DataOrigin.DEMO).count() == before
    assert ProductionLocation.objects.filter(pk=real.pk).exists()
    assert GridServiceArea.objects.count() == result.summary["grid_service_areas"]
    assert BusinessPark.objects.count() == result.summary["business_parks"]
    assert Organisation.objects.filter(kind=OrganisationKind.GRID_OPERATOR, name="Liander").count() == 1
    assert Organisation.objects.filter(kind=OrganisationKind.PROVINCE).count() == 12
    assert EmissionRecord.objects.count() == result.summary["emission_records"]


@pytest.mark.django_db
def test_demo_command_scale_and_reset():
    # when
    out = StringIO()
    call_command("demo", "--seed", "1", "--scale", "2", stdout=out)
    # then
    assert ProductionLocation.objects.count() == 1000
    assert "schaal 2" in out.getvalue()
    assert "9.4 Mt (2024)" in out.getvalue()
    # when: again without --reset
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--seed", "1", "--scale", "1", stdout=StringIO())
    # when: with --reset at scale 1
    call_command("demo", "--seed", "1", "--scale", "1", "--reset", stdout=StringIO())
    # then
    assert ProductionLocation.objects.count() == 500
    assert GridServiceArea.objects.count() == 69


# ------------------------------------------------------------------------------------------ setup_demo


@pytest.mark.django_db
def test_setup_demo_refuses_without_debug():
    # given: the test settings run with DEBUG off
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("setup_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not ProductionLocation.objects.exists()


@pytest.mark.django_db
def test_setup_demo_loads_the_demo_and_is_idempotent():
    # when
    first = StringIO()
    call_command("setup_demo", "--force", stdout=first)
    users, memberships = User.objects.count(), Membership.objects.count()
    events = AuditEvent.objects.count()
    second = StringIO()
    call_command("setup_demo", "--force", stdout=second)
    # then: the demo was loaded once, the second run creates nothing and prints the same table
    assert ProductionLocation.objects.filter(origin=DataOrigin.DEMO).count() == 500
    assert (users, memberships) == (len(Role), len(Role))
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == (
        users,
        memberships,
        events,
    )
    table = first.getvalue()[first.getvalue().index("Demo-accounts") :]
    assert table == second.getvalue()[second.getvalue().index("Demo-accounts") :]
    assert "http://127.0.0.1:8000" in table
    assert "DEBUG" in table
    for role in Role:
        assert f"demo-{role}" in table
        assert demo_password(role) in table


@pytest.mark.django_db
def test_setup_demo_accounts_have_the_right_memberships_and_see_the_right_locations():
    # given
    call_command("setup_demo", "--force", stdout=StringIO())
    all_locations = ProductionLocation.objects.count()

    def user(role: Role) -> User:
        u = User.objects.get(username=f"demo-{role}")
        assert u.check_password(demo_password(role))
        assert [m.role for m in u.active_memberships] == [role]
        return u

    def visible(u: User):
        return visible_to(u, ProductionLocation.objects.all())

    # then
    ministerie = user(Role.MINISTERIE)
    assert ministerie.is_staff
    assert not ministerie.is_superuser
    assert ministerie.active_memberships[0].organisation.kind == OrganisationKind.MINISTRY
    assert visible(ministerie).count() == all_locations
    assert not user(Role.RVO).is_staff
    assert visible(user(Role.RVO)).count() == all_locations
    for role in (Role.CLUSTERREGISSEUR, Role.REGIOMANAGER):
        u = user(role)
        assert u.active_memberships[0].organisation.kind == OrganisationKind.FOUNDATION
        assert visible(u).count() == ProductionLocation.objects.filter(cluster=CLUSTER6).count()
    provincie = user(Role.PROVINCIE)
    assert provincie.active_memberships[0].organisation.province.code == GELDERLAND
    assert set(visible(provincie).values_list("province__code", flat=True)) == {GELDERLAND}
    netbeheerder = user(Role.NETBEHEERDER)
    liander = netbeheerder.active_memberships[0].organisation
    assert (liander.kind, liander.name) == (OrganisationKind.GRID_OPERATOR, "Liander")
    seen = visible(netbeheerder)
    assert 0 < seen.count() < all_locations
    assert not seen.exclude(grid_service_area__operators=liander).exists()
    bedrijf = user(Role.BEDRIJF)
    company = bedrijf.active_memberships[0].organisation
    assert company.kind == OrganisationKind.COMPANY
    assert company.origin == DataOrigin.DEMO
    own = visible(bedrijf)
    assert own.filter(province__code=GELDERLAND, cluster=CLUSTER6).count() >= 2
    assert set(own.values_list("operator_id", flat=True)) <= {
        company.pk,
        *company.subsidiaries.values_list("pk", flat=True),
    }


@pytest.mark.django_db
def test_setup_demo_keeps_existing_data():
    # given: a database that already has a (real) production location, in Groningen
    groningen = Province.objects.create(code="PV20", name="Groningen")
    real = ProductionLocationFactory(name="Echte locatie", province=groningen)
    # when
    out = StringIO()
    call_command("setup_demo", "--force", stdout=out)
    # then: no demo data, but the accounts (except the company account, for want of a company in Gelderland)
    assert list(ProductionLocation.objects.values_list("pk", flat=True)) == [real.pk]
    assert not GridServiceArea.objects.exists()
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == {f"demo-{role}" for role in Role if role != Role.BEDRIJF}
