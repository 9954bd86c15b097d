"""Local development: `make run`. Never use these settings in production."""

from cluster6.core.env import env, env_list

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", help="Django's secret key.", default="dev-only-insecure-key-do-not-use-in-production"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", help="Hosts.", default="127.0.0.1,localhost")
# Mails (password reset) are printed in the terminal of `make run`.
MAILERS = {
    "default": {
        "BACKEND": env(
            "DJANGO_EMAIL_BACKEND",
            help="Django e-mail backend (development: the console).",
            default="django.core.mail.backends.console.EmailBackend",
        )
    }
}
