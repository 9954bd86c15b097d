"""Marking notifications as read (POST with the CSRF token); back to the page the form came from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cluster6.accounts.models import User

from .selectors import notification_get
from .services import notification_mark_read, notifications_mark_all_read


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    return redirect(target)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _user(request)
    notification_mark_read(notification=notification_get(actor=actor, pk=pk), actor=actor)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=_user(request))
    return _back(request)
