"""Django admin of users and their memberships, for the ministry role."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cluster6.audit.admin import AuditedAdmin, PolicyPermissions, TabularInline

from .models import Membership, User


class MembershipInline(PolicyPermissions, TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "is_active")
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(PolicyPermissions, BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "roles", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role")

    @admin.display(description="rollen")
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(m.get_role_display() for m in obj.memberships.all()))

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("memberships")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")
