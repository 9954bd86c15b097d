"""The deterministic generator of the synthetic national demo data set.

`generate(seed=..., scale=..., geography=...)` is pure: it builds plain, frozen Python objects from one
`numpy.random.default_rng(seed)` and the geography it is given, and touches neither the database nor the
global random state. The same seed, scale and geography give an identical `DemoDataset`.
The loader (`cluster6.demo.loader`) writes a data set to the database.

Calibration (see docs/demo-data.md): per unit of scale 170 EU ETS and 230 non-ETS cluster-6 locations and
100 in clusters 1-5; the cluster-6 ETS total is 4.7 Mt in 2024 (median site about 15 kt, p90 about 85 kt);
sectors and provinces follow the real 2022 ETS registry; 70% of the sites are on a business park.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cluster6.infra.constants import Certainty, CongestionColour, OperatorType, ProjectPhase
from cluster6.registry.constants import (
    CLUSTER6,
    LCES_ELECTRICITY_THRESHOLD_GWH,
    LCES_GAS_THRESHOLD_M3,
    OrganisationKind,
    Sector,
)
from cluster6.registry.services import cluster_for_municipality

from . import geography as geo
from . import profiles as pf

SNAPSHOT_DATE = date(2026, 7, 1)
TENNET = "TenneT"
GRID_OPERATOR_NAMES: tuple[str, ...] = (
    TENNET,
    "Enexis",
    "Liander",
    "Stedin",
    "Westland",
    "Coteq",
    "Rendo",
)
MINISTRY_NAME = "Ministerie van Klimaat en Groene Groei"
RVO_NAME = "Rijksdienst voor Ondernemend Nederland"
FOUNDATION_NAME = "Stichting Cluster 6"

# Keys of the institutional organisations in a DemoDataset.
MINISTRY_KEY = "ministry"
RVO_KEY = "rvo"
FOUNDATION_KEY = "foundation"


def grid_key(name: str) -> str:
    return f"grid:{name}"


def province_key(code: str) -> str:
    return f"province:{code}"


# --------------------------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Place:
    """A municipality the generator may place locations in: a point inside it and a placement weight.
    `shape` (the municipality polygon, when known) keeps jittered points inside the municipality."""

    code: str
    name: str
    province_code: str
    lon: float
    lat: float
    weight: float
    shape: BaseGeometry | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Geography:
    """Provinces (code -> name), municipalities, and the cluster list (municipality code -> 1..5)."""

    provinces: Mapping[str, str]
    places: tuple[Place, ...]
    cluster_map: dict[str, int]

    @classmethod
    def builtin(cls, cluster_map: Mapping[str, int]) -> Geography:
        """The built-in provinces and municipalities (no polygons)."""
        return cls(
            provinces={p.code: p.name for p in geo.PROVINCES},
            places=tuple(
                Place(m.code, m.name, m.province_code, m.lon, m.lat, builtin_weight(m.ets_sites))
                for m in geo.MUNICIPALITIES
            ),
            cluster_map=dict(cluster_map),
        )


def builtin_weight(ets_sites: int) -> float:
    return ets_sites + 0.5


#: Weight of a municipality that is not in the built-in list (it has no known industry).
OTHER_PLACE_WEIGHT = 0.2


# -------------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    kvk_number: str = ""
    parent_key: str | None = None
    province_code: str | None = None


@dataclass(frozen=True)
class DemoBusinessPark:
    key: str
    name: str
    municipality_code: str
    lon: float
    lat: float


@dataclass(frozen=True)
class DemoArea:
    code: str
    name: str
    operator_type: str
    operator_keys: tuple[str, ...]
    operator_names: str
    province_code: str
    bbox_west: float
    bbox_south: float
    bbox_east: float
    bbox_north: float
    existing_capacity_withdrawal_mw: float
    existing_capacity_injection_mw: float
    required_capacity_withdrawal_mw: float
    required_capacity_injection_mw: float
    queue_withdrawal_mw: float
    queue_injection_mw: float
    queue_requests_withdrawal: int
    queue_requests_injection: int
    congestion_end_withdrawal_rnb: int | None
    congestion_end_injection_rnb: int | None
    congestion_end_withdrawal_tennet: int | None
    congestion_end_injection_tennet: int | None
    status_withdrawal: int | None
    status_injection: int | None
    tennet_status_withdrawal: int | None
    tennet_status_injection: int | None
    tennet_region_code: str | None = None  # the TenneT area upstream (a shared TenneT queue)

    def contains(self, lon: float, lat: float) -> bool:
        return self.bbox_west <= lon <= self.bbox_east and self.bbox_south <= lat <= self.bbox_north


@dataclass(frozen=True)
class DemoProject:
    area_code: str
    name: str
    operator_name: str
    operator_type: str
    date_text: str
    completion_year: int
    completion_quarter: int | None
    start_date: date | None
    end_date: date | None
    phase: str
    added_capacity_mw: float
    certainty: str


@dataclass(frozen=True)
class DemoLocation:
    name: str
    operator_key: str
    ets_installation_id: str | None
    nea_permit_id: str
    address: str
    postcode: str
    city: str
    municipality_code: str
    province_code: str
    latitude: float
    longitude: float
    business_park_key: str | None
    grid_operator_key: str
    area_code: str
    sector: str
    nace_code: str
    ets_activity_code: int | None
    is_ets: bool
    gas_use_m3: int
    electricity_use_gwh: float
    contracted_capacity_mw: float
    cluster_derived: int
    emissions: tuple[tuple[int, int], ...]

    @property
    def in_lces_scope(self) -> bool:
        return (
            self.gas_use_m3 > LCES_GAS_THRESHOLD_M3
            or self.electricity_use_gwh > LCES_ELECTRICITY_THRESHOLD_GWH
        )

    def emission(self, year: int) -> int | None:
        for y, t in self.emissions:
            if y == year:
                return t
        return None


@dataclass(frozen=True)
class DemoDataset:
    seed: int
    scale: int
    organisations: tuple[DemoOrganisation, ...]
    business_parks: tuple[DemoBusinessPark, ...]
    areas: tuple[DemoArea, ...]
    projects: tuple[DemoProject, ...]
    locations: tuple[DemoLocation, ...]

    def summary(self) -> dict[str, Any]:
        """The headline figures (for the command's output and the audit event)."""
        c6 = [loc for loc in self.locations if loc.cluster_derived == CLUSTER6]
        c6_ets = [loc for loc in c6 if loc.is_ets]
        ets_2024 = np.array([loc.emission(pf.REFERENCE_YEAR) or 0 for loc in c6_ets], dtype=float)
        ets_2013 = sum(loc.emission(pf.YEARS[0]) or 0 for loc in c6_ets)
        return {
            "seed": self.seed,
            "scale": self.scale,
            "organisations": len(self.organisations),
            "companies": sum(1 for o in self.organisations if o.kind == OrganisationKind.COMPANY),
            "business_parks": len(self.business_parks),
            "grid_service_areas": len(self.areas),
            "grid_projects": len(self.projects),
            "locations": len(self.locations),
            "cluster6_ets": len(c6_ets),
            "cluster6_non_ets": len(c6) - len(c6_ets),
            "clusters_1_5": len(self.locations) - len(c6),
            "emission_records": sum(len(loc.emissions) for loc in self.locations),
            "cluster6_ets_mt_2013": round(ets_2013 / 1e6, 3),
            "cluster6_ets_mt_2024": round(float(ets_2024.sum()) / 1e6, 3),
            "cluster6_ets_median_kt_2024": round(float(np.median(ets_2024)) / 1e3, 1) if len(ets_2024) else 0,
            "cluster6_ets_p90_kt_2024": round(float(np.quantile(ets_2024, 0.9)) / 1e3, 1)
            if len(ets_2024)
            else 0,
            "cluster6_lces_share": round(sum(loc.in_lces_scope for loc in c6) / len(c6), 3) if c6 else 0,
            "business_park_share": round(
                sum(loc.business_park_key is not None for loc in self.locations) / len(self.locations), 3
            )
            if self.locations
            else 0,
        }


# ----------------------------------------------------------------------------------------- generator


@dataclass
class _Site:
    """A location while it is being built."""

    sector: Sector
    is_ets: bool
    cluster: int
    province: str = ""
    place: Place | None = None
    size_t: float = 0.0
    on_park: bool = False
    park_key: str | None = None
    lon: float = 0.0
    lat: float = 0.0
    gas_m3: int = 0
    electricity_gwh: float = 0.0
    contracted_mw: float = 0.0
    area_code: str = ""
    grid_operator: str = ""
    company: int = -1
    emissions: tuple[tuple[int, int], ...] = ()


def apportion[K](total: int, shares: Mapping[K, float]) -> dict[K, int]:
    """Split `total` over the keys in proportion to their shares (largest remainder, ties by key order)."""
    keys = list(shares)
    weight = sum(shares.values())
    if not keys or weight <= 0:
        return {}
    exact = [total * shares[k] / weight for k in keys]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return dict(zip(keys, counts, strict=True))


class _Generator:
    def __init__(self, seed: int, scale: int, geography: Geography) -> None:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.seed = seed
        self.scale = scale
        self.geo = geography
        self.rng = np.random.default_rng(seed)
        self.places_by_province: dict[str, list[Place]] = defaultdict(list)
        self.c6_places: dict[str, list[Place]] = defaultdict(list)
        self.cluster_places: dict[int, list[Place]] = defaultdict(list)
        for place in sorted(geography.places, key=lambda p: p.code):
            if place.province_code not in geography.provinces:
                continue
            self.places_by_province[place.province_code].append(place)
            cluster = cluster_for_municipality(place.code, geography.cluster_map)
            if cluster == CLUSTER6:
                self.c6_places[place.province_code].append(place)
            else:
                self.cluster_places[cluster].append(place)
        if not self.c6_places:
            raise ValueError("the geography has no cluster-6 municipality to place locations in")
        self.abbreviations = {p.code: p.abbreviation for p in geo.PROVINCES}

    # -- sites ------------------------------------------------------------------------------------

    def build_sites(self) -> list[_Site]:
        s = self.scale
        c6_ets = [
            _Site(sec, True, CLUSTER6) for sec, n in pf.CLUSTER6_ETS_COUNTS.items() for _ in range(n * s)
        ]
        c6_non = [
            _Site(sec, False, CLUSTER6) for sec, n in pf.CLUSTER6_NON_ETS_COUNTS.items() for _ in range(n * s)
        ]
        self.place_cluster6(c6_ets)
        self.place_cluster6(c6_non)
        c15: list[_Site] = []
        if self.cluster_places:
            c15 = [_Site(sec, True, 0) for sec, n in pf.CLUSTERS_1_5_ETS_COUNTS.items() for _ in range(n * s)]
            c15 += [
                _Site(sec, False, 0)
                for sec, n in pf.CLUSTERS_1_5_NON_ETS_COUNTS.items()
                for _ in range(n * s)
            ]
            self.place_clusters_1_5(c15)
        self.size_cluster6_ets(c6_ets)
        self.size_others(c6_non, cluster6=True)
        self.size_others([x for x in c15 if x.is_ets], cluster6=False)
        self.size_others([x for x in c15 if not x.is_ets], cluster6=True)
        sites = c6_ets + c6_non + c15
        for group in (c6_ets, c6_non, c15):
            self.choose_business_park_sites(group)
        self.energy(sites)
        self.emissions(sites)
        return sites

    def place_cluster6(self, sites: list[_Site]) -> None:
        shares = {p: pf.PROVINCE_SHARES.get(p, 0.01) for p in sorted(self.c6_places)}
        counts = apportion(len(sites), shares)
        provinces = np.array([p for p, n in counts.items() for _ in range(n)], dtype=object)
        provinces = provinces[self.rng.permutation(len(provinces))]
        for site, province in zip(sites, provinces, strict=True):
            site.province = str(province)
        # Oil and gas production only where it is found: swap provinces with other sites (counts stay).
        allowed = [p for p in pf.OIL_GAS_PROVINCES if p in self.c6_places]
        if allowed:
            donors = [
                i
                for i, x in enumerate(sites)
                if x.sector != Sector.OIL_GAS and x.province in pf.OIL_GAS_PROVINCES
            ]
            donors = [donors[i] for i in self.rng.permutation(len(donors))]
            for site in sites:
                if site.sector == Sector.OIL_GAS and site.province not in pf.OIL_GAS_PROVINCES and donors:
                    donor = sites[donors.pop()]
                    site.province, donor.province = donor.province, site.province
        by_province: dict[str, list[_Site]] = defaultdict(list)
        for site in sites:
            by_province[site.province].append(site)
        for province in sorted(by_province):
            self.assign_places(by_province[province], self.c6_places[province])

    def place_clusters_1_5(self, sites: list[_Site]) -> None:
        shares = {c: pf.CLUSTER_SHARES[c] for c in sorted(self.cluster_places)}
        counts = apportion(len(sites), shares)
        clusters = np.array([c for c, n in counts.items() for _ in range(n)], dtype=int)
        clusters = clusters[self.rng.permutation(len(clusters))]
        for site, cluster in zip(sites, clusters, strict=True):
            site.cluster = int(cluster)
        for cluster in sorted(counts):
            members = [x for x in sites if x.cluster == cluster]
            self.assign_places(members, self.cluster_places[cluster])
            for site in members:
                assert site.place is not None
                site.province = site.place.province_code

    def assign_places(self, sites: Sequence[_Site], places: Sequence[Place]) -> None:
        weights = np.array([p.weight for p in places], dtype=float)
        chosen = self.rng.choice(len(places), size=len(sites), p=weights / weights.sum())
        for site, index in zip(sites, chosen, strict=True):
            site.place = places[int(index)]

    # -- sizes, energy, emissions -------------------------------------------------------------------

    def size_cluster6_ets(self, sites: list[_Site]) -> None:
        """A stratified sample of the real size distribution, handed out by a noisy sector ranking (glass
        and paper sites tend to be larger than bricks and asphalt), then rescaled to the 4.7 Mt total."""
        n = len(sites)
        probabilities, kts = zip(*pf.ETS_SIZE_QUANTILES, strict=True)
        u = (np.arange(n) + self.rng.random(n)) / n
        sizes = np.sort(np.exp(np.interp(u, probabilities, np.log(kts))) * 1000.0)
        keys = np.log([pf.PROFILES[x.sector].ets_size_kt for x in sites]) + self.rng.normal(0.0, 0.6, n)
        assigned = np.empty(n)
        assigned[np.argsort(keys, kind="stable")] = sizes
        assigned *= pf.CLUSTER6_ETS_TOTAL_T * self.scale / assigned.sum()
        for site, size in zip(sites, assigned, strict=True):
            site.size_t = float(size)

    def size_others(self, sites: list[_Site], *, cluster6: bool) -> None:
        n = len(sites)
        noise = self.rng.normal(0.0, 0.85 if cluster6 else 1.1, n)
        ict = self.rng.uniform(0.3, 3.0, n)
        for i, site in enumerate(sites):
            profile = pf.PROFILES[site.sector]
            if cluster6:
                kt = min(max(profile.non_ets_size_kt * math.exp(noise[i]), 0.3), 19.0)
            else:
                kt = min(max(max(profile.ets_size_kt, 20.0) * 3.0 * math.exp(noise[i]), 5.0), 5000.0)
            if site.sector == Sector.ICT:
                kt = float(ict[i])
            site.size_t = kt * 1000.0

    def choose_business_park_sites(self, sites: list[_Site]) -> None:
        on_park = round(pf.BUSINESS_PARK_SHARE * len(sites))
        for i in self.rng.permutation(len(sites))[:on_park]:
            sites[int(i)].on_park = True

    def energy(self, sites: list[_Site]) -> None:
        n = len(sites)
        gas_noise = self.rng.normal(0.0, 0.08, n)
        elec_noise = self.rng.normal(0.0, 0.35, n)
        elec_base = self.rng.uniform(0.2, 1.5, n)
        ict_gwh = np.exp(self.rng.uniform(math.log(15.0), math.log(250.0), n))
        load_factor = self.rng.uniform(0.45, 0.8, n)
        for i, site in enumerate(sites):
            profile = pf.PROFILES[site.sector]
            gas = site.size_t * profile.gas_share / pf.CO2_T_PER_M3_GAS * math.exp(gas_noise[i])
            site.gas_m3 = int(round(gas, -3))
            if site.sector == Sector.ICT:
                gwh = float(ict_gwh[i])
            else:
                gwh = site.size_t / 1000.0 * profile.gwh_per_kt * math.exp(elec_noise[i]) + elec_base[i]
            site.electricity_gwh = round(gwh, 2)
            site.contracted_mw = round(max(gwh / 8.76 / load_factor[i], 0.3), 1)

    def emissions(self, sites: list[_Site]) -> None:
        """Yearly emissions around each site's reference-year size: a trend per site, yearly noise, and a
        few sites that start later; then every year is scaled so that the cluster-6 ETS total follows the
        national path of YEAR_INDEX exactly (sites keep their own ups and downs around it)."""
        n = len(sites)
        years = np.array(pf.YEARS)
        dy = (years - pf.REFERENCE_YEAR).astype(float)
        trend = self.rng.normal(0.0, pf.SITE_TREND_SD, n)
        noise = self.rng.normal(0.0, pf.SITE_NOISE_SD, (n, len(years)))
        noise[:, dy == 0] = 0.0
        late = self.rng.random(n) < pf.LATE_START_SHARE
        start = np.where(late, self.rng.integers(pf.LATE_START_FIRST, pf.LATE_START_LAST + 1, n), years[0])
        present = years[None, :] >= start[:, None]
        sizes = np.array([x.size_t for x in sites])
        raw = sizes[:, None] * np.exp(trend[:, None] * dy[None, :] + noise) * present
        reference = np.array([x.is_ets and x.cluster == CLUSTER6 for x in sites])
        if reference.any():
            target = np.array([pf.YEAR_INDEX[y] for y in pf.YEARS]) * sizes[reference].sum()
            raw *= (target / raw[reference].sum(axis=0))[None, :]
        values = np.maximum(np.rint(raw), 1).astype(np.int64)
        year_list = [int(y) for y in years]
        for i, site in enumerate(sites):
            site.emissions = tuple(
                (y, int(v)) for y, v, ok in zip(year_list, values[i], present[i], strict=True) if ok
            )

    # -- geometry ---------------------------------------------------------------------------------

    def jitter(
        self, place: Place, lon: float, lat: float, sd_lon: float, sd_lat: float
    ) -> tuple[float, float]:
        """A point near (lon, lat), inside the municipality when its polygon is known."""
        offsets = self.rng.normal(0.0, 1.0, (8, 2))
        for dx, dy in offsets:
            x, y = lon + dx * sd_lon, lat + dy * sd_lat
            if place.shape is None or shapely.contains_xy(place.shape, x, y):
                return round(float(x), 5), round(float(y), 5)
        return round(lon, 5), round(lat, 5)

    def coordinates_and_parks(self, sites: list[_Site]) -> list[DemoBusinessPark]:
        parks: list[DemoBusinessPark] = []
        on_park: dict[str, list[_Site]] = defaultdict(list)
        for site in sites:
            assert site.place is not None
            if site.on_park:
                on_park[site.place.code].append(site)
            else:
                site.lon, site.lat = self.jitter(site.place, site.place.lon, site.place.lat, 0.035, 0.022)
        names = [f"{prefix} {name}" for name in pf.TOPONYMS for prefix in pf.PARK_PREFIXES]
        names += [f"{prefix} {suffix}" for suffix in pf.PARK_SUFFIXES for prefix in pf.PARK_PREFIXES]
        for code, members in on_park.items():
            place = members[0].place
            assert place is not None
            n_parks = max(1, round(len(members) / 3.5))
            picks = self.rng.permutation(len(names))
            park_list: list[DemoBusinessPark] = []
            for j in range(n_parks):
                name = names[int(picks[j])] if j < len(names) else f"Bedrijventerrein {j + 1}"
                lon, lat = self.jitter(place, place.lon, place.lat, 0.025, 0.015)
                park_list.append(DemoBusinessPark(f"{code}:{name}", name, code, lon, lat))
            choice = self.rng.integers(0, n_parks, len(members))
            choice[: min(n_parks, len(members))] = np.arange(min(n_parks, len(members)))
            for site, j in zip(members, choice, strict=True):
                park = park_list[int(j)]
                site.park_key = park.key
                site.lon, site.lat = self.jitter(place, park.lon, park.lat, 0.005, 0.003)
            parks.extend(park_list)
        return parks

    # -- grid -------------------------------------------------------------------------------------

    def pick(self, options: Sequence[Any], probabilities: Sequence[float]) -> Any:
        p = np.asarray(probabilities, dtype=float)
        return options[int(self.rng.choice(len(options), p=p / p.sum()))]

    def grid(self, sites: list[_Site]) -> tuple[list[DemoArea], list[DemoProject]]:
        areas: list[DemoArea] = []
        projects: list[DemoProject] = []
        used_names: set[str] = set()
        by_province: dict[str, list[_Site]] = defaultdict(list)
        for site in sites:
            by_province[site.province].append(site)
        for province in sorted(self.geo.provinces):
            places = self.places_by_province.get(province)
            if not places:
                continue
            members = by_province.get(province, [])
            a, p = self.grid_province(province, places, members, used_names)
            areas += a
            projects += p
        return areas, projects

    def grid_province(
        self, province: str, places: list[Place], sites: list[_Site], used_names: set[str]
    ) -> tuple[list[DemoArea], list[DemoProject]]:
        abbr = self.abbreviations.get(province, province)
        province_name = self.geo.provinces[province]
        per_block = pf.AREAS_PER_PROVINCE.get(province, 3)
        regional = geo.REGIONAL_OPERATORS.get(province, ("Liander",))
        weights = np.array([p.weight for p in places], dtype=float)
        k = per_block * self.scale
        station_places = [places[int(i)] for i in self.rng.choice(len(places), k, p=weights / weights.sum())]
        stations = np.array(
            [self.jitter(pl, pl.lon, pl.lat, 0.03, 0.02) for pl in station_places], dtype=float
        ).reshape(-1, 2)
        # Sites with a large connection are connected to TenneT; the others to the nearest station.
        tennet_sites = [x for x in sites if x.contracted_mw >= pf.TENNET_CONNECTION_MW]
        rnb_sites = [x for x in sites if x.contracted_mw < pf.TENNET_CONNECTION_MW]
        members: dict[int, list[_Site]] = defaultdict(list)
        if rnb_sites:
            coords = np.array([(x.lon, x.lat) for x in rnb_sites])
            coslat = math.cos(math.radians(52.2))
            for start in range(0, len(rnb_sites), 2000):
                chunk = coords[start : start + 2000]
                dx = (chunk[:, None, 0] - stations[None, :, 0]) * coslat
                dy = chunk[:, None, 1] - stations[None, :, 1]
                nearest = np.argmin(dx * dx + dy * dy, axis=1)
                for offset, j in enumerate(nearest):
                    members[int(j)].append(rnb_sites[start + offset])

        areas: list[DemoArea] = []
        projects: list[DemoProject] = []
        blocks = [self.tennet_block(province) for _ in range(self.scale)]
        for j in range(k):
            block = blocks[j // per_block]
            if j % per_block == 0 and len(regional) > 1:
                operators = tuple(sorted(regional)) if regional[1] != "Westland" else (regional[1],)
            else:
                operators = (regional[0],)
            place = station_places[j]
            suffix = pf.STATION_SUFFIXES[int(self.rng.integers(0, len(pf.STATION_SUFFIXES)))]
            name = self.unique_name(f"{place.name.split(' (')[0]} {suffix}", used_names)
            code = f"DEMO-{abbr}-{j + 1:03d}"
            lon, lat = stations[j]
            area = self.rnb_area(code, name, operators, province, lon, lat, members.get(j, []), block)
            area = replace(area, tennet_region_code=self.tennet_code(abbr, j // per_block))
            areas.append(area)
            operator = operators[0]
            for site in members.get(j, []):
                site.area_code, site.grid_operator = code, operator
            projects += self.rnb_projects(area, place.name.split(" (")[0])
            projects += [_replace_area(p, code) for p in block["projects"]]
        lons = [p.lon for p in places]
        lats = [p.lat for p in places]
        for b, block in enumerate(blocks):
            code = self.tennet_code(abbr, b)
            name = f"TenneT {province_name}" + (f" {b + 1}" if self.scale > 1 else "")
            block_sites = tennet_sites[b :: self.scale]
            for site in block_sites:
                site.area_code, site.grid_operator = code, TENNET
            xs = lons + [x.lon for x in block_sites]
            ys = lats + [x.lat for x in block_sites]
            areas.append(self.tennet_area(code, name, province, xs, ys, block))
            projects += [_replace_area(p, code) for p in block["projects"]]
        return areas, projects

    def tennet_code(self, abbr: str, block: int) -> str:
        return f"DEMO-TENNET-{abbr}" + (f"-{block + 1}" if self.scale > 1 else "")

    def unique_name(self, name: str, used: set[str]) -> str:
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name} {n}", n + 1
        used.add(candidate)
        return candidate

    def tennet_block(self, province: str) -> dict[str, Any]:
        """The TenneT situation upstream of a group of regional areas: status, expected end of the
        congestion (mostly 2034-2036) and the high-voltage projects that end it."""
        status = self.pick([3, 1, 0], [0.82, 0.13, 0.05])
        end = self.pick([2032, 2033, 2034, 2035, 2036, 2037], [0.04, 0.06, 0.22, 0.38, 0.24, 0.06])
        status_in = self.pick([3, 2, 1, 0], [0.5, 0.1, 0.25, 0.15])
        end_in = self.pick([2030, 2032, 2034, 2035, 2036], [0.1, 0.15, 0.25, 0.3, 0.2])
        names = [p.name.split(" (")[0] for p in self.places_by_province[province]]
        n_projects = int(self.rng.integers(3, 6))
        projects: list[DemoProject] = []
        used: set[str] = set()
        for i in range(n_projects):
            a, b = (names[int(j)] for j in self.rng.choice(len(names), 2, replace=len(names) < 2))
            kind = int(self.rng.integers(0, 3))
            if kind == 0 and a != b:
                name = f"{a}-{b} 110 kV verzwaren verbinding"
            elif kind == 1:
                name = f"{a} 380/110 kV realiseren station"
            else:
                name = f"{a} 150 kV uitbreiden station"
            name = self.unique_name(name, used)
            year = end if i == 0 else int(self.rng.integers(2028, end + 1))
            duration = int(self.rng.integers(2, 5))
            phase = ProjectPhase.IN_PROGRESS if year - duration <= 2026 else ProjectPhase.SCHEDULED
            certainty = (
                Certainty.FIRM
                if phase == ProjectPhase.IN_PROGRESS
                else (Certainty.PLANNED if year <= 2034 else Certainty.UNCERTAIN)
            )
            projects.append(
                DemoProject(
                    area_code="",
                    name=name,
                    operator_name=TENNET,
                    operator_type=OperatorType.TENNET,
                    date_text=f"{year - duration} - {year}",
                    completion_year=year,
                    completion_quarter=4,
                    start_date=date(year - duration, 1, 1),
                    end_date=date(year, 12, 31),
                    phase=phase,
                    added_capacity_mw=float(round(self.rng.uniform(150, 900), -1)),
                    certainty=certainty,
                )
            )
        return {"status": status, "end": end, "status_in": status_in, "end_in": end_in, "projects": projects}

    def rnb_area(
        self,
        code: str,
        name: str,
        operators: tuple[str, ...],
        province: str,
        lon: float,
        lat: float,
        members: list[_Site],
        block: dict[str, Any],
    ) -> DemoArea:
        rng = self.rng
        xs = [lon] + [x.lon for x in members]
        ys = [lat] + [x.lat for x in members]
        margin = rng.uniform(0.02, 0.06, 4)
        west = min(min(xs) - margin[0], lon - 0.06)
        east = max(max(xs) + margin[1], lon + 0.06)
        south = min(min(ys) - margin[2], lat - 0.035)
        north = max(max(ys) + margin[3], lat + 0.035)
        existing = float(np.clip(62.0 * math.exp(rng.normal(0.0, 0.6)), 17.0, 520.0))
        existing_in = existing * float(rng.uniform(0.6, 1.2))
        status = int(self.pick([3, 2, 1, 0], [0.52, 0.12, 0.16, 0.20]))
        status_in = int(self.pick([3, 2, 1, 0], [0.45, 0.10, 0.20, 0.25]))
        years = [2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]
        year_p = [0.14, 0.12, 0.15, 0.17, 0.14, 0.11, 0.07, 0.05, 0.03, 0.02]
        end = int(self.pick(years, year_p)) if status >= 2 else None
        end_in = int(self.pick(years, year_p)) if status_in >= 2 else None
        queue = float(np.clip(10.4 * math.exp(rng.normal(0.0, 0.9)), 0.5, 160.0)) if status >= 2 else 0.0
        queue_in = (
            float(np.clip(12.0 * math.exp(rng.normal(0.0, 0.9)), 0.5, 160.0)) if status_in >= 2 else 0.0
        )
        requests = int(queue * rng.uniform(1.5, 4.0)) + int(rng.integers(1, 6)) if queue else 0
        requests_in = int(queue_in * rng.uniform(1.0, 3.0)) + int(rng.integers(1, 6)) if queue_in else 0
        tennet_status = (
            block["status"] if rng.random() < 0.85 else int(self.pick([3, 1, 0], [0.75, 0.2, 0.05]))
        )
        tennet_status_in = block["status_in"] if rng.random() < 0.85 else int(self.pick([3, 1], [0.5, 0.5]))
        return DemoArea(
            code=code,
            name=name,
            operator_type=OperatorType.RNB,
            operator_keys=tuple(grid_key(o) for o in operators),
            operator_names=", ".join(operators),
            province_code=province,
            bbox_west=round(west, 5),
            bbox_south=round(south, 5),
            bbox_east=round(east, 5),
            bbox_north=round(north, 5),
            existing_capacity_withdrawal_mw=round(existing, 1),
            existing_capacity_injection_mw=round(existing_in, 1),
            required_capacity_withdrawal_mw=round(existing + queue * float(rng.uniform(0.5, 1.0)), 1),
            required_capacity_injection_mw=round(existing_in + queue_in * float(rng.uniform(0.5, 1.0)), 1),
            queue_withdrawal_mw=round(queue, 1),
            queue_injection_mw=round(queue_in, 1),
            queue_requests_withdrawal=requests,
            queue_requests_injection=requests_in,
            congestion_end_withdrawal_rnb=end,
            congestion_end_injection_rnb=end_in,
            congestion_end_withdrawal_tennet=block["end"]
            if tennet_status == CongestionColour.SHORTAGE
            else None,
            congestion_end_injection_tennet=block["end_in"] if tennet_status_in >= 2 else None,
            status_withdrawal=status,
            status_injection=status_in,
            tennet_status_withdrawal=tennet_status,
            tennet_status_injection=tennet_status_in,
        )

    def rnb_projects(self, area: DemoArea, town: str) -> list[DemoProject]:
        rng = self.rng
        n = 1 + int(rng.random() < 0.4)
        templates = (
            "Extra capaciteit op {area}",
            "Uitbreiding onderstation {area}",
            "Nieuw onderstation {town} {suffix}",
            "Verzwaren transformatoren {area}",
        )
        picks = rng.permutation(len(templates))[:n]
        projects = []
        for i, t in enumerate(picks):
            if i == 0 and area.congestion_end_withdrawal_rnb:
                year = area.congestion_end_withdrawal_rnb
            else:
                year = int(rng.integers(2026, 2038))
            year = min(max(year, 2026), 2037)
            quarter = int(rng.integers(1, 5)) if rng.random() < 0.5 else None
            if year <= 2027:
                phase = ProjectPhase.IN_PROGRESS
            elif year <= 2030:
                phase = ProjectPhase.APPROVED if rng.random() < 0.6 else ProjectPhase.IN_PROGRESS
            else:
                phase = ProjectPhase.SCHEDULED
            certainty = {
                ProjectPhase.IN_PROGRESS: Certainty.FIRM,
                ProjectPhase.APPROVED: Certainty.PLANNED,
            }.get(phase, Certainty.PLANNED if year <= 2032 else Certainty.UNCERTAIN)
            suffix = pf.STATION_SUFFIXES[int(rng.integers(0, len(pf.STATION_SUFFIXES)))]
            projects.append(
                DemoProject(
                    area_code=area.code,
                    name=templates[int(t)].format(area=area.name, town=town, suffix=suffix),
                    operator_name=area.operator_names.split(", ")[0],
                    operator_type=OperatorType.RNB,
                    date_text=f"{year} - Q{quarter}" if quarter else str(year),
                    completion_year=year,
                    completion_quarter=quarter,
                    start_date=None,
                    end_date=None,
                    phase=phase,
                    added_capacity_mw=float(round(rng.uniform(15, 120))),
                    certainty=certainty,
                )
            )
        return projects

    def tennet_area(
        self, code: str, name: str, province: str, xs: list[float], ys: list[float], block: dict[str, Any]
    ) -> DemoArea:
        rng = self.rng
        existing = float(np.clip(1375.0 * math.exp(rng.normal(0.0, 0.6)), 370.0, 4200.0))
        queue = float(np.clip(pf.TENNET_QUEUE_MEDIAN_MW * math.exp(rng.normal(0.0, 0.6)), 5.0, 1000.0))
        status = int(block["status"])
        return DemoArea(
            code=code,
            name=name,
            operator_type=OperatorType.TENNET,
            operator_keys=(grid_key(TENNET),),
            operator_names=TENNET,
            province_code=province,
            bbox_west=round(min(xs) - 0.08, 5),
            bbox_south=round(min(ys) - 0.05, 5),
            bbox_east=round(max(xs) + 0.08, 5),
            bbox_north=round(max(ys) + 0.05, 5),
            existing_capacity_withdrawal_mw=round(existing, 1),
            existing_capacity_injection_mw=round(existing * float(rng.uniform(0.8, 1.3)), 1),
            required_capacity_withdrawal_mw=round(existing + queue * 0.7, 1),
            required_capacity_injection_mw=round(existing * 1.1, 1),
            queue_withdrawal_mw=round(queue, 1),
            queue_injection_mw=round(queue * float(rng.uniform(0.4, 1.0)), 1),
            queue_requests_withdrawal=int(rng.integers(5, 36)),
            queue_requests_injection=int(rng.integers(3, 30)),
            congestion_end_withdrawal_rnb=None,
            congestion_end_injection_rnb=None,
            congestion_end_withdrawal_tennet=int(block["end"])
            if status == CongestionColour.SHORTAGE
            else None,
            congestion_end_injection_tennet=int(block["end_in"]) if block["status_in"] >= 2 else None,
            status_withdrawal=status,
            status_injection=int(block["status_in"]),
            tennet_status_withdrawal=status,
            tennet_status_injection=int(block["status_in"]),
        )

    # -- organisations --------------------------------------------------------------------------

    def institutions(self) -> list[DemoOrganisation]:
        orgs = [
            DemoOrganisation(MINISTRY_KEY, MINISTRY_NAME, OrganisationKind.MINISTRY),
            DemoOrganisation(RVO_KEY, RVO_NAME, OrganisationKind.RVO),
            DemoOrganisation(FOUNDATION_KEY, FOUNDATION_NAME, OrganisationKind.FOUNDATION),
        ]
        orgs += [
            DemoOrganisation(grid_key(n), n, OrganisationKind.GRID_OPERATOR) for n in GRID_OPERATOR_NAMES
        ]
        orgs += [
            DemoOrganisation(
                province_key(code), f"Provincie {name}", OrganisationKind.PROVINCE, province_code=code
            )
            for code, name in sorted(self.geo.provinces.items())
        ]
        return orgs

    def companies(self, sites: list[_Site]) -> list[DemoOrganisation]:
        """Group the sites into companies (mostly one site; multi-site companies stay within a sector and a
        province), bundle some companies under a parent group, and name them all."""
        rng = self.rng
        groups: dict[tuple[bool, str, str], list[int]] = defaultdict(list)
        for i, site in enumerate(sites):
            groups[(site.cluster != CLUSTER6, str(site.sector), site.province)].append(i)
        companies: list[list[int]] = []
        for key in sorted(groups):
            members = [groups[key][int(i)] for i in rng.permutation(len(groups[key]))]
            first = True
            while members:
                size = int(self.pick([1, 2, 3, 4], [0.62, 0.22, 0.10, 0.06]))
                flagship = key == (False, str(Sector.CERAMICS), geo.GELDERLAND) and first
                if flagship and len(members) >= 3:
                    size = 3  # a company with a few cluster-6 sites in Gelderland (the demo company account)
                first = False
                companies.append(members[:size])
                members = members[size:]
        n_groups = max(1, round(0.05 * len(companies)))
        order = [int(i) for i in rng.permutation(len(companies))]
        parent_of: dict[int, int] = {}
        group_members: list[list[int]] = []
        for g in range(n_groups):
            size = int(rng.integers(2, 4))
            chunk = order[:size]
            order = order[size:]
            if len(chunk) < 2:
                break
            group_members.append(chunk)
            for c in chunk:
                parent_of[c] = g

        used: set[str] = set()
        kvk_start = int(rng.integers(0, 1_000_000))
        kvk_counter = [0]

        def kvk() -> str:
            kvk_counter[0] += 1
            return str(90_000_000 + kvk_start + 13 * kvk_counter[0])

        orgs: list[DemoOrganisation] = []
        group_style: list[tuple[str, str]] = []
        for g, _members in enumerate(group_members):
            for _attempt in range(8):
                if rng.random() < 0.6:
                    stem = pf.FAMILY_NAMES[int(rng.integers(0, len(pf.FAMILY_NAMES)))]
                    name = f"{stem} Groep B.V."
                else:
                    stem = self.brand()
                    name = f"{stem} Holding B.V."
                if name not in used:
                    break
            else:
                stem = f"{stem} {g + 1}"
                name = f"{stem} Holding B.V."
            used.add(name)
            group_style.append((stem, name))
            orgs.append(DemoOrganisation(f"group:{g}", name, OrganisationKind.COMPANY, kvk()))
        self.company_base: dict[int, str] = {}
        for c, members in enumerate(companies):
            site = sites[members[0]]
            for _attempt in range(6):
                word = self.sector_word(site)
                if c in parent_of:
                    base = f"{group_style[parent_of[c]][0]} {word}"
                else:
                    base = self.company_base_name(site, word)
                legal = "U.A." if "coöperatie" in base.lower() else "B.V."
                if f"{base} {legal}" not in used:
                    break
            else:
                town = site.place.name.split(" (")[0] if site.place else ""
                base = f"{base} {town}"
                n = 2
                while f"{base} {legal}" in used:
                    base, n = f"{base.rsplit(' ', 1)[0] if n > 2 else base} {n}", n + 1
            name = f"{base} {legal}"
            used.add(name)
            self.company_base[c] = base
            parent = f"group:{parent_of[c]}" if c in parent_of else None
            orgs.append(DemoOrganisation(f"company:{c}", name, OrganisationKind.COMPANY, kvk(), parent))
            for i in members:
                sites[i].company = c
        return orgs

    def brand(self) -> str:
        rng = self.rng
        return (
            pf.BRAND_HEADS[int(rng.integers(0, len(pf.BRAND_HEADS)))]
            + pf.BRAND_TAILS[int(rng.integers(0, len(pf.BRAND_TAILS)))]
        )

    def sector_word(self, site: _Site) -> str:
        rng = self.rng
        words: tuple[str, ...]
        if site.sector == Sector.WASTE:
            words = pf.AVI_WORDS if site.is_ets else pf.RECYCLING_WORDS
        else:
            words = pf.PROFILES[site.sector].words
        return words[int(rng.integers(0, len(words)))]

    def company_base_name(self, site: _Site, word: str) -> str:
        rng = self.rng
        family = pf.FAMILY_NAMES[int(rng.integers(0, len(pf.FAMILY_NAMES)))]
        toponym = pf.TOPONYMS[int(rng.integers(0, len(pf.TOPONYMS)))]
        style = float(rng.random())
        if site.sector == Sector.FOOD and style < 0.08:
            return f"Zuivelcoöperatie {toponym}"
        if style < 0.40:
            return f"{word} {family}"
        if style < 0.65:
            return f"{family} {word}"
        if style < 0.82:
            return f"{word} {toponym}"
        return f"{self.brand()} {word}"

    # -- locations --------------------------------------------------------------------------------

    def locations(self, sites: list[_Site]) -> list[DemoLocation]:
        rng = self.rng
        n = len(sites)
        streets = rng.integers(0, len(pf.STREETS), n)
        numbers = rng.integers(1, 250, n)
        postcode_u = rng.random(n)
        letters = rng.integers(0, 26, (n, 2))
        nace_u = rng.random(n)
        ets_counter = 0
        seen: dict[tuple[int, str], int] = defaultdict(int)
        out: list[DemoLocation] = []
        for i, site in enumerate(sites):
            assert site.place is not None
            place = site.place
            town = place.name.split(" (")[0]
            seen[(site.company, place.code)] += 1
            k = seen[(site.company, place.code)]
            name = f"{self.company_base[site.company]}, locatie {town}" + (f" {k}" if k > 1 else "")
            low, high = geo.POSTCODE_RANGES.get(site.province, (1000, 9999))
            pair = "".join(chr(65 + int(x)) for x in letters[i])
            if pair in {"SA", "SD", "SS"}:
                pair = "AB"
            postcode = f"{int(low + postcode_u[i] * (high - low + 1))} {pair}"
            profile = pf.PROFILES[site.sector]
            ets_id, permit = None, ""
            if site.is_ets:
                ets_counter += 1
                ets_id, permit = f"DEMO_{ets_counter:06d}", f"NL-DEMO-{ets_counter:06d}"
            out.append(
                DemoLocation(
                    name=name,
                    operator_key=f"company:{site.company}",
                    ets_installation_id=ets_id,
                    nea_permit_id=permit,
                    address=f"{pf.STREETS[int(streets[i])]} {int(numbers[i])}",
                    postcode=postcode,
                    city=town,
                    municipality_code=place.code,
                    province_code=place.province_code,
                    latitude=site.lat,
                    longitude=site.lon,
                    business_park_key=site.park_key,
                    grid_operator_key=grid_key(site.grid_operator),
                    area_code=site.area_code,
                    sector=str(site.sector),
                    nace_code=profile.nace_codes[int(nace_u[i] * len(profile.nace_codes))],
                    ets_activity_code=profile.ets_activity if site.is_ets else None,
                    is_ets=site.is_ets,
                    gas_use_m3=site.gas_m3,
                    electricity_use_gwh=site.electricity_gwh,
                    contracted_capacity_mw=site.contracted_mw,
                    cluster_derived=cluster_for_municipality(place.code, self.geo.cluster_map),
                    emissions=site.emissions,
                )
            )
        return out

    def run(self) -> DemoDataset:
        sites = self.build_sites()
        parks = self.coordinates_and_parks(sites)
        areas, projects = self.grid(sites)
        organisations = self.institutions() + self.companies(sites)
        locations = self.locations(sites)
        return DemoDataset(
            seed=self.seed,
            scale=self.scale,
            organisations=tuple(organisations),
            business_parks=tuple(parks),
            areas=tuple(areas),
            projects=tuple(projects),
            locations=tuple(locations),
        )


def _replace_area(project: DemoProject, area_code: str) -> DemoProject:
    return replace(project, area_code=area_code)


def generate(*, seed: int, scale: int = 1, geography: Geography) -> DemoDataset:
    """The demo data set for `seed` and `scale` on `geography`; pure and deterministic."""
    return _Generator(seed, scale, geography).run()
