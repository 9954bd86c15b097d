"""The infrastructure timeline as the analysis uses it, in the web pages: the carrier rollouts (list with
filters and map, one rollout, the GeoJSON of the network points) and the "Tijdlijn" section of a service
area; and the rule for the capacity free now, which infra computes itself and must agree with the
analysis adapters."""

from __future__ import annotations

import re

import factory
import pytest
from django.urls import reverse
from factory.django import DjangoModelFactory

from cluster6.accounts.constants import Role
from cluster6.analysis import adapters
from cluster6.infra.constants import Carrier, Certainty, CongestionColour, OperatorType, SupplyMode
from cluster6.infra.models import CarrierRollout, NetworkPoint
from cluster6.infra.selectors import RolloutFilters, rollout_list
from cluster6.infra.timeline import (
    CAPACITY_CONGESTED,
    CAPACITY_EXISTING_MINUS_REQUIRED,
    CAPACITY_STORED,
    CAPACITY_UNKNOWN,
    capacity_basis,
    derived_capacity_now_mw,
)
from tests.factories import GridProjectFactory, GridServiceAreaFactory, ProvinceFactory, user_with_role

pytestmark = pytest.mark.django_db


class CarrierRolloutFactory(DjangoModelFactory):
    class Meta:
        model = CarrierRollout

    code = factory.Sequence(lambda n: f"R{n}")
    carrier = Carrier.HYDROGEN
    name = factory.LazyAttribute(lambda o: f"Uitrol {o.code}")
    year = 2030
    certainty = Certainty.PLANNED
    mode = SupplyMode.NETWORK
    source = "Testbron"


class NetworkPointFactory(DjangoModelFactory):
    class Meta:
        model = NetworkPoint

    rollout = factory.SubFactory(CarrierRolloutFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.LazyAttribute(lambda o: f"Punt {o.code}")
    lon = 5.9
    lat = 52.0


def make_carriers() -> dict:
    """Six rollouts of the four carriers: national and provincial (Gelderland, Zeeland), firm, planned and
    uncertain, a network and a ship, one closed to third parties (Porthos); with network points."""
    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    zeeland = ProvinceFactory(code="PV29", name="Zeeland")
    h2_nl = CarrierRolloutFactory(
        code="H2-NL",
        name="Waterstofnetwerk landelijk",
        year=2030,
        source="Hynetwork netwerkplanning dec 2024",
        source_url="https://www.hynetwork.nl/planning ; javascript:alert(1) ; http://rvo.nl/waterstof",
    )
    h2_gld = CarrierRolloutFactory(
        code="H2-GLD",
        name="Waterstofhub Gelderland",
        province=gelderland,
        year=2029,
        certainty=Certainty.UNCERTAIN,
    )
    porthos = CarrierRolloutFactory(
        code="CO2-PORTHOS",
        carrier=Carrier.CO2,
        name="Porthos",
        year=2026,
        certainty=Certainty.FIRM,
        open_access=False,
    )
    ship = CarrierRolloutFactory(
        code="CO2-SCHIP",
        carrier=Carrier.CO2,
        name="Aramis per schip",
        year=2029,
        certainty=Certainty.UNCERTAIN,
        mode=SupplyMode.SHIP,
    )
    green_gas = CarrierRolloutFactory(
        code="GG-ZLD", carrier=Carrier.GREEN_GAS, name="Groengasnet Zeeland", province=zeeland, year=2028
    )
    heat = CarrierRolloutFactory(
        code="W-GLD",
        carrier=Carrier.HEAT,
        name="Warmtenet Gelderland",
        province=gelderland,
        year=2031,
        year_text="2031-2033",
        certainty=Certainty.UNCERTAIN,
    )
    NetworkPointFactory(rollout=h2_nl, code="P2", name="Vlissingen", lon=3.6, lat=51.45)
    NetworkPointFactory(rollout=h2_nl, code="P1", name="Arnhem", lon=5.9, lat=52.0)
    NetworkPointFactory(rollout=h2_gld, code="P1", name="Nijmegen", lon=5.85, lat=51.84)
    NetworkPointFactory(rollout=porthos, code="P1", name="Maasvlakte", lon=4.03, lat=51.96)
    return {
        "gelderland": gelderland,
        "zeeland": zeeland,
        "h2_nl": h2_nl,
        "h2_gld": h2_gld,
        "porthos": porthos,
        "ship": ship,
        "green_gas": green_gas,
        "heat": heat,
    }


@pytest.fixture
def carriers():
    return make_carriers()


@pytest.fixture
def user(carriers):
    return user_with_role(Role.BEDRIJF)


def rollout_names(html: str) -> list[str]:
    return re.findall(r'class="strong" href="/infra/uitrol/\d+/">([^<]+)</a>', html)


ALL = [
    "Waterstofhub Gelderland",
    "Waterstofnetwerk landelijk",
    "Porthos",
    "Aramis per schip",
    "Groengasnet Zeeland",
    "Warmtenet Gelderland",
]


# --- access ----------------------------------------------------------------------------------------------


def test_the_anonymous_public_is_sent_to_the_login(client, carriers):
    for url in [
        reverse("infra:rollout_list"),
        reverse("infra:rollout_detail", args=[carriers["h2_nl"].pk]),
        reverse("infra:rollout_features"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_sees_the_rollouts_and_the_area_timeline(client, carriers, role):
    area = GridServiceAreaFactory(name="Arnhem Noord")
    client.force_login(user_with_role(role))

    page = client.get(reverse("infra:rollout_list"))
    detail = client.get(reverse("infra:rollout_detail", args=[carriers["porthos"].pk]))
    area_page = client.get(reverse("infra:area_detail", args=[area.pk]))

    assert page.status_code == detail.status_code == area_page.status_code == 200
    assert rollout_names(page.text) == ALL
    assert "<h1>Porthos</h1>" in detail.text
    assert 'id="tijdlijn"' in area_page.text


def test_the_grid_pages_link_to_the_rollout_page_and_back(client, carriers, user):
    client.force_login(user)
    areas = client.get(reverse("infra:area_list")).text
    rollouts = client.get(reverse("infra:rollout_list")).text
    assert f'href="{reverse("infra:rollout_list")}"' in areas
    assert f'href="{reverse("infra:area_list")}"' in rollouts
    assert re.search(r'href="/infra/uitrol/"\s+aria-current="page"', rollouts)


# --- the rollout page -------------------------------------------------------------------------------------


def test_the_rollout_page_lists_by_carrier_with_year_certainty_region_mode_access_and_source(
    client, carriers, user
):
    client.force_login(user)
    html = client.get(reverse("infra:rollout_list")).text

    # grouped in the order hydrogen, CO2, green gas, heat; within a carrier by year
    headings = re.findall(r'<h2 id="carrier-([a-z_0-9]+)"', html)
    assert headings == ["waterstof", "co2", "groen_gas", "warmte"]
    assert "6 uitrolfasen" in html

    def row(name: str) -> str:
        return html.split(f">{name}</a>")[1].split("</tr>")[0]

    national = row("Waterstofnetwerk landelijk")
    assert "<strong>2030</strong>" in national
    assert "Gepland" in national
    assert "landelijk" in national
    assert "Netwerk (leiding)" in national
    assert "2 netwerkpunten" in national
    assert "Hynetwork netwerkplanning dec 2024" in national
    assert 'href="https://www.hynetwork.nl/planning"' in national
    assert 'href="http://rvo.nl/waterstof"' in national
    assert "javascript:" not in html  # only http(s) addresses become links

    assert "Gelderland" in row("Waterstofhub Gelderland")
    assert "Onzeker" in row("Waterstofhub Gelderland")
    assert "capaciteit vergeven" in row("Porthos")
    assert "Vast" in row("Porthos")
    ship = row("Aramis per schip")
    assert "Per schip" in ship
    assert "duurder alternatief" in ship
    assert "capaciteit vergeven" not in ship
    assert "2031-2033" in row("Warmtenet Gelderland")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"drager": "co2"}, ["Porthos", "Aramis per schip"]),
        # a province: its own rollouts and the national ones, which apply everywhere
        (
            {"provincie": "PV25"},
            [
                "Waterstofhub Gelderland",
                "Waterstofnetwerk landelijk",
                "Porthos",
                "Aramis per schip",
                "Warmtenet Gelderland",
            ],
        ),
        (
            {"provincie": "PV29"},
            ["Waterstofnetwerk landelijk", "Porthos", "Aramis per schip", "Groengasnet Zeeland"],
        ),
        ({"zekerheid": "onzeker"}, ["Waterstofhub Gelderland", "Aramis per schip", "Warmtenet Gelderland"]),
        ({"drager": "waterstof", "provincie": "PV29"}, ["Waterstofnetwerk landelijk"]),
        ({"drager": "warmte", "provincie": "PV29"}, []),
    ],
)
def test_the_rollout_page_filters_by_carrier_province_and_certainty(client, carriers, user, query, expected):
    client.force_login(user)
    html = client.get(reverse("infra:rollout_list"), query).text
    assert rollout_names(html) == expected
    if not expected:
        assert "Geen uitrolfasen gevonden met deze filters." in html


def test_the_rollout_page_offers_every_province_and_reports_bad_filters(client, carriers, user):
    client.force_login(user)
    html = client.get(reverse("infra:rollout_list")).text
    assert '<option value="PV25" >Gelderland</option>' in html.replace("  ", " ")
    assert '<option value="PV29" >Zeeland</option>' in html.replace("  ", " ")

    bad = client.get(reverse("infra:rollout_list"), {"provincie": "Gelre", "drager": "kolen"})
    assert bad.status_code == 200
    assert "Kies een provincie uit de lijst." in bad.text
    assert "Selecteer een geldige keuze" in bad.text
    assert rollout_names(bad.text) == ALL  # the invalid filters are not applied


def test_the_rollout_page_draws_its_map_from_local_files_with_the_filters(client, carriers, user):
    client.force_login(user)
    html = client.get(reverse("infra:rollout_list"), {"drager": "waterstof"}).text
    assert "vendor/leaflet/leaflet.js" in html
    assert "infra/rollouts.js" in html
    assert "data-rollout-map" in html
    assert '"featuresUrl": "/infra/uitrol/kaart.geojson?drager=waterstof"' in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", html)


def test_the_rollout_list_selector_uses_two_queries(carriers, user, django_assert_num_queries):
    for k in range(20):
        NetworkPointFactory(rollout=CarrierRolloutFactory(code=f"EXTRA-{k}"))
    with django_assert_num_queries(2):  # the rollouts with their province, the points
        rollouts = list(rollout_list(actor=user, filters=RolloutFilters(carrier=Carrier.HYDROGEN)))
        points = [p.code for r in rollouts for p in r.points.all()]
    assert len(rollouts) == 22
    assert len(points) == 23


# --- one rollout ------------------------------------------------------------------------------------------


def test_a_rollout_page_shows_its_facts_points_and_what_the_analysis_does_with_it(client, carriers, user):
    client.force_login(user)
    national = client.get(reverse("infra:rollout_detail", args=[carriers["h2_nl"].pk])).text
    porthos = client.get(reverse("infra:rollout_detail", args=[carriers["porthos"].pk])).text
    ship = client.get(reverse("infra:rollout_detail", args=[carriers["ship"].pk])).text

    assert "Beschikbaar vanaf 2030" in national
    assert "2 netwerkpunten" in national
    assert national.index("Arnhem") < national.index("Vlissingen")  # by code: P1, P2
    assert "binnen de praktische afstand" in national
    assert 'href="https://www.hynetwork.nl/planning"' in national
    assert "Telt niet mee: de capaciteit is vergeven" in porthos
    assert "duurder alternatief" in ship
    assert "zonder afstandsgrens" in ship
    assert "per schip of vrachtwagen is geen aansluitpunt nodig" in ship
    assert '"featuresUrl": "/infra/uitrol/kaart.geojson?uitrolfase=' in national


def test_an_unknown_rollout_is_404(client, carriers, user):
    client.force_login(user)
    assert client.get(reverse("infra:rollout_detail", args=[987654])).status_code == 404


# --- the GeoJSON of the network points ------------------------------------------------------------------


def test_the_network_points_geojson_carries_the_rollout_and_follows_the_filters(client, carriers, user):
    client.force_login(user)
    url = reverse("infra:rollout_features")

    data = client.get(url).json()
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert data["type"] == "FeatureCollection"
    assert set(by_name) == {"Arnhem", "Vlissingen", "Nijmegen", "Maasvlakte"}
    arnhem = by_name["Arnhem"]
    assert arnhem["geometry"] == {"type": "Point", "coordinates": [5.9, 52.0]}
    props = arnhem["properties"]
    assert (props["rollout_code"], props["rollout_name"], props["carrier"]) == (
        "H2-NL",
        "Waterstofnetwerk landelijk",
        "waterstof",
    )
    assert (props["year"], props["certainty"], props["mode"], props["province"]) == (
        2030,
        "gepland",
        "net",
        None,
    )
    assert by_name["Maasvlakte"]["properties"]["open_access"] is False

    co2 = client.get(url, {"drager": "co2"}).json()
    assert [f["properties"]["name"] for f in co2["features"]] == ["Maasvlakte"]
    one = client.get(url, {"uitrolfase": carriers["h2_gld"].pk}).json()
    assert [f["properties"]["name"] for f in one["features"]] == ["Nijmegen"]
    assert client.get(url, {"uitrolfase": "x"}).status_code == 400


# --- the timeline of a service area ---------------------------------------------------------------------


def _area_html(client, area) -> str:
    response = client.get(reverse("infra:area_detail", args=[area.pk]))
    assert response.status_code == 200
    return response.text


def _capacity(html: str) -> str:
    cell = html.split('<dd id="capacity-now">')[1].split("</dd>")[0]
    return re.sub(r"\s+", " ", cell)


def free_area(**kwargs):
    """A regional area without congestion: status available, no end year, no waiting list."""
    values = {
        "status_withdrawal": CongestionColour.AVAILABLE,
        "congestion_end_withdrawal_rnb": None,
        "queue_withdrawal_mw": 0.0,
        "existing_capacity_withdrawal_mw": None,
        "required_capacity_withdrawal_mw": None,
        **kwargs,
    }
    return GridServiceAreaFactory(**values)


def test_the_timeline_says_whether_the_capacity_now_is_stored_or_derived(client, user):
    stored = free_area(available_capacity_withdrawal_mw=12.5, status_withdrawal=CongestionColour.SHORTAGE)
    congested = free_area(status_withdrawal=CongestionColour.SHORTAGE, existing_capacity_withdrawal_mw=100.0)
    ending = free_area(congestion_end_withdrawal_rnb=2031)
    free = free_area(existing_capacity_withdrawal_mw=100.0, required_capacity_withdrawal_mw=60.0)
    unknown = free_area()
    client.force_login(user)

    assert "12,5 MW" in _capacity(_area_html(client, stored))
    assert "opgegeven waarde" in _capacity(_area_html(client, stored))
    for area in (congested, ending):
        text = _capacity(_area_html(client, area))
        assert "0,0 MW" in text
        assert "afgeleid: 0 bij congestie" in text
    text = _capacity(_area_html(client, free))
    assert "40,0 MW" in text
    assert "afgeleid: aanwezige min benodigde capaciteit (100,0 − 60,0 MW)" in text
    text = _capacity(_area_html(client, unknown))
    assert "onbekend" in text
    assert "rekent zonder beperking" in text


def test_the_timeline_shows_the_ends_of_congestion_with_certainty_and_the_tennet_area_above(client, user):
    tennet = GridServiceAreaFactory(
        name="TenneT Gelderland",
        operator_type=OperatorType.TENNET,
        congestion_end_withdrawal_rnb=None,
        congestion_end_withdrawal_tennet=2033,
        tennet_congestion_end_certainty=Certainty.UNCERTAIN,
    )
    linked = GridServiceAreaFactory(
        name="Arnhem Noord",
        congestion_end_withdrawal_rnb=2031,
        congestion_end_certainty=Certainty.FIRM,
        congestion_end_withdrawal_tennet=2040,  # its own TenneT figure: the linked TenneT area wins
        tennet_region=tennet,
    )
    own = GridServiceAreaFactory(
        name="Zutphen",
        congestion_end_withdrawal_rnb=None,
        congestion_end_withdrawal_tennet=2035,
        queue_withdrawal_mw=0.0,  # not congested itself (with a waiting list it would end in TenneT's year)
    )
    client.force_login(user)

    html = _area_html(client, linked)
    assert "2031 · Vast" in html.split('id="end-regional">')[1].split("</dd>")[0]
    above = html.split('id="tennet-area">')[1].split("</dd>")[0]
    assert f'href="{reverse("infra:area_detail", args=[tennet.pk])}"' in above
    assert "TenneT Gelderland" in above
    tennet_end = html.split('id="end-tennet">')[1].split("</dd>")[0]
    assert "2033 · Onzeker" in tennet_end
    assert "volgens het TenneT-gebied erboven" in tennet_end

    html = _area_html(client, own)
    assert "geen einde bekend" in html.split('id="end-regional">')[1].split("</dd>")[0]
    assert "niet gekoppeld" in html.split('id="tennet-area">')[1].split("</dd>")[0]
    assert "2035 · Gepland" in html.split('id="end-tennet">')[1].split("</dd>")[0]

    html = _area_html(client, tennet)
    assert "1 voedingsgebied" in html  # the regional areas below it
    assert 'id="end-regional"' not in html


def test_the_timeline_lists_the_reinforcements_and_says_which_do_not_count(client, user):
    area = GridServiceAreaFactory(name="Ede")
    GridProjectFactory(
        area=area,
        name="Nieuw station Ede-Oost",
        completion_year=2028,
        completion_quarter=3,
        added_capacity_mw=25.0,
        certainty=Certainty.UNCERTAIN,
        source="Netplan 2025",
    )
    GridProjectFactory(area=area, name="Uitbreiding Ede-West", completion_year=2030, added_capacity_mw=None)
    GridProjectFactory(
        area=area, name="Zonder datum", completion_year=None, date_text="na 2035", added_capacity_mw=5
    )
    client.force_login(user)

    html = _area_html(client, area)
    table = html.split('id="reinforcements"')[1].split("</table>")[0]

    def row(name: str) -> str:
        return table.split(name)[1].split("</tr>")[0]

    assert "3 geplande netprojecten" in html
    assert table.index("Ede-Oost") < table.index("Ede-West") < table.index("Zonder datum")
    first = row("Nieuw station Ede-Oost")
    assert "Q3&nbsp;2028" in first
    assert "25,0" in first
    assert "Onzeker" in first
    assert "Netplan 2025" in first
    assert "capaciteit onbekend: telt niet mee in de analyse" in row("Uitbreiding Ede-West")
    assert "capaciteit onbekend" not in first
    assert "jaar onbekend: telt niet mee in de analyse" in row("Zonder datum")


# --- the capacity rule agrees with the analysis --------------------------------------------------------


@pytest.fixture
def timeline_areas():
    """Regional and TenneT areas covering every branch of the rule."""
    return [
        free_area(
            code="STORED", available_capacity_withdrawal_mw=12.5, status_withdrawal=CongestionColour.SHORTAGE
        ),
        free_area(code="STORED0", available_capacity_withdrawal_mw=0.0),
        free_area(code="INVESTIGATION", status_withdrawal=CongestionColour.INVESTIGATION),
        free_area(
            code="LIMITED",
            status_withdrawal=CongestionColour.LIMITED,
            existing_capacity_withdrawal_mw=80.0,
            required_capacity_withdrawal_mw=20.0,
        ),
        free_area(
            code="ENDING",
            congestion_end_withdrawal_rnb=2031,
            existing_capacity_withdrawal_mw=80.0,
            required_capacity_withdrawal_mw=20.0,
        ),
        free_area(code="FREE", existing_capacity_withdrawal_mw=100.0, required_capacity_withdrawal_mw=60.0),
        free_area(code="OVER", existing_capacity_withdrawal_mw=50.0, required_capacity_withdrawal_mw=80.0),
        free_area(code="HALF", existing_capacity_withdrawal_mw=50.0),
        free_area(code="UNKNOWN", status_withdrawal=None),
        # only TenneT congestion: no limit at the regional level
        free_area(
            code="TENNET-ONLY",
            tennet_status_withdrawal=CongestionColour.SHORTAGE,
            existing_capacity_withdrawal_mw=30.0,
            required_capacity_withdrawal_mw=10.0,
        ),
        free_area(
            code="T-SHORT",
            operator_type=OperatorType.TENNET,
            tennet_status_withdrawal=CongestionColour.SHORTAGE,
        ),
        free_area(
            code="T-END",
            operator_type=OperatorType.TENNET,
            congestion_end_withdrawal_tennet=2034,
            existing_capacity_withdrawal_mw=500.0,
            required_capacity_withdrawal_mw=100.0,
        ),
        free_area(
            code="T-FREE",
            operator_type=OperatorType.TENNET,
            existing_capacity_withdrawal_mw=500.0,
            required_capacity_withdrawal_mw=100.0,
        ),
    ]


EXPECTED = {
    "STORED": (12.5, CAPACITY_STORED),
    "STORED0": (0.0, CAPACITY_STORED),
    "INVESTIGATION": (0.0, CAPACITY_CONGESTED),
    "LIMITED": (60.0, CAPACITY_EXISTING_MINUS_REQUIRED),
    "ENDING": (0.0, CAPACITY_CONGESTED),
    "FREE": (40.0, CAPACITY_EXISTING_MINUS_REQUIRED),
    "OVER": (0.0, CAPACITY_EXISTING_MINUS_REQUIRED),
    "HALF": (None, CAPACITY_UNKNOWN),
    "UNKNOWN": (None, CAPACITY_UNKNOWN),
    "TENNET-ONLY": (20.0, CAPACITY_EXISTING_MINUS_REQUIRED),
    "T-SHORT": (0.0, CAPACITY_CONGESTED),
    "T-END": (0.0, CAPACITY_CONGESTED),
    "T-FREE": (400.0, CAPACITY_EXISTING_MINUS_REQUIRED),
}


def test_the_derived_capacity_follows_the_documented_rule(timeline_areas):
    assert {a.code: (derived_capacity_now_mw(a), capacity_basis(a)) for a in timeline_areas} == EXPECTED


def test_the_derived_capacity_agrees_with_the_analysis_adapters(timeline_areas):
    # given the areas, when the analysis reads them into the engine
    params = adapters.engine_io.params_from_dict({"base_year": 2026})
    engine_areas = {a.id: a for a in adapters.load_inputs(params=params).infra.areas}
    for area in timeline_areas:
        derived = derived_capacity_now_mw(area)
        # then the engine input has the figure the page shows: unknown becomes "no limit from the base year"
        engine = engine_areas[area.code]
        if derived is None:
            assert (engine.capacity_now_mw, engine.congestion_end_year) == (0.0, 2026), area.code
        else:
            assert engine.capacity_now_mw == derived, area.code
