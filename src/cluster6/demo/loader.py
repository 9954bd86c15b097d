"""Writing a generated demo data set to the database (in one transaction, audited) and removing it again.

Every row the demo writes is marked synthetic: organisations and locations with origin `demo`, emissions
with source `demo`, grid service areas and projects with `is_synthetic`. Provinces and municipalities are
facts, not synthetic: the demo uses the ones in the database (the boundaries importer fills them with
polygons) and only adds the built-in ones that are missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.db import connection, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from cluster6.accounts.models import Membership, User
from cluster6.analysis.models import AnalysisRun
from cluster6.analysis.services import analysis_run
from cluster6.audit.services import audit_record
from cluster6.infra.models import CarrierRollout, GridProject, GridServiceArea, NetworkPoint
from cluster6.registry.constants import DataOrigin, EmissionSource, OrganisationKind
from cluster6.registry.models import (
    BusinessPark,
    EmissionRecord,
    Municipality,
    Organisation,
    ProductionLocation,
    Province,
)
from cluster6.registry.services import cluster_map

from . import geography as geo
from .generator import (
    OTHER_PLACE_WEIGHT,
    SNAPSHOT_DATE,
    DemoDataset,
    DemoOrganisation,
    Geography,
    Place,
    builtin_weight,
    generate,
)
from .infrastructure import demo_rollouts
from .plans import demo_plans_delete, demo_plans_exist, demo_plans_write, generate_plans

BATCH_SIZE = 1000


class DemoError(Exception):
    """The demo data cannot be written or removed; the message says why (in Dutch, for the command)."""


class DemoDataExistsError(DemoError):
    """The database already holds demo data and no reset was asked for."""


class DemoDataInUseError(DemoError):
    """Demo rows are referenced by other data (plans, cases, ...) and cannot be removed."""


@dataclass
class DemoLoadResult:
    summary: dict[str, Any]
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    plans: dict[str, Any] = field(default_factory=dict)  # the demo plans' summary (demo.plans)
    analysis: dict[str, Any] = field(default_factory=dict)  # the baseline analysis of the demo data


def batched[T](items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------- geography


def provinces_ensure() -> dict[str, Province]:
    """The provinces by CBS code, creating any of the twelve that are missing."""
    existing = {p.code: p for p in Province.objects.all()}
    names = {p.name for p in existing.values()}
    missing = [
        Province(code=b.code, name=b.name)
        for b in geo.PROVINCES
        if b.code not in existing and b.name not in names
    ]
    if missing:
        Province.objects.bulk_create(missing)
        existing = {p.code: p for p in Province.objects.all()}
    return existing


def _shape(geometry: Any) -> BaseGeometry | None:
    """A shapely polygon from a stored GeoJSON geometry (or feature); None when there is none or it is bad."""
    if isinstance(geometry, Mapping) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, Mapping) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return None
    try:
        polygon = shape(geometry)
        if not polygon.is_valid:
            polygon = shapely.make_valid(polygon)
    except (ValueError, TypeError, shapely.errors.ShapelyError):
        return None
    if polygon.is_empty:
        return None
    shapely.prepare(polygon)
    return polygon


def geography_ensure() -> Geography:
    """The geography to generate on: the provinces and municipalities in the database, after adding the
    missing provinces and built-in municipalities. A municipality's point is the representative point of
    its polygon when it has one, else the built-in interior point; those with neither are left out."""
    provinces = provinces_ensure()
    existing = set(Municipality.objects.values_list("code", flat=True))
    missing = [
        Municipality(code=m.code, name=m.name, province=provinces[m.province_code])
        for m in geo.MUNICIPALITIES
        if m.code not in existing and m.province_code in provinces
    ]
    if missing:
        Municipality.objects.bulk_create(missing)
    builtin = {m.code: m for m in geo.MUNICIPALITIES}
    places: list[Place] = []
    rows = Municipality.objects.order_by("code").values_list("code", "name", "province__code", "geometry")
    for code, name, province_code, geometry in rows:
        polygon = _shape(geometry)
        known = builtin.get(code)
        if polygon is not None:
            point = polygon.representative_point()
            lon, lat = float(point.x), float(point.y)
        elif known is not None:
            lon, lat = known.lon, known.lat
        else:
            continue
        if not (2.0 <= lon <= 7.5 and 50.0 <= lat <= 56.0):
            continue
        weight = builtin_weight(known.ets_sites) if known else OTHER_PLACE_WEIGHT
        places.append(Place(code, name, province_code, lon, lat, weight, polygon))
    return Geography(
        provinces={code: p.name for code, p in sorted(provinces.items())},
        places=tuple(places),
        cluster_map=cluster_map(),
    )


# --------------------------------------------------------------------------------------------- reads


def demo_exists() -> bool:
    return (
        ProductionLocation.objects.filter(origin=DataOrigin.DEMO).exists()
        or GridServiceArea.objects.filter(is_synthetic=True).exists()
        or Organisation.objects.filter(origin=DataOrigin.DEMO, kind=OrganisationKind.COMPANY).exists()
        or demo_plans_exist()
    )


# -------------------------------------------------------------------------------------------- writes


def institutions_ensure(orgs: Iterable[DemoOrganisation]) -> dict[str, Organisation]:
    """The ministry, RVO, the foundation, the grid operators and the provinces: reused when they exist
    (same kind and name), else created with origin demo. Returns them by data-set key."""
    orgs = list(orgs)
    found = {
        (o.kind, o.name): o
        for o in Organisation.objects.filter(name__in=[o.name for o in orgs]).order_by("pk")
    }
    provinces = {p.code: p for p in Province.objects.all()}
    to_create = []
    for org in orgs:
        if (org.kind, org.name) not in found:
            province = provinces.get(org.province_code) if org.province_code else None
            if org.kind == OrganisationKind.PROVINCE and province is not None:
                same = Organisation.objects.filter(kind=org.kind, province=province).order_by("pk").first()
                if same is not None:
                    found[(org.kind, org.name)] = same
                    continue
            to_create.append(
                Organisation(name=org.name, kind=org.kind, province=province, origin=DataOrigin.DEMO)
            )
    for created in Organisation.objects.bulk_create(to_create):
        found[(created.kind, created.name)] = created
    return {org.key: found[(org.kind, org.name)] for org in orgs}


def _free_names(names: Sequence[str], taken: set[str]) -> dict[str, str]:
    """Rename the names that are taken already (by non-demo rows): 'X B.V.' -> 'X (demo) B.V.'."""
    renamed: dict[str, str] = {}
    for name in names:
        if name in taken:
            stem, dot, legal = name.rpartition(" ")
            candidate, n = f"{stem} (demo) {legal}" if dot else f"{name} (demo)", 2
            while candidate in taken:
                candidate, n = f"{stem} (demo {n}) {legal}" if dot else f"{name} (demo {n})", n + 1
            taken.add(candidate)
            renamed[name] = candidate
    return renamed


def _write_companies(ds: DemoDataset) -> dict[str, Organisation]:
    companies = [o for o in ds.organisations if o.kind == OrganisationKind.COMPANY]
    taken: set[str] = set()
    for chunk in batched([o.name for o in companies], 500):
        taken |= set(
            Organisation.objects.filter(kind=OrganisationKind.COMPANY, name__in=chunk).values_list(
                "name", flat=True
            )
        )
    renamed = _free_names([o.name for o in companies], taken)
    by_key: dict[str, Organisation] = {}
    parents = [o for o in companies if o.parent_key is None]
    children = [o for o in companies if o.parent_key is not None]
    for group in (parents, children):
        objs = [
            Organisation(
                name=renamed.get(o.name, o.name),
                kind=o.kind,
                kvk_number=o.kvk_number,
                parent=by_key[o.parent_key] if o.parent_key else None,
                origin=DataOrigin.DEMO,
            )
            for o in group
        ]
        created = Organisation.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        for org, obj in zip(group, created, strict=True):
            by_key[org.key] = obj
    return by_key


def _write_parks(ds: DemoDataset, municipalities: Mapping[str, int]) -> dict[str, int]:
    codes = sorted({p.municipality_code for p in ds.business_parks})
    taken = set(
        BusinessPark.objects.filter(municipality__code__in=codes).values_list("name", "municipality__code")
    )
    objs = []
    for park in ds.business_parks:
        name, n = park.name, 2
        while (name, park.municipality_code) in taken:
            name, n = f"{park.name} (demo{'' if n == 2 else f' {n - 1}'})", n + 1
        taken.add((name, park.municipality_code))
        objs.append(BusinessPark(name=name, municipality_id=municipalities[park.municipality_code]))
    created = BusinessPark.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    return {park.key: obj.pk for park, obj in zip(ds.business_parks, created, strict=True)}


def _write_grid(
    ds: DemoDataset, organisations: Mapping[str, Organisation], provinces: Mapping[str, Province], source: str
) -> dict[str, int]:
    area_fields = [
        "existing_capacity_withdrawal_mw",
        "existing_capacity_injection_mw",
        "required_capacity_withdrawal_mw",
        "required_capacity_injection_mw",
        "queue_withdrawal_mw",
        "queue_injection_mw",
        "queue_requests_withdrawal",
        "queue_requests_injection",
        "congestion_end_withdrawal_rnb",
        "congestion_end_injection_rnb",
        "congestion_end_withdrawal_tennet",
        "congestion_end_injection_tennet",
        "status_withdrawal",
        "status_injection",
        "tennet_status_withdrawal",
        "tennet_status_injection",
        "bbox_west",
        "bbox_south",
        "bbox_east",
        "bbox_north",
    ]
    objs = [
        GridServiceArea(
            code=a.code,
            name=a.name,
            operator_type=a.operator_type,
            operator_names=a.operator_names,
            province=provinces.get(a.province_code),
            source=source,
            snapshot_date=SNAPSHOT_DATE,
            is_synthetic=True,
            **{f: getattr(a, f) for f in area_fields},
        )
        for a in ds.areas
    ]
    created = GridServiceArea.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    area_ids = {a.code: obj.pk for a, obj in zip(ds.areas, created, strict=True)}
    linked = []
    for a, obj in zip(ds.areas, created, strict=True):
        if a.tennet_region_code:
            obj.tennet_region_id = area_ids[a.tennet_region_code]
            linked.append(obj)
    GridServiceArea.objects.bulk_update(linked, ["tennet_region"], batch_size=BATCH_SIZE)
    through = GridServiceArea.operators.through
    links = [
        through(gridservicearea_id=area_ids[a.code], organisation_id=organisations[key].pk)
        for a in ds.areas
        for key in a.operator_keys
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    GridProject.objects.bulk_create(
        (
            GridProject(
                area_id=area_ids[p.area_code],
                name=p.name,
                operator_name=p.operator_name,
                operator_type=p.operator_type,
                date_text=p.date_text,
                completion_year=p.completion_year,
                completion_quarter=p.completion_quarter,
                start_date=p.start_date,
                end_date=p.end_date,
                phase=p.phase,
                added_capacity_mw=p.added_capacity_mw,
                certainty=p.certainty,
                source=source,
                snapshot_date=SNAPSHOT_DATE,
                is_synthetic=True,
            )
            for p in ds.projects
        ),
        batch_size=BATCH_SIZE,
    )
    return area_ids


def _write_rollouts(provinces: Mapping[str, Province], source: str) -> int:
    """The carrier timeline of demo/infrastructure.py (national: it does not scale)."""
    rollouts = demo_rollouts()
    created = CarrierRollout.objects.bulk_create(
        CarrierRollout(
            code=r.code,
            carrier=r.carrier,
            name=r.name,
            province=provinces.get(r.province_code) if r.province_code else None,
            year=r.year,
            year_text=r.year_text,
            certainty=r.certainty,
            mode=r.mode,
            open_access=r.open_access,
            source=source,
            source_date=SNAPSHOT_DATE,
            is_synthetic=True,
        )
        for r in rollouts
    )
    NetworkPoint.objects.bulk_create(
        NetworkPoint(rollout=obj, code=f"P{k + 1}", name=name, lon=lon, lat=lat)
        for r, obj in zip(rollouts, created, strict=True)
        for k, (name, lon, lat) in enumerate(r.points)
    )
    return len(created)


def _write_locations(
    ds: DemoDataset,
    *,
    organisations: Mapping[str, Organisation],
    municipalities: Mapping[str, int],
    provinces: Mapping[str, Province],
    parks: Mapping[str, int],
    areas: Mapping[str, int],
    progress: bool,
) -> list[int]:
    """Write the locations with their emissions; returns their ids in data-set order."""
    ids: list[int] = []
    with tqdm(total=len(ds.locations), unit="locaties", disable=not progress) as bar:
        for chunk in batched(ds.locations):
            objs = [
                ProductionLocation(
                    name=loc.name,
                    operator=organisations[loc.operator_key],
                    ets_installation_id=loc.ets_installation_id,
                    nea_permit_id=loc.nea_permit_id,
                    address=loc.address,
                    postcode=loc.postcode,
                    city=loc.city,
                    municipality_id=municipalities[loc.municipality_code],
                    province=provinces[loc.province_code],
                    latitude=loc.latitude,
                    longitude=loc.longitude,
                    business_park_id=parks[loc.business_park_key] if loc.business_park_key else None,
                    grid_operator=organisations[loc.grid_operator_key],
                    grid_service_area_id=areas[loc.area_code],
                    sector=loc.sector,
                    nace_code=loc.nace_code,
                    ets_activity_code=loc.ets_activity_code,
                    is_ets=loc.is_ets,
                    gas_use_m3=loc.gas_use_m3,
                    electricity_use_gwh=loc.electricity_use_gwh,
                    contracted_capacity_mw=loc.contracted_capacity_mw,
                    cluster_derived=loc.cluster_derived,
                    origin=DataOrigin.DEMO,
                )
                for loc in chunk
            ]
            created = ProductionLocation.objects.bulk_create(objs)
            ids += [obj.pk for obj in created]
            _insert_emissions(
                (obj.pk, year, t, EmissionSource.DEMO, loc.is_ets)
                for loc, obj in zip(chunk, created, strict=True)
                for year, t in loc.emissions
            )
            bar.update(len(chunk))
    return ids


def _insert_emissions(rows: Iterable[tuple[int, int, int, str, bool]]) -> None:
    """Insert emission records with one prepared statement (executemany): the bulk of the data set, and
    about ten times faster than building model instances for bulk_create. The columns are those of the
    model; the time stamps are what auto_now(_add) would give."""
    meta = EmissionRecord._meta
    fields = ["location", "year", "tco2e", "source", "verified", "created_at", "updated_at"]
    columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    # Identifiers come from the model and are quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(str(column)) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, now, now) for row in rows])


def demo_delete() -> dict[str, int]:
    """Remove the demo rows: locations (origin demo) with their emissions, emissions with source demo,
    synthetic grid areas and projects, the business parks only demo locations used, and the demo
    companies with their memberships. Institutions (ministry, RVO, foundation, grid operators,
    provinces) are kept even when the demo created them: demo accounts and real imports may use them."""
    try:
        return _delete()
    except (ProtectedError, RestrictedError) as exc:
        raise DemoDataInUseError(
            "De demogegevens zijn in gebruik door andere gegevens en kunnen niet worden verwijderd: "
            + ", ".join(sorted({str(o._meta.verbose_name) for o in exc.args[1]}))
        ) from exc


def _delete_analysis_runs() -> int:
    """Runs that analysed demo plans go with them (their results would be gone anyway)."""
    ids = set(
        AnalysisRun.objects.filter(results__location__origin=DataOrigin.DEMO).values_list("pk", flat=True)
    )
    ids |= set(AnalysisRun.objects.filter(baseline_id__in=ids).values_list("pk", flat=True))
    scenario_runs = AnalysisRun.objects.filter(pk__in=ids, baseline__isnull=False)
    n = scenario_runs.count()
    scenario_runs.delete()
    n += AnalysisRun.objects.filter(pk__in=ids).count()
    AnalysisRun.objects.filter(pk__in=ids).delete()
    return n


def _delete() -> dict[str, int]:
    analysis_runs = _delete_analysis_runs()
    deleted: dict[str, int] = demo_plans_delete()
    deleted["analysis_runs"] = analysis_runs
    demo_locations = ProductionLocation.objects.filter(origin=DataOrigin.DEMO)
    park_ids = list(
        demo_locations.filter(business_park__isnull=False)
        .values_list("business_park_id", flat=True)
        .distinct()
    )
    deleted["emission_records"] = EmissionRecord.objects.filter(source=EmissionSource.DEMO).delete()[0]
    deleted["emission_records"] += EmissionRecord.objects.filter(location__origin=DataOrigin.DEMO).delete()[0]
    deleted["locations"] = demo_locations.count()
    demo_locations.delete()
    deleted["business_parks"] = 0
    for chunk in batched(park_ids, 500):
        deleted["business_parks"] += BusinessPark.objects.filter(
            pk__in=chunk, ibis_code="", locations__isnull=True
        ).delete()[0]
    deleted["grid_projects"] = GridProject.objects.filter(is_synthetic=True).count()
    deleted["grid_service_areas"] = GridServiceArea.objects.filter(is_synthetic=True).count()
    GridProject.objects.filter(is_synthetic=True).delete()
    GridServiceArea.objects.filter(is_synthetic=True).update(tennet_region=None)
    GridServiceArea.objects.filter(is_synthetic=True).delete()
    deleted["carrier_rollouts"] = (
        CarrierRollout.objects.filter(is_synthetic=True).delete()[1].get("infra.CarrierRollout", 0)
    )
    companies = Organisation.objects.filter(origin=DataOrigin.DEMO, kind=OrganisationKind.COMPANY)
    deleted["memberships"] = Membership.objects.filter(organisation__in=companies).delete()[0]
    deleted["companies"] = companies.count()
    companies.filter(parent__isnull=False).delete()
    companies.delete()
    return deleted


@transaction.atomic
def demo_load(
    *, seed: int, scale: int = 1, reset: bool = False, actor: User | None = None, progress: bool = False
) -> DemoLoadResult:
    """Generate the demo data set for `seed` and `scale` and write it, in one transaction. Without
    `reset` it refuses when demo data exists; with it, the previous demo rows are removed first."""
    started = time.perf_counter()
    deleted: dict[str, int] = {}
    if reset:
        deleted = demo_delete()
    elif demo_exists():
        raise DemoDataExistsError(
            "Er staan al demogegevens in de database; gebruik --reset om ze te vervangen."
        )
    geography = geography_ensure()
    ds = generate(seed=seed, scale=scale, geography=geography)
    source = f"Synthetische demodata (seed {seed}, schaal {scale})"
    organisations = institutions_ensure(o for o in ds.organisations if o.kind != OrganisationKind.COMPANY)
    organisations |= _write_companies(ds)
    provinces = {p.code: p for p in Province.objects.all()}
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    parks = _write_parks(ds, municipalities)
    areas = _write_grid(ds, organisations, provinces, source)
    _write_rollouts(provinces, source)
    location_ids = _write_locations(
        ds,
        organisations=organisations,
        municipalities=municipalities,
        provinces=provinces,
        parks=parks,
        areas=areas,
        progress=progress,
    )
    summary = ds.summary()
    plans = demo_plans_write(generate_plans(ds), ds, location_ids=location_ids, organisations=organisations)
    run = analysis_run(actor=actor, reuse=False)
    analysis = {
        "run": run.pk,
        "plans": run.n_plans,
        "dependent": run.n_dependent,
        "headline_share": run.headline_share,
        "co2_by_deadline_t": run.co2_by_deadline_t,
    }
    audit_record(
        actor=actor, verb="demo.loaded", changes={"summary": summary, "plans": plans, "deleted": deleted}
    )
    return DemoLoadResult(
        summary=summary,
        deleted=deleted,
        seconds=time.perf_counter() - started,
        plans=plans,
        analysis=analysis,
    )
