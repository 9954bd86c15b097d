"""`cluster6 import nea`: NEa emission figures joined on the permit id."""

from __future__ import annotations

import pytest

from cluster6.registry.constants import EmissionSource
from cluster6.registry.models import EmissionRecord
from tests.factories import EmissionRecordFactory, ProductionLocationFactory

pytestmark = pytest.mark.django_db

HEADER = "permit_id,installation_name,operator_name,place,emissions_2019_tco2e,emissions_2020_tco2e\n"


def test_real_file_matches_every_permit_after_the_ets_import(run_import, shared_data):
    # given the EUTL installations (which carry the NEa permit ids)
    run_import("ets", shared_data / "ets" / "nl_ets_installations_2005_2022.csv")

    # when the NEa table is imported
    report = run_import("nea", shared_data / "ets" / "nea_emissiecijfers_2013_2020.csv")

    # then all 489 permits match (39 of them only because the suffix case is ignored) ...
    assert report["status"] == "applied"
    assert report["details"]["matched_permits"] == 489
    assert report["skipped"] == 0
    assert report["created"] == EmissionRecord.objects.filter(source=EmissionSource.NEA).count() == 3471
    # ... a lower-case NEa suffix lands on the upper-case EUTL permit, and figures agree with the EUTL
    chemelot_2 = EmissionRecord.objects.get(
        source=EmissionSource.NEA, year=2020, location__ets_installation_id="NL_204626"
    )
    assert chemelot_2.location.nea_permit_id == "NL-200400161A"
    assert chemelot_2.tco2e == 1_696_280
    tata = EmissionRecord.objects.get(
        source=EmissionSource.NEA, year=2020, location__ets_installation_id="NL_144"
    )
    assert tata.tco2e == 5_711_530
    # ... and a permit shared by an old and a new EUTL account goes to the account active in those years
    assert not EmissionRecord.objects.filter(
        source=EmissionSource.NEA, location__ets_installation_id="NL_103"
    )
    assert EmissionRecord.objects.filter(source=EmissionSource.NEA, location__ets_installation_id="NL_203881")

    # and a second run changes nothing
    again = run_import("nea", shared_data / "ets" / "nea_emissiecijfers_2013_2020.csv")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3471)


def test_suffixes_case_and_base_permit_fallback(run_import, tmp_path):
    # given a location under an upper-case suffixed permit and one under a base permit
    suffixed = ProductionLocationFactory(nea_permit_id="NL-1A", ets_installation_id="NL_1")
    base = ProductionLocationFactory(nea_permit_id="NL-2", ets_installation_id="NL_2")
    path = tmp_path / "nea.csv"
    path.write_text(
        HEADER
        + "nl-1a,Fabriek BKG 2,A,X,10,11\n"  # same permit, other case
        + "NL-2,Fabriek BKG 1,B,Y,100,110\n"
        + "NL-2b,Fabriek BKG 3,B,Y,5,\n"  # no location of its own: added to NL-2
        + "NL-9,Elders,C,Z,1,1\n",  # unknown
        encoding="utf-8",
    )

    report = run_import("nea", path)

    assert report["status"] == "applied"
    assert report["skip_reasons"] == {"vergunning niet gevonden bij een productielocatie": 1}
    assert report["details"]["matched_permits"] == 3
    figures = {
        (r.location_id, r.year): r.tco2e for r in EmissionRecord.objects.filter(source=EmissionSource.NEA)
    }
    assert figures == {
        (suffixed.pk, 2019): 10,
        (suffixed.pk, 2020): 11,
        (base.pk, 2019): 105,
        (base.pk, 2020): 110,
    }


def test_nea_never_touches_eu_ets_figures_and_rejects_bad_rows(run_import, tmp_path):
    location = ProductionLocationFactory(nea_permit_id="NL-1", ets_installation_id="NL_1")
    EmissionRecordFactory(location=location, year=2020, tco2e=42, source=EmissionSource.EU_ETS)
    path = tmp_path / "nea.csv"
    path.write_text(HEADER + "NL-1,A,A,A,1x,2\nNL-1,A,A,A,1,2\n,B,B,B,1,1\n", encoding="utf-8")

    report = run_import("nea", path)

    assert report["status"] == "rejected"
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (2, "emissions_2019_tco2e"),
        (3, "permit_id"),  # the same permit twice
        (4, "permit_id"),  # empty
    ]
    assert list(EmissionRecord.objects.values_list("source", "tco2e")) == [(EmissionSource.EU_ETS.value, 42)]
