"""A province user in a real browser: log in, filter the location list, open a location with its chart
and map, open the map page. Nothing may be loaded from anywhere but this machine."""

from __future__ import annotations

import random
import re

import pytest

from cluster6.accounts.constants import Role
from cluster6.infra.constants import CongestionColour
from cluster6.registry.constants import EmissionSource, Sector
from tests.factories import (
    EmissionRecordFactory,
    GridOperatorFactory,
    GridProjectFactory,
    GridServiceAreaFactory,
    OrganisationFactory,
    ProductionLocationFactory,
    ProvinceFactory,
    ProvinceOrganisationFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password


def square(west: float, south: float, east: float, north: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


GELDERLAND_BOX = (5.1, 51.75, 6.6, 52.45)
SECTORS = [
    Sector.CERAMICS,
    Sector.CERAMICS,
    Sector.CERAMICS,
    Sector.FOOD,
    Sector.FOOD,
    Sector.PAPER,
    Sector.PAPER,
    Sector.GLASS,
    Sector.CHEMICALS,
    Sector.BASIC_METAL,
    Sector.WASTE,
    Sector.OTHER_INDUSTRY,
]


@pytest.fixture
def national_picture():
    """Four provinces as squares; twelve Gelderland locations (three ceramics) with emissions 2013-2024,
    four in Noord-Brabant; grid service areas as bounding boxes with congestion."""
    rng = random.Random(1)
    gelderland = ProvinceFactory(code="PV25", name="Gelderland", geometry=square(*GELDERLAND_BOX))
    brabant = ProvinceFactory(code="PV30", name="Noord-Brabant", geometry=square(4.5, 51.3, 6.0, 51.75))
    ProvinceFactory(code="PV26", name="Utrecht", geometry=square(4.8, 51.95, 5.1, 52.3))
    ProvinceFactory(code="PV23", name="Overijssel", geometry=square(5.8, 52.45, 7.0, 52.8))
    liander = GridOperatorFactory(name="Liander")
    areas = []
    for i, (status, queue) in enumerate(
        [
            (CongestionColour.SHORTAGE, 80.0),
            (CongestionColour.INVESTIGATION, 20.0),
            (CongestionColour.AVAILABLE, 0.0),
        ]
    ):
        west = GELDERLAND_BOX[0] + i * 0.5
        area = GridServiceAreaFactory(
            code=f"GLD{i}",
            name=f"Station {['Nijmegen', 'Arnhem', 'Zutphen'][i]}",
            operators=[liander],
            operator_names="Liander",
            province=gelderland,
            status_withdrawal=status,
            queue_withdrawal_mw=queue,
            bbox_west=west,
            bbox_south=51.8,
            bbox_east=west + 0.5,
            bbox_north=52.4,
        )
        GridProjectFactory(area=area, completion_year=2028 + i)
        areas.append(area)
    for i, sector in enumerate(SECTORS):
        loc = ProductionLocationFactory(
            name=f"{sector.label} Gelderland {i + 1}",
            operator=OrganisationFactory(name=f"Fabrikant {i + 1} B.V."),
            province=gelderland,
            city=["Nijmegen", "Arnhem", "Ede", "Zutphen"][i % 4],
            sector=sector,
            is_ets=i % 3 != 2,
            gas_use_m3=rng.randrange(500_000, 9_000_000),
            grid_operator=liander,
            grid_service_area=areas[i % 3],
            latitude=round(rng.uniform(51.8, 52.4), 4),
            longitude=round(rng.uniform(5.2, 6.5), 4),
        )
        base = rng.randrange(8_000, 120_000)
        for year in range(2013, 2025):
            EmissionRecordFactory(
                location=loc,
                year=year,
                tco2e=int(base * (1 - 0.025 * (year - 2013)) * rng.uniform(0.93, 1.07)),
                source=EmissionSource.EU_ETS,
                verified=year < 2024,
            )
    for i in range(4):
        ProductionLocationFactory(
            name=f"Brabantse fabriek {i + 1}",
            province=brabant,
            sector=Sector.CERAMICS,
            latitude=51.5,
            longitude=5.0 + i * 0.1,
        )
    user = user_with_role(
        Role.PROVINCIE,
        ProvinceOrganisationFactory(province=gelderland),
        username="gelderland",
        first_name="Gea",
        last_name="de Vries",
    )
    return {"user": user}


def test_province_user_filters_opens_a_location_and_the_map(browser_page, national_picture):
    page = browser_page.page

    # log in
    browser_page.goto("/")
    assert "/accounts/login/" in page.url
    browser_page.screenshot("01-login")
    page.fill("#id_username", "gelderland")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.wait_for_url(re.compile(r"/$"))
    assert "U ziet de productielocaties in de provincie Gelderland." in page.inner_text("main")
    browser_page.screenshot("02-home")

    # the location list: twelve Gelderland locations, none from Brabant
    page.click("nav.main-nav >> text=Locaties")
    page.wait_for_url(re.compile(r"/locaties/$"))
    assert "12 productielocaties gevonden" in page.inner_text(".results__count")
    assert "Brabantse fabriek" not in page.inner_text("#location-results")

    # filter on sector: htmx swaps the results and pushes the URL
    page.select_option("#id_sector", "keramiek")
    # a locator wait, not wait_for_function: its polling evaluates a string, which the CSP forbids
    page.locator(".results__count", has_text="3 productielocaties").wait_for()
    assert "sector=keramiek" in page.url
    sectors = page.locator("#location-results tbody .sector-chip").all_inner_texts()
    assert sectors == ["Keramiek"] * 3

    # sort by emissions, high to low, by clicking the column header
    page.click("#location-results th >> text=Uitstoot")
    page.wait_for_url(re.compile(r"sortering=-uitstoot"))
    page.wait_for_selector("#location-results th[aria-sort=descending]")
    values = [
        int(v.replace(".", "")) for v in page.locator("#location-results tbody td.num").all_inner_texts()
    ]
    assert values == sorted(values, reverse=True)
    assert len(values) == 3
    browser_page.screenshot("03-location-list-filtered")

    # open the first location: its chart (plotly SVG) and its map (leaflet with a marker)
    page.click("#location-results tbody tr:first-child a.strong")
    page.wait_for_url(re.compile(r"/locaties/\d+/$"))
    page.wait_for_selector("#emission-chart .main-svg")
    assert page.locator("#emission-chart .bars .point").count() == 12  # one bar per year, 2013-2024
    page.wait_for_selector("#location-map.leaflet-container path.c6-marker")
    assert page.locator("#location-map path.c6-marker").count() == 1
    assert "Keramiek" in page.inner_text("h1 + .lead + .tags")
    browser_page.screenshot("04-location-page")

    # the map page: every visible location with coordinates as a marker, legend by sector, then cluster
    page.click("nav.main-nav >> text=Kaart")
    page.wait_for_selector("#overview-map[data-ready=true]")
    assert page.locator("#overview-map path.c6-marker").count() == 12
    assert "12 locaties op de kaart" in page.inner_text("#map-status")
    assert "Keramiek" in page.inner_text("#map-legend")
    page.check("input[name=laag][value=areas]")
    page.wait_for_selector("#map-legend >> text=Voedingsgebieden")
    assert page.locator(".leaflet-areas-pane path").count() == 3
    browser_page.screenshot("05-map-by-sector")
    page.check("input[name=kleur][value=cluster]")
    page.wait_for_selector("#map-legend >> text=6 Cluster 6")
    browser_page.screenshot("06-map-by-cluster")

    # a popup links to the location page
    page.locator("#overview-map path.c6-marker").last.dispatch_event("click")
    page.wait_for_selector(".leaflet-popup a.popup__link")
    assert re.search(r"/locaties/\d+/$", page.get_attribute(".leaflet-popup a.popup__link", "href"))

    # the grid areas page
    page.click("nav.main-nav >> text=Netgebieden")
    page.wait_for_selector("#area-results tbody tr")
    assert page.locator("#area-results tbody tr").count() == 3
    browser_page.screenshot("07-grid-areas")

    # English
    page.click(".language-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Grid areas" in page.inner_text("nav.main-nav")
    browser_page.screenshot("08-grid-areas-english")

    assert browser_page.foreign_requests() == []
    assert any("/static/vendor/plotly/plotly.min.js" in url for url in browser_page.requests)
    assert any("/static/vendor/leaflet/leaflet.js" in url for url in browser_page.requests)
    assert browser_page.console_errors == []
