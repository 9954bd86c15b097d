"""Django admin of the grid data, for the ministry role."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cluster6.audit.admin import AuditedAdmin, PolicyPermissions, TabularInline
from cluster6.core.signals import inputs_changed_on_commit

from .models import CongestionZone, GridProject, GridServiceArea


class TimelineAdmin(AuditedAdmin):
    """An edit of the infrastructure timeline changes the analysis' input: a background refresh is
    queued once the edit commits (core/signals.py)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        inputs_changed_on_commit(reason="timeline.edited")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        inputs_changed_on_commit(reason="timeline.edited")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        inputs_changed_on_commit(reason="timeline.edited")


class GridProjectInline(PolicyPermissions, TabularInline):
    model = GridProject
    extra = 0
    fields = ("name", "operator_name", "phase", "completion_year", "completion_quarter", "added_capacity_mw")


@admin.register(GridServiceArea)
class GridServiceAreaAdmin(TimelineAdmin):
    list_display = (
        "name",
        "code",
        "operator_names",
        "province",
        "status_withdrawal",
        "queue_withdrawal_mw",
        "congestion_end_withdrawal_rnb",
        "is_synthetic",
    )
    list_filter = ("operator_type", "status_withdrawal", "province", "is_synthetic")
    search_fields = ("name", "code", "operator_names")
    filter_horizontal = ("operators",)
    list_select_related = ("province",)
    inlines = [GridProjectInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "operator_type", "operators", "operator_names", "province")}),
        (
            _("Capaciteit en wachtrij"),
            {
                "fields": (
                    ("existing_capacity_withdrawal_mw", "existing_capacity_injection_mw"),
                    ("required_capacity_withdrawal_mw", "required_capacity_injection_mw"),
                    ("queue_withdrawal_mw", "queue_injection_mw"),
                    ("queue_requests_withdrawal", "queue_requests_injection"),
                )
            },
        ),
        (
            _("Congestie"),
            {
                "fields": (
                    ("status_withdrawal", "status_injection"),
                    ("tennet_status_withdrawal", "tennet_status_injection"),
                    ("congestion_end_withdrawal_rnb", "congestion_end_injection_rnb"),
                    ("congestion_end_withdrawal_tennet", "congestion_end_injection_tennet"),
                )
            },
        ),
        (
            _("Ligging"),
            {"fields": (("bbox_west", "bbox_south", "bbox_east", "bbox_north"), "geometry")},
        ),
        (_("Bron"), {"fields": ("source", "snapshot_date", "is_synthetic")}),
    )


@admin.register(GridProject)
class GridProjectAdmin(TimelineAdmin):
    list_display = (
        "name",
        "area",
        "operator_name",
        "phase",
        "completion_year",
        "certainty",
        "added_capacity_mw",
    )
    list_filter = ("operator_type", "phase", "certainty", "completion_year", "is_synthetic")
    search_fields = ("name", "area__name", "operator_name")
    raw_id_fields = ("area",)
    list_select_related = ("area",)


@admin.register(CongestionZone)
class CongestionZoneAdmin(TimelineAdmin):
    list_display = ("id", "layer", "colour", "operator_name", "province_name", "snapshot_date")
    list_filter = ("layer", "colour", "province_name")
    search_fields = ("operator_name", "province_name")
