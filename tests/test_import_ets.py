"""`cluster6 import ets`: the real EUTL files, idempotency, dry runs, and bad files rejected whole."""

from __future__ import annotations

import pytest
from django.db.models import Q

from cluster6.audit.models import AuditEvent, ImportRun
from cluster6.registry.constants import INDUSTRIAL_SECTORS, DataOrigin, EmissionSource, Sector
from cluster6.registry.models import EmissionRecord, Organisation, ProductionLocation
from cluster6.registry.selectors import emission_totals
from tests.factories import MunicipalityFactory, OrganisationFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "installation_id,permit_id,installation_name,account_holder,parent_company,company_registration_no,"
    "account_status,last_year_emissions,activity_code,nace_code,latitude,longitude,offshore_heuristic,"
    "gemeente_code,provincie_code,verified_2021,verified_2022\n"
)


def write_csv(tmp_path, body, name="ets.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def counts():
    return (
        Organisation.objects.count(),
        ProductionLocation.objects.count(),
        EmissionRecord.objects.count(),
    )


@pytest.fixture
def wide(shared_data):
    return shared_data / "ets" / "nl_ets_installations_2005_2022.csv"


@pytest.fixture
def national():
    return UserFactory(username="admin", is_superuser=True)


# -- the real file -------------------------------------------------------------------------------------


def test_real_file_reproduces_the_published_figures(run_import, boundaries_files, wide, national):
    # given the CBS boundaries, so that clusters are derived from municipalities
    assert run_import("boundaries", *boundaries_files)["status"] == "applied"

    # when the wide EUTL file is imported
    report = run_import("ets", wide)

    # then every installation is there, with the 2022 figures of the NEa publication
    assert report["status"] == "applied"
    assert report["entities"]["locations"]["created"] == 654
    assert ProductionLocation.objects.filter(is_ets=True, origin=DataOrigin.IMPORT).count() == 654
    n_2022, total_2022 = emission_totals(actor=national, years=[2022])[2022]
    assert n_2022 == 328
    assert round(total_2022 / 1e6, 2) == 68.51
    assert emission_totals(actor=national, years=[2013])[2013] == (450, 86_950_369)
    # every onshore location placed by its coordinates; the 31 offshore installations at sea
    # (docs/scope.md), not at their operators' offices
    assert ProductionLocation.objects.filter(municipality__isnull=True).count() == 31
    assert ProductionLocation.objects.filter(municipality__isnull=True, is_offshore=False).count() == 0
    assert report["details"]["placement"] == {"op coördinaten": 623, "op zee (offshore)": 31}

    # and the cluster-6 industrial subset is that of SOURCES.md (144 sites, 4.29 Mt) within a few sites
    subset = Q(cluster=6, sector__in=[s.value for s in INDUSTRIAL_SECTORS], is_offshore=False)
    n, total = emission_totals(actor=national, years=[2022], location_filter=subset)[2022]
    assert 140 <= n <= 180
    assert 4.0e6 <= total <= 5.0e6
    assert abs(n - 144) <= 3
    assert abs(total - 4.29e6) < 0.05e6

    # and a known site is complete: Tata Steel IJmuiden in Velsen, cluster 2, basic metal
    tata = ProductionLocation.objects.select_related("operator", "municipality", "province").get(
        ets_installation_id="NL_144"
    )
    assert tata.nea_permit_id == "NL-200400186"
    assert tata.operator.kvk_number == "34040331"
    assert (tata.municipality.code, tata.province.code, tata.cluster) == ("GM0453", "PV27", 2)
    assert tata.sector == Sector.BASIC_METAL
    assert tata.is_active
    assert tata.emissions.get(year=2022, source=EmissionSource.EU_ETS).tco2e == 5_822_618


def test_second_identical_run_changes_nothing(run_import, wide):
    first = run_import("ets", wide)
    before = counts()

    second = run_import("ets", wide)

    assert first["created"] == 405 + 654 + 6661
    assert (second["created"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["created"]
    assert counts() == before
    assert ImportRun.objects.filter(kind="ets", status=ImportRun.Status.APPLIED).count() == 2


def test_long_file_updates_known_installations_and_skips_the_rest(run_import, wide, shared_data):
    run_import("ets", wide)
    EmissionRecord.objects.filter(location__ets_installation_id="NL_144", year=2022).update(tco2e=1)
    EmissionRecord.objects.filter(location__ets_installation_id="NL_144", year=2021).delete()

    report = run_import("ets", shared_data / "ets" / "nl_ets_compliance_2005_2022_long.csv")

    assert report["status"] == "applied"
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 6659)
    assert report["skip_reasons"] == {
        "geen geverifieerde uitstoot in dat jaar": 619,
        "installatie niet in het register (bijv. vliegtuigexploitant)": 403,
    }
    assert EmissionRecord.objects.get(location__ets_installation_id="NL_144", year=2022).tco2e == 5_822_618


def test_dry_run_counts_but_writes_nothing(run_import, wide):
    report = run_import("ets", wide, dry_run=True)

    assert report["status"] == "dry-run"
    assert report["created"] == 405 + 654 + 6661
    assert counts() == (0, 0, 0)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DRY_RUN
    assert run.summary["created"] == report["created"]
    assert AuditEvent.objects.filter(verb="import.dry-run").count() == 1


# -- small hand-made files -----------------------------------------------------------------------------


def test_a_bad_file_is_rejected_whole_with_every_bad_row(run_import, tmp_path):
    # given a file with one good row and four bad ones
    path = write_csv(
        tmp_path,
        "NL_1,NL-1,Goed,Bedrijf A,,111,open,0,20,10.51,52.0,5.5,0,,,100,200\n"
        "NL_2,NL-2,Tekst in getal,Bedrijf B,,222,open,0,20,10.51,abc,5.5,0,,,100,200\n"
        "NL_3,NL-3,Te noordelijk,Bedrijf C,,333,open,0,20,10.51,95,5.5,0,,,100,200\n"
        "NL_4,NL-4,Uitstoot tekst,Bedrijf D,,444,open,0,20,10.51,52.0,5.5,0,,,veel,200\n"
        "NL_1,NL-5,Dubbel,Bedrijf E,,555,open,0,20,10.51,52.0,5.5,0,,,100,200\n",
    )

    report = run_import("ets", path)

    # then it is rejected, every bad row is named with field and reason, and nothing is written
    assert report["status"] == "rejected"
    assert report["exit"] is not None
    assert report["exit"].returncode == 1
    assert [(e["line"], e["field"], e["message"]) for e in report["errors"]] == [
        (3, "latitude", "geen getal: 'abc'"),
        (4, "latitude", "95 ligt buiten het bereik 50 tot 56"),
        (5, "verified_2021", "geen getal: 'veel'"),
        (6, "installation_id", "dubbele sleutel 'NL_1' (ook op regel 2)"),
    ]
    assert report["rejected"] == 4
    assert counts() == (0, 0, 0)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert len(run.errors) == 4


def test_a_missing_required_column_rejects_the_file(run_import, tmp_path):
    path = write_csv(
        tmp_path,
        "NL_1,Bedrijf A,52.0,5.5,100\n",
        header="installation_id,account_holder,latitude,longitude,verified_2022\n",
    )

    report = run_import("ets", path)

    assert report["status"] == "rejected"
    assert report["errors"] == [
        {"sheet": None, "line": 1, "field": "installation_name", "message": "verplichte kolom ontbreekt"}
    ]
    assert counts() == (0, 0, 0)


def test_an_unrecognised_file_is_rejected(run_import, tmp_path):
    path = write_csv(tmp_path, "1,2\n", header="a,b\n")
    report = run_import("ets", path)
    assert report["status"] == "rejected"
    assert report["errors"][0]["message"].startswith("onbekend formaat")


def test_reimport_updates_changed_rows_and_keys_operators_by_kvk(run_import, tmp_path):
    # given an operator known by its KvK number under an older name
    OrganisationFactory(name="Oude Naam B.V.", kvk_number="111")
    row = "NL_1,NL-1,Fabriek,Nieuwe Naam B.V.,Groep N.V.,111,open,0,32,23.32,51.9,5.9,0,,,100,{v}\n"
    first = run_import("ets", write_csv(tmp_path, row.format(v=200), name="a.csv"))
    assert first["entities"]["organisations"] == {
        "label": "organisaties",
        "created": 1,  # the parent group
        "updated": 1,  # renamed, linked to its group
        "unchanged": 0,
        "deleted": 0,
    }

    # when the same row comes again with a new 2022 figure
    second = run_import("ets", write_csv(tmp_path, row.format(v=250), name="b.csv"))

    # then only that figure is updated, and nothing is duplicated
    assert (second["created"], second["updated"]) == (0, 1)
    assert second["entities"]["emissions"]["updated"] == 1
    operator = Organisation.objects.get(kvk_number="111")
    assert operator.name == "Nieuwe Naam B.V."
    assert operator.parent.name == "Groep N.V."
    location = ProductionLocation.objects.get(ets_installation_id="NL_1")
    assert location.operator == operator
    assert location.sector == Sector.CERAMICS
    assert location.emissions.get(year=2022).tco2e == 250
    assert counts() == (2, 1, 2)


def test_without_boundaries_the_file_codes_place_a_location(run_import, tmp_path):
    # given municipalities without geometry (as the demo data has)
    utrecht = ProvinceFactory(code="PV26", name="Utrecht")
    MunicipalityFactory(code="GM0344", name="Utrecht", province=utrecht)
    ProvinceFactory(code="PV25", name="Gelderland")
    path = write_csv(
        tmp_path,
        "NL_1,NL-1,Bekend,Bedrijf A,,111,open,0,20,10.51,52.09,5.12,0,GM0344,PV26,,1\n"
        "NL_2,NL-2,Alleen provincie,Bedrijf A,,111,closed,2019,20,10.51,52.0,5.9,0,GM9999,PV25,,\n"
        "NL_3,NL-3,Onbekend,Bedrijf A,,111,open,0,20,10.51,52.0,5.9,1,,,,\n",
    )

    report = run_import("ets", path)

    assert report["status"] == "applied"
    places = {
        loc.ets_installation_id: (
            loc.municipality and loc.municipality.code,
            loc.province and loc.province.code,
        )
        for loc in ProductionLocation.objects.select_related("municipality", "province")
    }
    assert places == {"NL_1": ("GM0344", "PV26"), "NL_2": (None, "PV25"), "NL_3": (None, None)}
    closed = ProductionLocation.objects.get(ets_installation_id="NL_2")
    assert not closed.is_active
    assert ProductionLocation.objects.get(ets_installation_id="NL_3").is_offshore
    assert not EmissionRecord.objects.filter(location=closed).exists()  # empty cells make no record


def test_human_summary_names_every_bad_row(tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = write_csv(
        tmp_path,
        "NL_1,NL-1,A,Bedrijf A,,111,open,0,20,10.51,abc,5.5,0,,,1,1\n"
        "NL_2,NL-2,B,Bedrijf B,,222,open,0,20,10.51,52.0,99,0,,,1,1\n",
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import", "ets", str(path), stdout=out)
    text = out.getvalue()
    assert "afgewezen" in text
    assert "regel 2, veld 'latitude': geen getal: 'abc'" in text
    assert "regel 3, veld 'longitude': 99 ligt buiten het bereik 2 tot 7.5" in text
    assert "2 fout(en)" in str(excinfo.value)
