"""`cluster6 import grid` with a timeline file: the capacity free now, certainties, the TenneT area above,
and reinforcement capacities (which the capacity map does not publish)."""

from __future__ import annotations

import pytest

from cluster6.infra.constants import Certainty, OperatorType
from cluster6.infra.models import GridProject, GridServiceArea
from tests.factories import GridProjectFactory, GridServiceAreaFactory

pytestmark = pytest.mark.django_db


def test_an_area_timeline_refines_imported_areas(run_import, tmp_path):
    # given an imported regional area and a TenneT area
    area = GridServiceAreaFactory(code="ARI", congestion_end_withdrawal_rnb=2031)
    GridServiceAreaFactory(code="Brabant", operator_type=OperatorType.TENNET)
    path = tmp_path / "tijdlijn.csv"
    path.write_text(
        "area_id,available_capacity_mw,congestion_end_certainty,tennet_congestion_end_year,tennet_area_id\n"
        "ARI,4.5,onzeker,2035,Brabant\n",
        encoding="utf-8",
    )

    # when the timeline is imported
    report = run_import("grid", path)

    # then only the given columns change
    assert report["status"] == "applied", report["errors"]
    area.refresh_from_db()
    assert area.available_capacity_withdrawal_mw == 4.5
    assert area.congestion_end_certainty == Certainty.UNCERTAIN
    assert area.congestion_end_withdrawal_tennet == 2035
    assert area.congestion_end_withdrawal_rnb == 2031
    assert area.tennet_region.code == "Brabant"
    # and a second import changes nothing
    assert run_import("grid", path)["unchanged"] == 1


def test_a_bad_timeline_is_rejected_with_every_row_named(run_import, tmp_path):
    GridServiceAreaFactory(code="ARI")
    GridServiceAreaFactory(code="BD")
    path = tmp_path / "tijdlijn.csv"
    path.write_text(
        "area_id,available_capacity_mw,congestion_end_certainty,tennet_area_id\n"
        "ARI,-3,,\n"
        "NERGENS,1,,\n"
        "BD,2,misschien,ARI\n",
        encoding="utf-8",
    )
    report = run_import("grid", path)
    assert report["status"] == "rejected"
    assert {(e["line"], e["field"]) for e in report["errors"]} == {
        (2, "available_capacity_mw"),
        (3, "area_id"),
        (4, "congestion_end_certainty"),
        (4, "tennet_area_id"),
    }
    assert GridServiceArea.objects.get(code="ARI").available_capacity_withdrawal_mw is None


def test_reinforcement_capacities_and_certainty_in_a_project_file(run_import, tmp_path):
    # given a project from the capacity map (no capacity)
    area = GridServiceAreaFactory(code="AMLM")
    GridProjectFactory(area=area, name="Extra capaciteit", operator_name="Enexis", added_capacity_mw=None)
    path = tmp_path / "versterkingen.csv"
    path.write_text(
        "area_id,project_name,grid_operator,operator_type,year,project_phase,added_capacity_mw,certainty\n"
        "AMLM,Extra capaciteit,Enexis,RNB,2029,inProgress,35,gepland\n"
        "AMLM,Nieuw station,Enexis,RNB,2031,scheduled,80,\n",
        encoding="utf-8",
    )
    report = run_import("grid", path)
    assert report["status"] == "applied", report["errors"]
    first = GridProject.objects.get(name="Extra capaciteit")
    assert (first.added_capacity_mw, first.certainty, first.completion_year) == (
        35.0,
        Certainty.PLANNED,
        2029,
    )
    # without a certainty the phase decides (scheduled: planned)
    second = GridProject.objects.get(name="Nieuw station")
    assert (second.added_capacity_mw, second.certainty) == (80.0, Certainty.PLANNED)
