"""Django admin of users, their memberships (roles), API tokens and login lockouts, for the ministry role.
Every change to a user, a membership or a role is audited with its diff (cluster6.audit.admin)."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse

from cluster6.audit.admin import AuditedAdmin, AuditedMixin, PolicyPermissions, ReadOnlyAdmin, TabularInline
from cluster6.audit.services import audit_record

from .models import ApiToken, Membership, User

# Roles are memberships, not Django groups: the groups (and their per-model permissions) are not used.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class MembershipInline(PolicyPermissions, TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "is_active")
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(AuditedMixin, PolicyPermissions, BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ("username", "email", "first_name", "last_name", "roles", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role")

    @admin.display(description="rollen")
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(m.get_role_display() for m in obj.memberships.all()))

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("memberships")

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit_record(actor=request.user, verb="admin.user.password_set", target=user)  # type: ignore[arg-type]
        return response


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their users (or revoked with a password reset); the admin lists them."""

    list_display = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    exclude = ("key_hash",)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AuditedAdmin):
    """Failed logins per user name and address (django-axes). Deleting a row lifts the lockout (audited)."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "path_info")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    readonly_fields = (
        "attempt_time",
        "username",
        "ip_address",
        "user_agent",
        "path_info",
        "failures_since_start",
    )
    exclude = ("get_data", "post_data", "http_accept")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
