"""Production: secrets only from the environment; `cluster6 check --deploy` is clean."""

from cluster6.core.env import env, env_bool, env_list

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", help="Django's secret key: a long random string, never committed.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", help="Comma-separated host names served (required).")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", help="Redirect HTTP to HTTPS.", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# WhiteNoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ("png", "jpg", "gz", "woff2")

# E-mail (password reset links) through the organisation's SMTP relay.
MAILERS = {
    "default": {
        "BACKEND": MAILERS["default"]["BACKEND"],  # noqa: F405
        "OPTIONS": {
            "host": env("DJANGO_EMAIL_HOST", help="SMTP server for e-mail.", default="localhost"),
            "port": int(env("DJANGO_EMAIL_PORT", help="SMTP port.", default="587")),
            "username": env("DJANGO_EMAIL_HOST_USER", help="SMTP user name (empty: none).", default=""),
            "password": env("DJANGO_EMAIL_HOST_PASSWORD", help="SMTP password (empty: none).", default=""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", help="STARTTLS to the SMTP server.", default=True),
            "timeout": 20,
        },
    }
}

# Single sign-on with OpenID Connect (docs/runbook.md, "Single sign-on"): off unless CLUSTER6_OIDC_ENABLED.
# Users are matched by e-mail address to existing users only; nobody is created.
if CLUSTER6_OIDC_ENABLED:  # noqa: F405
    AUTHENTICATION_BACKENDS = [
        *AUTHENTICATION_BACKENDS,  # noqa: F405
        "cluster6.accounts.oidc.ExistingUsersOIDCBackend",
    ]
    OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", help="Client id of the platform at the identity provider.")
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", help="Client secret at the identity provider.")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", help="The authorize URL.")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", help="The provider's token URL.")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", help="The provider's userinfo URL.")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", help="Signature algorithm of ID tokens.", default="RS256")
    _JWKS_HELP = "The provider's JWKS URL (required unless the algorithm is HS256)."
    if OIDC_RP_SIGN_ALGO.startswith("HS"):
        OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", help=_JWKS_HELP, default="") or None
    else:
        OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", help=_JWKS_HELP)
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", help="Scopes asked for.", default="openid email profile")
