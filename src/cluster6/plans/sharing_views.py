"""Pages of sharing (issue 3, points 4 and 5): "Delen en toestemming" for a company (its consents, the
grant form, revoking, and the access log), "Gedeelde plannen" for requesters (the submitted plan versions
they may see, and one version), and the demand export for grid operators.

Every page that shows another organisation's plan data logs the reads (`log_plan_reads`): the shared list
one ReadLog per version on the page, the detail one for the version, the export one per plan behind the
figures. Views parse (a form), call selectors or one service, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cluster6.accounts.models import User
from cluster6.authz.policies import Action, grid_demand_operator_ids, own_company_ids, sees_all_plans
from cluster6.core.exports import FORM_PARAMETER, csv_attachment, form_of, xlsx_attachment

from .constants import STATUS_CERTAINTY, Certainty, ConsentPurpose, PlanStatus
from .export import (
    CERTAINTY_LABELS,
    EXPORT_PURPOSE,
    STATUS_LABELS,
    GridDemand,
    grid_demand,
    grid_demand_csv,
    grid_demand_operators,
    grid_demand_rounds,
    grid_demand_xlsx,
)
from .sharing import (
    CHANNEL_EXPORT,
    CHANNEL_WEB,
    ConsentState,
    consent_get,
    consent_grant,
    consent_grantee_options,
    consent_list,
    consent_owner_options,
    consent_revoke,
    consent_state,
    log_plan_reads,
    purpose_labels,
    read_log_list,
    read_log_summary,
    sees_shared_plans,
    shared_filter_options,
    shared_version_get,
    shared_version_list,
)
from .sharing_forms import ConsentGrantForm, GridDemandForm, ReadLogFilterForm, SharedPlanFilterForm

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


# --- Delen en toestemming (the company) ---------------------------------------------------------------


def _consent_context(request: HttpRequest, form: ConsentGrantForm | None = None) -> dict[str, Any]:
    actor = _user(request)
    can_grant = bool(own_company_ids(actor))
    if form is None and can_grant:
        form = ConsentGrantForm(
            owners=consent_owner_options(actor=actor), grantees=consent_grantee_options(actor=actor)
        )
    consents = list(consent_list(actor=actor, received=False if can_grant else None))
    rows = [(c, consent_state(c)) for c in consents]
    current = [(c, s) for c, s in rows if s in (ConsentState.ACTIVE, ConsentState.FUTURE)]
    past = [(c, s) for c, s in rows if s in (ConsentState.EXPIRED, ConsentState.REVOKED)]
    log_form = ReadLogFilterForm(request.GET)
    page = Paginator(read_log_list(actor=actor, filters=log_form.filters()), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    log_rows = [(entry, purpose_labels(entry.purpose)) for entry in page.object_list]
    return {
        "form": form,
        "can_grant": can_grant,
        "current": current,
        "past": past,
        "log_form": log_form,
        "log_page": page,
        "log_rows": log_rows,
        "summary": read_log_summary(actor=actor),
        "states": ConsentState,
    }


def _require_consent_page(actor: User) -> None:
    if not own_company_ids(actor) and not sees_all_plans(actor):
        raise PermissionDenied(_("Deze pagina is voor bedrijven."))


@login_required
@require_GET
def consent_page(request: HttpRequest) -> HttpResponse:
    """The company's consents (current and past), the grant form and the access log."""
    _require_consent_page(_user(request))
    return render(request, "plans/consent_page.html", _consent_context(request))


@login_required
@require_POST
def consent_grant_view(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    _require_consent_page(actor)
    form = ConsentGrantForm(
        request.POST, owners=consent_owner_options(actor=actor), grantees=consent_grantee_options(actor=actor)
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            consent = consent_grant(
                owner=d["owner"],
                grantee=d["grantee"],
                purpose=d["purpose"],
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
                actor=actor,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(None if field == "__all__" or field not in form.fields else field, error)
        else:
            messages.success(
                request,
                _("%(grantee)s heeft nu toestemming voor %(purpose)s.")
                % {"grantee": consent.grantee.name, "purpose": consent.get_purpose_display()},
            )
            return redirect("plans:consents")
    return render(request, "plans/consent_page.html", _consent_context(request, form))


@login_required
@require_POST
def consent_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    consent = consent_get(actor=actor, consent_id=pk, action=Action.REVOKE)
    try:
        consent_revoke(consent=consent, actor=actor)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("De toestemming voor %(grantee)s (%(purpose)s) is ingetrokken.")
            % {"grantee": consent.grantee.name, "purpose": consent.get_purpose_display()},
        )
    return redirect("plans:consents")


# --- Gedeelde plannen (requesters) --------------------------------------------------------------------


def _require_shared(actor: User) -> None:
    if not sees_shared_plans(actor):
        raise PermissionDenied


@login_required
@require_GET
def shared_list(request: HttpRequest) -> HttpResponse:
    """The submitted plan versions the user may see (latest submitted revision per plan and round), with
    filters; each version shown is logged as read (channel web)."""
    actor = _user(request)
    _require_shared(actor)
    form = SharedPlanFilterForm(request.GET, options=shared_filter_options(actor=actor))
    filters = form.filters()
    page = Paginator(shared_version_list(actor=actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    versions = list(page.object_list)
    log_plan_reads(actor=actor, versions=versions, channel=CHANNEL_WEB, purpose=filters.purpose or None)
    context = {
        "form": form,
        "page": page,
        "versions": versions,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "received": list(consent_list(actor=actor, active=True, received=True)),
        "sees_all": sees_all_plans(actor),
        "can_export": grid_demand_operator_ids(actor) != set(),
    }
    return render(request, "plans/shared_list.html", context)


@login_required
@require_GET
def shared_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted plan version (404 when the user may not see it); the read is logged."""
    actor = _user(request)
    version = shared_version_get(actor=actor, version_id=pk)
    log_plan_reads(actor=actor, versions=[version], channel=CHANNEL_WEB)
    return render(
        request,
        "plans/shared_detail.html",
        {"version": version, "certainty": _certainty_label(version.status)},
    )


def _certainty_label(status: str) -> str:
    certainty = STATUS_CERTAINTY.get(PlanStatus(status))
    return str(certainty.label) if certainty is not None else ""


# --- Export for the grid operators' investment plans --------------------------------------------------


def _export_form(request: HttpRequest) -> GridDemandForm:
    actor = _user(request)
    choose = grid_demand_operator_ids(actor) is None
    operators = list(grid_demand_operators(actor=actor))
    if not choose and not operators:
        raise PermissionDenied(_("De netvraag-export is voor netbeheerders en het ministerie."))
    return GridDemandForm(
        request.GET, rounds=grid_demand_rounds(actor=actor), operators=operators, choose_operator=choose
    )


def _demand(request: HttpRequest, form: GridDemandForm) -> GridDemand | None:
    """The export for the form's choice; None when the ministry has not chosen an operator yet."""
    if form.choose_operator and form.operator_id() is None:
        return None
    return grid_demand(actor=_user(request), operator_id=form.operator_id(), round_id=form.round_id())


@login_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    """The demand per service area and year on screen, with the download links; the plans shown are logged
    as read (channel web, purpose investment plan)."""
    form = _export_form(request)
    demand = _demand(request, form)
    if demand is not None:
        log_plan_reads(
            actor=_user(request), versions=demand.versions, channel=CHANNEL_WEB, purpose=EXPORT_PURPOSE
        )
    context = {
        "form": form,
        "demand": demand,
        "certainty_labels": CERTAINTY_LABELS,
        "status_labels": STATUS_LABELS,
        "certainties": list(Certainty),
        "purpose_label": ConsentPurpose(EXPORT_PURPOSE).label,
    }
    return render(request, "plans/export.html", context)


def _filename(demand: GridDemand, suffix: str) -> str:
    round_code = demand.round.code if demand.round else "geen-ronde"
    return f"netvraag-{slugify(demand.operator.name)}-{round_code}{suffix}"


@login_required
@require_GET
def export_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The export as CSV (`?tabel=vraag` or `plannen`; for Dutch Excel, `?vorm=machine` for machines) or
    XLSX; every plan behind it is logged as read (channel export)."""
    form = _export_form(request)
    demand = _demand(request, form)
    if demand is None:
        messages.error(request, _("Kies eerst een netbeheerder."))
        return redirect("plans:export")
    log_plan_reads(
        actor=_user(request), versions=demand.versions, channel=CHANNEL_EXPORT, purpose=EXPORT_PURPOSE
    )
    if fmt == "xlsx":
        return xlsx_attachment(grid_demand_xlsx(demand), _filename(demand, ".xlsx"))
    table = "plannen" if request.GET.get("tabel") == "plannen" else "vraag"
    content = grid_demand_csv(demand, table=table, form=form_of(request.GET.get(FORM_PARAMETER)))
    suffix = "-plannen.csv" if table == "plannen" else ".csv"
    return csv_attachment(content, _filename(demand, suffix))
