"""The submission pages: a company's rounds ("Mijn uitvragen"), the round page with its draft, the plan
form, submitting, the template and the upload, the submitted revisions; and for RVO, Stichting Cluster 6
and the ministry the round overview with reopening.

Each view parses (a form), calls one service or the selectors, and renders. htmx requests for the plan
form get the panel fragment (a partial of the same template); every page works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cluster6.authz.policies import Action
from cluster6.core.errors import RowError, ValidationFailed
from cluster6.core.exports import csv_attachment, xlsx_attachment
from cluster6.core.safefiles import announced_too_large, file_limits
from cluster6.registry.models import Organisation

from .constants import RoundStatus, SubmissionStatus
from .forms import PlanForm, ReopenForm, SubmitForm, UploadForm, initial_from
from .intake import DEFAULTS, Column, LocationInfo, build_csv, build_xlsx, display_value, round_columns
from .models import PlanVersion, Submission, SurveyRound
from .selectors import (
    company_organisation,
    company_organisations,
    company_round_rows,
    intake_context,
    is_round_staff,
    location_infos,
    plan_version_get,
    previous_submission,
    round_get,
    round_list,
    round_overview,
    round_overview_counts,
    submission_can,
    submission_current,
    submission_get,
    submission_revision_get,
    submission_revisions,
    submission_versions,
    template_rows,
    version_values,
)
from .services import (
    plan_version_remove,
    plan_version_save,
    submission_import,
    submission_reopen,
    submission_start,
    submission_submit,
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# -- helpers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """The company the user acts for on this request, and every company it acts for (the chooser)."""

    organisation: Organisation
    companies: list[Organisation]

    @property
    def query(self) -> str:
        """'?organisatie=ID' for users with several companies, else ''."""
        if len(self.companies) > 1:
            return "?" + urlencode({"organisatie": self.organisation.pk})
        return ""

    def context(self) -> dict[str, Any]:
        """What every company page shows of it: the company, the chooser and the query for links."""
        return {"organisation": self.organisation, "companies": self.companies, "org_query": self.query}


def _company(request: HttpRequest, companies: list[Organisation] | None = None) -> Acting:
    """The company the user acts for on this request (?organisatie= when it has several), with its
    companies read once (`companies` when the caller has them); 403 for users who act for no company."""
    if companies is None:
        companies = company_organisations(actor=request.user)
    chosen = request.POST.get("organisatie") or request.GET.get("organisatie")
    organisation = company_organisation(actor=request.user, organisation_id=chosen, companies=companies)
    return Acting(organisation, companies)


def _round_url(round: SurveyRound, acting: Acting, anchor: str = "") -> str:
    url = reverse("plans:round_detail", args=[round.code]) + acting.query
    return url + (f"#{anchor}" if anchor else "")


def _draft(request: HttpRequest, round: SurveyRound, organisation: Organisation) -> Submission:
    """The company's open draft in the round; 403 when it has none (not started, or submitted)."""
    current = submission_current(actor=request.user, organisation=organisation, round=round)
    if current is None or not submission_can(actor=request.user, submission=current, action=Action.EDIT):
        raise PermissionDenied(_("Er is geen open concept voor deze ronde."))
    return current


def _version_rows(columns: list[Column], versions: list[PlanVersion]) -> list[dict[str, Any]]:
    """Each version with its values for people, per column (for the read-only details)."""
    rows = []
    for version in versions:
        values = version_values(version)
        details = [
            (column.header, display_value(column, values.get(column.name)))
            for column in columns
            if column.name not in ("location", "reference")
        ]
        rows.append({"version": version, "details": details})
    return rows


def _round_context(
    request: HttpRequest,
    round: SurveyRound,
    acting: Acting,
    *,
    upload_form: UploadForm | None = None,
    import_errors: list[RowError] | None = None,
) -> dict[str, Any]:
    actor = request.user
    organisation = acting.organisation
    current = submission_current(actor=actor, organisation=organisation, round=round)
    columns = round_columns(round.requested_fields)
    versions = list(submission_versions(actor=actor, submission=current)) if current else []
    draft = current if current is not None and current.status == SubmissionStatus.DRAFT else None
    previous = previous_submission(organisation=organisation, round=round) if current is None else None
    return {
        "round": round,
        **acting.context(),
        "current": current,
        "draft": draft,
        "locked": current is not None and current.is_locked,
        "can_start": current is None and round.status == RoundStatus.OPEN,
        "previous": previous,
        "previous_count": previous.versions.count() if previous else 0,
        "rows": _version_rows(columns, versions),
        "history": submission_revisions(actor=actor, organisation=organisation, round=round),
        "locations": location_infos(organisation=organisation, actor=actor),
        "upload_form": upload_form or UploadForm(),
        "import_errors": import_errors or [],
        "requested_all": not round.requested_fields,
        "columns": columns,
    }


# -- company pages ------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_rounds(request: HtmxHttpRequest) -> HttpResponse:
    """ "Mijn uitvragen": every open and past round with the company's status; the survey staff get the
    list of rounds with their overviews."""
    companies = company_organisations(actor=request.user)
    if not companies:
        if is_round_staff(request.user):
            return render(
                request,
                "plans/round_index.html",
                {
                    "rounds": round_list(actor=request.user),
                    "counts": round_overview_counts(actor=request.user),
                },
            )
        raise PermissionDenied
    acting = _company(request, companies)
    return render(
        request,
        "plans/my_rounds.html",
        {
            **acting.context(),
            "rows": company_round_rows(actor=request.user, organisation=acting.organisation),
            "is_staff": is_round_staff(request.user),
        },
    )


@login_required
@require_GET
def round_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    round_ = round_get(actor=request.user, code=code)
    companies = company_organisations(actor=request.user)
    if not companies and is_round_staff(request.user):
        return redirect("plans:round_overview", code=round_.code)
    acting = _company(request, companies)
    return render(request, "plans/round_detail.html", _round_context(request, round_, acting))


@login_required
@require_POST
def round_start(request: HtmxHttpRequest, code: str) -> HttpResponse:
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    try:
        draft = submission_start(organisation=acting.organisation, round=round_, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        count = draft.versions.count()
        if count:
            messages.success(
                request,
                _("Uw concept is aangemaakt met %(n)s plan(nen) uit de vorige ronde; vul aan wat veranderde.")
                % {"n": count},
            )
        else:
            messages.success(request, _("Uw concept is aangemaakt."))
    return redirect(_round_url(round_, acting))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HtmxHttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add (pk=None) or edit a plan of the draft; "Opslaan als concept" saves it into the draft."""
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    draft = _draft(request, round_, acting.organisation)
    version = (
        plan_version_get(actor=request.user, submission=draft, version_id=pk, action=Action.EDIT)
        if pk is not None
        else None
    )
    context = intake_context(
        organisation=acting.organisation, round=round_, actor=request.user, submission=draft
    )
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, context=context, new=version is None)
        if form.is_valid():
            try:
                saved = plan_version_save(
                    submission=draft,
                    data=form.values(),
                    actor=request.user,  # type: ignore[arg-type]
                    plan=version.plan if version is not None else None,
                )
            except ValidationError as exc:
                form.add_service_errors(
                    exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                )
            else:
                messages.success(
                    request,
                    _(
                        "Plan %(ref)s is opgeslagen in uw concept. U kunt later verdergaan; indienen doet u "
                        "pas als alles klopt."
                    )
                    % {"ref": saved.plan.reference},
                )
                if request.htmx:  # no #anchor: a same-page anchor would not reload the page
                    return HttpResponseClientRedirect(_round_url(round_, acting))
                return redirect(_round_url(round_, acting, "plannen"))
        status = 400
    else:
        initial = initial_from(version_values(version) if version is not None else dict(DEFAULTS))
        form = PlanForm(context=context, new=version is None, initial=initial)
    page = {
        "round": round_,
        **acting.context(),
        "form": form,
        "version": version,
        "locations": list(context.locations.values()),
        "action": request.path,
    }
    if request.htmx:
        return render(request, "plans/plan_form.html#panel", page)
    return render(request, "plans/plan_form.html", page, status=status)


@login_required
@require_POST
def plan_remove(request: HtmxHttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    draft = _draft(request, round_, acting.organisation)
    version = plan_version_get(actor=request.user, submission=draft, version_id=pk, action=Action.EDIT)
    plan_version_remove(version=version, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request, _("Plan %(ref)s is uit uw concept verwijderd.") % {"ref": version.plan.reference}
    )
    return redirect(_round_url(round_, acting, "plannen"))


@login_required
@require_http_methods(["GET", "POST"])
def round_submit(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Confirm and submit the draft; afterwards it is locked."""
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    draft = _draft(request, round_, acting.organisation)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                submission_submit(
                    submission=draft,
                    actor=request.user,  # type: ignore[arg-type]
                    no_plans=form.cleaned_data["no_plans"],
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _("Uw inzending voor %(round)s is ingediend en vergrendeld.") % {"round": round_.name},
                )
                return redirect(_round_url(round_, acting))
        status = 400
    else:
        form = SubmitForm()
    versions = list(submission_versions(actor=request.user, submission=draft))
    return render(
        request,
        "plans/submit_confirm.html",
        {
            "round": round_,
            **acting.context(),
            "draft": draft,
            "versions": versions,
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def round_upload(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Upload a filled template (XLSX) or CSV: it replaces the draft's plans, or nothing is written."""
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    draft = _draft(request, round_, acting.organisation)
    max_bytes = file_limits("plan").max_bytes
    if announced_too_large(request.META.get("CONTENT_LENGTH"), max_bytes + 2**20):  # before reading it
        form = UploadForm()
        form.cleaned_data = {}
        form.add_error("file", _("Het bestand is groter dan %(mb)s MB.") % {"mb": max_bytes // 2**20})
        context = _round_context(request, round_, acting, upload_form=form)
        return render(request, "plans/round_detail.html", context, status=400)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = submission_import(submission=draft, file=upload, actor=request.user)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            context = _round_context(request, round_, acting, upload_form=form, import_errors=exc.errors)
            return render(request, "plans/round_detail.html", context, status=400)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                _("%(n)s plan(nen) ingelezen uit %(file)s; ze vervangen de plannen van uw concept.")
                % {"n": len(saved), "file": upload.name},
            )
            return redirect(_round_url(round_, acting, "plannen"))
    context = _round_context(request, round_, acting, upload_form=form)
    return render(request, "plans/round_detail.html", context, status=400)


def _template_data(
    request: HttpRequest, code: str
) -> tuple[SurveyRound, Organisation, list[Column], list[dict[str, Any]], list[LocationInfo]]:
    round_ = round_get(actor=request.user, code=code)
    organisation = _company(request).organisation
    locations = location_infos(organisation=organisation, actor=request.user)
    rows = template_rows(actor=request.user, organisation=organisation, round=round_, locations=locations)
    return round_, organisation, round_columns(round_.requested_fields), rows, locations


@login_required
@require_GET
def round_template_xlsx(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The round's XLSX template, prefilled with the company's current plans."""
    round_, organisation, columns, rows, locations = _template_data(request, code)
    content = build_xlsx(round_name=round_.name, columns=columns, rows=rows, locations=locations)
    return xlsx_attachment(content, f"plannen-{round_.code}-{slugify(organisation.name)}.xlsx")


@login_required
@require_GET
def round_template_csv(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The same columns and rows as CSV for Dutch Excel (`;`, decimal comma, UTF-8 with BOM; formula text
    escaped): the upload reads it back."""
    round_, organisation, columns, rows, _locations = _template_data(request, code)
    return csv_attachment(build_csv(columns, rows), f"plannen-{round_.code}-{slugify(organisation.name)}.csv")


@login_required
@require_GET
def revision_detail(request: HtmxHttpRequest, code: str, revision: int) -> HttpResponse:
    """A submitted revision, read-only."""
    round_ = round_get(actor=request.user, code=code)
    acting = _company(request)
    submission = submission_revision_get(
        actor=request.user, organisation=acting.organisation, round=round_, revision=revision
    )
    if submission.status != SubmissionStatus.SUBMITTED:
        return redirect(_round_url(round_, acting))
    columns = round_columns(round_.requested_fields)
    versions = list(submission_versions(actor=request.user, submission=submission))
    return render(
        request,
        "plans/revision_detail.html",
        {
            "round": round_,
            **acting.context(),
            "submission": submission,
            "rows": _version_rows(columns, versions),
        },
    )


# -- staff pages ------------------------------------------------------------------------------------------


def _overview_context(
    request: HttpRequest, round_: SurveyRound, forms: dict[int, ReopenForm] | None = None
) -> dict[str, Any]:
    rows = []
    for row in round_overview(actor=request.user, round=round_):
        can_reopen = submission_can(actor=request.user, submission=row.latest, action=Action.REOPEN)
        rows.append(
            {
                "row": row,
                "can_reopen": can_reopen,
                "form": (forms or {}).get(row.latest.pk) or ReopenForm(prefix=f"s{row.latest.pk}"),
            }
        )
    return {"round": round_, "rows": rows}


@login_required
@require_GET
def round_overview_view(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Per company: the latest revision's status; RVO and Stichting Cluster 6 can reopen a submission."""
    if not is_round_staff(request.user):
        raise PermissionDenied
    round_ = round_get(actor=request.user, code=code)
    return render(request, "plans/round_overview.html", _overview_context(request, round_))


@login_required
@require_POST
def submission_reopen_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    submission = submission_get(actor=request.user, submission_id=pk, action=Action.REOPEN)
    form = ReopenForm(request.POST, prefix=f"s{submission.pk}")
    if form.is_valid():
        try:
            reopened = submission_reopen(
                submission=submission,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("De inzending van %(org)s is heropend als revisie %(rev)s.")
                % {"org": submission.organisation.name, "rev": reopened.revision},
            )
        return redirect("plans:round_overview", code=submission.round.code)
    context = _overview_context(request, submission.round, {submission.pk: form})
    return render(request, "plans/round_overview.html", context, status=400)
