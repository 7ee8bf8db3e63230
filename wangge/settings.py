"""Wangge settings: one file, read from the environment, with defaults that make `make demo` work."""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WANGGE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


# Fail closed: production behaviour unless asked otherwise. The Makefile's demo, test and
# translation targets ask with DJANGO_DEBUG=1; a server gives its own DJANGO_SECRET_KEY.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest (`make test`, or a bare `pytest` as much): the tests sign nothing that outlives the
# run, so they get a throwaway key rather than an error (and so do the manage.py processes some
# tests start), and plain static names (STORAGES below): the same results either way. DEBUG is
# not turned on for them: a test run does not need it (pytest-django turns it off anyway), and a
# stray `import pytest` in a server must not.
TESTING = "pytest" in sys.modules
# The city's copies of the county tables carry the county tables' names, in their own database
# (rollup.router): the check for two models on one table does not apply (W035).
SILENCED_SYSTEM_CHECKS = ["models.W035"]
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-demo-key-change-me"  # public, like everything else with DEBUG on
elif not SECRET_KEY and TESTING:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"] = "throwaway-" + secrets.token_urlsafe(40)
elif not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. A server needs a key of its own (docs/deploy.md, "
        '"Environment"); the demo and the tests run with DJANGO_DEBUG=1 (make demo, make test).'
    )
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# The county this instance serves: every large table carries it (see DESIGN.md, scale path).
COUNTY_CODE = os.environ.get("WANGGE_COUNTY_CODE", "610722")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "auditlog",
    "axes",  # failed logins and lockouts (wangge/lockout.py)
    "territory",
    "staff",
    "cases",
    "streets",
    "disputes",  # dispute mediation (人民调解), a kind of case
    "emergencies",  # emergencies (突发事件), a kind of case
    "assessments",  # risk screening (a kind of case) and stability-risk filings
    "services",  # the convenience-service catalogue; applications are a kind of case
    "enquiries",  # what is not a case (咨询, 表扬, 无效): answered by a centre, not dispatched
    "safety",  # safe-unit creation (平安创建): inspections whose failed items become hazard cases
    "surveys",  # publicity activities and surveys (知晓率, 满意率)
    "patrols",  # patrol check-ins (巡查打卡): a grid and a time, never a track
    "field",  # 网格通: the grid worker's app, installable, opens without signal
    "indicators",  # aggregate figures per region and period, the grids' basic counts
    "workreport",  # the annual work report, generated from every app's data
    "suggest",  # the category suggested from a report's words (a model trained here)
    "notify",
    "privacy",
    "rollup",
    "integrations",
    "api",
    "open311",
    "hotline",
    "portal",
    "command",  # the command centre: indicators over aggregates (command.facts)
    "ninja",  # its Swagger UI from this site's static files, not a CDN
    "wangge",  # the shell: navigation, stylesheet, the demo loader
]

# Under pytest only: the kind of case that the tests define to prove the registry (tests/example_kind).
if "pytest" in sys.modules:
    INSTALLED_APPS.append("tests.example_kind")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response: see below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # the audit of configuration records who changed it
    "wangge.sessions.IdleSessionMiddleware",  # renews a session's idle expiry: see Sessions below
    "django.contrib.messages.middleware.MessageMiddleware",
    "wangge.errors.SiteErrorPagesMiddleware",  # 404 and 405 in the site's layout, demo included
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wangge.middleware.RequestSizeLimitMiddleware",  # before any view reads a body: see below
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into a page
]

# Behind TLS (nginx in front, docs/deploy.md): cookies only over HTTPS; browsers told so for a
# year, for this host and its subdomains; plain HTTP redirected, also when nginx passes it on.
if env_bool("WANGGE_HTTPS", False):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("WANGGE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # No HSTS preload (which `check --deploy` suggests, W021): the preload list takes a whole
    # registrable domain (chenggu.gov.cn), a decision for its owner, not for one site under it.
    SILENCED_SYSTEM_CHECKS += ["security.W021"]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wangge.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wangge.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside the writer; IMMEDIATE takes the write lock when a transaction
    # begins, so two writers queue on busy_timeout instead of failing with "database is locked".
    # Django's backend, with writers that queue for their turn instead of sleeping (wangge/sqlite).
    DATABASES["default"]["ENGINE"] = "wangge.sqlite"
    # The tests' database in memory, named so outright: pytest-django then leaves it alone when
    # the tests run in several processes (each has its own memory), as it does for Django's own
    # SQLite engine.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

# A city instance (docs/deploy.md, "The city roll-up") reads the counties' published rows from a
# second database, filled by logical replication; a county instance has none. The tests make one,
# beside the test database, to check the city's pages.
ROLLUP_DATABASE_URL = os.environ.get("WANGGE_ROLLUP_DATABASE_URL", "")
AT_CITY = bool(ROLLUP_DATABASE_URL)
CITY_NAME = os.environ.get("WANGGE_CITY_NAME", "")  # the top of a city's command centre
if ROLLUP_DATABASE_URL:
    DATABASES["rollup"] = dj_database_url.parse(ROLLUP_DATABASE_URL)
elif TESTING:
    DATABASES["rollup"] = {
        **DATABASES["default"],
        "NAME": f"{DATABASES['default']['NAME']}_rollup",
        "TEST": {"NAME": ":memory:" if DATABASES["default"]["ENGINE"] == "wangge.sqlite" else None},
    }
DATABASE_ROUTERS = ["rollup.router.RollupRouter"]

AUTH_USER_MODEL = "staff.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"  # the front door sends staff on to their first screen (cases.views.home)
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {  # nothing close to one's own user name, name, phone or e-mail (grid_worker1)
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": ("username", "full_name", "phone", "email"),
        },
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Failed logins (django-axes; the policy is in wangge/lockout.py and docs/deploy.md): an account
# is locked after WANGGE_LOGIN_FAILURE_LIMIT failures from anywhere, an address for every account
# after WANGGE_LOGIN_ADDRESS_FAILURE_LIMIT failures on any, until WANGGE_LOGIN_LOCKOUT_MINUTES
# pass without another. Axes's backend refuses a locked login before Django's reads the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("WANGGE_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("WANGGE_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("WANGGE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_HANDLER = "wangge.lockout.AccountOrAddressHandler"
AXES_CLIENT_IP_CALLABLE = "wangge.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "wangge.lockout.locked_out"
# Whose X-Forwarded-For names the client (nginx on this host): the variable gunicorn reads too.
LOGIN_TRUSTED_PROXIES = [
    address.strip() for address in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by collectstatic for production
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end libraries come from npm (package.json) and are served by the app itself: no CDN.
STATICFILES_DIRS = [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With DEBUG off, collectstatic writes content-hashed names (leaflet.3f2c….js) and WhiteNoise
    # serves them with a ten-year immutable Cache-Control; demo and tests keep plain names and need
    # no collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("WANGGE_MEDIA_ROOT", VAR_DIR / "media"))

# Upload limits. A request whose Content-Length is over MAX_REQUEST_BYTES is refused with a page
# that says why (413, wangge.middleware) before its body is read: Django itself caps only the
# fields beside the files (DATA_UPLOAD_MAX_MEMORY_SIZE, a 400 past it) and streams files above
# FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, whatever their size. 64 MB is nginx's
# client_max_body_size (docs/deploy.md); each photo is checked against MAX_PHOTO_BYTES by its form.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MB, said here beside the others
MAX_PHOTO_BYTES = 8 * 1024 * 1024

# Content-Security-Policy (django-csp). Everything is served from this origin (no CDN, no public
# map tiles: the county's own tile service only, if WANGGE_TILE_URL is set, below), so no other
# origin is allowed, and neither inline script, inline <style>, nor eval: an injected <script> or
# onerror="…" does not run even if a template or a map label let it through.
# Setting styles from JavaScript through the CSSOM (Leaflet, the admin) is not inline style and
# stays allowed; htmx's own <style> for request indicators is turned off in base.html's
# htmx-config and its two rules live in app.css. tests/test_csp*.py walk the pages under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.NONE],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "manifest-src": [csp.SELF],  # the field app's manifest, and its service worker:
        "worker-src": [csp.SELF],  # both would fall back to default-src, which is none
        "form-action": [csp.SELF],
        "base-uri": [csp.NONE],
        "object-src": [csp.NONE],
        "frame-ancestors": [csp.NONE],
    }
}


def tile_origin(template: str) -> str:
    """The CSP source of an XYZ tile template: its scheme and host (`{s}.` subdomains as `*.`)."""
    parts = urlsplit(template)
    host = (
        parts.netloc.replace("{s}.", "*.", 1) if parts.netloc.startswith("{s}.") else parts.netloc
    )
    if parts.scheme not in {"http", "https"} or not host or "{" in host:
        raise ImproperlyConfigured(
            f"WANGGE_TILE_URL must be an http(s) XYZ template such as "
            f"https://tiles.example.internal/{{z}}/{{x}}/{{y}}.png, got {template!r}"
        )
    return f"{parts.scheme}://{host}"


# An optional base layer under the grids: an XYZ template on the county's own intranet tile
# service, never a public one (docs/deploy.md). Empty, the default: no tiles, no other origin.
# Set, its origin alone joins img-src.
WANGGE_TILE_URL = os.environ.get("WANGGE_TILE_URL", "").strip()
if WANGGE_TILE_URL:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(tile_origin(WANGGE_TILE_URL))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions end after WANGGE_SESSION_IDLE_MINUTES without a request (8 hours, a working day, by
# default), renewed at most every five minutes so that requests do not each write their session
# (wangge/sessions.py); a login on a shared computer (公用电脑) also ends with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("WANGGE_SESSION_IDLE_MINUTES", "480")) * 60
SESSION_REFRESH_INTERVAL = min(300, SESSION_COOKIE_AGE // 10)

# With Redis (the production profile) sessions are read from it and written through to the
# database; without it they live in the database only (a per-process cache would go stale
# between gunicorn workers).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"wangge-{COUNTY_CODE}",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (deadline supervision). SQLite file by default; Redis when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "wangge",
        "url": os.environ["REDIS_URL"],
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wangge",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

# Messages (notify): e-mail through any Django mail backend. The demo writes each message as a
# file into var/mail; production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wangge@chenggu.example")
# SMS leave through a gateway class (dotted path, like EMAIL_BACKEND); the default only logs.
WANGGE_SMS_GATEWAY = os.environ.get("WANGGE_SMS_GATEWAY", "notify.senders.LoggingSmsGateway")
# Links in e-mails point here.
# How often the command centre's live feed asks for what is new (seconds): one small query set
# per open screen each time (bench: "command: live feed").
COMMAND_FEED_SECONDS = int(os.environ.get("WANGGE_COMMAND_FEED_SECONDS", "15"))

WANGGE_SITE_URL = os.environ.get("WANGGE_SITE_URL", "http://127.0.0.1:8000")
# The demo's webhook receiver (`manage.py receive_webhooks`), standing in for a 12345 platform.
WANGGE_DEMO_WEBHOOK_URL = os.environ.get("WANGGE_DEMO_WEBHOOK_URL", "http://127.0.0.1:8025/")
WANGGE_DEMO_WEBHOOK_SECRET = os.environ.get(
    "WANGGE_DEMO_WEBHOOK_SECRET", "wangge-demo-webhook-secret"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # What the outbox sends (and the logging SMS gateway's messages) shows in the worker's console.
    "loggers": {"notify": {"level": os.environ.get("NOTIFY_LOG_LEVEL", "INFO")}},
}

ADMIN_SITE_HEADER = _("Wangge administration")

# How long a closed case keeps its reporter's personal data (a category may set its own).
PRIVACY_RETENTION_YEARS = int(os.environ.get("PRIVACY_RETENTION_YEARS", "3"))

# Words that hold a resident's report for an operator's look before it is public (审核), comma
# separated; reports sent near the rate limit or holding a web link are held whatever this says.
PORTAL_HELD_WORDS = tuple(
    word.strip() for word in os.environ.get("PORTAL_HELD_WORDS", "").split(",") if word.strip()
)
# How long a follower's phone or e-mail is kept after the case ends (portal.models.Follower).
PORTAL_CONTACT_DAYS = int(os.environ.get("PORTAL_CONTACT_DAYS", "30"))
