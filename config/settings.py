"""Atelier settings, read from the environment.

Defaults make `make run` work with nothing else installed (SQLite file, console email,
Celery tasks in-process, local-memory cache). Production sets DJANGO_ENV=production and
the variables listed in README.md; missing essentials stop the start-up with a clear error.
"""

import hashlib
import os
from operator import attrgetter
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- Django -----------------------------------------------------------------------------
DJANGO_ENV = env_str("DJANGO_ENV", "development")
IS_PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if IS_PRODUCTION:
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("CSRF_TRUSTED_ORIGINS", CSRF_TRUSTED_ORIGINS),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: " + ", ".join(missing)
        )
else:
    # A development key: never used when DJANGO_ENV=production (checked above).
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-atelier-not-for-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Atelier"

# --- Verifiable credentials (Open Badges 3.0) -------------------------------------------
# The issuer's Ed25519 keys (badges/keys.py). In production give the key set as a secret in
# CREDENTIALS_KEYS (its JSON, from `manage.py credential_keys show --private`), or keep it in the
# file, which is created (mode 0600) the first time a credential is signed.
CREDENTIALS_KEYS = env_str("CREDENTIALS_KEYS")
CREDENTIALS_KEY_FILE = Path(env_str("CREDENTIALS_KEY_FILE", str(BASE_DIR / "var" / "credential-keys.json")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "django_countries",
    "adminsortable2",  # drag-to-reorder sessions, lessons, outcomes and prompts in the admin
    "core",
    "accounts",
    "courses",
    "portfolios",
    "gallery",
    "badges",
    # Deletes a FileField's file when the row is saved with another one or deleted, after the
    # commit; last, as its README asks. Files kept in JSON (gallery snapshots) and replaced by a
    # queryset update (answer images, PDFs) are deleted by the code that replaces them.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so its 400 page passes back through the others (CSP header, session, messages).
    "core.middleware.RefuseNulMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "csp.context_processors.nonce",
    "accounts.context_processors.header",
    "core.cache.cache_context",
    "core.background.background_context",
]
# One engine for our pages, emails and PDFs (templates/), the admin's and allauth's: Django's.
# Forms and widgets render with the project's templates first, so templates/django/forms/ restyles every form
# (the field layout, file inputs, choice lists) through Django's own rendering.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-au"
TIME_ZONE = env_str("TIME_ZONE", "Australia/Sydney")
USE_I18N = True
# Our wording over allauth's where the two would differ ("Log in", not "Sign In"): locale/en.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Database: DATABASE_URL selects PostgreSQL; unset means an SQLite file ---------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
        )
    }
    # Prepared statements: with server-side binding psycopg sends the parameters apart from
    # the SQL, and a query run prepare_threshold (5) times on a connection becomes a prepared
    # statement, so PostgreSQL stops planning it again (the ORM's SQL is the same text for the
    # same query shape; planning was most of the server's work per page). Django turns them off
    # unless asked, for connection poolers: DB_PREPARED_STATEMENTS=0 behind PgBouncer in
    # transaction mode unless it is 1.21 or newer with max_prepared_statements set above 0 (0 was
    # its default until 1.24).
    # A database that stalls must not hold every request (and /healthz) for as long as it stalls:
    # connecting gives up after DB_CONNECT_TIMEOUT seconds and a statement after
    # DB_STATEMENT_TIMEOUT milliseconds (pages run in tens of milliseconds; the workers, whose
    # jobs read more, get a longer one in the Procfile; 0 turns it off, for a long migration).
    # Either answers the site's 503 page (core.views.server_error).
    # JIT is off unless DB_JIT=1: it pays for long analytic queries, not for pages. The course
    # dashboard's aggregates over every enrollment are estimated well above jit_above_cost, and
    # each would spend longer compiling than running.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env_int("DB_CONNECT_TIMEOUT", 3),
        options=f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT', 5000)}"
        + ("" if env_bool("DB_JIT", False) else " -c jit=off"),
    )
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5)
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets the dev server and an in-process task read while another writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Keep each thread's connection between requests, as for PostgreSQL, rather than
            # opening one and running the PRAGMAs above on every request.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            # A file when a real Celery worker (another process) must see the test database.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", "") or (str(BASE_DIR / ".test-db.sqlite3") if env_str("REDIS_URL") else None)},
        }
    }

# --- Cache: Redis when REDIS_URL is set, local memory otherwise --------------------------
# core/cache.py lists every key. The code version is part of every key, so a release whose
# templates or cached shapes changed never reads what the previous one stored.


def _code_version() -> str:
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(BASE_DIR.glob("templates/**/*.*")) + sorted(BASE_DIR.glob("*/*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


REDIS_URL = env_str("REDIS_URL")
_CACHE_PREFIX = f"{env_str('CACHE_KEY_PREFIX', 'atelier')}:{_code_version()}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX,
            # A page makes a few cache calls: a Redis that stops answering must cost a fraction
            # of a second once (core.cache then leaves it alone for a while), not seconds per call.
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CACHE_TIMEOUT", 0.25),
                "socket_timeout": env_float("REDIS_CACHE_TIMEOUT", 0.25),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": _CACHE_PREFIX}}

# --- allauth ----------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
# allauth's default rate limits (login failures, sign-ups, resets) apply, per client address.
# Behind the reverse proxy that production prescribes, REMOTE_ADDR is the proxy's, so one
# person's failed logins would lock everybody out: count the proxies that append to
# X-Forwarded-For (one by default in production, none in development where no proxy runs).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if IS_PRODUCTION else 0)
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# The name people see (User.public_name), not the username, in "Logged in as …" and allauth's emails.
ACCOUNT_USER_DISPLAY = attrgetter("public_name")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Atelier] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if IS_PRODUCTION else "http"
LOGIN_REDIRECT_URL = "/learn/"
LOGIN_URL = "account_login"

# --- Celery: Redis broker when REDIS_URL is set; in-process otherwise --------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every task has a hard time limit (a task may set a lower one). Redis hands an unacknowledged
# job to another worker only after the visibility timeout, so a job held by a killed worker
# waits that long: keep it just above the longest hard limit, never below it (a job still
# running would then be delivered twice).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    # A web request that sends a task must not hang on a broker that stopped answering: it waits
    # at most about a second, then config.celery.Task runs or defers the task.
    "socket_connect_timeout": env_float("BROKER_TIMEOUT", 1.0),
    "socket_timeout": env_float("BROKER_TIMEOUT", 1.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("BROKER_TIMEOUT", 1.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
# PDF renders are long and memory-hungry: they have their own queue and worker (Procfile `pdf`),
# so a burst of them never holds up emails, badges and progress on the default queue.
CELERY_TASK_ROUTES = {
    "portfolios.tasks.render_portfolio_pdf": {"queue": "pdf"},
    "gallery.tasks.render_entry_pdf": {"queue": "pdf"},
    "badges.tasks.render_certificate_pdf": {"queue": "pdf"},
}

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# A phone photo is often 5–15 MB: it is taken and shrunk (core/images.py), not refused; the pixel
# limit below is what guards decoding.
MAX_IMAGE_BYTES = 25 * 1024 * 1024
# A learner's own portfolio file (a PDF or a slide deck) attached to their portfolio (portfolios/files.py).
MAX_PORTFOLIO_FILE_BYTES = 20 * 1024 * 1024
# The most pixels an upload may decode to (core/images.py): four times the largest image we keep
# (a 2000-pixel cover), so a PNG of 4000×4000 fits; a JPEG decodes at a reduced scale, so photos fit.
MAX_IMAGE_PIXELS = 16_000_000

# --- Email: console in development, SMTP from the environment in production -------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Atelier <no-reply@atelier.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------
# Sessions live in the database only (Django's default engine), never in the cache: who is logged
# in is a right, and a Redis restored from an older snapshot must not log anyone back in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # INSECURE_LOCAL_HTTP only for `make prod-local` and `make bench` on loopback without TLS.
    SESSION_COOKIE_SECURE = not env_bool("INSECURE_LOCAL_HTTP")
    CSRF_COOKIE_SECURE = not env_bool("INSECURE_LOCAL_HTTP")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# django-csp: no inline scripts anywhere; embeds only from the privacy-enhanced video hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
