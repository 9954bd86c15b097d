"""Django admin of the audit logs (read-only: the logs are append-only), and the base class that makes
every other admin change audit itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from cluster6.authz.policies import can_use_admin

from .models import AuditEvent, ImportRun, ReadLog
from .services import audit_record

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:  # the admin classes are not subscriptable at run time
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


class PolicyPermissions:
    """The admin is for the ministry role: the policy layer (can_use_admin) grants its rights, not
    Django's per-model permissions. Mixed into every ModelAdmin and inline of the platform."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)


class AuditedAdmin(PolicyPermissions, ModelAdmin):
    """Records every add, change and delete in the audit log, with the changed fields."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        verb = f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}"
        changes = {
            name: str(form.cleaned_data.get(name))
            for name in form.changed_data
            if name not in ("geometry",)  # no geometries in the audit log
        }
        audit_record(actor=request.user, verb=verb, target=obj, changes=changes)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.added", target=obj)  # type: ignore[arg-type]
        for obj, fields in formset.changed_objects:
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                verb=f"admin.{obj._meta.model_name}.changed",
                target=obj,
                changes={"fields": list(fields)},
            )
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(PolicyPermissions, ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "verb", "target_type", "target_label")
    list_filter = ("verb", "target_type")
    search_fields = ("actor_label", "verb", "target_label", "target_id")
    date_hierarchy = "created_at"


@admin.register(ReadLog)
class ReadLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "actor_organisation", "owner", "target_label", "channel")
    list_filter = ("channel",)
    search_fields = ("actor_label", "target_label", "owner__name")
    list_select_related = ("actor_organisation", "owner")
    date_hierarchy = "created_at"


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "actor")
    list_filter = ("kind", "status")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
