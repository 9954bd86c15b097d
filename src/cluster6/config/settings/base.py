"""Settings shared by every environment. All environment variables are read through core.env."""

from pathlib import Path

import dj_database_url
import plotly
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import leaflet

from cluster6.core.env import env

SRC_DIR = Path(__file__).resolve().parents[2]  # src/cluster6
PROJECT_DIR = SRC_DIR.parents[1]
VAR_DIR = Path(
    env(
        "CLUSTER6_VAR_DIR",
        help="Folder for the embedded database and uploads.",
        default=str(PROJECT_DIR / "var"),
    )
)
SHARED_DATA_DIR = Path(
    env(
        "CLUSTER6_SHARED_DATA",
        help="Folder with the public data sets (shared/data).",
        default=str(PROJECT_DIR.parent / "shared" / "data"),
    )
)

DEBUG = False

#: Disclosure control of aggregates (analysis): groups of fewer companies show no figures.
CLUSTER6_DISCLOSURE_MIN_COMPANIES = int(
    env(
        "CLUSTER6_DISCLOSURE_MIN_COMPANIES",
        help="Aggregates of groups with fewer companies than this are not shown (default 3).",
        default="3",
    )
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "cluster6.core",
    "cluster6.accounts",
    "cluster6.audit",
    "cluster6.authz",
    "cluster6.registry",
    "cluster6.infra",
    "cluster6.plans",
    "cluster6.analysis",
    "cluster6.api",
    "cluster6.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cluster6.core.middleware.DutchByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cluster6.config.urls"
WSGI_APPLICATION = "cluster6.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cluster6.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            help="Database: sqlite:///path or postgres://user:pass@host:port/name.",
            default=f"sqlite:///{VAR_DIR / 'cluster6.sqlite3'}",
        ),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/plotly", Path(plotly.__file__).parent / "package_data"),
    ("vendor/leaflet", leaflet.BASE_DIR),
]
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cluster 6 platform API",
    "DESCRIPTION": "Production locations, emissions and grid service areas of the Dutch Action Plan "
    "Cluster 6. Every endpoint applies the same visibility rules as the web interface.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "ClusterEnum": "cluster6.registry.constants.Cluster",
        "CongestionColourEnum": "cluster6.infra.constants.CongestionColour",
        "CertaintyEnum": "cluster6.infra.constants.Certainty",
        "CarrierEnum": "cluster6.api.serializers_analysis.CARRIER_CHOICES",
        "InfraCarrierEnum": "cluster6.infra.constants.Carrier",
        "PlanCertaintyEnum": "cluster6.plans.constants.Certainty",
        "PlanStatusEnum": "cluster6.plans.constants.PlanStatus",
        "RoundStatusEnum": "cluster6.plans.constants.RoundStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
