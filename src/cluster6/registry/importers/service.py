"""Running an importer: validate, write all or nothing, and record the run in the audit trail.

`import_files(kind=..., files=..., actor=..., dry_run=...)` is the one entry point for the command line
(`cluster6 import`) and the upload page.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cluster6.accounts.models import User
from cluster6.audit.models import ImportRun
from cluster6.audit.services import audit_record
from cluster6.authz.policies import Actor, can_import
from cluster6.core.importing import ImportReport, ImportStatus, InputFile, execute
from cluster6.core.signals import inputs_changed_on_commit
from cluster6.infra.importers.carriers import CarrierImporter
from cluster6.infra.importers.grid import GridImporter

from .base import Importer
from .boundaries import BoundariesImporter
from .ets import EtsImporter
from .nea import NeaImporter

IMPORTERS: dict[str, type[Importer[object]]] = {
    "ets": EtsImporter,  # type: ignore[dict-item]
    "nea": NeaImporter,  # type: ignore[dict-item]
    "boundaries": BoundariesImporter,  # type: ignore[dict-item]
    "grid": GridImporter,  # type: ignore[dict-item]
    "carriers": CarrierImporter,  # type: ignore[dict-item]
}

#: The kinds of import, for the command line and the upload form.
KIND_CHOICES = [
    ("ets", gettext_lazy("EU ETS-installaties en geverifieerde emissies (breed of lang)")),
    ("nea", gettext_lazy("NEa-emissiecijfers (per vergunning)")),
    ("boundaries", gettext_lazy("Provincie- en gemeentegrenzen (GeoJSON) en gemeente-provincietabel")),
    ("grid", gettext_lazy("Capaciteitskaart: voedingsgebieden, netprojecten, congestiegebieden")),
    ("carriers", gettext_lazy("Uitrol waterstof, CO₂, groen gas en warmte (uitrolfasen en netwerkpunten)")),
]

MAX_STORED_ERRORS = 500

logger = logging.getLogger(__name__)

_RUN_STATUS = {
    ImportStatus.APPLIED: ImportRun.Status.APPLIED,
    ImportStatus.DRY_RUN: ImportRun.Status.DRY_RUN,
    ImportStatus.REJECTED: ImportRun.Status.REJECTED,
}


def import_files(
    *,
    kind: str,
    files: Sequence[InputFile],
    actor: User | None,
    dry_run: bool = False,
    progress: bool | None = None,
) -> ImportReport:
    """Import `files` as `kind` (ets, nea, boundaries or grid). Every row is validated first; with any
    error nothing is written. A dry run writes and rolls back. The run is recorded as an ImportRun with
    an audit event, whatever its outcome."""
    if kind not in IMPORTERS:
        raise ValueError(_("Onbekende importsoort: %(kind)s") % {"kind": kind})
    report = ImportReport(kind=kind, files=[f.name for f in files], dry_run=dry_run)
    if not files:
        report.error(None, "", _("geen bestand opgegeven"))
    importer = IMPORTERS[kind](report, progress=progress)
    plan = _validate(importer, files, report) if files else None

    def write(_report: ImportReport) -> None:
        if plan is not None:
            importer.write(plan)
            inputs_changed_on_commit(reason=f"import.{kind}")  # dropped with a dry run's rollback

    def record(finished: ImportReport) -> None:
        _record(finished, actor=actor)

    return execute(report, write, record=record)


#: What a file of unexpected shape can make an importer raise while it validates (a list where an
#: object belongs, a value of the wrong type): the run is rejected with a file-level error, never a 500.
_SHAPE_ERRORS: tuple[type[Exception], ...] = (
    AttributeError,
    TypeError,
    KeyError,
    IndexError,
    ValueError,
    OverflowError,
    RecursionError,
)


def _validate(importer: Importer[object], files: Sequence[InputFile], report: ImportReport) -> object | None:
    try:
        return importer.validate(files)
    except _SHAPE_ERRORS as exc:
        logger.warning("import.validate_failed kind=%s files=%s", report.kind, report.files, exc_info=True)
        report.error(
            None,
            "",
            _("het bestand heeft een onverwachte vorm en is niet ingelezen (%(err)s)")
            % {"err": type(exc).__name__},
        )
        return None


def _record(report: ImportReport, *, actor: User | None) -> ImportRun:
    summary = report.as_dict(max_errors=0)
    summary.pop("errors", None)
    run = ImportRun.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        kind=report.kind,
        file_names=list(report.files),
        status=_RUN_STATUS[report.status],
        summary=summary,
        errors=[e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
    )
    audit_record(
        actor=actor,
        verb=f"import.{report.status.value}",
        target=run,
        changes={
            "kind": report.kind,
            "files": list(report.files),
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
            "skipped": report.skipped,
            "errors": len(report.errors),
        },
    )
    return run


def import_run_list(*, actor: Actor, limit: int = 20) -> models.QuerySet[ImportRun]:
    """The most recent import runs, for those who may import (nobody else sees them)."""
    if not can_import(actor):
        return ImportRun.objects.none()
    return ImportRun.objects.select_related("actor").order_by("-created_at", "-id")[:limit]
