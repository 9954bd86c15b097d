"""Files from outside, checked before they are parsed (architecture rule 16).

Every upload and importer calls these checks first; they read only what is cheap (the size, the zip
directory, the first bytes of each XLSX member, a streaming count of rows and cells) and raise one error
type, `UnsafeFile`, with a Dutch message. The limits come from settings (`CLUSTER6_FILE_LIMITS`, read from
the environment in config/settings/base.py) with the defaults below; docs/formats.md lists them.

- size of the file (`max_bytes`);
- text: the encoding from its byte-order mark (UTF-8, UTF-16 and UTF-32 are decoded), NUL characters
  refused (binary files, UTF-16 without BOM);
- tables: rows, columns and cells (`TableGuard`, counted while reading);
- XLSX (a zip): the number of members, their total uncompressed size and each member's compression
  ratio (zip bombs) from the zip directory; then every member is streamed once (bounded by its declared
  size, checking its CRC): DOCTYPE/ENTITY declarations (billion laughs, XXE) are refused, a sheet's
  `<dimension ref=...>` and its counted rows and cells must stay within the limits;
- JSON: the nesting depth (a 100,000-level nesting is refused, not a RecursionError), numbers that are
  not finite or too large, and the number of GeoJSON features.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.utils.translation import gettext as _

Profile = Literal["plan", "import"]

MB = 1024 * 1024

#: Default limits; settings.CLUSTER6_FILE_LIMITS overrides any of them (same keys).
DEFAULT_LIMITS: dict[str, int] = {
    # plan submissions (XLSX or CSV), per file
    "plan_upload_max_mb": 5,
    "plan_max_rows": 10_000,
    "plan_max_columns": 200,
    "plan_max_cells": 100_000,
    # public data imports (CSV, JSON, GeoJSON), per file
    "import_max_mb": 50,
    "import_max_rows": 1_000_000,
    "import_max_columns": 500,
    "import_max_cells": 5_000_000,
    # XLSX (zip) members
    "xlsx_max_uncompressed_mb": 30,
    "xlsx_max_ratio": 100,
    "xlsx_max_members": 200,
    # JSON and GeoJSON
    "json_max_depth": 64,
    "geojson_max_features": 100_000,
}

#: A member is only held to the compression ratio from this uncompressed size on (small XML compresses
#: well and is harmless).
RATIO_FROM_BYTES = 1 * MB
#: How much of each XLSX member is read to find its root element and `<dimension>`.
HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1 * MB
#: Integers in JSON with more digits than this are refused (they cannot be stored, and the float of a
#: longer one overflows).
JSON_MAX_INT_DIGITS = 18
#: Members of an XLSX whose content is XML and is parsed by openpyxl.
XML_SUFFIXES = (".xml", ".rels", ".vml")


class UnsafeFile(Exception):
    """A file refused before (or while) it is parsed. `message` is Dutch; `name` is the file's name,
    `line` and `field` say where, when known."""

    def __init__(self, message: str, *, name: str = "", line: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.line = line
        self.field = field

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.name else self.message


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_members: int
    max_json_depth: int
    max_features: int


def configured_limits() -> dict[str, int]:
    """The defaults with what settings.CLUSTER6_FILE_LIMITS sets."""
    from django.conf import settings

    values = dict(DEFAULT_LIMITS)
    for key, value in dict(getattr(settings, "CLUSTER6_FILE_LIMITS", {}) or {}).items():
        if key in values:
            values[key] = int(value)
    return values


def file_limits(profile: Profile) -> FileLimits:
    """The limits for plan uploads ("plan") or public data imports ("import")."""
    c = configured_limits()
    prefix = "plan" if profile == "plan" else "import"
    max_mb = c["plan_upload_max_mb"] if profile == "plan" else c["import_max_mb"]
    return FileLimits(
        max_bytes=max_mb * MB,
        max_rows=c[f"{prefix}_max_rows"],
        max_columns=c[f"{prefix}_max_columns"],
        max_cells=c[f"{prefix}_max_cells"],
        max_uncompressed_bytes=c["xlsx_max_uncompressed_mb"] * MB,
        max_ratio=c["xlsx_max_ratio"],
        max_members=c["xlsx_max_members"],
        max_json_depth=c["json_max_depth"],
        max_features=c["geojson_max_features"],
    )


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def _int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# -- size and text -------------------------------------------------------------------------------------


def check_size(size: int, name: str, limits: FileLimits) -> None:
    if size > limits.max_bytes:
        raise UnsafeFile(
            _("het bestand is %(size)s MB; maximaal %(max)s MB")
            % {"size": _mb(size), "max": limits.max_bytes // MB},
            name=name,
        )


def read_limited(stream: IO[bytes], name: str, limits: FileLimits) -> bytes:
    """At most `max_bytes` from a stream; a longer stream is refused without reading it all."""
    content = stream.read(limits.max_bytes + 1)
    check_size(len(content), name, limits)
    return content


def announced_too_large(content_length: object, max_bytes: int) -> bool:
    """Whether a request's Content-Length announces more than `max_bytes` (an unreadable one does too),
    so that a view refuses the upload before Django reads the body."""
    try:
        return int(str(content_length or 0)) > max_bytes
    except ValueError:
        return True


_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def decode_text(content: bytes, name: str, *, fallback: str | None = None) -> str:
    """Bytes as text: by their byte-order mark (UTF-8, UTF-16 or UTF-32), else UTF-8, else `fallback`
    (e.g. cp1252 for Excel's CSV on Windows) when given. NUL characters are refused: they mean a binary
    file (an XLSX sent as CSV) or UTF-16 without a BOM."""
    for bom, codec, label in _BOMS:
        if content.startswith(bom):
            try:
                text = content.decode(codec)
            except UnicodeDecodeError:
                raise UnsafeFile(
                    _("het bestand begint met een %(enc)s-kenmerk (BOM) maar is geen geldige %(enc)s-tekst")
                    % {"enc": label},
                    name=name,
                ) from None
            break
    else:
        if b"\x00" in content:
            raise UnsafeFile(_nul_message(content.index(b"\x00")), name=name)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            if fallback is None:
                raise UnsafeFile(
                    _("het bestand is geen geldige UTF-8-tekst (byte %(pos)s)") % {"pos": exc.start},
                    name=name,
                ) from None
            text = content.decode(fallback, errors="replace")
    if "\x00" in text:
        raise UnsafeFile(_nul_message(text.index("\x00")), name=name)
    return text.removeprefix("\ufeff")


def _nul_message(position: int) -> str:
    return _(
        "het bestand bevat NUL-tekens (vanaf positie %(pos)s): het is binair of UTF-16 zonder kenmerk; "
        "sla het op als CSV (UTF-8)"
    ) % {"pos": position}


# -- tables --------------------------------------------------------------------------------------------


class TableGuard:
    """Counts the rows and cells of a table while it is read and refuses it at the first excess."""

    def __init__(self, name: str, limits: FileLimits) -> None:
        self.name = name
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def header(self, columns: int) -> None:
        self.columns(columns, line=1)

    def columns(self, columns: int, *, line: int | None) -> None:
        if columns > self.limits.max_columns:
            raise UnsafeFile(
                _("de regel heeft %(n)s kolommen; maximaal %(max)s")
                % {"n": _int(columns), "max": _int(self.limits.max_columns)},
                name=self.name,
                line=line,
            )

    def row(self, cells: int, *, line: int | None = None) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.max_rows:
            raise UnsafeFile(
                _("het bestand heeft meer dan %(max)s regels") % {"max": _int(self.limits.max_rows)},
                name=self.name,
                line=line,
            )
        self.columns(cells, line=line)
        if self.cells > self.limits.max_cells:
            raise UnsafeFile(
                _("het bestand heeft meer dan %(max)s cellen") % {"max": _int(self.limits.max_cells)},
                name=self.name,
                line=line,
            )


# -- XLSX ----------------------------------------------------------------------------------------------


@dataclass
class SheetFacts:
    """What the cheap scan learnt about one worksheet member."""

    member: str
    dimension: str = ""
    rows: int = 0
    cells: int = 0


_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d{1,7})?$")
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")
_WHITESPACE_AFTER = (b" ", b">", b"/", b"\n", b"\r", b"\t")


def column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def dimension_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) a `<dimension ref="A1:XFD1048576">` spans, from A1; None when unreadable."""
    last = ref.split(":")[-1].strip()
    match = _CELL_REF.match(last)
    if not match or not (match.group(1) or match.group(2)):
        return None
    rows = int(match.group(2)) if match.group(2) else 1_048_576
    columns = column_number(match.group(1)) if match.group(1) else 16_384
    return rows, columns


class _Counter:
    """Counts element starts (`<row `, `<x:row>`, ...) across chunks without double counting."""

    def __init__(self, patterns: list[bytes]) -> None:
        self.patterns = patterns
        self.keep = max(len(p) for p in patterns) - 1
        self.count = 0

    def feed(self, previous: bytes, chunk: bytes) -> None:
        for pattern in self.patterns:
            tail = previous[len(previous) - (len(pattern) - 1) :] if len(pattern) > 1 else b""
            self.count += (tail + chunk).count(pattern)


def _element_patterns(prefix: bytes, local: bytes) -> list[bytes]:
    return [b"<" + prefix + local + after for after in _WHITESPACE_AFTER]


def check_xlsx(content: bytes, name: str, limits: FileLimits) -> list[SheetFacts]:
    """Refuse a hostile or broken XLSX before openpyxl sees it; return what was learnt of its sheets."""
    check_size(len(content), name, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsafeFile(
            _("geen leesbaar XLSX-bestand: het zip-archief is afgebroken of beschadigd (%(err)s)")
            % {"err": exc},
            name=name,
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeFile(
                _("het XLSX-bestand bevat %(n)s onderdelen; maximaal %(max)s")
                % {"n": _int(len(infos)), "max": _int(limits.max_members)},
                name=name,
            )
        total = sum(info.file_size for info in infos)
        if total > limits.max_uncompressed_bytes:
            raise UnsafeFile(
                _("het XLSX-bestand pakt uit tot %(size)s MB; maximaal %(max)s MB (een zip-bom?)")
                % {"size": _mb(total), "max": limits.max_uncompressed_bytes // MB},
                name=name,
            )
        for info in infos:
            _check_member_header(info, name, limits)
        if "[Content_Types].xml" not in {info.filename for info in infos}:
            raise UnsafeFile(
                _("geen leesbaar XLSX-bestand: het onderdeel [Content_Types].xml ontbreekt"), name=name
            )
        sheets: list[SheetFacts] = []
        for info in infos:
            facts = _scan_member(archive, info, name, limits)
            if facts is not None:
                sheets.append(facts)
    return sheets


def _check_member_header(info: zipfile.ZipInfo, name: str, limits: FileLimits) -> None:
    member = info.filename
    if info.flag_bits & 0x1:
        raise UnsafeFile(
            _("onderdeel '%(member)s' is versleuteld; sla het bestand op zonder wachtwoord")
            % {"member": member},
            name=name,
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnsafeFile(
            _("onderdeel '%(member)s' gebruikt een onbekende compressiemethode") % {"member": member},
            name=name,
        )
    if info.file_size >= RATIO_FROM_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UnsafeFile(
                _(
                    "onderdeel '%(member)s' is %(ratio)s keer gecomprimeerd; maximaal %(max)s keer "
                    "(een zip-bom?)"
                )
                % {"member": member, "ratio": _int(int(ratio)), "max": _int(limits.max_ratio)},
                name=name,
            )


def _scan_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: FileLimits
) -> SheetFacts | None:
    """Stream one member once (at most its declared size; the CRC is checked at its end)."""
    member = info.filename
    is_xml = member.lower().endswith(XML_SUFFIXES)
    facts: SheetFacts | None = None
    counters: dict[str, _Counter] = {}
    try:
        with archive.open(info) as stream:
            head = stream.read(HEAD_BYTES)
            if is_xml:
                facts, counters = _inspect_head(head, member, name, limits)
            previous = b""
            chunk = head
            while chunk:
                if is_xml:
                    window = previous[-16:] + chunk
                    if any(word in window for word in _FORBIDDEN_XML):
                        raise UnsafeFile(
                            _(
                                "onderdeel '%(member)s' bevat een DOCTYPE- of ENTITY-declaratie; "
                                "XML-entiteiten zijn niet toegestaan"
                            )
                            % {"member": member},
                            name=name,
                        )
                    for counter in counters.values():
                        counter.feed(previous, chunk)
                    if facts is not None:
                        _check_counts(facts, counters, name, limits)
                previous = chunk
                chunk = stream.read(CHUNK_BYTES)
    except UnsafeFile:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise UnsafeFile(
            _("onderdeel '%(member)s' is beschadigd (%(err)s)") % {"member": member, "err": exc}, name=name
        ) from None
    return facts


def _inspect_head(
    head: bytes, member: str, name: str, limits: FileLimits
) -> tuple[SheetFacts | None, dict[str, _Counter]]:
    """The root element (worksheet, shared strings) and a sheet's `<dimension>`, from the first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise UnsafeFile(
            _("onderdeel '%(member)s' is geen UTF-8-XML; zo'n XLSX wordt niet gelezen") % {"member": member},
            name=name,
        )
    root = _ROOT.search(_COMMENT.sub(b"", head))
    if root is None:
        if len(head) >= HEAD_BYTES:
            raise UnsafeFile(
                _("onderdeel '%(member)s' heeft geen herkenbaar XML-begin") % {"member": member}, name=name
            )
        return None, {}
    prefix, local = root.group(1) or b"", root.group(2)
    if local == b"sst":
        return SheetFacts(member=member), {"strings": _Counter(_element_patterns(prefix, b"si"))}
    if local not in (b"worksheet", b"dialogsheet"):
        return None, {}
    facts = SheetFacts(member=member)
    found = _DIMENSION.search(head)
    if found is not None:
        facts.dimension = found.group(1).decode("ascii", errors="replace")
        size = dimension_size(facts.dimension)
        if size is not None:
            rows, columns = size
            if rows > limits.max_rows:
                raise UnsafeFile(
                    _("blad '%(member)s' beslaat %(n)s rijen (bereik %(ref)s); maximaal %(max)s")
                    % {
                        "member": member,
                        "n": _int(rows),
                        "ref": facts.dimension,
                        "max": _int(limits.max_rows),
                    },
                    name=name,
                )
            if columns > limits.max_columns:
                raise UnsafeFile(
                    _("blad '%(member)s' beslaat %(n)s kolommen (bereik %(ref)s); maximaal %(max)s")
                    % {
                        "member": member,
                        "n": _int(columns),
                        "ref": facts.dimension,
                        "max": _int(limits.max_columns),
                    },
                    name=name,
                )
    counters = {
        "rows": _Counter(_element_patterns(prefix, b"row")),
        "cells": _Counter(_element_patterns(prefix, b"c")),
    }
    return facts, counters


def _check_counts(facts: SheetFacts, counters: Mapping[str, _Counter], name: str, limits: FileLimits) -> None:
    if "strings" in counters:
        if counters["strings"].count > limits.max_cells:
            raise UnsafeFile(
                _("het XLSX-bestand bevat meer dan %(max)s teksten") % {"max": _int(limits.max_cells)},
                name=name,
            )
        return
    facts.rows = counters["rows"].count
    facts.cells = counters["cells"].count
    if facts.rows > limits.max_rows:
        raise UnsafeFile(
            _("blad '%(member)s' heeft meer dan %(max)s rijen")
            % {"member": facts.member, "max": _int(limits.max_rows)},
            name=name,
        )
    if facts.cells > limits.max_cells:
        raise UnsafeFile(
            _("blad '%(member)s' heeft meer dan %(max)s cellen")
            % {"member": facts.member, "max": _int(limits.max_cells)},
            name=name,
        )


# -- JSON ----------------------------------------------------------------------------------------------


class _BadNumber(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(text)
    return value


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > JSON_MAX_INT_DIGITS:
        raise _BadNumber(text)
    return int(text)


def _json_constant(text: str) -> Any:
    raise _BadNumber(text)


def load_json(text: str, name: str, limits: FileLimits) -> Any:
    """Parse JSON text, refusing deep nesting, numbers that are not finite or too long (NaN, Infinity,
    1e400, a 400-digit integer) and GeoJSON with more features than allowed."""
    try:
        data = json.loads(text, parse_float=_json_float, parse_int=_json_int, parse_constant=_json_constant)
    except RecursionError:
        raise UnsafeFile(_too_deep(limits), name=name) from None
    except json.JSONDecodeError as exc:
        raise UnsafeFile(
            _("ongeldige JSON: %(err)s") % {"err": exc.msg}, name=name, line=exc.lineno
        ) from None
    except _BadNumber as exc:
        shown = exc.text if len(exc.text) <= 40 else exc.text[:37] + "…"
        raise UnsafeFile(
            _("de JSON bevat een getal dat niet eindig of te groot is: '%(value)s'") % {"value": shown},
            name=name,
        ) from None
    except ValueError as exc:  # e.g. Python's limit on the digits of an integer
        raise UnsafeFile(_("ongeldige JSON: %(err)s") % {"err": exc}, name=name) from None
    if json_depth(data, limit=limits.max_json_depth) > limits.max_json_depth:
        raise UnsafeFile(_too_deep(limits), name=name)
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        count = len(data["features"])
        if count > limits.max_features:
            raise UnsafeFile(
                _("de GeoJSON bevat %(n)s objecten; maximaal %(max)s")
                % {"n": _int(count), "max": _int(limits.max_features)},
                name=name,
            )
    return data


def _too_deep(limits: FileLimits) -> str:
    return _("de JSON is te diep genest (meer dan %(max)s niveaus)") % {"max": limits.max_json_depth}


def json_depth(data: Any, *, limit: int) -> int:
    """The nesting depth of parsed JSON (a scalar is 0), counted without recursion; stops above `limit`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest
