"""The registry pages with the Django test client, role by role: home, location list, location page with
its cluster override, and the map with its GeoJSON endpoints."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent
from cluster6.registry.constants import DataOrigin, EmissionSource, Sector
from cluster6.registry.models import ProductionLocation
from tests.factories import (
    EmissionRecordFactory,
    GridOperatorFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    ProvinceOrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 51.8], [6.5, 51.8], [6.5, 52.5], [5.0, 52.5], [5.0, 51.8]]],
}


@pytest.fixture
def world():
    """Gelderland and Noord-Brabant; a company group with a location in each; locations in cluster 6
    and cluster 3; emissions for 2021 and 2022."""
    gelderland = ProvinceFactory(code="PV25", name="Gelderland", geometry=SQUARE)
    brabant = ProvinceFactory(code="PV30", name="Noord-Brabant")
    liander = GridOperatorFactory(name="Liander")
    area = GridServiceAreaFactory(
        code="ZLL",
        name="Zaltbommel",
        operators=[liander],
        status_withdrawal=3,
        queue_withdrawal_mw=42.5,
        queue_requests_withdrawal=17,
        congestion_end_withdrawal_rnb=2031,
    )
    group = OrganisationFactory(name="Steenfabriek Groep", kvk_number="12345678")
    other = OrganisationFactory(name="Ander Bedrijf")
    locs = {
        "brick": ProductionLocationFactory(
            name="Steenfabriek Zaltbommel",
            operator=group,
            province=gelderland,
            city="Zaltbommel",
            sector=Sector.CERAMICS,
            ets_installation_id="NL_999",
            nea_permit_id="NL-200-1",
            nace_code="23.32",
            gas_use_m3=5_000_000,
            grid_operator=liander,
            grid_service_area=area,
            latitude=51.81,
            longitude=5.25,
        ),
        "dairy": ProductionLocationFactory(
            name="Zuivel Apeldoorn", operator=other, province=gelderland, sector=Sector.FOOD, is_ets=False
        ),
        "paper": ProductionLocationFactory(
            name="Papier Eindhoven", operator=group, province=brabant, sector=Sector.PAPER
        ),
        "chem3": ProductionLocationFactory(
            name="Chemie Moerdijk",
            operator=other,
            province=brabant,
            sector=Sector.CHEMICALS,
            cluster_derived=3,
        ),
    }
    for key, year, tco2e in [
        ("brick", 2021, 40_000),
        ("brick", 2022, 35_000),
        ("dairy", 2022, 12_000),
        ("paper", 2022, 90_000),
        ("chem3", 2022, 800_000),
    ]:
        EmissionRecordFactory(location=locs[key], year=year, tco2e=tco2e, source=EmissionSource.EU_ETS)
    return {"gelderland": gelderland, "brabant": brabant, "group": group, "area": area, "locs": locs}


@pytest.fixture
def province_user(world):
    return user_with_role(Role.PROVINCIE, ProvinceOrganisationFactory(province=world["gelderland"]))


def login(client, user):
    client.force_login(user)
    return client


def names_in(html: str) -> set[str]:
    return set(re.findall(r'class="strong" href="/locaties/\d+/">([^<]+)</a>', html))


# --- Login, home and navigation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/locaties/", "/locaties/1/", "/kaart/", "/kaart/locaties.geojson", "/infra/netgebieden/"],
)
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_and_login_lead_to_the_home_page(client, province_user):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert "Gebruikersnaam" in page.text
    assert "Wachtwoord" in page.text

    response = client.post(
        reverse("accounts:login"), {"username": province_user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    home = client.get(reverse("home"))
    assert "U ziet de productielocaties in de provincie Gelderland." in home.text


def test_login_with_a_wrong_password_shows_a_dutch_error(client, province_user):
    response = client.post(reverse("accounts:login"), {"username": province_user.username, "password": "nee"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.text


def test_logout_is_a_post_and_ends_the_session(client, province_user):
    login(client, province_user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_shows_the_overview_of_what_the_province_may_see(client, world, province_user):
    # given: two Gelderland locations, one of them ETS (35 kt in 2022); Brabant's are invisible
    response = login(client, province_user).get(reverse("home"))

    # then: counts and the cluster-6 ETS emissions of the latest year, in Dutch notation
    stats = re.findall(r'class="stat__value">([^<]+)<', response.text)
    assert stats[:3] == ["2", "2", "1"]
    assert "0,04" in response.text  # 35,000 t = 0,04 Mton
    assert "uitstoot van 1 ETS-locatie in cluster 6 in 2022" in response.text


@pytest.mark.parametrize(
    ("role", "import_link", "admin_link"),
    [
        (Role.MINISTERIE, True, True),
        (Role.RVO, True, False),
        (Role.CLUSTERREGISSEUR, True, False),
        (Role.PROVINCIE, False, False),
        (Role.NETBEHEERDER, False, False),
        (Role.BEDRIJF, False, False),
    ],
)
def test_navigation_follows_the_role(client, world, role, import_link, admin_link):
    response = login(client, user_with_role(role)).get(reverse("home"))
    nav = response.text.split('class="main-nav"')[1].split("</nav>")[0]
    assert ">Locaties<" in nav
    assert ">Kaart<" in nav
    assert ">Netgebieden<" in nav
    assert 'href="/api/docs/"' in nav
    assert (">Import<" in nav) is import_link
    assert ('href="/admin/"' in nav) is admin_link


def test_synthetic_banner_only_when_demo_data_is_present(client, world, province_user):
    login(client, province_user)
    assert "Synthetische demodata" not in client.get(reverse("home")).text

    ProductionLocationFactory(origin=DataOrigin.DEMO)
    assert "Synthetische demodata" in client.get(reverse("home")).text


# --- Location list --------------------------------------------------------------------------------


def test_list_shows_only_the_visible_locations(client, world, province_user):
    response = login(client, province_user).get(reverse("location_list"))
    assert response.status_code == 200
    assert names_in(response.text) == {"Steenfabriek Zaltbommel", "Zuivel Apeldoorn"}
    assert "2 productielocaties gevonden" in response.text


def test_company_sees_its_own_locations_in_every_province(client, world):
    user = user_with_role(Role.BEDRIJF, world["group"])
    response = login(client, user).get(reverse("location_list"))
    assert names_in(response.text) == {"Steenfabriek Zaltbommel", "Papier Eindhoven"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sector": Sector.CERAMICS}, {"Steenfabriek Zaltbommel"}),
        ({"provincie": "PV30"}, {"Papier Eindhoven", "Chemie Moerdijk"}),
        ({"cluster": "3"}, {"Chemie Moerdijk"}),
        ({"cluster": "6", "provincie": "PV30"}, {"Papier Eindhoven"}),
        ({"ets": "nee"}, {"Zuivel Apeldoorn"}),
        ({"lces": "ja"}, {"Steenfabriek Zaltbommel"}),
        ({"q": "papier"}, {"Papier Eindhoven"}),
        ({"q": "NL_999"}, {"Steenfabriek Zaltbommel"}),
    ],
)
def test_list_filters(client, world, query, expected):
    response = login(client, user_with_role(Role.MINISTERIE)).get(reverse("location_list"), query)
    assert names_in(response.text) == expected


def test_list_sorts_by_emissions_and_name(client, world):
    login(client, user_with_role(Role.MINISTERIE))

    def order(sort: str) -> list[str]:
        html = client.get(reverse("location_list"), {"sortering": sort}).text
        return re.findall(r'class="strong" href="/locaties/\d+/">([^<]+)</a>', html)

    assert order("-uitstoot") == [
        "Chemie Moerdijk",
        "Papier Eindhoven",
        "Steenfabriek Zaltbommel",
        "Zuivel Apeldoorn",
    ]
    assert order("uitstoot") == [
        "Zuivel Apeldoorn",
        "Steenfabriek Zaltbommel",
        "Papier Eindhoven",
        "Chemie Moerdijk",
    ]
    assert order("-naam") == [
        "Zuivel Apeldoorn",
        "Steenfabriek Zaltbommel",
        "Papier Eindhoven",
        "Chemie Moerdijk",
    ]
    assert order("provincie")[:2] == ["Steenfabriek Zaltbommel", "Zuivel Apeldoorn"]  # Gelderland first
    assert order("sector")[0] == "Chemie Moerdijk"  # chemie < keramiek < papier < voedingsmiddelen


def test_list_shows_the_emissions_of_the_chosen_year(client, world, province_user):
    login(client, province_user)
    latest = client.get(reverse("location_list"), {"sector": Sector.CERAMICS}).text
    assert "35.000" in latest
    assert "Uitstoot 2022" in latest
    older = client.get(reverse("location_list"), {"sector": Sector.CERAMICS, "jaar": "2021"}).text
    assert "40.000" in older
    assert "Uitstoot 2021" in older


def test_list_paginates_by_fifty(client, world):
    ProductionLocationFactory.create_batch(60, province=world["brabant"], sector=Sector.GLASS)
    login(client, user_with_role(Role.MINISTERIE))

    first = client.get(reverse("location_list"), {"sector": Sector.GLASS})
    second = client.get(reverse("location_list"), {"sector": Sector.GLASS, "pagina": "2"})
    beyond = client.get(reverse("location_list"), {"sector": Sector.GLASS, "pagina": "abc"})

    assert "60 productielocaties gevonden" in first.text
    assert len(names_in(first.text)) == 50
    assert len(names_in(second.text)) == 10
    assert names_in(first.text).isdisjoint(names_in(second.text))
    assert "Pagina 2 van 2" in second.text or 'aria-current="page">2<' in second.text
    assert names_in(beyond.text) == names_in(first.text)  # an invalid page number gives the first page


def test_invalid_filters_give_a_dutch_message_not_an_error(client, world, province_user):
    response = login(client, province_user).get(
        reverse("location_list"),
        {"cluster": "9", "provincie": "Gelderland", "jaar": "twee", "sortering": "x"},
    )
    assert response.status_code == 200
    assert "Niet alle filters konden worden toegepast" in response.text
    assert "Kies een provincie uit de lijst." in response.text
    assert "Geef een jaartal, bijvoorbeeld 2022." in response.text
    assert "Selecteer een geldige keuze" in response.text
    assert names_in(response.text) == {"Steenfabriek Zaltbommel", "Zuivel Apeldoorn"}


def test_htmx_request_gets_only_the_results_fragment(client, world, province_user):
    response = login(client, province_user).get(
        reverse("location_list"),
        {"sector": Sector.FOOD},
        headers={"HX-Request": "true", "HX-Target": "location-results"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="location-filters"' not in response.text
    assert names_in(response.text) == {"Zuivel Apeldoorn"}
    assert 'name="sortering"' in response.text  # the sort order travels with the filter form


def test_list_is_a_plain_get_form_that_works_without_javascript(client, world, province_user):
    html = login(client, province_user).get(reverse("location_list")).text
    form = re.search(r'<form id="location-filters"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert 'action="/locaties/"' in form
    assert 'hx-get="/locaties/"' in form
    assert 'hx-push-url="true"' in form


def test_list_query_count_does_not_grow_with_the_number_of_locations(client, world):
    user = user_with_role(Role.MINISTERIE)
    login(client, user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("location_list")).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for loc in ProductionLocationFactory.create_batch(40, province=world["brabant"]):
        EmissionRecordFactory(location=loc, year=2022)
    many = queries()

    assert few == many
    # session, user, memberships, years, 2 facets, count, page, synthetic-data banner
    assert many <= 10


# --- Location page --------------------------------------------------------------------------------


def test_location_page_shows_the_registry_fields_chart_and_map(client, world, province_user):
    loc = world["locs"]["brick"]
    response = login(client, province_user).get(reverse("location_detail", args=[loc.pk]))
    html = response.text

    assert response.status_code == 200
    for text in [
        "Steenfabriek Zaltbommel",
        "Steenfabriek Groep",
        "12345678",
        "NL_999",
        "NL-200-1",
        "23.32",
        "Keramiek",
        "Liander",
        "Zaltbommel",
        "Tekort, wachtrij",
        "42,5 MW",
        "2031",
        "5.000.000",
        "51,81000",
    ]:
        assert text in html, text
    # the chart: plotly.js from the app itself, the figure with one bar per year
    assert '<script src="/static/vendor/plotly/plotly.min.js">' in html
    assert 'id="emission-chart"' in html
    # drawn by core/js/charts.js from a JSON data block: no inline script (docs/runbook.md, CSP)
    assert '<script src="/static/core/js/charts.js">' in html
    assert '<script id="emission-chart-figure" type="application/json">' in html
    assert "Plotly.newPlot" not in html
    assert "[2021,2022]" in html.replace(" ", "")
    assert "[40000,35000]" in html.replace(" ", "")
    # the map: leaflet from the app itself and the location's coordinates
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in html
    assert '"point": [51.81, 5.25]' in html
    # no asset from anywhere else
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_location_page_is_404_for_an_invisible_location(client, world, province_user):
    login(client, province_user)
    assert client.get(reverse("location_detail", args=[world["locs"]["paper"].pk])).status_code == 404
    assert client.get(reverse("location_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("role", "shown"), [(Role.CLUSTERREGISSEUR, True), (Role.MINISTERIE, True), (Role.BEDRIJF, False)]
)
def test_override_form_is_shown_only_to_those_allowed(client, world, role, shown):
    user = user_with_role(role, world["group"] if role == Role.BEDRIJF else None)
    html = login(client, user).get(reverse("location_detail", args=[world["locs"]["brick"].pk])).text
    assert ("Cluster handmatig aanpassen" in html) is shown


def test_ministry_overrides_the_cluster_with_a_reason(client, world):
    loc = world["locs"]["brick"]
    user = user_with_role(Role.MINISTERIE)
    login(client, user)

    response = client.post(
        reverse("location_cluster_override", args=[loc.pk]), {"cluster": "3", "reason": "Levert aan Moerdijk"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("location_detail", args=[loc.pk])
    loc.refresh_from_db()
    assert (loc.cluster, loc.cluster_override, loc.cluster_override_reason) == (3, 3, "Levert aan Moerdijk")
    event = AuditEvent.objects.get(verb="location.cluster_overridden")
    assert event.actor == user
    assert event.target_id == str(loc.pk)
    page = client.get(response["Location"]).text
    assert "De clusterindeling is opgeslagen." in page
    assert "Levert aan Moerdijk" in page


def test_clusterregisseur_overrides_the_cluster_and_keeps_it_in_cluster_6(client, world):
    loc = world["locs"]["chem3"]  # derived cluster 3: the clusterregisseur cannot see it ...
    user = user_with_role(Role.CLUSTERREGISSEUR)
    login(client, user)
    assert client.get(reverse("location_detail", args=[loc.pk])).status_code == 404
    loc.cluster_override, loc.cluster_override_reason = 6, "Buiten het clustergebied"
    loc.save()  # ... until the ministry places it in cluster 6 by hand

    response = client.post(
        reverse("location_cluster_override", args=[loc.pk]), {"cluster": "6", "reason": "Bevestigd"}
    )

    assert response.status_code == 302
    loc.refresh_from_db()
    assert (loc.cluster, loc.cluster_override_reason) == (6, "Bevestigd")
    assert AuditEvent.objects.get(verb="location.cluster_overridden").actor == user


def test_clusterregisseur_moving_a_location_out_of_cluster_6_returns_to_the_list(client, world):
    loc = world["locs"]["brick"]
    login(client, user_with_role(Role.CLUSTERREGISSEUR))

    response = client.post(
        reverse("location_cluster_override", args=[loc.pk]), {"cluster": "3", "reason": "Levert aan Moerdijk"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("location_list")
    loc.refresh_from_db()
    assert loc.cluster == 3
    assert "valt nu buiten uw overzicht" in client.get(response["Location"]).text


def test_override_without_reason_is_refused_in_dutch(client, world):
    loc = world["locs"]["brick"]
    login(client, user_with_role(Role.CLUSTERREGISSEUR))

    response = client.post(
        reverse("location_cluster_override", args=[loc.pk]), {"cluster": "3", "reason": " "}
    )

    assert response.status_code == 400
    assert "Geef een reden voor de handmatige clusterindeling." in response.text
    loc.refresh_from_db()
    assert loc.cluster_override is None


def test_override_with_htmx_returns_the_cluster_fragment(client, world):
    loc = world["locs"]["brick"]
    login(client, user_with_role(Role.REGIOMANAGER))

    response = client.post(
        reverse("location_cluster_override", args=[loc.pk]),
        {"cluster": "6", "reason": "Bevestigd cluster 6"},
        headers={"HX-Request": "true", "HX-Target": "cluster-section"},
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "De clusterindeling is opgeslagen." in response.text
    loc.refresh_from_db()
    assert (loc.cluster_override, loc.cluster_override_reason) == (6, "Bevestigd cluster 6")


def test_override_can_be_cleared(client, world):
    loc = world["locs"]["brick"]
    loc.cluster_override, loc.cluster_override_reason = 3, "tijdelijk"
    loc.save()
    login(client, user_with_role(Role.MINISTERIE))

    client.post(reverse("location_cluster_override", args=[loc.pk]), {"cluster": "", "reason": ""})

    loc.refresh_from_db()
    assert (loc.cluster_override, loc.cluster, loc.cluster_override_reason) == (None, 6, "")


def test_override_is_403_for_a_company_and_404_for_an_invisible_location(client, world):
    company = user_with_role(Role.BEDRIJF, world["group"])
    login(client, company)
    own = world["locs"]["brick"]
    response = client.post(
        reverse("location_cluster_override", args=[own.pk]), {"cluster": "3", "reason": "x"}
    )
    assert response.status_code == 403
    invisible = world["locs"]["dairy"]
    response = client.post(
        reverse("location_cluster_override", args=[invisible.pk]), {"cluster": "3", "reason": "x"}
    )
    assert response.status_code == 404
    assert ProductionLocation.objects.filter(cluster_override__isnull=False).count() == 0


def test_override_needs_post(client, world):
    login(client, user_with_role(Role.CLUSTERREGISSEUR))
    assert (
        client.get(reverse("location_cluster_override", args=[world["locs"]["brick"].pk])).status_code == 405
    )


# --- English ----------------------------------------------------------------------------------------


def test_dutch_by_default_even_for_an_english_browser(client, world, province_user):
    login(client, province_user)
    response = client.get(
        reverse("location_list"), {"sector": Sector.CERAMICS}, headers={"Accept-Language": "en"}
    )
    html = response.text
    assert '<html lang="nl">' in html
    assert "35.000" in html
    assert "Keramiek" in html


def test_english_via_the_language_cookie_shows_english_labels_and_numbers(client, world, province_user):
    login(client, province_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("location_list"), {"sector": Sector.CERAMICS})
    html = response.text
    assert '<html lang="en">' in html
    assert ">Locations<" in html
    assert "Search" in html
    assert "1 production location found" in html
    assert "35,000" in html
    assert "Ceramics" in html


def test_english_via_the_language_switch(client, world, province_user):
    login(client, province_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).text
    assert '<html lang="en">' in html
    assert "Welcome" in html
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("home")})
    assert "Welkom" in client.get(reverse("home")).text


# --- Map ------------------------------------------------------------------------------------------


def test_map_page_loads_its_layers_from_the_app(client, world, province_user):
    html = login(client, province_user).get(reverse("map"), {"sector": Sector.CERAMICS}).text
    assert 'id="overview-map"' in html
    assert '"locationsUrl": "/kaart/locaties.geojson?sector=keramiek"' in html
    assert '"provincesUrl": "/kaart/provincies.geojson"' in html
    assert '"areasUrl": "/infra/netgebieden/kaart.geojson"' in html
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_location_geojson_respects_visibility_and_filters(client, world, province_user):
    login(client, province_user)
    everything = client.get(reverse("map_locations")).json()
    ceramics = client.get(reverse("map_locations"), {"sector": Sector.CERAMICS}).json()

    assert everything["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in everything["features"]} == {
        "Steenfabriek Zaltbommel",
        "Zuivel Apeldoorn",
    }
    [brick] = ceramics["features"]
    assert brick["geometry"] == {"type": "Point", "coordinates": [5.25, 51.81]}
    assert brick["properties"]["sector"] == "keramiek"
    assert brick["properties"]["cluster"] == 6
    assert brick["properties"]["emission_tco2e"] == 35_000


def test_province_geojson_gives_the_boundaries(client, world, province_user):
    data = login(client, province_user).get(reverse("map_provinces")).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Gelderland"]  # Brabant has no geometry
    assert data["features"][0]["geometry"] == SQUARE


def test_errors_use_the_platform_pages(client, world):
    company = user_with_role(Role.BEDRIJF, world["group"])
    login(client, company)
    forbidden = client.post(
        reverse("location_cluster_override", args=[world["locs"]["brick"].pk]),
        {"cluster": "3", "reason": "x"},
    )
    missing = client.get(reverse("location_detail", args=[world["locs"]["dairy"].pk]))
    assert "Geen toegang" in forbidden.text
    assert "Pagina niet gevonden" in missing.text
    assert 'class="main-nav"' in missing.text
