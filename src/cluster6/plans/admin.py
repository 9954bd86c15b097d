"""Django admin of the plans app, for the ministry role. Survey rounds are managed here (audited); plans,
submissions, versions and consents are shown read-only: they change only through the services, which
keep submitted revisions frozen and write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cluster6.audit.admin import AuditedAdmin, PolicyPermissions, ReadOnlyAdmin, TabularInline
from cluster6.authz.policies import visible_to

from .models import Consent, Plan, PlanVersion, Submission, SurveyRound
from .sharing import CHANNEL_ADMIN, log_plan_reads


def _versions() -> Any:
    return PlanVersion.objects.select_related(
        "plan", "plan__location", "submission", "submission__round", "submission__organisation"
    )


def _log_admin_reads(request: HttpRequest, versions: Any) -> None:
    """An admin page that shows plan content is a read of the company's data: it goes to the read log the
    company sees (channel "admin")."""
    log_plan_reads(actor=request.user, versions=versions, channel=CHANNEL_ADMIN, purpose="beheer")


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "opens_on", "closes_on", "status", "previous")
    list_filter = ("kind", "status")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    list_select_related = ("previous",)
    fieldsets = (
        (None, {"fields": ("name", "code", "kind", "status")}),
        (_("Periode"), {"fields": ("opens_on", "closes_on", "previous")}),
        (
            _("Gevraagde velden"),
            {
                "fields": ("requested_fields",),
                "description": _(
                    'Namen van PlanVersion-velden, bijv. ["grid_need", "extra_capacity_mw"]; '
                    "een lege lijst vraagt alle velden. Locatie, kenmerk, titel, route, CO2-reductie, "
                    "jaar in bedrijf en status worden altijd gevraagd."
                ),
            },
        ),
    )


class VersionInline(PolicyPermissions, TabularInline):
    model = PlanVersion
    confidential = True
    extra = 0
    fields = ("plan", "title", "route", "co2_reduction_t", "in_operation_year", "status")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    confidential = True
    list_display = ("organisation", "round", "revision", "status", "submitted_at", "reopened_at", "no_plans")
    list_filter = ("round", "status", "no_plans")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "round")
    inlines = [VersionInline]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:  # the page lists the submission's versions (those the user may read)
            _log_admin_reads(request, visible_to(request.user, _versions().filter(submission=obj)))
        return obj


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    confidential = True
    list_display = ("reference", "location", "created_at")
    search_fields = ("reference", "location__name", "location__ets_installation_id")
    list_select_related = ("location",)


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    confidential = True
    list_display = ("title", "plan", "submission", "route", "co2_reduction_t", "in_operation_year", "status")
    list_filter = ("route", "status", "submission__round")
    search_fields = ("title", "plan__reference", "plan__location__name", "submission__organisation__name")
    list_select_related = (
        "plan",
        "plan__location",
        "submission",
        "submission__round",
        "submission__organisation",
    )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            _log_admin_reads(request, [obj])
        return obj

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the list shows titles and figures: each row on the page is a read
            _log_admin_reads(request, changelist.result_list)
        return response


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    confidential = True
    list_display = ("owner", "grantee", "purpose", "valid_from", "valid_until", "revoked_at")
    list_filter = ("purpose",)
    search_fields = ("owner__name", "grantee__name")
    list_select_related = ("owner", "grantee")
