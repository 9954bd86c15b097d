"""Settings shared by every environment. All environment variables are read through core.env."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import plotly
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import leaflet

from cluster6.core.env import env, env_bool

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
#: Disclosure control: a figure of which one company holds more than this share is not shown.
CLUSTER6_DISCLOSURE_MAX_SHARE = float(
    env(
        "CLUSTER6_DISCLOSURE_MAX_SHARE",
        help="A figure of which one company holds more than this share (0-1) is not shown (default 0.70).",
        default="0.70",
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
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "cluster6.core",
    "cluster6.accounts",
    "cluster6.audit",
    "cluster6.authz",
    "cluster6.registry",
    "cluster6.infra",
    "cluster6.plans",
    "cluster6.analysis",
    "cluster6.notifications",
    "cluster6.api",
    "cluster6.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cluster6.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cluster6.core.middleware.DutchByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during authentication into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

#: Background tasks (Django's tasks framework) in the database: `cluster6 db_worker` runs them (`make run`
#: starts one beside the web server; docs/runbook.md, "Background analysis"). The analysis is refreshed
#: there when its inputs change (analysis/freshness.py). The test settings keep this backend: tests run
#: the queue with `call_command("db_worker", batch=True)`.
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: The platform's address, for links in e-mails sent by background tasks (no request to take it from).
CLUSTER6_SITE_URL = env(
    "CLUSTER6_SITE_URL",
    help="Public address of the platform, for links in e-mails (default http://127.0.0.1:8000).",
    default="http://127.0.0.1:8000",
)

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
    # Concurrent requests on the embedded database (docs/runbook.md, "SQLite"): WAL lets readers run
    # beside one writer; IMMEDIATE makes every transaction.atomic() take the write lock when it begins,
    # so a transaction that reads and then writes (the read log, a plan save) waits for the busy timeout
    # instead of failing at once with "database is locked" when its snapshot is out of date.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
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

# --- Accounts: lockout, sessions, e-mail, API tokens, single sign-on (docs/runbook.md, "Accounts") ---
#: django-axes checks every authenticate() first; ModelBackend then checks the password. With OIDC on,
#: production.py adds the OIDC backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(
    env(
        "CLUSTER6_AXES_FAILURE_LIMIT",
        help="Wrong passwords in a row before a user name is locked out from an address (default 5).",
        default="5",
    )
)
AXES_COOLOFF_TIME = timedelta(
    minutes=int(
        env(
            "CLUSTER6_AXES_COOLOFF_MINUTES",
            help="Minutes a locked-out user name + address stays locked (default 30).",
            default="30",
        )
    )
)
# Lock the combination of user name and address: a guesser from one address cannot lock every user out,
# and a user is not locked out by someone guessing elsewhere. The per-address rate limit of the token
# endpoint (CLUSTER6_API_TOKEN_THROTTLE_RATE) slows guessing across user names.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cluster6.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cluster6.accounts.lockout.client_ip"
AXES_ENABLE_ADMIN = False  # the attempts are in the platform's own admin (accounts/admin.py), audited
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "new_password1", "new_password2"]
CLUSTER6_TRUSTED_PROXY_COUNT = int(
    env(
        "CLUSTER6_TRUSTED_PROXY_COUNT",
        help="Reverse proxies in front of the app that append to X-Forwarded-For (0: the socket address).",
        default="0",
    )
)

#: A session lasts one working day from login (not extended by activity) and ends when the browser closes.
CLUSTER6_SESSION_HOURS = int(
    env("CLUSTER6_SESSION_HOURS", help="Hours a login lasts at most (default 9: a working day).", default="9")
)
SESSION_COOKIE_AGE = 60 * 60 * CLUSTER6_SESSION_HOURS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False

#: E-mail (password reset links): Django 6.1's MAILERS. SMTP unless DJANGO_EMAIL_BACKEND says otherwise;
#: dev.py prints mails on the console, production.py sets the SMTP server.
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env(
            "DJANGO_EMAIL_BACKEND",
            help="Django e-mail backend (password reset mails); SMTP unless set (dev.py: the console).",
            default="django.core.mail.backends.smtp.EmailBackend",
        )
    }
}
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL",
    help="Sender of the platform's e-mail.",
    default="Cluster 6 <noreply@localhost>",
)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link is valid for two hours

CLUSTER6_API_TOKEN_DAYS = int(
    env("CLUSTER6_API_TOKEN_DAYS", help="Days a new API token is valid (default 30).", default="30")
)
CLUSTER6_API_TOKEN_MAX_DAYS = int(
    env(
        "CLUSTER6_API_TOKEN_MAX_DAYS",
        help="Longest validity a user may choose for a token (default 90).",
        default="90",
    )
)
CLUSTER6_API_TOKEN_THROTTLE_RATE = env(
    "CLUSTER6_API_TOKEN_THROTTLE_RATE",
    help="Requests to the token endpoint per client address (DRF rate, default 10/min).",
    default="10/min",
)

#: OpenID Connect single sign-on (mozilla-django-oidc), off by default; see production.py and the runbook.
CLUSTER6_OIDC_ENABLED = env_bool(
    "CLUSTER6_OIDC_ENABLED", help="Offer login through OpenID Connect (production settings).", default=False
)
OIDC_CREATE_USER = False  # match existing users by e-mail address; roles are given in the admin
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

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
# Request bodies: form fields (not files) up to 2.5 MB; uploads above 2.5 MB go to a temporary file, not
# memory; at most 20 files per request. Each upload's size is checked in its form and again, with its
# rows, cells and (XLSX) uncompressed size, before parsing (core/safefiles.py, docs/formats.md "Limits").
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
#: Limits on uploaded and imported files (keys and defaults: core/safefiles.py DEFAULT_LIMITS).
CLUSTER6_FILE_LIMITS = {
    key: int(env(f"CLUSTER6_{key.upper()}", help=text, default=str(default)))
    for key, default, text in (
        ("plan_upload_max_mb", 5, "Largest plan upload (XLSX/CSV) in MB."),
        ("plan_max_rows", 10_000, "Most rows of a plan file's sheet or CSV (blank rows included)."),
        ("plan_max_columns", 200, "Most columns of a plan file."),
        ("plan_max_cells", 100_000, "Most cells of a plan file's sheet or CSV."),
        ("import_max_mb", 50, "Largest file for `cluster6 import` and the import page, in MB."),
        ("import_max_rows", 1_000_000, "Most rows of an imported CSV."),
        ("import_max_columns", 500, "Most columns of an imported CSV."),
        ("import_max_cells", 5_000_000, "Most cells of an imported CSV."),
        ("xlsx_max_uncompressed_mb", 30, "Largest total uncompressed size of an XLSX, in MB."),
        ("xlsx_max_ratio", 100, "Highest compression ratio of an XLSX member of 1 MB or more."),
        ("xlsx_max_members", 200, "Most members (parts) of an XLSX."),
        ("json_max_depth", 64, "Deepest nesting of an imported JSON or GeoJSON file."),
        ("geojson_max_features", 100_000, "Most features of an imported GeoJSON file."),
    )
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Security headers (docs/runbook.md, "Security headers") ---------------------------------------------
#: Content-Security-Policy: everything from the platform itself, no inline script and no eval (charts are
#: drawn by core/js/charts.js from JSON data blocks). Inline styles stay allowed: plotly.js and Leaflet
#: set them at run time, and they cannot run code. The API's Swagger UI and ReDoc pages get their own
#: policy (api/urls.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
#: The API's ReDoc page (api/urls.py): the site's policy plus the blob: worker of its search.
CLUSTER6_REDOC_CSP = {**SECURE_CSP, "worker-src": [CSP.SELF, "blob:"]}
#: Permissions-Policy (core.middleware.SecurityHeadersMiddleware): no page may use these browser features.
PERMISSIONS_POLICY_DENIED = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "cluster6.api.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies pass the same depth and number checks as imported JSON files (api/parsers.py)
    "DEFAULT_PARSER_CLASSES": [
        "cluster6.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
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
        "SuppressionEnum": "cluster6.api.serializers_analysis.SUPPRESSION_CHOICES",
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
