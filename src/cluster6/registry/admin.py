"""Django admin of the registry, for the ministry role (see cluster6.config.urls). Changes made here are
written to the audit log like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cluster6.audit.admin import AuditedAdmin, PolicyPermissions, TabularInline

from .models import (
    BusinessPark,
    ClusterMunicipality,
    EmissionRecord,
    Municipality,
    Organisation,
    ProductionLocation,
    Province,
    ScopeRule,
)
from .services import locations_derive_clusters


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ("name", "code", "has_geometry")
    search_fields = ("name", "code")

    @admin.display(boolean=True, description=_("geometrie"))
    def has_geometry(self, obj: Province) -> bool:
        return obj.geometry is not None


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ("name", "code", "province")
    list_filter = ("province",)
    search_fields = ("name", "code")
    list_select_related = ("province",)


@admin.register(ClusterMunicipality)
class ClusterMunicipalityAdmin(AuditedAdmin):
    list_display = ("municipality_name", "municipality_code", "cluster")
    list_filter = ("cluster",)
    search_fields = ("municipality_name", "municipality_code")


@admin.register(ScopeRule)
class ScopeRuleAdmin(AuditedAdmin):
    """The cluster-6 scope rules (docs/scope.md), in the order they are tried. After editing, the action
    "apply" re-derives the cluster of every location."""

    list_display = ("position", "name", "area", "outcome", "borderline", "is_active")
    list_display_links = ("name",)
    list_filter = ("outcome", "area", "borderline", "is_active")
    search_fields = ("name", "explanation")
    ordering = ("position",)
    actions = ["apply_rules"]
    fields = (
        "position",
        "name",
        "explanation",
        "area",
        "sectors",
        "activity_codes",
        "nace_prefixes",
        "municipality_codes",
        "ets_installation_ids",
        "outcome",
        "borderline",
        "is_active",
    )

    @admin.action(description=_("Regels toepassen op alle locaties"))
    def apply_rules(self, request: HttpRequest, queryset: Any) -> None:
        changed = locations_derive_clusters(actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, _("Clusterindeling opnieuw afgeleid: %(n)d locaties gewijzigd.") % {"n": changed}
        )


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "kvk_number", "parent", "province", "origin")
    list_filter = ("kind", "origin")
    search_fields = ("name", "kvk_number")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent", "province")


@admin.register(BusinessPark)
class BusinessParkAdmin(AuditedAdmin):
    list_display = ("name", "municipality", "ibis_code")
    search_fields = ("name", "ibis_code")
    autocomplete_fields = ("municipality",)
    list_select_related = ("municipality",)


class EmissionInline(PolicyPermissions, TabularInline):
    """Shown read-only, like EmissionRecordAdmin: the policy lets nobody edit emission records by hand (they
    come from the EU ETS and NEa imports)."""

    model = EmissionRecord
    extra = 0
    fields = ("year", "tco2e", "source", "verified")
    readonly_fields = fields
    ordering = ("-year", "source")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProductionLocation)
class ProductionLocationAdmin(AuditedAdmin):
    list_display = ("name", "operator", "sector", "province", "cluster", "is_ets", "in_lces_scope", "origin")
    list_filter = ("sector", "cluster", "is_ets", "in_lces_scope", "province", "origin", "is_active")
    search_fields = ("name", "operator__name", "ets_installation_id", "nea_permit_id", "city")
    list_select_related = ("operator", "province")
    autocomplete_fields = ("operator", "grid_operator", "municipality", "province", "business_park")
    raw_id_fields = ("grid_service_area",)
    readonly_fields = ("cluster", "scope_rule", "in_lces_scope", "created_at", "updated_at")
    inlines = [EmissionInline]
    fieldsets = (
        (None, {"fields": ("name", "operator", "sector", "nace_code", "is_active", "origin")}),
        (
            _("Registraties"),
            {"fields": ("ets_installation_id", "nea_permit_id", "ets_activity_code", "is_ets")},
        ),
        (
            _("Ligging"),
            {
                "fields": (
                    "address",
                    "postcode",
                    "city",
                    "municipality",
                    "province",
                    ("latitude", "longitude"),
                    "business_park",
                    "is_offshore",
                )
            },
        ),
        (
            _("Energie en net"),
            {
                "fields": (
                    "grid_operator",
                    "grid_service_area",
                    "gas_use_m3",
                    "electricity_use_gwh",
                    "contracted_capacity_mw",
                    "in_lces_scope",
                )
            },
        ),
        (
            _("Cluster"),
            {
                "fields": (
                    "cluster_derived",
                    "scope_rule",
                    "cluster_override",
                    "cluster_override_reason",
                    "cluster",
                )
            },
        ),
        (_("Tijdstempels"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(EmissionRecord)
class EmissionRecordAdmin(AuditedAdmin):
    list_display = ("location", "year", "tco2e", "source", "verified")
    list_filter = ("year", "source", "verified")
    search_fields = ("location__name", "location__ets_installation_id")
    autocomplete_fields = ("location",)
    list_select_related = ("location",)
