"""Every CSV and XLSX file the platform writes goes through here, so that none of them can carry a formula.

Formula injection (CSV/XLSX injection): a cell holding text someone typed that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return is run as a formula by a spreadsheet (`=HYPERLINK(...)`, `@SUM(...)`,
`+cmd|...`). Every such text is written as text:

- CSV: prefixed with a single quote `'` (as OWASP recommends); a spreadsheet shows it, a person can see
  it was escaped, and `unescape_text` takes it off again;
- XLSX: the cell is a string cell (`t="s"`, never `<f>`) with the "quote prefix" style, so Excel and
  LibreOffice show the text and keep it text when the cell is edited; the value itself is unchanged.

Only text is escaped: numbers (a negative one too) stay numbers.

Two CSV forms (`CsvForm`):
- `EXCEL` (the default of the web downloads): for Dutch Excel: `;`-separated, decimal comma, UTF-8 with
  a byte order mark, CRLF line ends;
- `MACHINE` (`?vorm=machine`, the default of the API): `,`-separated, decimal point, UTF-8 without a byte
  order mark, CRLF line ends (RFC 4180).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.http import HttpResponse

#: Text starting with one of these is a formula (or starts one) in Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The prefix that makes such text plain text in a CSV file.
TEXT_PREFIX = "'"

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The query parameter of the web downloads that picks the CSV form (and of the API's export).
FORM_PARAMETER = "vorm"

BOM = "\ufeff"


class CsvForm(StrEnum):
    EXCEL = "excel"
    MACHINE = "machine"


def is_formula_text(value: str) -> bool:
    """True for text a spreadsheet would read as a formula."""
    return value.startswith(FORMULA_START)


def escape_text(value: str) -> str:
    """Text as a CSV cell: `'` before text that would be a formula; other text unchanged."""
    return TEXT_PREFIX + value if is_formula_text(value) else value


def unescape_text(value: str) -> str:
    """The reverse of `escape_text`, for a file that comes back (a filled-in template): `'=x` -> `=x`."""
    if value.startswith(TEXT_PREFIX) and is_formula_text(value[len(TEXT_PREFIX) :]):
        return value[len(TEXT_PREFIX) :]
    return value


def form_of(value: str | None, default: CsvForm = CsvForm.EXCEL) -> CsvForm:
    """The CSV form a `vorm` parameter asks for (`excel` or `machine`); anything else gives `default`."""
    try:
        return CsvForm((value or "").strip().lower())
    except ValueError:
        return default


def _number(value: float | Decimal, form: CsvForm) -> str:
    """A number as Python writes it (`12.5`, `1e-05`); for Excel with a decimal comma and whole numbers
    without decimals (`12,5`, `12`)."""
    if form is CsvForm.MACHINE:
        return str(value)
    number = float(value)
    whole = value == value.to_integral_value() if isinstance(value, Decimal) else number.is_integer()
    if whole and abs(number) < 1e15:
        return str(int(value))
    return str(value).replace(".", ",")


def csv_cell(value: Any, form: CsvForm = CsvForm.EXCEL) -> str:
    """One value as CSV text: "" for None, numbers in the form's notation (never escaped), dates as ISO
    8601, everything else as text with formula text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _number(value, form)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return escape_text(str(value))


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, form: CsvForm = CsvForm.EXCEL) -> str:
    """A table as CSV text in `form` (without the byte order mark; `csv_bytes` adds it)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if form is CsvForm.EXCEL else ",", lineterminator="\r\n")
    writer.writerow([csv_cell(v, form) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v, form) for v in row])
    return out.getvalue()


def csv_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, form: CsvForm = CsvForm.EXCEL
) -> bytes:
    """A table as a CSV file in `form`: UTF-8, with a byte order mark for Excel."""
    text = csv_text(header, rows, form=form)
    return ((BOM if form is CsvForm.EXCEL else "") + text).encode("utf-8")


def protect_workbook(workbook: Any) -> int:
    """Make every text cell of an openpyxl workbook a string cell (openpyxl turns text starting with `=`
    into a formula and `#N/A` into an error), with the quote prefix on formula text. Returns the number
    of cells that needed the quote prefix."""
    escaped = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                cell.data_type = "s"
                if is_formula_text(value):
                    cell.quotePrefix = True
                    escaped += 1
    return escaped


def xlsx_bytes(workbook: Any) -> bytes:
    """An openpyxl workbook, protected (`protect_workbook`), as the bytes of an XLSX file."""
    protect_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download response."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, CSV_CONTENT_TYPE, filename)


def xlsx_attachment(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, XLSX_CONTENT_TYPE, filename)


def form_links(url: str, params: Mapping[str, str] | None = None) -> dict[str, str]:
    """The two CSV forms of one download URL (for a page that offers both)."""
    from urllib.parse import urlencode

    base = dict(params or {})
    excel = f"{url}?{urlencode(base)}" if base else url
    machine = f"{url}?{urlencode({**base, FORM_PARAMETER: CsvForm.MACHINE.value})}"
    return {CsvForm.EXCEL.value: excel, CsvForm.MACHINE.value: machine}
