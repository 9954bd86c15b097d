"""The streamed XLSX export (issue 8, point 5): the same workbook as the one written at once with openpyxl
(every sheet, every cell, the formula protection), and a first chunk before the plan rows are read."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cluster6.accounts.constants import Role
from cluster6.analysis import export
from cluster6.analysis.selectors import export_results, run_get
from cluster6.analysis.services import analysis_run
from cluster6.core.exports import XlsxSheet, xlsx_stream
from tests.factories import ConsentFactory, user_with_role
from tests.plans.sharing_world import build_world

from .test_scale import BASE_YEAR, _client, _grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    ConsentFactory(owner=w.company_a, grantee=w.liander)
    return w


def _cells(data: bytes) -> dict[str, list[list[object]]]:
    wb = load_workbook(io.BytesIO(data))
    # an empty text is an empty cell in both (openpyxl reads an empty inline string back as None)
    return {
        ws.title: [[None if c.value == "" else c.value for c in row] for row in ws.iter_rows()]
        for ws in wb.worksheets
    }


def test_the_streamed_workbook_is_the_openpyxl_one(world):
    _grow(world, 4)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    ministry = user_with_role(Role.MINISTERIE)
    run = run_get(actor=ministry, run_id=run.pk)
    whole = export.to_xlsx(run, export_results(actor=ministry, run=run, channel="export"))
    streamed = b"".join(export.to_xlsx_stream(run, export_results(actor=ministry, run=run, channel="export")))
    assert _cells(streamed) == _cells(whole)
    wb = load_workbook(io.BytesIO(streamed))
    assert wb["Plannen"].freeze_panes == "A2"
    assert wb["Analyse"].column_dimensions["B"].width == 70


def test_formula_text_stays_text_with_the_quote_prefix():
    rows = [['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "gewoon", -3, 1.5, None, True, "a\x01b"]]
    data = b"".join(xlsx_stream([XlsxSheet("T", rows)]))
    ws = load_workbook(io.BytesIO(data))["T"]
    cells = next(iter(ws.iter_rows()))
    assert [c.value for c in cells] == [
        '=HYPERLINK("x")',
        "+1",
        "-2",
        "@SUM(A1)",
        "gewoon",
        -3,
        1.5,
        None,
        True,
        "ab",
    ]
    assert [c.data_type for c in cells[:5]] == ["s"] * 5
    assert [c.quotePrefix for c in cells[:5]] == [True, True, True, True, False]


def test_the_first_chunk_leaves_before_the_rows_are_read():
    read: list[int] = []

    def rows():
        for i in range(3000):
            read.append(i)
            yield [f"rij {i}", i]

    chunks = xlsx_stream([XlsxSheet("Eerst", [["a"]]), XlsxSheet("Groot", rows())])
    first = next(chunks)
    assert first.startswith(b"PK")
    assert read == []
    rest = b"".join(chunks)
    assert len(read) == 3000
    assert load_workbook(io.BytesIO(first + rest))["Groot"].max_row == 3000


def test_the_export_view_streams_and_logs_the_reads(world):
    from cluster6.audit.models import ReadLog

    _grow(world, 3)
    run = analysis_run(actor=None, params=BASE_YEAR, reuse=False)
    liander = user_with_role(Role.NETBEHEERDER, world.liander)
    response = _client(liander).get(reverse("analysis:export_xlsx"), {"run": run.pk})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Disposition"] == f'attachment; filename="analyse-{run.pk}.xlsx"'
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert b"Boiler A" not in first  # no plan row yet
    body = first + b"".join(chunks)
    # logged (once per company) before the plan rows were written
    assert ReadLog.objects.filter(actor=liander).count() == 4  # A and the three grown companies
    sheets = _cells(body)
    assert "Oven B" not in str(sheets["Plannen"])  # B gave no consent
    assert len(sheets["Plannen"]) == 1 + 1 + 3 * 2
