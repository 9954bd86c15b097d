"""Hostile and broken files are refused before they are parsed, with a Dutch message naming the file, row or
field, never a 500 or a traceback, and nothing is written: through the plan upload, the import page and
`cluster6 import` for every kind. Every hostile file is generated here."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cluster6.accounts.constants import Role
from cluster6.audit.models import ImportRun
from cluster6.core import safefiles
from cluster6.core.importing import FieldReader, ImportReport
from cluster6.core.safefiles import UnsafeFile, check_xlsx, decode_text, file_limits, load_json
from cluster6.infra.models import CarrierRollout, CongestionZone, GridServiceArea, NetworkPoint
from cluster6.plans.models import Plan, PlanVersion
from cluster6.plans.services import submission_start
from cluster6.registry.models import EmissionRecord, Municipality, ProductionLocation, Province
from tests.factories import user_with_role
from tests.plans.submission_world import build_world, csv_bytes, good_row, xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="x"/>'


# -- hostile files, made here --------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def million_rows_xlsx(*, dimension: bool = True, rows: int = 1_048_576) -> bytes:
    """A small XLSX whose sheet claims (and has) a million empty rows reaching column XFD."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                sheet.write(b'<dimension ref="A1:XFD1048576"/>')
            sheet.write(b"<sheetData>")
            block = 10_000
            for start in range(1, rows + 1, block):
                sheet.write(
                    b"".join(b'<row r="%d"/>' % i for i in range(start, min(start + block, rows + 1)))
                )
            sheet.write(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return out.getvalue()


def zip_bomb(size_mb: int = 32) -> bytes:
    """A few hundred kB that unpack to `size_mb` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(size_mb):
                sheet.write(chunk)
    return out.getvalue()


def replace_member(content: bytes, member: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        return zip_of(
            {i.filename: (data if i.filename == member else source.read(i)) for i in source.infolist()}
        )


def with_long_number(content: bytes, placeholder: int, digits: int = 400) -> bytes:
    """The workbook with the number cell `placeholder` replaced by a `digits`-digit integer (openpyxl
    cannot write one)."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read(member)
    old = b"<v>%d</v>" % placeholder
    assert sheet.count(old) == 1
    return replace_member(content, member, sheet.replace(old, b"<v>" + b"1" * digits + b"</v>"))


def corrupt_member(content: bytes, member: str) -> bytes:
    """Flip bytes in the middle of a member's compressed data (the zip directory stays intact)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(member)
    local = content[info.header_offset : info.header_offset + 30]
    start = (
        info.header_offset
        + 30
        + int.from_bytes(local[26:28], "little")
        + int.from_bytes(local[28:30], "little")
    )
    middle = start + info.compress_size // 2
    data = bytearray(content)
    for i in range(middle, middle + 16):
        data[i] ^= 0xFF
    return bytes(data)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
    + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode()
    + b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
    + b"</row></sheetData></worksheet>"
)


def deep_geojson(levels: int = 100_000) -> str:
    return '{"type": "FeatureCollection", "features": ' + "[" * levels + "]" * levels + "}"


# -- the checks, without the database ------------------------------------------------------------------------


def test_million_row_sheet_is_refused_from_its_dimension_alone(settings):
    # given an XLSX of a few MB whose sheet says A1:XFD1048576
    content = million_rows_xlsx()
    assert len(content) < 6 * 1024 * 1024

    # when it is checked, then the sheet's dimension refuses it, with the range and the limit
    with pytest.raises(UnsafeFile) as refused:
        check_xlsx(content, "groot.xlsx", file_limits("plan"))
    assert refused.value.name == "groot.xlsx"
    assert "1.048.576 rijen (bereik A1:XFD1048576); maximaal 10.000" in refused.value.message


def test_rows_are_counted_when_the_dimension_is_missing():
    content = million_rows_xlsx(dimension=False, rows=20_000)

    with pytest.raises(UnsafeFile, match=r"heeft meer dan 10\.000 rijen"):
        check_xlsx(content, "geen-dimensie.xlsx", file_limits("plan"))


def test_zip_bomb_is_refused_from_the_zip_directory():
    content = zip_bomb()
    assert len(content) < 300 * 1024

    with pytest.raises(UnsafeFile, match=r"pakt uit tot 32,0 MB; maximaal 30 MB \(een zip-bom\?\)"):
        check_xlsx(content, "bom.xlsx", file_limits("plan"))


def test_a_member_compressed_too_well_is_refused():
    with pytest.raises(UnsafeFile, match=r"is \d+(\.\d+)? keer gecomprimeerd; maximaal 100 keer"):
        check_xlsx(zip_bomb(20), "bom.xlsx", file_limits("plan"))


def test_member_count_and_limits_come_from_settings(settings):
    settings.CLUSTER6_FILE_LIMITS = {"xlsx_max_members": 3}
    content = zip_of({"[Content_Types].xml": CONTENT_TYPES, **{f"x{i}.xml": b"<a/>" for i in range(3)}})

    with pytest.raises(UnsafeFile, match="bevat 4 onderdelen; maximaal 3"):
        check_xlsx(content, "veel.xlsx", file_limits("plan"))


def test_entities_truncation_and_corruption_are_refused():
    good = xlsx_bytes([good_row()])
    check_xlsx(good, "goed.xlsx", file_limits("plan"))  # a real workbook passes

    with pytest.raises(UnsafeFile, match="DOCTYPE- of ENTITY-declaratie"):
        check_xlsx(
            replace_member(good, "xl/worksheets/sheet1.xml", BILLION_LAUGHS), "lol.xlsx", file_limits("plan")
        )
    with pytest.raises(UnsafeFile, match="afgebroken of beschadigd"):
        check_xlsx(good[: len(good) // 2], "half.xlsx", file_limits("plan"))
    with pytest.raises(UnsafeFile, match=r"onderdeel 'xl/worksheets/sheet1\.xml' is beschadigd"):
        check_xlsx(corrupt_member(good, "xl/worksheets/sheet1.xml"), "kapot.xlsx", file_limits("plan"))


def test_openpyxl_reads_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_text_encodings_and_nul_bytes():
    assert decode_text("a;b\nü;€\n".encode("utf-16"), "u16.csv") == "a;b\nü;€\n"
    assert decode_text("a;b\n".encode("utf-32"), "u32.csv") == "a;b\n"
    assert decode_text("\ufeffa;b\n".encode(), "bom.csv") == "a;b\n"
    assert decode_text("é".encode("cp1252"), "win.csv", fallback="cp1252") == "é"
    with pytest.raises(UnsafeFile, match="NUL-tekens"):
        decode_text("a;b\n".encode("utf-16-le"), "zonder-bom.csv")
    with pytest.raises(UnsafeFile, match="NUL-tekens"):
        decode_text(b"a,b\n1,\x002\n", "nul.csv")
    with pytest.raises(UnsafeFile, match="geen geldige UTF-8-tekst"):
        decode_text(b"a,\xff\n", "x.csv")


def test_json_depth_numbers_and_features_are_refused_with_dutch_messages(settings):
    limits = file_limits("import")
    with pytest.raises(UnsafeFile, match="te diep genest"):
        load_json(deep_geojson(100_000), "diep.geojson", limits)
    with pytest.raises(UnsafeFile, match="te diep genest"):
        load_json(deep_geojson(100), "diep.geojson", limits)  # below the recursion limit, above 64
    for number in ("1e400", "-1e400", "NaN", "Infinity", "1" * 400):
        with pytest.raises(UnsafeFile, match="niet eindig of te groot"):
            load_json(f'{{"a": [{number}]}}', "getal.json", limits)
    settings.CLUSTER6_FILE_LIMITS = {"geojson_max_features": 2}
    with pytest.raises(UnsafeFile, match="bevat 3 objecten; maximaal 2"):
        load_json(
            '{"type": "FeatureCollection", "features": [{}, {}, {}]}', "veel.geojson", file_limits("import")
        )


def test_field_reader_refuses_overflowing_numbers():
    report = ImportReport(kind="x", files=["x"])
    reader = FieldReader({"a": 10**400, "b": "1" * 400, "c": "1e400", "d": [1]}, line=2, report=report)

    assert reader.number("a") is None
    assert reader.integer("b") is None
    assert reader.number("c") is None
    assert [(e.line, e.field) for e in report.errors] == [(2, "a"), (2, "b"), (2, "c")]
    assert "getal te groot" in report.errors[0].message
    assert "buiten het bereik" in report.errors[1].message
    assert "geen eindig getal" in report.errors[2].message
    assert FieldReader(["not", "a", "mapping"], line=1, report=report).text("x") == ""  # type: ignore[arg-type]


def test_content_length_guard():
    assert safefiles.announced_too_large("999999999", 1000)
    assert safefiles.announced_too_large("abc", 1000)
    assert not safefiles.announced_too_large(None, 1000)
    assert not safefiles.announced_too_large("10", 1000)


# -- the plan upload -----------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    world = build_world()
    submission_start(organisation=world.company, round=world.current, actor=world.user)
    return world


def _state():
    return sorted(
        PlanVersion.objects.values_list("pk", "submission_id", "title", "updated_at")
    ), Plan.objects.count()


def _upload(client, world, content: bytes, name: str):
    client.force_login(world.user)
    return client.post(
        reverse("plans:round_upload", args=["dsh-2025"]), {"file": SimpleUploadedFile(name, content)}
    )


def _no_parsing(monkeypatch):
    """Make any attempt to open the workbook fail the test: the refusal must come before parsing."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)


HOSTILE_PLAN_FILES = {
    "miljoen.xlsx": (lambda: million_rows_xlsx(), "beslaat 1.048.576 rijen"),
    "bom.xlsx": (lambda: zip_bomb(), "pakt uit tot 32,0 MB"),
    "lol.xlsx": (
        lambda: replace_member(xlsx_bytes([good_row()]), "xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        "DOCTYPE- of ENTITY-declaratie",
    ),
    "half.xlsx": (lambda: xlsx_bytes([good_row()])[:3000], "afgebroken of beschadigd"),
    "kapot.xlsx": (
        lambda: corrupt_member(xlsx_bytes([good_row()]), "xl/worksheets/sheet1.xml"),
        "is beschadigd",
    ),
    "nul.csv": (lambda: csv_bytes([good_row()]).replace(b"Elektrische", b"Elek\x00trische"), "NUL-tekens"),
    "utf16.csv": (lambda: csv_bytes([good_row()]).decode("utf-8-sig").encode("utf-16-le"), "NUL-tekens"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE_PLAN_FILES))
def test_hostile_plan_uploads_are_refused_before_parsing_and_write_nothing(client, world, monkeypatch, name):
    make, message = HOSTILE_PLAN_FILES[name]
    content = make()
    before = _state()
    _no_parsing(monkeypatch)

    response = _upload(client, world, content, name)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert message.replace("'", "&#x27;") in html
    assert name in html  # the file is named in the Blad column
    assert "1 probleem gevonden; er is niets opgeslagen." in html
    assert _state() == before


@pytest.mark.django_db
def test_utf16_csv_with_a_bom_is_read_correctly(client, world):
    content = csv_bytes([good_row(**{"Titel": "Oven één"})]).decode("utf-8-sig").encode("utf-16")

    response = _upload(client, world, content, "unicode.csv")

    assert response.status_code == 302
    assert list(
        PlanVersion.objects.filter(submission__round=world.current).values_list("title", flat=True)
    ) == ["Oven één"]


@pytest.mark.django_db
def test_a_big_file_is_refused_by_the_form(client, world, settings):
    settings.CLUSTER6_FILE_LIMITS = {"plan_upload_max_mb": 1}
    before = _state()

    response = _upload(client, world, b"a;b\n" + b"1;2\n" * 300_000, "groot.csv")

    assert response.status_code == 400
    assert "Het bestand is groter dan 1 MB." in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_too_many_csv_rows_are_refused_with_the_limit(client, world, settings):
    settings.CLUSTER6_FILE_LIMITS = {"plan_max_rows": 3}
    before = _state()

    response = _upload(
        client, world, csv_bytes([good_row(**{"Kenmerk": f"K{i}"}) for i in range(5)]), "rijen.csv"
    )

    assert response.status_code == 400
    assert "het bestand heeft meer dan 3 regels" in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "Extra gecontracteerd vermogen (MW)",
            1e11,
            "100.000.000.000 ligt buiten het toegestane bereik van 0 tot 2.000 MW",
        ),
        ("Investering (EUR)", 1e23, "1e+23 ligt buiten het toegestane bereik van 0 tot 10.000.000.000 EUR"),
        ("Jaar in bedrijf", 9999, "jaartal 9999 ligt buiten 2000–2070"),
        (
            "Waterstof (t/jaar)",
            "5.000.000",
            "5.000.000 ligt buiten het toegestane bereik van 0 tot 1.000.000 t/jaar",
        ),
        (
            "Datum aanvraag transportcapaciteit (datum)",
            "9999-12-31",
            "datum 31-12-9999 ligt buiten 2000–2070",
        ),
        ("Extra gecontracteerd vermogen (MW)", "400 digits", "getal te groot: &#x27;1111111111"),
        ("Verandering warmte (GWh/jaar)", "1e400", "geen eindig getal: &#x27;1e400&#x27;"),
        ("Verandering warmte (GWh/jaar)", "NaN", "geen getal: &#x27;NaN&#x27;"),
    ],
)
def test_implausible_and_overflowing_values_are_refused_with_row_field_and_range(
    client, world, column, value, message
):
    before = _state()
    placeholder = 987_654_321
    content = xlsx_bytes(
        [good_row(), good_row(**{"Kenmerk": "B", column: placeholder if value == "400 digits" else value})]
    )
    if value == "400 digits":
        content = with_long_number(content, placeholder)

    response = _upload(client, world, content, "p.xlsx")

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    errors = response.context["import_errors"]
    assert [(e.sheet, e.line, e.field) for e in errors] == [("Plannen", 3, column)]
    assert _state() == before


@pytest.mark.django_db
def test_the_plan_form_applies_the_same_ranges(client, world):
    from tests.plans.test_views_submission import plan_post

    client.force_login(world.user)
    before = _state()
    data = plan_post(location=str(world.kiln.pk), extra_capacity_mw="100.000.000.000", capex_eur="1e23")

    response = client.post(reverse("plans:plan_add", args=["dsh-2025"]), data)

    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "ligt buiten het toegestane bereik van 0 tot 2.000 MW" in html
    assert "ligt buiten het toegestane bereik van 0 tot 10.000.000.000 EUR" in html
    assert _state() == before


# -- the import page and `cluster6 import` -------------------------------------------------------------------


def _counts():
    return tuple(
        m.objects.count()
        for m in (
            ProductionLocation,
            EmissionRecord,
            Province,
            Municipality,
            GridServiceArea,
            CongestionZone,
            CarrierRollout,
            NetworkPoint,
        )
    )


ETS_COLUMNS = "installation_id,installation_name,account_holder,company_registration_no,latitude,longitude"
ETS_HEADER = ETS_COLUMNS + ",verified_2022\n"
HOSTILE_IMPORTS = [
    # kind, file name, content, message
    ("ets", "nul.csv", (ETS_HEADER + "NL_1,Steen\x00fabriek,Klei,1,51.9,5.9,12000\n").encode(), "NUL-tekens"),
    (
        "ets",
        "utf16.csv",
        (ETS_HEADER + "NL_1,Steenfabriek,Klei,1,51.9,5.9,12000\n").encode("utf-16-le"),
        "NUL-tekens",
    ),
    (
        "ets",
        "getal.csv",
        (ETS_HEADER + "NL_1,Steenfabriek,Klei,1,51.9,5.9," + "1" * 400 + "\n").encode(),
        "buiten het bereik",
    ),
    ("nea", "nul.csv", b"permit_id,emissions_2020_tco2e\n\x00\x00\n", "NUL-tekens"),
    ("boundaries", "diep.geojson", deep_geojson().encode(), "te diep genest"),
    ("boundaries", "blad.xlsx", xlsx_bytes([good_row()]), "NUL-tekens"),
    ("grid", "diep.json", deep_geojson().encode(), "te diep genest"),
    (
        "grid",
        "oneindig.geojson",
        b'{"type": "FeatureCollection", "features": [{"a": 1e400}]}',
        "niet eindig of te groot",
    ),
    ("carriers", "diep.geojson", deep_geojson().encode(), "te diep genest"),
    (
        "carriers",
        "groot.geojson",
        ('{"type": "FeatureCollection", "features": [{"a": %s}]}' % ("9" * 400)).encode(),
        "niet eindig of te groot",
    ),
    (
        "carriers",
        "vorm.geojson",
        b'{"type": "FeatureCollection", "features": [{"properties": [1], "geometry": 5}]}',
        None,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "content", "message"), HOSTILE_IMPORTS, ids=[f"{k}-{n}" for k, n, *_ in HOSTILE_IMPORTS]
)
def test_every_importer_refuses_hostile_files_on_the_command_line(
    tmp_path, kind, name, content, message, capsys
):
    path = tmp_path / name
    path.write_bytes(content)
    before = _counts()
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import", kind, str(path), "--json", "--no-progress", stdout=out)

    assert refused.value.returncode == 1
    assert "Import afgewezen" in str(refused.value)
    report = json.loads(out.getvalue())
    assert report["status"] == "rejected"
    if message is not None:
        # file-level refusals name the file; row-level ones the line and field
        assert any(
            message in e["message"]
            and (e["sheet"] == name or (e["line"], e["field"]) == (2, "verified_2022"))
            for e in report["errors"]
        ), report["errors"]
    else:
        assert report["errors"]
    assert "Traceback" not in out.getvalue()
    assert _counts() == before


@pytest.mark.django_db
def test_too_many_rows_on_the_command_line_names_the_limit(tmp_path, settings):
    settings.CLUSTER6_FILE_LIMITS = {"import_max_rows": 2}
    path = tmp_path / "ets.csv"
    path.write_text(ETS_HEADER + "".join(f"NL_{i},Fabriek {i},Klei,1,51.9,5.9,1000\n" for i in range(3)))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import", "ets", str(path), "--no-progress", stdout=out)

    assert "ets.csv: regel 4, veld '': het bestand heeft meer dan 2 regels" in out.getvalue()
    assert not ProductionLocation.objects.exists()


@pytest.mark.django_db
def test_a_file_above_the_size_limit_is_not_read(tmp_path, settings):
    settings.CLUSTER6_FILE_LIMITS = {"import_max_mb": 1}
    path = tmp_path / "groot.csv"
    path.write_bytes(ETS_HEADER.encode() + b"x" * (2 * 1024 * 1024))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import", "ets", str(path), "--no-progress", stdout=out)

    assert "groot.csv: bestand, veld '': het bestand is 2,0 MB; maximaal 1 MB" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "name", "content", "message"), [i for i in HOSTILE_IMPORTS if i[3]][::2])
def test_the_import_page_refuses_hostile_files(client, kind, name, content, message):
    client.force_login(user_with_role(Role.MINISTERIE))
    before = _counts()

    response = client.post(reverse("import"), {"kind": kind, "uploads": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.status == "rejected"
    html = response.content.decode()
    assert "afgewezen, niets opgeslagen" in html
    assert any(message in e.message and (e.sheet == name or e.line == 2) for e in report.errors)
    assert message.replace("'", "&#x27;") in html
    assert _counts() == before
    assert ImportRun.objects.get().status == ImportRun.Status.REJECTED


@pytest.mark.django_db
def test_the_import_page_refuses_an_oversized_body_before_reading_it(client):
    client.force_login(user_with_role(Role.MINISTERIE))

    response = client.post(reverse("import"), {"kind": "ets"}, CONTENT_LENGTH=str(10**12))

    assert response.status_code == 400
    assert "De upload is groter dan 500 MB; er is niets gelezen." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_real_templates_and_full_files_pass_the_checks():
    from cluster6.plans.intake import COLUMNS, build_xlsx

    # the platform's own template (validations over 1,000 rows, four sheets) and a file of 2,000 plans
    template = build_xlsx(round_name="DSH 2025", columns=list(COLUMNS), rows=[], locations=[])
    full = xlsx_bytes([good_row(**{"Kenmerk": f"K{i}"}) for i in range(2_000)])

    assert check_xlsx(template, "sjabloon.xlsx", file_limits("plan"))
    sheets = check_xlsx(full, "vol.xlsx", file_limits("plan"))
    assert [(s.dimension, s.rows) for s in sheets if s.rows] == [("A1:AD2001", 2_001)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("--params", b"[" * 100_000 + b"]" * 100_000, "de JSON is te diep genest"),
        ("--params", b'{"x": NaN}', "niet eindig of te groot is: 'NaN'"),
        ("--plans", b"\xff{}", "geen geldige UTF-8-tekst"),
        ("--infra", b"{}\x00", "NUL-tekens"),
        ("--params", b"{}" + b" " * (2 * 1024 * 1024), "het bestand is 2,0 MB; maximaal 1 MB"),
    ],
)
def test_analyse_file_mode_refuses_hostile_files(tmp_path, settings, monkeypatch, option, content, message):
    settings.CLUSTER6_FILE_LIMITS = {"import_max_mb": 1}
    path = tmp_path / "invoer.json"
    path.write_bytes(content)
    other = tmp_path / "ander.json"
    other.write_text("{}", encoding="utf-8")
    options = {"--plans": str(other), "--infra": str(other)} | {option: str(path)}

    with pytest.raises(CommandError) as exc:
        call_command("analyse", *[part for pair in options.items() for part in pair])

    assert message in str(exc.value)
