"""A small, typed framework for importers: read, validate every row, then write all or nothing.

An importer works in two phases:

1. **validate**: read every row of every file, parse each field with a `FieldReader` and collect every
   problem as a `RowError` (1-based line numbers, the header is line 1; for GeoJSON the feature number).
   Nothing is written in this phase.
2. **write**: only when there is no error at all, inside one `transaction.atomic()`; a dry run performs
   the same writes to compute exact counts and then rolls back (`execute`).

The `ImportReport` carries the counts (created / updated / unchanged per entity, rejected and skipped
rows), every error and a few figures, and serialises to JSON with `as_dict()`. This module knows no
domain app: recording the run (audit) is the caller's job, passed in as a callback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from cluster6.core.errors import RowError, ValidationFailed
from cluster6.core.safefiles import (
    FileLimits,
    TableGuard,
    UnsafeFile,
    check_size,
    decode_text,
    file_limits,
)
from cluster6.core.safefiles import load_json as _load_json

#: Cell values that mean "no value" in numeric, year and date fields.
EMPTY_MARKERS = frozenset({"", "na", "n/a", "-", "null", "none", "nan"})
#: Show a progress bar only for runs with at least this many items.
PROGRESS_MIN_ITEMS = 200
#: Numbers further from zero than this are refused in every field (nothing real is this large, and
#: larger values overflow the database's integers).
ABS_MAX_NUMBER = 1e15


class ImportStatus(StrEnum):
    APPLIED = "applied"
    DRY_RUN = "dry-run"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            ImportStatus.APPLIED: _("toegepast"),
            ImportStatus.DRY_RUN: _("proefrun, niets opgeslagen"),
            ImportStatus.REJECTED: _("afgewezen, niets opgeslagen"),
        }[self]


@dataclass
class EntityCounts:
    """What happened to the rows of one table."""

    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


@dataclass
class ImportReport:
    """The outcome of one import run."""

    kind: str
    files: list[str]
    dry_run: bool = False
    status: ImportStatus = ImportStatus.APPLIED
    #: Data rows (or GeoJSON features, or JSON objects) read from the files.
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    entities: dict[str, EntityCounts] = field(default_factory=dict)
    #: Figures worth reporting (matches, placements, totals), JSON-serialisable; see `detail`.
    details: dict[str, Any] = field(default_factory=dict)
    detail_labels: dict[str, str] = field(default_factory=dict)
    #: Informational lines in Dutch (what was detected, what was assumed).
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    started: float = field(default_factory=time.monotonic, repr=False)

    # -- counting ------------------------------------------------------------------------------------
    def entity(self, key: str, label: str) -> EntityCounts:
        if key not in self.entities:
            self.entities[key] = EntityCounts(label=label)
        return self.entities[key]

    def detail(self, key: str, value: Any, label: str) -> None:
        """Record a figure under a JSON key, with a Dutch label for people."""
        self.details[key] = value
        self.detail_labels[key] = label

    @property
    def detail_list(self) -> list[tuple[str, str]]:
        """(label, value as text) for people; dictionaries are written as 'key: value; …'."""
        out: list[tuple[str, str]] = []
        for key, value in self.details.items():
            text = "; ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
            out.append((self.detail_labels.get(key, key), text))
        return out

    def skip(self, reason: str, n: int = 1) -> None:
        self.skip_reasons[reason] += n

    def error(self, line: int | None, field_name: str, message: str, sheet: str | None = None) -> None:
        self.errors.append(RowError(line=line, field=field_name, message=message, sheet=sheet))

    @property
    def created(self) -> int:
        return sum(e.created for e in self.entities.values())

    @property
    def updated(self) -> int:
        return sum(e.updated for e in self.entities.values())

    @property
    def unchanged(self) -> int:
        return sum(e.unchanged for e in self.entities.values())

    @property
    def deleted(self) -> int:
        return sum(e.deleted for e in self.entities.values())

    @property
    def skipped(self) -> int:
        return sum(self.skip_reasons.values())

    @property
    def rejected(self) -> int:
        """The number of distinct bad rows (a file-level problem counts as one)."""
        return len({(e.sheet, e.line) for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    def sort_errors(self) -> None:
        """Order the errors by file (in the order given) and line; file-level errors first."""
        order = {name: i for i, name in enumerate(self.files)}
        self.errors.sort(
            key=lambda e: (order.get(e.sheet, -1) if e.sheet else -1, e.line if e.line is not None else -1)
        )

    @property
    def skip_list(self) -> list[tuple[str, int]]:
        """(reason, count), most frequent first (for templates: a Counter answers any key with 0)."""
        return self.skip_reasons.most_common()

    # -- output --------------------------------------------------------------------------------------
    def as_dict(self, *, max_errors: int | None = None) -> dict[str, Any]:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "kind": self.kind,
            "files": list(self.files),
            "status": str(self.status),
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "skip_reasons": dict(self.skip_reasons.most_common()),
            "entities": {k: v.as_dict() for k, v in self.entities.items()},
            "details": self.details,
            "notes": list(self.notes),
            "error_count": len(self.errors),
            "errors": [e.as_dict() for e in errors],
            "duration_s": round(self.duration_s, 3),
        }

    def summary_lines(self, *, max_errors: int | None = None) -> list[str]:
        """A human-readable summary in Dutch, one line per item."""
        lines = [
            _("Import %(kind)s (%(files)s): %(status)s")
            % {"kind": self.kind, "files": ", ".join(self.files), "status": self.status.label}
        ]
        lines.append(_("  gelezen rijen: %(n)s") % {"n": self.rows})
        for counts in self.entities.values():
            line = _("  %(label)s: %(c)s nieuw, %(u)s bijgewerkt, %(n)s ongewijzigd") % {
                "label": counts.label,
                "c": counts.created,
                "u": counts.updated,
                "n": counts.unchanged,
            }
            if counts.deleted:
                line += _(", %(d)s verwijderd") % {"d": counts.deleted}
            lines.append(line)
        lines.append(
            _(
                "  totaal: %(c)s nieuw, %(u)s bijgewerkt, %(n)s ongewijzigd, %(r)s afgewezen, "
                "%(s)s overgeslagen"
            )
            % {
                "c": self.created,
                "u": self.updated,
                "n": self.unchanged,
                "r": self.rejected,
                "s": self.skipped,
            }
        )
        for reason, n in self.skip_reasons.most_common():
            lines.append(_("  overgeslagen: %(n)s × %(reason)s") % {"n": n, "reason": reason})
        for label, text in self.detail_list:
            lines.append(f"  {label}: {text}")
        lines.extend(f"  {note}" for note in self.notes)
        if self.errors:
            lines.append(_("  fouten (%(n)s):") % {"n": len(self.errors)})
            shown = self.errors if max_errors is None else self.errors[:max_errors]
            lines.extend(f"    {format_error(e)}" for e in shown)
            if len(shown) < len(self.errors):
                lines.append(_("    … en nog %(n)s") % {"n": len(self.errors) - len(shown)})
        lines.append(_("  duur: %(s).1f s") % {"s": self.duration_s})
        return lines


def format_error(error: RowError) -> str:
    """'bestand.csv: regel 12, veld 'latitude': geen getal: 'abc'' (the file only when known)."""
    line = _("regel %(n)s") % {"n": error.line} if error.line is not None else _("bestand")
    text = _("%(line)s, veld '%(field)s': %(message)s") % {
        "line": line,
        "field": error.field,
        "message": error.message,
    }
    return f"{error.sheet}: {text}" if error.sheet else text


# -- input files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    """A file to import and the name to show for it (an upload's original name)."""

    path: Path
    name: str

    @classmethod
    def of(cls, path: Path | str, name: str | None = None) -> InputFile:
        p = Path(path)
        return cls(path=p, name=name or p.name)


def refuse(report: ImportReport, source: InputFile, exc: UnsafeFile, sheet: str | None = None) -> None:
    """Record a refused file as one error that names the file."""
    report.error(exc.line, exc.field, exc.message, sheet or source.name)


def read_text(
    source: InputFile, report: ImportReport, *, sheet: str | None = None, limits: FileLimits | None = None
) -> str | None:
    """The whole file as text; None, with an error, when unreadable or refused.

    Checked before anything is parsed (core/safefiles.py): the size (from the file system, before
    reading), the encoding (UTF-8, or UTF-16/UTF-32 with a byte-order mark) and NUL characters."""
    limits = limits or file_limits("import")
    try:
        check_size(source.path.stat().st_size, source.name, limits)
        with source.path.open("rb") as fh:
            content = fh.read(limits.max_bytes + 1)
        if len(content) > limits.max_bytes:  # the file grew, or is not a regular file
            raise UnsafeFile(
                _("het bestand is groter dan %(mb)s MB") % {"mb": limits.max_bytes // 2**20}, name=source.name
            )
        return decode_text(content, source.name)
    except UnsafeFile as exc:
        refuse(report, source, exc, sheet)
    except OSError as exc:
        report.error(None, "", _("het bestand is niet te lezen: %(err)s") % {"err": exc.strerror}, sheet)
    return None


def load_json(
    source: InputFile,
    text: str,
    report: ImportReport,
    *,
    sheet: str | None = None,
    limits: FileLimits | None = None,
) -> Any | None:
    """Parse JSON or GeoJSON text within the limits (nesting depth, finite numbers, feature count); None,
    with an error naming the file, when refused."""
    try:
        return _load_json(text, source.name, limits or file_limits("import"))
    except UnsafeFile as exc:
        refuse(report, source, exc, sheet)
        return None


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: Mapping[str, str]


@dataclass
class CsvTable:
    """A CSV file read into memory: header and rows with their 1-based line numbers (header = 1)."""

    name: str
    header: list[str]
    rows: list[CsvRow]
    delimiter: str = ","

    def has(self, *columns: str) -> bool:
        return all(c in self.header for c in columns)


def read_csv(
    source: InputFile, report: ImportReport, *, sheet: str | None = None, text: str | None = None
) -> CsvTable | None:
    """Read a CSV file (UTF-8 with or without BOM; comma, or semicolon when the header has no comma);
    `text` is the file's text when the caller has already read it with `read_text` (not read again).

    Line numbers are those of the line where each record starts, so they match an editor's line
    numbers even when a quoted field spans lines. Returns None, with an error, when the file is
    unreadable, empty or beyond the limits (rows, columns, cells: core/safefiles.py)."""
    limits = file_limits("import")
    if text is None:
        text = read_text(source, report, sheet=sheet, limits=limits)
    if text is None:
        return None
    try:
        return _parse_csv(source, text, report, sheet=sheet, guard=TableGuard(source.name, limits))
    except UnsafeFile as exc:
        refuse(report, source, exc, sheet)
        return None


def _parse_csv(
    source: InputFile, text: str, report: ImportReport, *, sheet: str | None, guard: TableGuard
) -> CsvTable | None:
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        report.error(None, "", _("het bestand is leeg"), sheet)
        return None
    except csv.Error as exc:
        report.error(1, "", _("ongeldige CSV: %(err)s") % {"err": exc}, sheet)
        return None
    guard.header(len(header))
    rows: list[CsvRow] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            guard.row(len(record), line=start)
            if record and any(cell.strip() for cell in record):
                if len(record) > len(header):
                    report.error(
                        start,
                        "",
                        _("de regel heeft %(n)s velden, de kop %(h)s") % {"n": len(record), "h": len(header)},
                        sheet,
                    )
                rows.append(CsvRow(line=start, values=dict(zip(header, record, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        report.error(start, "", _("ongeldige CSV: %(err)s") % {"err": exc}, sheet)
    return CsvTable(name=source.name, header=header, rows=rows, delimiter=delimiter)


def require_columns(
    table: CsvTable, columns: Iterable[str], report: ImportReport, *, sheet: str | None = None
) -> bool:
    """Report every required column that the header lacks (on line 1); True when all are present."""
    missing = [c for c in columns if c not in table.header]
    for column in missing:
        report.error(1, column, _("verplichte kolom ontbreekt"), sheet)
    return not missing


def check_unique_keys(
    keyed: Iterable[tuple[str, int]],
    report: ImportReport,
    *,
    field_name: str,
    sheet: str | None = None,
) -> None:
    """Report every repeated key: each repeat names the line where the key first occurred."""
    first: dict[str, int] = {}
    for key, line in keyed:
        if key in first:
            report.error(
                line,
                field_name,
                _("dubbele sleutel '%(key)s' (ook op regel %(first)s)") % {"key": key, "first": first[key]},
                sheet,
            )
        else:
            first[key] = line


# -- parsing fields ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _fmt(value: float) -> str:
    return f"{value:g}"


class FieldReader:
    """Parses the fields of one row and records every problem as a RowError with line and field.

    Each accessor returns the parsed value, or None (or "" for text) when the cell is empty or bad;
    `ok` tells whether this row has had no error so far."""

    def __init__(
        self,
        values: Mapping[str, Any],
        *,
        line: int | None,
        report: ImportReport,
        sheet: str | None = None,
        field_prefix: str = "",
    ) -> None:
        self.values = values if isinstance(values, Mapping) else {}
        self.line = line
        self.report = report
        self.sheet = sheet
        self.prefix = field_prefix
        self._errors_before = len(report.errors)

    @property
    def ok(self) -> bool:
        return len(self.report.errors) == self._errors_before

    def fail(self, field_name: str, message: str) -> None:
        self.report.error(self.line, self.prefix + field_name, message, self.sheet)

    def raw(self, field_name: str) -> str:
        value = self.values.get(field_name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def _missing(self, field_name: str, raw: str, required: bool) -> bool:
        if raw.lower() in EMPTY_MARKERS:
            if required:
                self.fail(field_name, _("verplicht veld is leeg"))
            return True
        return False

    def text(
        self,
        field_name: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        pattern_hint: str = "",
    ) -> str:
        value = self.raw(field_name)
        if not value:
            if required:
                self.fail(field_name, _("verplicht veld is leeg"))
            return ""
        if max_length is not None and len(value) > max_length:
            self.fail(
                field_name,
                _("te lang: %(n)s tekens, maximaal %(max)s") % {"n": len(value), "max": max_length},
            )
            return ""
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(
                field_name,
                _("ongeldig formaat: '%(value)s' (verwacht: %(hint)s)")
                % {"value": value, "hint": pattern_hint or pattern.pattern},
            )
            return ""
        return value

    def number(
        self,
        field_name: str,
        *,
        required: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """A decimal number; a decimal comma is accepted ("12,5") when there is no decimal point."""
        value = self.values.get(field_name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                self.fail(field_name, _("getal te groot: '%(value)s'") % {"value": str(value)[:40]})
                return None
        else:
            raw = self.raw(field_name)
            if self._missing(field_name, raw, required):
                return None
            compact = raw.replace(" ", "").replace("\u00a0", "")
            if not _NUMBER.match(compact) or ("," in compact and "." in compact):
                self.fail(field_name, _("geen getal: '%(value)s'") % {"value": raw})
                return None
            number = float(compact.replace(",", "."))
        if not math.isfinite(number):
            self.fail(field_name, _("geen eindig getal: '%(value)s'") % {"value": str(value)[:40]})
            return None
        if abs(number) > ABS_MAX_NUMBER:
            return self._in_range(field_name, number, -ABS_MAX_NUMBER, ABS_MAX_NUMBER)
        return self._in_range(field_name, number, minimum, maximum)

    def integer(
        self,
        field_name: str,
        *,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        raw = self.raw(field_name)
        if self._missing(field_name, raw, required):
            return None
        compact = raw.replace(" ", "")
        if re.fullmatch(r"[+-]?\d+(\.0+)?", compact):
            if len(compact.split(".")[0].lstrip("+-")) > 15:
                self.fail(
                    field_name,
                    _("%(value)s ligt buiten het bereik %(min)s tot %(max)s")
                    % {"value": raw[:40], "min": _fmt(-ABS_MAX_NUMBER), "max": _fmt(ABS_MAX_NUMBER)},
                )
                return None
            number = int(compact.split(".")[0])
        elif _NUMBER.match(compact):
            self.fail(field_name, _("geen geheel getal: '%(value)s'") % {"value": raw})
            return None
        else:
            self.fail(field_name, _("geen getal: '%(value)s'") % {"value": raw})
            return None
        result = self._in_range(field_name, number, minimum, maximum)
        return None if result is None else int(result)

    def year(
        self, field_name: str, *, required: bool = False, minimum: int = 1900, maximum: int = 2100
    ) -> int | None:
        raw = self.raw(field_name)
        if self._missing(field_name, raw, required):
            return None
        if not re.fullmatch(r"\d{4}(\.0+)?", raw):
            self.fail(field_name, _("geen geldig jaartal: '%(value)s'") % {"value": raw})
            return None
        year = int(raw[:4])
        if not minimum <= year <= maximum:
            self.fail(
                field_name,
                _("jaartal %(value)s buiten het bereik %(min)s–%(max)s")
                % {"value": year, "min": minimum, "max": maximum},
            )
            return None
        return year

    def date(self, field_name: str, *, required: bool = False) -> dt.date | None:
        raw = self.raw(field_name)
        if self._missing(field_name, raw, required):
            return None
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            self.fail(field_name, _("geen geldige datum (JJJJ-MM-DD): '%(value)s'") % {"value": raw})
            return None

    def boolean(self, field_name: str, *, required: bool = False) -> bool | None:
        raw = self.raw(field_name)
        if self._missing(field_name, raw, required):
            return None
        lowered = raw.lower()
        if lowered in {"1", "true", "ja", "yes", "j", "y", "waar"}:
            return True
        if lowered in {"0", "false", "nee", "no", "n", "onwaar"}:
            return False
        self.fail(field_name, _("geen ja/nee-waarde (1/0): '%(value)s'") % {"value": raw})
        return None

    def choice[T](self, field_name: str, choices: Mapping[str, T], *, required: bool = False) -> T | None:
        """One of `choices` (matched case-insensitively on its keys)."""
        raw = self.raw(field_name)
        if not raw:
            if required:
                self.fail(field_name, _("verplicht veld is leeg"))
            return None
        lookup = {k.lower(): v for k, v in choices.items()}
        if raw.lower() in lookup:
            return lookup[raw.lower()]
        self.fail(
            field_name,
            _("onbekende waarde: '%(value)s' (toegestaan: %(allowed)s)")
            % {"value": raw, "allowed": ", ".join(k for k in choices if k)},
        )
        return None

    def _in_range(
        self, field_name: str, number: float, minimum: float | None, maximum: float | None
    ) -> float | None:
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            if minimum is not None and maximum is not None:
                message = _("%(value)s ligt buiten het bereik %(min)s tot %(max)s") % {
                    "value": _fmt(number),
                    "min": _fmt(minimum),
                    "max": _fmt(maximum),
                }
            elif minimum is not None:
                message = _("%(value)s is kleiner dan %(min)s") % {
                    "value": _fmt(number),
                    "min": _fmt(minimum),
                }
            else:
                message = _("%(value)s is groter dan %(max)s") % {
                    "value": _fmt(number),
                    "max": _fmt(maximum or 0),
                }
            self.fail(field_name, message)
            return None
        return number


# -- progress ------------------------------------------------------------------------------------------


def show_progress(requested: bool | None) -> bool:
    """Progress bars go to stderr: when asked for, or by default only when stderr is a terminal."""
    if requested is not None:
        return requested
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def progress[T](
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Iterate with a tqdm progress bar on stderr for long runs (see `show_progress`)."""
    size = total if total is not None else (len(items) if isinstance(items, Sequence) else None)
    if not show_progress(enabled) or (size is not None and size < PROGRESS_MIN_ITEMS):
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, total=size, desc=desc, file=sys.stderr, leave=False, unit=_("rij"))


# -- execution -----------------------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a write that found late errors."""


def execute(
    report: ImportReport,
    write: Callable[[ImportReport], None],
    *,
    record: Callable[[ImportReport], None],
) -> ImportReport:
    """Write all or nothing and record the run.

    With errors from validation the run is rejected and `write` is not called. Otherwise `write` runs
    in one transaction; for a dry run (or when `write` reports errors, or raises ValidationFailed) the
    transaction is rolled back. `record` (the audit trail) runs in the same transaction for an applied
    run, and after the rollback otherwise, so that dry and rejected runs are recorded too."""
    if report.errors:
        report.status = ImportStatus.REJECTED
    else:
        try:
            with transaction.atomic():
                try:
                    write(report)
                except ValidationFailed as exc:
                    report.errors.extend(exc.errors)
                if report.errors:
                    report.status = ImportStatus.REJECTED
                    raise _Rollback
                if report.dry_run:
                    report.status = ImportStatus.DRY_RUN
                    raise _Rollback
                report.status = ImportStatus.APPLIED
                report.duration_s = time.monotonic() - report.started
                record(report)
                return report
        except _Rollback:
            pass
        except DatabaseError as exc:
            report.error(None, "", _("de database weigerde de gegevens: %(err)s") % {"err": exc})
            report.status = ImportStatus.REJECTED
    report.sort_errors()
    report.duration_s = time.monotonic() - report.started
    record(report)
    return report
