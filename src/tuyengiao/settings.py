"""Settings: every knob comes from the environment, with embedded defaults that just work."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("TUYENGIAO_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("TUYENGIAO_VAR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The embedded default is only for a local run; a deployment sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "tuyengiao-local-only-" + "x" * 32)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "tuyengiao.core",
    "tuyengiao.accounts",
    "tuyengiao.orgs",
    "tuyengiao.plans",
    "tuyengiao.reporting",
    "tuyengiao.activities",
    "tuyengiao.voice",
    "tuyengiao.media",
    "tuyengiao.reviews",
    "tuyengiao.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tuyengiao.urls"
WSGI_APPLICATION = "tuyengiao.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "orgs:tree"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuyengiao.web.context_processors.site",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tuyengiao.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation costs more than it saves (measured on the tree pages).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one of them writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY: dict[str, Any] = {
        "huey_class": "huey.RedisHuey",
        "name": "tuyengiao",
        "url": REDIS_URL,
        "immediate": False,
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "tuyengiao",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["tuyengiao.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    # Activity photos and documents in any S3-compatible store (`pip install tuyengiao[s3]`);
    # they stay private: the app serves them to whoever may read the activity, never by URL.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Login throttling: this many failures for one username or address within the window locks it.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
# Excel imports larger than this are refused before any row is read.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "50"))
# Photos and documents of activities: at most this size each, this many per activity.
ACTIVITY_FILE_MAX_BYTES = int(os.environ.get("ACTIVITY_FILE_MAX_BYTES", str(10 * 1024 * 1024)))
ACTIVITY_FILES_MAX = int(os.environ.get("ACTIVITY_FILES_MAX", "30"))

# Mail: through the SMTP server named by EMAIL_HOST; without one (the embedded mode) messages
# are kept in the outbox page instead of leaving the machine.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "tuyengiao.core.mail.OutboxBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tuyengiao@localhost")
# The address users reach the site at, for links in messages (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The public page of legal questions: how many a sender may ask per hour, how many everyone
# together per minute, how long filling the form takes at least (a robot is faster), and whether
# the reverse proxy's X-Forwarded-For names the sender (only behind a proxy you run).
QUESTIONS_PER_HOUR = int(os.environ.get("QUESTIONS_PER_HOUR", "5"))
QUESTIONS_PER_MINUTE = int(os.environ.get("QUESTIONS_PER_MINUTE", "30"))
QUESTION_MIN_FILL_SECONDS = int(os.environ.get("QUESTION_MIN_FILL_SECONDS", "3"))
TRUST_X_FORWARDED_FOR = os.environ.get("TRUST_X_FORWARDED_FOR", "") == "1"

# Online monitoring: items found more than MONITOR_RETENTION_DAYS days ago that no case keeps
# are deleted every night (media.retention); a retraining of a classifier from the labels
# people made needs at least MONITOR_RETRAIN_MIN_LABELS labels of the field.
MONITOR_RETENTION_DAYS = int(os.environ.get("MONITOR_RETENTION_DAYS", "180"))
MONITOR_RETRAIN_MIN_LABELS = int(os.environ.get("MONITOR_RETRAIN_MIN_LABELS", "30"))

# Monitoring of public online information: fetching feeds and pages. Each connection and each
# read waits at most MONITOR_FETCH_TIMEOUT seconds, a whole download MONITOR_FETCH_SECONDS; an
# answer beyond MONITOR_FETCH_MAX_BYTES is cut and reported, never read whole. SSRF guard:
# addresses resolving to private, loopback or link-local networks are refused unless
# MONITOR_ALLOW_PRIVATE=1 (tests with a local server; an intranet feed you trust).
MONITOR_FETCH_TIMEOUT = float(os.environ.get("MONITOR_FETCH_TIMEOUT", "15"))
MONITOR_FETCH_SECONDS = float(os.environ.get("MONITOR_FETCH_SECONDS", "60"))
MONITOR_FETCH_MAX_BYTES = int(os.environ.get("MONITOR_FETCH_MAX_BYTES", str(5 * 1024 * 1024)))
MONITOR_FETCH_MAX_REDIRECTS = int(os.environ.get("MONITOR_FETCH_MAX_REDIRECTS", "5"))
MONITOR_ALLOW_PRIVATE = env_bool("MONITOR_ALLOW_PRIVATE", False)
# Sources the worker checks per minute at most; a text or screenshot a collaborator submits.
MONITOR_POLL_BATCH = int(os.environ.get("MONITOR_POLL_BATCH", "20"))
MONITOR_SUBMIT_MAX_CHARS = int(os.environ.get("MONITOR_SUBMIT_MAX_CHARS", "20000"))
MONITOR_SCREENSHOT_MAX_BYTES = int(
    os.environ.get("MONITOR_SCREENSHOT_MAX_BYTES", str(8 * 1024 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
