"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL says so."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The token endpoint's per-address rate limit shares one cache across the whole run; tests of the limit set
# a low rate themselves (tests/accounts/test_lockout.py).
CLUSTER6_API_TOKEN_THROTTLE_RATE = "1000/min"  # noqa: S105 (a rate, not a secret)
