"""The upload page of the importers: choose a kind, upload one or more files, optionally as a dry run.

Only for users who may import (ministry, RVO, Stichting Cluster 6); others get 403, anonymous users the
login page. Uploaded files are written to a temporary folder for the importer and removed right after;
nothing of them is kept but the report (ImportRun)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cluster6.authz.policies import can_import
from cluster6.core.importing import ImportReport, InputFile
from cluster6.core.safefiles import announced_too_large, file_limits

from .importers.service import KIND_CHOICES, import_files, import_run_list

MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.json,.geojson"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        single = super().clean
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort gegevens"), choices=KIND_CHOICES)
    uploads = MultipleFileField(
        label=_("Bestand(en)"),
        help_text=_("CSV, GeoJSON of JSON; meerdere bestanden tegelijk mag (de soort wordt herkend)."),
    )
    dry_run = forms.BooleanField(
        label=_("Proefrun: alleen controleren en tellen, niets opslaan"), required=False
    )

    def clean_uploads(self) -> list[UploadedFile[Any]]:
        files: list[UploadedFile[Any]] = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Hooguit %(n)s bestanden tegelijk.") % {"n": MAX_FILES})
        max_bytes = file_limits("import").max_bytes
        for upload in files:
            if upload.size is not None and upload.size > max_bytes:
                raise forms.ValidationError(
                    _("%(name)s is groter dan %(mb)s MB.")
                    % {"name": upload.name, "mb": max_bytes // (1024 * 1024)}
                )
        return files


def _safe_name(name: str | None, index: int) -> str:
    base = Path(name or f"bestand-{index}").name
    return re.sub(r"[^\w.\-]+", "_", base)[:120] or f"bestand-{index}"


def _run_upload(form: ImportForm, request: HttpRequest) -> ImportReport:
    """Write the uploads to a temporary folder, run the importer, and remove the folder."""
    with tempfile.TemporaryDirectory(prefix="cluster6-import-") as folder:
        files: list[InputFile] = []
        for index, upload in enumerate(form.cleaned_data["uploads"], start=1):
            name = _safe_name(upload.name, index)
            path = Path(folder) / f"{index:02d}-{name}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            files.append(InputFile(path=path, name=name))
        return import_files(
            kind=form.cleaned_data["kind"],
            files=files,
            actor=request.user,  # type: ignore[arg-type]
            dry_run=form.cleaned_data["dry_run"],
            progress=False,
        )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied
    report: ImportReport | None = None
    status = 200
    max_total = MAX_FILES * file_limits("import").max_bytes
    if request.method == "POST" and announced_too_large(
        request.META.get("CONTENT_LENGTH"), max_total + 2**20
    ):
        form = ImportForm()
        form.cleaned_data = {}
        form.add_error(
            None, _("De upload is groter dan %(mb)s MB; er is niets gelezen.") % {"mb": max_total // 2**20}
        )
        status = 400
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = _run_upload(form, request)
    else:
        form = ImportForm()
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "report": report,
            "errors_have_files": bool(report and any(e.sheet for e in report.errors)),
            "runs": import_run_list(actor=request.user),
            "kinds": dict(KIND_CHOICES),
        },
        status=status,
    )
