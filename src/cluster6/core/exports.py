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
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl.cell import WriteOnlyCell

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


class _Line:
    """A file-like object whose write() returns what it was given (for csv.writer in a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    form: CsvForm = CsvForm.EXCEL,
    chunk_rows: int = 500,
) -> Iterator[bytes]:
    """A table as a CSV file in `form` (the same bytes as `csv_bytes`), in chunks of `chunk_rows` rows,
    so that an export streams: rows are read from `rows` as the response is sent."""
    writer = csv.writer(_Line(), delimiter=";" if form is CsvForm.EXCEL else ",", lineterminator="\r\n")
    yield (
        (BOM if form is CsvForm.EXCEL else "") + writer.writerow([csv_cell(v, form) for v in header])
    ).encode()
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([csv_cell(v, form) for v in row]))
        if len(chunk) >= chunk_rows:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def csv_streaming_attachment(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """A CSV download that streams (`csv_stream`)."""
    response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def protected_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """One row for a write-only openpyxl sheet (`Workbook(write_only=True)`, which writes rows as they
    come and keeps none in memory), protected as `protect_workbook` protects a whole workbook: text as
    string cells, formula text with the quote prefix."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            if is_formula_text(value):
                cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row


def write_only_xlsx_bytes(workbook: Any) -> bytes:
    """A write-only openpyxl workbook (rows added with `protected_cells`) as the bytes of an XLSX file."""
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


# ------------------------------------------------------------------------------------ streaming XLSX

#: Characters XML 1.0 does not allow (openpyxl refuses them; the stream drops them).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class XlsxSheet:
    """One sheet of `xlsx_stream`: its title, column widths (characters, from column A), whether the
    first row is frozen, and its rows (an iterable: consumed as the file is sent)."""

    title: str
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()
    freeze_header: bool = False


def _col(i: int) -> str:
    name = ""
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _xml_text(value: str) -> str:
    return xml_escape(_XML_ILLEGAL.sub("", value))


def _xlsx_cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    if not text:
        return ""  # an empty cell (as a spreadsheet shows an empty text)
    # text is always a string cell (never a formula); formula text gets the quote-prefix style (s="1")
    style = ' s="1"' if is_formula_text(text) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'


_XLSX_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what is written until `take` (zipfile then writes each
    member's sizes after its data, so nothing needs to be rewritten)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def xlsx_stream(sheets: Sequence[XlsxSheet], *, chunk_rows: int = 500) -> Iterator[bytes]:
    """An XLSX file that streams: the zip is written as the rows come (a sheet's rows are read only when
    it is written), so the first bytes leave before the last row is read. Every text is a string cell
    (`t="inlineStr"`, never a formula) and formula text carries the quote-prefix style, as
    `protected_cells` does for openpyxl."""
    sink = _Sink()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    n = len(sheets)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            "[Content_Types].xml",
            head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + overrides + "</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            head + f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        names = "".join(
            f'<sheet name="{_xml_text(s.title[:31])}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        zf.writestr(
            "xl/workbook.xml",
            head + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{names}</sheets></workbook>',
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            head + f'<Relationships xmlns="{pkg}">{links}'
            f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        )
        zf.writestr("xl/styles.xml", _XLSX_STYLES)
        yield sink.take()
        for i, sheet in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                view = (
                    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                    if sheet.freeze_header
                    else ""
                )
                cols = "".join(
                    f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                    for c, w in enumerate(sheet.widths, start=1)
                )
                out.write(
                    (
                        head + f'<worksheet xmlns="{main}">{view}' + (f"<cols>{cols}</cols>" if cols else "")
                    ).encode()
                )
                out.write(b"<sheetData>")
                buffer: list[str] = []
                for r, row in enumerate(sheet.rows, start=1):
                    cells = "".join(_xlsx_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row, start=1))
                    buffer.append(f'<row r="{r}">{cells}</row>')
                    if len(buffer) >= chunk_rows:
                        out.write("".join(buffer).encode())
                        buffer.clear()
                        yield sink.take()
                out.write(("".join(buffer) + "</sheetData></worksheet>").encode())
            yield sink.take()
    yield sink.take()


def xlsx_streaming_attachment(chunks: Iterable[bytes], filename: str) -> StreamingHttpResponse:
    """An XLSX download that streams (`xlsx_stream`)."""
    response = StreamingHttpResponse((c for c in chunks if c), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
