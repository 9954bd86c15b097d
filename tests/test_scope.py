"""The cluster-6 scope as the programme counts it (docs/scope.md): the rules by hand, offshore at sea, the
manual override, the figure on the real EUTL file, and the scope page per role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.registry.constants import Cluster, EmissionSource, ScopeArea, ScopeOutcome, Sector
from cluster6.registry.models import ClusterMunicipality, ProductionLocation, ScopeRule
from cluster6.registry.scope import ScopeFacts, ScopeRules, is_offshore_installation
from cluster6.registry.selectors import emission_totals, scope_review
from cluster6.registry.services import location_override_cluster, locations_derive_clusters
from tests.factories import (
    EmissionRecordFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    UserFactory,
    user_with_role,
)
from tests.test_import_ets import write_csv

pytestmark = pytest.mark.django_db


def rule(position: int) -> ScopeRule:
    return ScopeRule.objects.get(position=position)


def decide(**facts: object) -> tuple[int, int | None]:
    """The seeded rules' decision for one location: (cluster, deciding rule's position)."""
    defaults: dict[str, object] = {"geographic_cluster": 6, "is_offshore": False, "sector": Sector.FOOD}
    decision = ScopeRules.from_db().decide(ScopeFacts(**{**defaults, **facts}))  # type: ignore[arg-type]
    position = ScopeRule.objects.get(pk=decision.rule_id).position if decision.rule_id else None
    return decision.cluster, position


# -- each seeded rule, by hand ---------------------------------------------------------------------------


def test_the_seeded_rules_are_the_versioned_data_file():
    # the migration seeded registry/data/scope_rules_v1.json, in order
    positions = list(ScopeRule.objects.values_list("position", flat=True))
    assert positions == [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert rule(50).outcome == ScopeOutcome.OUTSIDE
    assert rule(50).sectors == ["energie"]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # 5: Noordgastransport, placed at sea, counts in cluster 6 (not cluster 1, Het Hogeland)
        ({"ets_installation_id": "NL_205346", "is_offshore": True, "sector": Sector.OIL_GAS}, (6, 5)),
        # 10: any other platform at sea
        ({"is_offshore": True, "sector": Sector.OIL_GAS, "nace_code": "06.20"}, (6, 10)),
        # 20: a brickworks in Beek lies off the Chemelot site: cluster 6, by the borderline rule ...
        ({"geographic_cluster": 5, "municipality_code": "GM0888", "sector": Sector.CERAMICS}, (6, 20)),
        # ... and a chemical plant in Stein is Chemelot: cluster 5 by the list (rule 30)
        ({"geographic_cluster": 5, "municipality_code": "GM0971", "sector": Sector.CHEMICALS}, (5, 30)),
        # 30: a power plant in Rotterdam is cluster 3: geography comes before sector
        ({"geographic_cluster": 3, "municipality_code": "GM0599", "sector": Sector.ENERGY}, (3, 30)),
        # 40: A-ware Heerenveen
        ({"ets_installation_id": "NL_206980", "sector": Sector.FOOD}, (6, 40)),
        # 50: a power plant outside the five clusters counts nowhere
        ({"sector": Sector.ENERGY, "nace_code": "35.11"}, (Cluster.OUTSIDE, 50)),
        # 60: waste incineration outside the clusters
        ({"sector": Sector.WASTE}, (6, 60)),
        # 70: industry outside the clusters
        ({"sector": Sector.CERAMICS, "activity_code": 32}, (6, 70)),
        # 80: a data centre
        ({"sector": Sector.ICT}, (6, 80)),
        # 90: a Gasunie compressor station on land
        ({"sector": Sector.OIL_GAS, "nace_code": "06.20"}, (Cluster.OUTSIDE, 90)),
        # 100: a hospital
        ({"sector": Sector.NON_INDUSTRIAL, "nace_code": "86.10"}, (Cluster.OUTSIDE, 100)),
    ],
)
def test_each_seeded_rule_decides_its_case(facts, expected):
    assert decide(**facts) == expected


def test_no_matching_rule_is_outside_and_no_rules_at_all_is_the_municipality():
    # given only the industry rule
    ScopeRule.objects.exclude(position=70).delete()
    # then a hospital matches nothing: outside the clusters, decided by no rule
    assert decide(sector=Sector.NON_INDUSTRIAL) == (Cluster.OUTSIDE, None)
    # and with no rules at all the municipality alone decides, as before the rules existed
    ScopeRule.objects.all().delete()
    assert decide(sector=Sector.ENERGY, geographic_cluster=6) == (6, None)
    assert decide(sector=Sector.ENERGY, geographic_cluster=2) == (2, None)


def test_criteria_combine_and_inactive_rules_are_skipped():
    # given a rule before all others: combustion (activity 20) with NACE 10.51 in Heerenveen is outside
    ScopeRule.objects.create(
        position=1,
        name="Proef",
        explanation="proef",
        area=ScopeArea.ELSEWHERE,
        activity_codes=[20],
        nace_prefixes=["10.5"],
        municipality_codes=["GM0074"],
        outcome=ScopeOutcome.OUTSIDE,
    )
    site = {"sector": Sector.FOOD, "activity_code": 20, "nace_code": "10.51", "municipality_code": "GM0074"}
    assert decide(**site) == (Cluster.OUTSIDE, 1)
    # every criterion must match: another activity, NACE or municipality falls through to industry
    assert decide(**{**site, "activity_code": 1}) == (6, 70)
    assert decide(**{**site, "nace_code": "10.89"}) == (6, 70)
    assert decide(**{**site, "municipality_code": "GM0080"}) == (6, 70)
    # "elsewhere" is onshore outside the cluster municipalities
    assert decide(**{**site, "is_offshore": True}) == (6, 10)
    # an inactive rule does nothing
    ScopeRule.objects.filter(position=1).update(is_active=False)
    assert decide(**site) == (6, 70)


def test_a_rule_with_bad_lists_is_refused():
    bad = ScopeRule(position=3, name="x", explanation="x", outcome=ScopeOutcome.CLUSTER6, sectors=["staal"])
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert "sectors" in err.value.message_dict
    bad.sectors, bad.activity_codes = [], ["20"]
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert "activity_codes" in err.value.message_dict


# -- offshore -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "nace", "flagged", "expected"),
    [
        ("NAM B.V. locatie K14-FA-1C/P", "06.20", None, True),  # a North Sea block
        ("A12/CPP Petrogas E&P Netherlands B.V.", "06.10", None, True),
        ("Total offshore platform F15A", "06.20", None, True),  # the words
        ("Dana Petroleum Netherlands B.V. facility P11-B-De Ruyter", "06.10", None, True),
        ("Noordgastransport B.V.", "06.20", True, True),  # only the file's flag says so
        ("Noordgastransport B.V.", "06.20", False, False),
        ("NAM B.V. Grijpskerk USG", "06.20", None, False),  # onshore: a place, not a block
        ("Nederlandse Gasunie CS Wieringermeer N.V.", "06.20", None, False),
        ("Eneco Centrale Merwedekanaal", "35.11", None, False),  # not NACE 06
    ],
)
def test_offshore_is_recognised_by_flag_or_by_nace_and_name(name, nace, flagged, expected):
    assert is_offshore_installation(name, nace, flagged=flagged) is expected


def test_an_offshore_installation_is_placed_at_sea_not_at_its_office(run_import, tmp_path):
    # given The Hague as a municipality outside the clusters (the operators' offices are there)
    zh = ProvinceFactory(code="PV28", name="Zuid-Holland")
    MunicipalityFactory(code="GM0518", name="'s-Gravenhage", province=zh)
    path = write_csv(
        tmp_path,
        # a platform flagged offshore, one recognised by its block name only, a power plant, a brickworks
        "NL_1,NL-1,Platform J6-A,Spirit Energy,,111,open,0,20,06.20,52.08,4.30,1,GM0518,PV28,,60000\n"
        "NL_2,NL-2,TAQA Offshore P15-C,TAQA,,222,open,0,20,06.20,52.08,4.30,0,GM0518,PV28,,40000\n"
        "NL_3,NL-3,Centrale Den Haag,Uniper,,333,open,0,20,35.11,52.08,4.30,0,GM0518,PV28,,134000\n"
        "NL_4,NL-4,Steenfabriek,Wienerberger,,444,open,0,32,23.32,52.08,4.30,0,GM0518,PV28,,9000\n",
    )

    report = run_import("ets", path)

    assert report["status"] == "applied"
    assert report["details"]["placement"] == {"op zee (offshore)": 2, "op gemeentecode uit bestand": 2}
    locs = {loc.ets_installation_id: loc for loc in ProductionLocation.objects.all()}
    for key in ("NL_1", "NL_2"):
        at_sea = locs[key]
        assert at_sea.is_offshore
        assert (at_sea.province_id, at_sea.municipality_id, at_sea.grid_service_area_id) == (None, None, None)
        assert (at_sea.latitude, at_sea.longitude) == (None, None)  # the office's coordinates are dropped
        assert (at_sea.cluster, at_sea.scope_rule.position) == (6, 10)
    assert (locs["NL_3"].cluster, locs["NL_3"].scope_rule.position) == (Cluster.OUTSIDE, 50)
    assert (locs["NL_4"].cluster, locs["NL_4"].scope_rule.position) == (6, 70)
    assert locs["NL_4"].municipality.code == "GM0518"

    # and a second run changes nothing
    again = run_import("ets", path)
    assert (again["created"], again["updated"]) == (0, 0)


# -- re-deriving and the manual override ------------------------------------------------------------------


def test_changing_a_rule_and_reapplying_moves_locations():
    plant = ProductionLocationFactory(sector=Sector.ENERGY, nace_code="35.11")
    brick = ProductionLocationFactory(sector=Sector.CERAMICS)
    assert locations_derive_clusters(actor=None) == 2
    plant.refresh_from_db()
    brick.refresh_from_db()
    assert (plant.cluster, plant.scope_rule.position) == (Cluster.OUTSIDE, 50)
    assert (brick.cluster, brick.scope_rule.position) == (6, 70)

    # when the programme decides to count power plants after all (in the admin) and re-applies
    ScopeRule.objects.filter(position=50).update(outcome=ScopeOutcome.CLUSTER6)
    assert locations_derive_clusters(actor=None) == 1
    plant.refresh_from_db()
    assert plant.cluster == 6

    # and moving a municipality onto the cluster list puts the brickworks in that cluster
    ClusterMunicipality.objects.create(
        cluster=5, municipality_code=brick.municipality.code, municipality_name="X"
    )
    locations_derive_clusters(actor=None)
    brick.refresh_from_db()
    assert (brick.cluster, brick.scope_rule.position) == (5, 30)


def test_the_manual_override_goes_before_the_rules_and_needs_a_reason():
    admin = UserFactory(is_superuser=True)
    plant = ProductionLocationFactory(sector=Sector.ENERGY, nace_code="35.11")
    locations_derive_clusters(actor=None)
    plant.refresh_from_db()
    assert plant.cluster == Cluster.OUTSIDE

    # a reason is required
    with pytest.raises(ValidationError):
        location_override_cluster(location=plant, cluster=6, reason=" ", actor=admin)

    # with a reason the location counts in cluster 6, whatever the rules say, also after re-deriving
    location_override_cluster(
        location=plant, cluster=6, reason="WKK van de papierfabriek ernaast", actor=admin
    )
    locations_derive_clusters(actor=None)
    plant.refresh_from_db()
    assert (plant.cluster, plant.cluster_derived, plant.scope_rule.position) == (6, 0, 50)

    # and an override can take a location out of every cluster too
    brick = ProductionLocationFactory(sector=Sector.CERAMICS)
    location_override_cluster(location=brick, cluster=0, reason="Gesloten in 2023", actor=admin)
    assert brick.cluster == Cluster.OUTSIDE


# -- the page, role by role --------------------------------------------------------------------------------


@pytest.fixture
def scope_world():
    """A brickworks (industry), a power plant (energy, borderline), a hospital (outside, not borderline)
    and a brickworks with a manual cluster, each with 2022 emissions."""
    locs = {
        "brick": ProductionLocationFactory(name="Steenfabriek", sector=Sector.CERAMICS),
        "plant": ProductionLocationFactory(name="Centrale Lage Weide", sector=Sector.ENERGY),
        "hospital": ProductionLocationFactory(name="Ziekenhuis", sector=Sector.NON_INDUSTRIAL),
        "moved": ProductionLocationFactory(name="Dakpannenfabriek", sector=Sector.CERAMICS),
    }
    for i, loc in enumerate(locs.values()):
        EmissionRecordFactory(location=loc, year=2022, tco2e=10_000 * (i + 1), source=EmissionSource.EU_ETS)
    locations_derive_clusters(actor=None)
    location_override_cluster(
        location=locs["moved"],
        cluster=3,
        reason="Ligt op het Moerdijkse terrein",
        actor=UserFactory(is_superuser=True),
    )
    return locs


@pytest.mark.parametrize("role", [Role.MINISTERIE, Role.RVO, Role.CLUSTERREGISSEUR, Role.REGIOMANAGER])
def test_the_programme_roles_see_the_scope_page(client, scope_world, role):
    client.force_login(user_with_role(role))

    response = client.get(reverse("scope"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Afbakening cluster 6" in html
    # the figure: the brickworks only (the moved one is cluster 3 now), 10,000 t
    review = response.context["review"]
    assert (review.year, review.cluster6_locations, review.cluster6_tco2e) == (2022, 1, 10_000)
    # the borderline sites with the rule that decided each: the power plant (rule 50), the override
    names = {site.location.name: site for site in review.borderline}
    assert set(names) == {"Centrale Lage Weide", "Dakpannenfabriek"}
    assert names["Centrale Lage Weide"].rule.position == 50
    assert "Energiesector: centrales en warmtebedrijven" in html
    assert names["Dakpannenfabriek"].overridden
    assert "Ligt op het Moerdijkse terrein" in html
    # and the rule table counts per rule
    per_rule = {row.rule.position if row.rule else None: (row.locations, row.tco2e) for row in review.rules}
    assert per_rule[70] == (2, 10_000 + 40_000)
    assert per_rule[50] == (1, 20_000)
    assert per_rule[100] == (1, 30_000)


@pytest.mark.parametrize("role", [Role.PROVINCIE, Role.NETBEHEERDER, Role.BEDRIJF])
def test_other_roles_get_403_on_the_scope_page(client, scope_world, role):
    client.force_login(user_with_role(role, OrganisationFactory()))
    assert client.get(reverse("scope")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("scope"))
    assert response.status_code == 302


def test_the_home_page_links_the_scope_page_for_the_programme_only(client, scope_world):
    client.force_login(user_with_role(Role.CLUSTERREGISSEUR))
    assert reverse("scope") in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role(Role.BEDRIJF, OrganisationFactory()))
    assert reverse("scope") not in client.get(reverse("home")).content.decode()


# -- the real file -------------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_real_file_lands_in_the_public_range(run_import, boundaries_files, shared_data):
    # given the CBS boundaries and the EUTL file of 2005-2022
    assert run_import("boundaries", *boundaries_files)["status"] == "applied"
    assert (
        run_import("ets", shared_data / "ets" / "nl_ets_installations_2005_2022.csv")["status"] == "applied"
    )
    national = UserFactory(is_superuser=True)

    # then the programme's cluster 6 in 2022 lies in the public range (Action Plan: ~170, 4.7 Mt in 2024)
    n, total = emission_totals(actor=national, years=[2022], location_filter=Q(cluster=6, is_ets=True))[2022]
    assert 150 <= n <= 190
    assert 4.0e6 <= total <= 5.5e6
    assert (n, round(total / 1e6, 2)) == (173, 5.17)  # the figure on the scope page (docs/scope.md)
    review = scope_review(actor=national)
    assert (review.year, review.cluster6_locations, review.cluster6_tco2e) == (2022, n, total)

    # the 31 offshore installations (15 reporting in 2022) at sea, in cluster 6
    offshore = ProductionLocation.objects.filter(is_offshore=True)
    assert offshore.count() == 31
    assert not offshore.filter(Q(province__isnull=False) | Q(municipality__isnull=False)).exists()
    assert not offshore.filter(grid_service_area__isnull=False).exists()
    assert set(offshore.values_list("cluster", flat=True)) == {6}

    # the borderline sites, each with the rule that decided it
    by_id = {s.location.ets_installation_id: s for s in review.borderline}
    assert by_id["NL_205346"].rule.position == 5  # Noordgastransport: at sea, not in Het Hogeland
    assert by_id["NL_205346"].location.municipality is None
    assert by_id["NL_206980"].rule.position == 40  # A-ware Heerenveen
    assert by_id["NL_206980"].location.cluster == 6
    energy = [s for s in review.borderline if s.rule.position == 50]
    assert len([s for s in energy if s.tco2e]) == 28  # the 28 energy sites of SOURCES.md
    assert all(s.location.cluster == Cluster.OUTSIDE for s in energy)
    # power plants inside the five clusters keep their cluster (geography first)
    eemshaven = ProductionLocation.objects.get(ets_installation_id="NL_205957")
    assert (eemshaven.cluster, eemshaven.scope_rule.position) == (1, 30)
    # Beek and Stein: the brickworks and the asphalt plant off the Chemelot site count in cluster 6
    assert by_id["NL_218"].rule.position == 20
    assert by_id["NL_218"].location.cluster == 6
    assert by_id["NL_205647"].rule.position == 20
    assert by_id["NL_205647"].location.cluster == 6
    # the Chemelot site itself stays in cluster 5
    chemelot = ProductionLocation.objects.get(ets_installation_id="NL_107")
    assert (chemelot.cluster, chemelot.scope_rule.position) == (5, 30)


def test_the_ministry_edits_and_applies_the_rules_in_the_admin(client):
    # given a power plant outside the clusters, derived as outside
    plant = ProductionLocationFactory(sector=Sector.ENERGY)
    locations_derive_clusters(actor=None)
    client.force_login(user_with_role(Role.MINISTERIE, is_staff=True))
    changelist = reverse("admin:registry_scoperule_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:registry_scoperule_change", args=[rule(50).pk])).status_code == 200

    # when the energy rule is switched off and the rules are applied again
    ScopeRule.objects.filter(position=50).update(is_active=False)
    response = client.post(
        changelist, {"action": "apply_rules", "_selected_action": [rule(50).pk]}, follow=True
    )

    # then the plant falls through to no rule: still outside, but no longer by rule 50
    assert response.status_code == 200
    plant.refresh_from_db()
    assert (plant.cluster, plant.scope_rule) == (Cluster.OUTSIDE, None)


def test_the_deciding_rule_is_on_the_location_page_and_in_the_api(client):
    # given a power plant that the rules leave outside cluster 6 (rule 50)
    plant = ProductionLocationFactory(sector=Sector.ENERGY, nace_code="35.11")
    locations_derive_clusters(actor=None)
    name = rule(50).name
    client.force_login(user_with_role(Role.MINISTERIE))
    # then its page names the rule that decided
    page = client.get(reverse("location_detail", args=[plant.pk]))
    assert page.status_code == 200
    assert f"beslist door de regel '{name}'" in page.content.decode()
    # and so does the API, on the location and in the list
    api = client.get(f"/api/locations/{plant.pk}/").json()
    assert (api["cluster_derived"], api["scope_rule"]) == (Cluster.OUTSIDE, name)
    listed = client.get("/api/locations/", {"cluster": 0}).json()
    assert {r["id"]: r["scope_rule"] for r in listed["results"]}[plant.pk] == name
