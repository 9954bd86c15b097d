"""Password guessing is locked out (django-axes) on the web login and the API token endpoint, per user name
and address, and lifted after the cool-off or by deleting the attempt in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cluster6.accounts.constants import Role
from cluster6.audit.models import AuditEvent
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def web_login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def token(username, password, ip="10.0.0.1"):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


def test_the_web_login_locks_a_user_name_out_after_five_wrong_passwords(client):
    # given a user
    user = user_with_role(Role.RVO)
    # when someone tries four wrong passwords, the form just says they are wrong
    for _ in range(4):
        response = web_login(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # then the fifth wrong one locks the user name out from that address: a Dutch page, status 429
    response = web_login(client, user.username, "wrong-password")
    assert response.status_code == 429
    assert "Tijdelijk geblokkeerd" in response.content.decode()
    assert "30 minuten" in response.content.decode()
    # and even the right password is refused now
    response = web_login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # but the same user name from another address, and another user from this address, still log in
    other_client = Client()
    assert web_login(other_client, user.username, PASSWORD, ip="10.0.0.2").status_code == 302
    other = user_with_role(Role.BEDRIJF)
    assert web_login(Client(), other.username, PASSWORD).status_code == 302


def test_the_lockout_is_lifted_after_the_cool_off():
    user = user_with_role(Role.RVO)
    client = Client()
    for _ in range(5):
        web_login(client, user.username, "wrong-password")
    assert web_login(client, user.username, PASSWORD).status_code == 429
    # when the cool-off (30 minutes) has passed
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    # then the right password works again and resets the count
    assert web_login(client, user.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_the_token_endpoint_locks_out_with_a_json_429_in_the_api_format():
    user = user_with_role(Role.MINISTERIE)
    for _ in range(4):
        response = token(user.username, "wrong-password")
        assert response.status_code == 400
        assert "non_field_errors" in response.json()
    response = token(user.username, "wrong-password")
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert "geblokkeerd" in response.json()["detail"]
    assert response["Retry-After"] == str(30 * 60)
    # the right password is refused too, with the same answer, and no token is made
    response = token(user.username, PASSWORD)
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert not user.api_tokens.exists()
    # the web login shares the count: the user name is locked there as well from this address
    assert web_login(Client(), user.username, PASSWORD).status_code == 429


def test_the_ministry_lifts_a_lockout_in_the_admin_and_that_is_audited(client):
    user = user_with_role(Role.RVO)
    for _ in range(5):
        token(user.username, "wrong-password")
    assert token(user.username, PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username=user.username)
    minister = user_with_role(Role.MINISTERIE, is_staff=True)
    client.force_login(minister)
    listed = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert user.username in listed.content.decode()
    assert client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="admin.accessattempt.deleted", actor=minister).exists()
    assert token(user.username, PASSWORD).status_code == 200


def test_the_attempt_log_keeps_no_password():
    user = user_with_role(Role.RVO)
    Client().post(reverse("accounts:login"), {"username": user.username, "password": "s3cret-guess"})
    attempt = AccessAttempt.objects.get(username=user.username)
    assert "s3cret-guess" not in attempt.post_data


@override_settings(CLUSTER6_API_TOKEN_THROTTLE_RATE="3/min")
def test_the_token_endpoint_is_rate_limited_per_address_across_user_names():
    cache.clear()
    try:
        answers = [token(f"guess{i}", "wrong-password", ip="10.9.9.9").status_code for i in range(4)]
        assert answers == [400, 400, 400, 429]
        throttled = token("guess9", "wrong-password", ip="10.9.9.9")
        assert set(throttled.json()) == {"detail"}
        # another address is not throttled
        assert token("guess9", "wrong-password", ip="10.9.9.8").status_code == 400
    finally:
        cache.clear()


@override_settings(CLUSTER6_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_forwarded_address_counts_not_the_proxy():
    user = user_with_role(Role.RVO)
    client = Client()
    for _ in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="192.168.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7",
        )
    assert AccessAttempt.objects.get(username=user.username).ip_address == "203.0.113.7"
    # a colleague behind the same proxy with another address is not locked out
    response = Client().post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="192.168.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 302
