"""Settings for the helpdesk, read from the environment.

Nothing configured means the embedded default: SQLite (WAL) in the project folder, the in-memory
channel layer, a generated secret key kept in `.secret_key`. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_env_file(path: Path) -> None:
    """KEY=VALUE lines of `.env` fill variables the environment does not already set."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


if not os.environ.get("HELPDESK_IGNORE_ENV_FILE"):
    _load_env_file(BASE_DIR / ".env")
DATA_DIR = Path(os.environ.get("HELPDESK_DATA_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / ".secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Other sites that embed the chat widget (host names, e.g. "tienda.example.com"): their pages
# may open chat sockets and read the public status and knowledge-base search endpoints.
WIDGET_EMBED_ORIGINS = env_list("WIDGET_EMBED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "helpdesk",
    "helpdesk.triage",
    "helpdesk.sla",
    "helpdesk.incidents",
    "helpdesk.supervisor",
    "channels_chat",
    "mailin",
    "knowledgebase",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpdesk.middleware.WidgetCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "helpdesk.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
ASGI_APPLICATION = "helpdesk.asgi.application"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.banners",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'helpdesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, mail reader) write to one file: WAL plus IMMEDIATE
    # transactions make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters, and each connection prepares a statement the fifth time it
    # runs it: the chat's hot statements (ticket lock, message insert, turn check) then skip
    # parsing and planning, about a third of their round trip. DB_PREPARE_THRESHOLD=0 turns
    # preparing off (a PgBouncer in transaction mode older than 1.21 cannot follow it).
    _prepare = int(os.environ.get("DB_PREPARE_THRESHOLD", "5"))
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": _prepare if _prepare > 0 else None,
    }
if test_db := os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_db}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: test servers (daphne, workers) run in other processes. It sits
    # beside the database and is named after it, so two runs with their own DATABASE_URL
    # never share (and delete) one test database.
    _db_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(_db_file.with_name(f"{_db_file.stem}-test{_db_file.suffix}"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, locks --------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")


def _redis_db(url: str) -> str:
    """The database number of a redis:// URL ('0' when it names none)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    return parts.path.strip("/") or parse_qs(parts.query).get("db", ["0"])[0]


if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # PUBLISH/SUBSCRIBE ignore Redis database numbers: two installations (or test
                # runs) sharing one Redis on different databases must not hear each other.
                "prefix": f"asgi{_redis_db(REDIS_URL)}:",
                # The pub/sub layer: a group send is one PUBLISH, each process holds one
                # subscription connection. redis-py's pool of 100 raises instead of waiting
                # under a few hundred busy sockets.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 1000}],
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # A database cache so rate limits hold across the web and worker processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "helpdesk_cache",
        }
    }

# --- Background jobs (Django Tasks API via django-tasks) -------------------------------------
TASKS = {"default": {"BACKEND": "helpdesk.jobs.JobsBackend"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:agent-home"
LOGOUT_REDIRECT_URL = "helpdesk:home"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
# With no SMTP server configured (the embedded default), mail is written to var/outbox/ so
# `make run` works on a bare machine and every "sent" email can be read there.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Soporte <soporte@helpdesk.example>")
HELPDESK_EMAIL_DOMAIN = os.environ.get("HELPDESK_EMAIL_DOMAIN", "helpdesk.example")
# Fernet keys sealing mailbox passwords at rest (first seals, all open); empty: one key
# derived from SECRET_KEY. See mailin/sealing.py and docs/operations.md.
MAILBOX_SECRET_KEYS = env_list("MAILBOX_SECRET_KEYS")
# A CA bundle (PEM) IMAPS servers' certificates are verified against instead of the system's.
MAILIN_CA_FILE = os.environ.get("MAILIN_CA_FILE", "")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"intake": os.environ.get("INTAKE_RATE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mesa de ayuda API",
    "DESCRIPTION": "Tickets, replies and knowledge base of the multichannel helpdesk.",
    "VERSION": "1.0.0",
    # The docs page's assets are served by the project (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Helpdesk rules -------------------------------------------------------------------------
HELPDESK: dict[str, Any] = {
    "MAX_MESSAGE_CHARS": int(os.environ.get("HELPDESK_MAX_MESSAGE_CHARS", "20000")),
    "MAX_ATTACHMENT_BYTES": int(os.environ.get("HELPDESK_MAX_ATTACHMENT_BYTES", str(10 * 2**20))),
    "MAX_ATTACHMENTS": 5,
    "ALLOWED_ATTACHMENT_TYPES": [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "message/rfc822",
    ],
    "TRIAGE_THRESHOLD": float(os.environ.get("HELPDESK_TRIAGE_THRESHOLD", "0.45")),
    # Rate limits on the anonymous intake (django-ratelimit syntax).
    "FORM_RATE_IP": os.environ.get("HELPDESK_FORM_RATE_IP", "20/h"),
    "FORM_RATE_EMAIL": os.environ.get("HELPDESK_FORM_RATE_EMAIL", "10/h"),
    "TRACKING_LINK_MAX_AGE_DAYS": 180,
}
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Security (production turns these on through the environment) --------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
