"""Password change (other sessions end, this one stays), password reset by e-mail (tokens revoked), and the
session lifetime of a working day."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "zeer-lang-nieuw-wachtwoord-42"


def login(username, password):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def test_changing_the_password_keeps_this_session_and_ends_the_others():
    user = user_with_role(Role.PROVINCIE)
    here, _ = login(user.username, PASSWORD)
    elsewhere, _ = login(user.username, PASSWORD)
    assert elsewhere.get(reverse("home")).status_code == 200
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302  # back to the login page
    assert login(user.username, NEW_PASSWORD)[1].status_code == 302
    assert AuditEvent.objects.filter(verb="user.password_changed", actor=user).exists()


def test_the_password_change_page_is_dutch_and_checks_the_old_password():
    user = user_with_role(Role.PROVINCIE)
    client, _ = login(user.username, PASSWORD)
    page = client.get(reverse("accounts:password_change"))
    assert "Wachtwoord wijzigen" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "fout", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_a_password_reset_mails_a_link_that_sets_a_new_password_and_revokes_the_tokens():
    user = user_with_role(Role.BEDRIJF, email="j.jansen@glasfabriek.nl")
    key = (
        APIClient()
        .post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
        .json()["token"]
    )
    client = Client()
    # the login page links to the reset page
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:password_reset"), {"email": "J.Jansen@glasfabriek.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["j.jansen@glasfabriek.nl"]
    assert "Nieuw wachtwoord" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/wachtwoord-vergeten/\S+/)", message.body).group(1)
    # the link redirects to a one-time URL with the form
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert login(user.username, NEW_PASSWORD)[1].status_code == 302
    assert login(user.username, PASSWORD)[1].status_code == 200  # the old one is wrong now
    # the reset revoked the API tokens, and both events are audited
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/me/").status_code == 401
    assert {"user.password_reset", "api_token.revoked_all"} <= set(
        AuditEvent.objects.values_list("verb", flat=True)
    )
    # and the link works only once
    assert not client.get(link, follow=True).context["validlink"]


def test_a_reset_for_an_unknown_address_sends_nothing_but_says_the_same():
    response = Client().post(reverse("accounts:password_reset"), {"email": "niemand@example.nl"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_session_lasts_a_working_day_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    user = user_with_role(Role.RVO)
    client, response = login(user.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert cookie["max-age"] == ""
    age = client.session.get_expiry_age()
    assert age == 9 * 60 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 9 * 3600 - 60 < left <= 9 * 3600


def test_the_user_menu_links_to_password_change_and_tokens(client):
    client.force_login(user_with_role(Role.RVO))
    html = client.get(reverse("home")).content.decode()
    assert reverse("accounts:password_change") in html
    assert reverse("accounts:tokens") in html
