"""Shared fixtures. The database is a real one (SQLite, or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs in an event loop


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets in ../shared/data; tests that need them skip, with the reason, when absent."""
    path = Path(settings.SHARED_DATA_DIR)
    if not (path / "ets" / "nl_ets_installations_2005_2022.csv").exists():
        pytest.skip(f"the public data folder {path} is absent (set CLUSTER6_SHARED_DATA)")
    return path


# --- API tests: the location world of tests/test_authz_locations.py, with emissions -------------------


@pytest.fixture
def api_world(db):
    """Two provinces, two grid operators, a company group, and locations in clusters 6 and 3 (as in
    tests/test_authz_locations.py), with emissions from two sources and attributes to filter on."""
    from cluster6.registry.constants import EmissionSource, Sector
    from tests.factories import (
        EmissionRecordFactory,
        GridOperatorFactory,
        GridServiceAreaFactory,
        OrganisationFactory,
        ProductionLocationFactory,
        ProvinceFactory,
    )

    gelderland = ProvinceFactory(code="PV25", name="Gelderland")
    brabant = ProvinceFactory(code="PV30", name="Noord-Brabant")
    liander = GridOperatorFactory(name="Liander")
    enexis = GridOperatorFactory(name="Enexis")
    area_l = GridServiceAreaFactory(code="L1", operators=[liander])
    area_e = GridServiceAreaFactory(code="E1", operators=[enexis])
    group = OrganisationFactory(name="Groep", kvk_number="12345678")
    daughter = OrganisationFactory(name="Dochter", parent=group)
    other = OrganisationFactory(name="Ander bedrijf")
    locs = {
        "own": ProductionLocationFactory(
            name="own",
            operator=group,
            province=gelderland,
            grid_operator=liander,
            grid_service_area=area_l,
            sector=Sector.GLASS,
            gas_use_m3=2_000_000,
            city="Arnhem",
        ),
        "daughter": ProductionLocationFactory(
            name="daughter",
            operator=daughter,
            province=brabant,
            grid_operator=enexis,
            grid_service_area=area_e,
            sector=Sector.CERAMICS,
            is_ets=False,
        ),
        "other_gld": ProductionLocationFactory(
            name="other_gld", operator=other, province=gelderland, sector=Sector.FOOD
        ),
        "cluster3": ProductionLocationFactory(
            name="cluster3",
            operator=other,
            province=brabant,
            cluster_derived=3,
            grid_operator=enexis,
            grid_service_area=area_e,
            sector=Sector.CHEMICALS,
        ),
    }
    for name, year, tco2e, source in [
        ("own", 2022, 100_000, EmissionSource.EU_ETS),
        ("own", 2022, 90_000, EmissionSource.NEA),
        ("own", 2021, 110_000, EmissionSource.EU_ETS),
        ("daughter", 2022, 20_000, EmissionSource.COMPANY),
        ("other_gld", 2022, 50_000, EmissionSource.EU_ETS),
        ("other_gld", 2020, 55_000, EmissionSource.EU_ETS),
        ("cluster3", 2022, 500_000, EmissionSource.EU_ETS),
    ]:
        EmissionRecordFactory(location=locs[name], year=year, tco2e=tco2e, source=source)
    return {
        "gelderland": gelderland,
        "brabant": brabant,
        "liander": liander,
        "enexis": enexis,
        "area_l": area_l,
        "area_e": area_e,
        "group": group,
        "locs": locs,
    }


@pytest.fixture
def api_user(api_world):
    """A function role -> user of that role in `api_world` (province Gelderland, grid operator Liander,
    the company group); None for the anonymous public."""
    from cluster6.accounts.constants import Role
    from tests.factories import ProvinceOrganisationFactory, user_with_role

    def make(role):
        if role is None:
            return None
        organisation = {
            Role.PROVINCIE: lambda: ProvinceOrganisationFactory(province=api_world["gelderland"]),
            Role.NETBEHEERDER: lambda: api_world["liander"],
            Role.BEDRIJF: lambda: api_world["group"],
        }.get(role, lambda: None)()
        return user_with_role(role, organisation)

    return make


# --- importers (tests/test_import_*.py) ----------------------------------------------------------------


@pytest.fixture
def run_import():
    """Run `cluster6 import KIND PATH... --json [options]` through call_command and return the parsed JSON
    report; a rejected import (CommandError) returns its report too, with "exit" set to the error."""
    import io
    import json

    from django.core.management import CommandError, call_command

    def run(kind, *paths, dry_run=False):
        out = io.StringIO()
        args = [kind, *[str(p) for p in paths], "--json", "--no-progress"]
        if dry_run:
            args.append("--dry-run")
        try:
            call_command("import", *args, stdout=out)
        except CommandError as exc:
            report = json.loads(out.getvalue())
            report["exit"] = exc
            return report
        report = json.loads(out.getvalue())
        report["exit"] = None
        return report

    return run


@pytest.fixture
def boundaries_files(shared_data):
    folder = shared_data / "boundaries"
    return [
        folder / "nl_provincies_2023.geojson",
        folder / "nl_gemeenten_2025.geojson",
        folder / "nl_gemeente_provincie_2025.csv",
    ]
