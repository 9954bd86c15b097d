"""Pages of the accounts app: login (with the single sign-on link when on), password change and reset,
and the user's API tokens. Lockout after wrong passwords is django-axes' (accounts/lockout.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import User
from .selectors import api_token_get, api_token_list
from .services import api_token_create, api_token_revoke, api_tokens_revoke_all, password_event_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.CLUSTER6_OIDC_ENABLED}


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password ends every other session of the user (Django checks the session's password
    hash); this session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_event_record(user=form.user, verb="user.password_changed")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link to the address, if an active user has it (the page says the same either way)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset means the password may have leaked: it also revokes the user's API tokens."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        password_event_record(user=user, verb="user.password_reset")
        api_tokens_revoke_all(user=user, actor=user, reason="password_reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new token's key is shown once, right after it is made."""
    user = _user(request)
    form: Form = ApiTokenForm()
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = api_token_create(
                user=user, actor=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            form = ApiTokenForm()
    # The key is on this page once: SecurityHeadersMiddleware makes every signed-in page no-store.
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": api_token_list(actor=user), "form": form, "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    token = api_token_get(actor=user, token_id=token_id)
    api_token_revoke(token=token, actor=user)
    messages.success(request, _("Het token %(name)s is ingetrokken.") % {"name": token.name})
    return redirect("accounts:tokens")
