"""The policy layer in the Django admin: one mixin for every ModelAdmin and inline of the platform.

- Entry: the admin is for the ministry role and superusers (`can_use_admin`); every other role, staff
  or not, is kept out (config/urls.py).
- Rows: a model with a policy in `POLICIES` shows only `visible_to(user, ...)` (so the ministry sees
  submitted plan versions, never a company's drafts); a model without one is administration data.
- Confidential models (plans, submissions, consents, the read log) are hidden from anyone who may not read
  company plans (`sees_all_plans`).
- Change and delete follow the policy's EDIT check on the object (or, in an inline, on its parent).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .policies import POLICIES, Action, can_use_admin, sees_all_plans, visible_to


class PolicyAdminMixin:
    """Mixed into every ModelAdmin and inline. Set `confidential = True` on admins of company data."""

    confidential = False
    model: type[models.Model]

    def _may_enter(self, request: HttpRequest) -> bool:
        user = request.user
        return can_use_admin(user) and (not self.confidential or sees_all_plans(user))

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if not self._may_enter(request):
            return False
        if obj is None:
            return True
        policy = POLICIES.get(type(obj))
        return policy is None or bool(policy.can(request.user, obj, Action.EDIT))

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs: models.QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        if not self._may_enter(request):
            return qs.none()
        return visible_to(request.user, qs) if qs.model in POLICIES else qs

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_enter(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_enter(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may_enter(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj)
