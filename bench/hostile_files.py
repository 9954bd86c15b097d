"""How fast, and in how little memory, hostile files are refused (core/safefiles.py).

Run from the repository root: `.venv/bin/python bench/hostile_files.py` (also run by `make bench`). It builds
the files of issue 7 in memory: an XLSX with a million empty rows reaching column XFD (with and without a
`<dimension>`), a zip bomb (a few hundred kB unpacking to 850 MB), an XLSX with a billion-laughs entity,
a GeoJSON nested 100,000 levels deep; then it times the refusal through the plan intake's `read_table`
(the path of a web upload) and `load_json`, and reports the peak memory the refusal allocated (tracemalloc).
The target is printed next to each figure: refused in under 1 s, under 50 MB extra memory.
"""

from __future__ import annotations

import io
import os
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster6.config.settings.dev")

import django

django.setup()

from cluster6.core.safefiles import UnsafeFile, file_limits, load_json  # noqa: E402
from cluster6.plans.intake import read_table  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TYPES = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="x"/>'
MAX_SECONDS = 1.0
MAX_PEAK_MB = 50.0


def million_rows(dimension: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                sheet.write(b'<dimension ref="A1:XFD1048576"/>')
            sheet.write(b"<sheetData>")
            for start in range(1, 1_048_576, 10_000):
                sheet.write(
                    b"".join(b'<row r="%d"/>' % i for i in range(start, min(start + 10_000, 1_048_576)))
                )
            sheet.write(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return out.getvalue()


def zip_bomb(size_mb: int = 850) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = bytes(1024 * 1024)
            for _ in range(size_mb):
                sheet.write(chunk)
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"lol") * 10) for i in range(1, 10)
    )
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]>"
        b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        b"<is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def measure(label: str, size: int, refuse: Callable[[], str]) -> bool:
    tracemalloc.start()
    started = time.perf_counter()
    message = refuse()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    ok = elapsed < MAX_SECONDS and peak < MAX_PEAK_MB and bool(message)
    print(
        f"{label:<34} {size / 2**20:7.2f} MB  refused in {elapsed * 1000:7.1f} ms  peak {peak:6.2f} MB  "
        f"{'PASS' if ok else 'FAIL'}  ({message[:70]})"
    )
    return ok


def main() -> int:
    print(f"target: refused in < {MAX_SECONDS:g} s with < {MAX_PEAK_MB:g} MB extra memory")
    results = []
    for label, content in (
        ("xlsx, 1M rows to XFD, dimension", million_rows(True)),
        ("xlsx, 1M rows to XFD, no dimension", million_rows(False)),
        ("xlsx, zip bomb to 850 MB", zip_bomb()),
        ("xlsx, billion laughs", billion_laughs()),
    ):

        def refuse(content: bytes = content) -> str:
            table, errors = read_table(content, "bench.xlsx")
            return "" if table is not None else errors[0].message

        results.append(measure(label, len(content), refuse))
    deep = '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}"

    def refuse_json() -> str:
        try:
            load_json(deep, "diep.geojson", file_limits("import"))
        except UnsafeFile as exc:
            return exc.message
        return ""

    results.append(measure("geojson, 100,000 levels deep", len(deep), refuse_json))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
