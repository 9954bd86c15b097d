"""Django admin of the audit logs (read-only: the logs are append-only), and the base class that makes
every other admin change audit itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from cluster6.authz.admin import PolicyAdminMixin

from .models import AuditEvent, ImportRun, ReadLog
from .services import audit_record

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:  # the admin classes are not subscriptable at run time
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline


#: The policy layer's admin mixin (cluster6.authz.admin), under the name the app admins import.
PolicyPermissions = PolicyAdminMixin


def _audit_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, QuerySet)):
        return sorted(str(v) for v in value)
    return str(value)


def _previous_value(old: models.Model, form: ModelForm[Any], name: str) -> Any:
    """The stored value of a changed field before the save (a related object by its name)."""
    try:
        value = getattr(old, name)
    except (AttributeError, models.ObjectDoesNotExist):
        return _audit_value(form.initial.get(name))
    if hasattr(value, "all"):  # a many-to-many manager
        return sorted(str(v) for v in value.all())
    return _audit_value(value)


#: Form fields never written to the audit log (secrets and geometries).
UNAUDITED_FIELDS = frozenset({"password", "password1", "password2", "usable_password", "geometry"})


class AuditedMixin:
    """Records every add, change and delete in the audit log with the diff: for each changed field its new
    value, and under "previous" its old one."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        fields = [name for name in form.changed_data if name not in UNAUDITED_FIELDS]
        old = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        previous = {name: _previous_value(old, form, name) for name in fields} if old is not None else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        verb = f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}"
        changes: dict[str, Any] = {name: _audit_value(form.cleaned_data.get(name)) for name in fields}
        if previous:
            changes["previous"] = previous
        audit_record(actor=request.user, verb=verb, target=obj, changes=changes)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        initial = {f.instance.pk: dict(f.initial) for f in formset.initial_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            added = {
                f.name: _audit_value(getattr(obj, f.attname, None))
                for f in obj._meta.concrete_fields
                if f.name not in UNAUDITED_FIELDS and not f.primary_key
            }
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                verb=f"admin.{obj._meta.model_name}.added",
                target=obj,
                changes=added,
            )
        for obj, fields in formset.changed_objects:
            before = initial.get(obj.pk, {})
            audit_record(
                actor=request.user,  # type: ignore[arg-type]
                verb=f"admin.{obj._meta.model_name}.changed",
                target=obj,
                changes={
                    "fields": list(fields),
                    **{name: _audit_value(getattr(obj, name, None)) for name in fields},
                    "previous": {name: _audit_value(before.get(name)) for name in fields},
                },
            )
        for obj in formset.deleted_objects:
            audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class AuditedAdmin(AuditedMixin, PolicyPermissions, ModelAdmin):
    """A policy-scoped admin whose every add, change and delete is audited."""


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
    confidential = True
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
