"""Capacita's settings, read from the environment with defaults for a developer's machine.

Production sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CAPACITA_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is only for a developer's machine; `capacita check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-capacita-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "capacita.countries",
    "capacita.accounts",
    "capacita.access_tokens",
    "capacita.programmes",
    "capacita.agenda",
    "django_tasks",
    "django_tasks_db",
    "capacita.emails",
    "capacita.audit",
    "capacita.jobs",
    "capacita.nominations",
    "capacita.attendance",
    "capacita.completions",
    "capacita.progress",
    "capacita.evaluation",
    "capacita.certificates",
    "capacita.groupwork",
    "capacita.case_study",
    "capacita.reports",
    "capacita.privacy",
    "capacita.backups",
    "capacita.console",
    "capacita.api",
    "capacita.development",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "capacita.shared.maintenance.MaintenanceMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every response to a signed-in person: Cache-Control: private, no-store.
    "capacita.shared.private_responses.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "capacita.urls"
WSGI_APPLICATION = "capacita.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "libraries": {"capacita": "capacita.templatetags"},
        },
    },
]

# Widgets' templates are found as every other template (the project's folder included).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'capacita.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; the busy timeout makes a second
    # writer wait its turn instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    # Connections are kept (`CONN_MAX_AGE`) as on PostgreSQL: opening the file and running
    # these pragmas on every request cost a signed-in page 1.7 ms (bench/RESULTS.md). A file
    # has no link to check.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "my_home"
LOGOUT_REDIRECT_URL = "programmes:list"

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# One way of writing dates per language ("Tuesday 26 October 2021, 15:00"): capacita/shared/formats.
FORMAT_MODULE_PATH = ["capacita.shared.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Recordings and slides: never under a public URL, served through signed, expiring links.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PRIVATE_LINK_SECONDS = int(os.environ.get("PRIVATE_LINK_SECONDS", "3600"))
# Uploaded files go through these storages only, never through paths: the local folders above
# by default; with STORAGE_S3_BUCKET, an S3-compatible bucket that every application server
# shares (`pip install capacita[s3]`). boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
# from the environment itself.
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "capacita.shared.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if STORAGE_S3_BUCKET:
    _s3 = {
        "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("STORAGE_S3_REGION") or None,
        # Nothing in the bucket is public: every file is handed out by the application. An
        # empty STORAGE_S3_ACL sends no ACL, for AWS buckets whose ACLs are disabled (the
        # default for new buckets), which refuse uploads that name one.
        "default_acl": os.environ.get("STORAGE_S3_ACL", "private") or None,
        "querystring_auth": True,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": STORAGE_S3_BUCKET, "location": "media"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": os.environ.get("STORAGE_S3_PRIVATE_BUCKET") or STORAGE_S3_BUCKET,
            "location": os.environ.get("STORAGE_S3_PRIVATE_PREFIX", "private"),
            # Two uploads of the same name must not replace each other's file, as on disk.
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Capacita <noreply@capacita.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times the worker tries to deliver an e-mail before marking it failed.
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "5"))

# Background work (e-mail delivery) goes through the database; `capacita db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: everything from this site only, no inline script at all, no
# inline style but the error page's own (allowed by its hash, since that page must not
# depend on anything else working). The charts are inline SVG drawn with classes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'sha256-Wxq/EQNi7pDp1hK/jjUzRLFFHrIk7y3SZ/4igcD1TeI='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
# Only where every subdomain is served over HTTPS too (and, for preload, the domain is to be
# submitted to the browsers' preload list): `check --deploy` asks for both.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every PDF at INFO: seven lines per certificate.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Uploads: the largest file each kind of upload accepts (its type is read from its content);
# the proxy in front must let bodies of the largest through. Form data without files and
# uploads held in memory stay at Django's 2.5 MB (larger files spool to a temporary file).
UPLOAD_MAX_SPREADSHEET_BYTES = int(os.environ.get("UPLOAD_MAX_SPREADSHEET_BYTES", 5 * 1024**2))
UPLOAD_MAX_ZOOM_REPORT_BYTES = int(os.environ.get("UPLOAD_MAX_ZOOM_REPORT_BYTES", 30 * 1024**2))
UPLOAD_MAX_IMAGE_BYTES = int(os.environ.get("UPLOAD_MAX_IMAGE_BYTES", 2 * 1024**2))
UPLOAD_MAX_SLIDES_BYTES = int(os.environ.get("UPLOAD_MAX_SLIDES_BYTES", 20 * 1024**2))
UPLOAD_MAX_RECORDING_BYTES = int(os.environ.get("UPLOAD_MAX_RECORDING_BYTES", 1024**3))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# A programme's public page (description, agenda, countries) is rendered once and kept this
# many seconds for everyone but its managers, who see their changes at once. The cache is
# each server process's own memory, unless REDIS_URL names a shared one (below).
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))

# Several servers behind one address share a Redis server (REDIS_URL, e.g.
# redis://127.0.0.1:6379/0): Django's own Redis cache, and sessions read from it before the
# database (`cached_db`: a session outlives a Redis restart). Without it, one server needs
# nothing more than its database: each process caches in its own memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The `pages` cache holds the people's own pages kept rendered (`capacita.progress.kept_pages`),
# apart from the default one's throttles and counters, which they would push out.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        # About 10 kB each: 20 MB a process at most.
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "capacita") + suffix,
            # A Redis server that stops answering fails a request in two seconds rather
            # than holding its worker until gunicorn's timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        for alias, suffix in (("default", ""), ("pages", "-pages"))
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The address e-mails link to (invitations, reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The learning site's web services (Moodle): its address and a web-service token. Unset, the
# completions come in as files, as before.
MOODLE_URL = os.environ.get("MOODLE_URL", "")
MOODLE_TOKEN = os.environ.get("MOODLE_TOKEN", "")
# The role participants are enrolled with (Moodle's "student" is 5 on a standard site).
MOODLE_STUDENT_ROLE = int(os.environ.get("MOODLE_STUDENT_ROLE", "5") or 5)

# The meeting tool's reports (Zoom): a Server-to-Server OAuth app's account id and
# credentials. Unset, attendance comes in as files, as before. The two addresses are Zoom's
# own unless set otherwise (the tests point them at a server on loopback).
ZOOM_ACCOUNT_ID = os.environ.get("ZOOM_ACCOUNT_ID", "")
ZOOM_CLIENT_ID = os.environ.get("ZOOM_CLIENT_ID", "")
ZOOM_CLIENT_SECRET = os.environ.get("ZOOM_CLIENT_SECRET", "")
ZOOM_OAUTH_URL = os.environ.get("ZOOM_OAUTH_URL", "https://zoom.us")
ZOOM_API_URL = os.environ.get("ZOOM_API_URL", "https://api.zoom.us/v2")

# Certificate verification: after this many look-ups of unknown codes from one address within
# the window, its next unknown codes get 429 (with Retry-After) until the oldest leaves the
# window; a code that exists is always verified, so an office behind one address is never
# kept from checking a real certificate. Behind a reverse proxy, the number of proxies that
# append to X-Forwarded-For (0: use the connection's address).
VERIFY_FAILURE_LIMIT = int(os.environ.get("VERIFY_FAILURE_LIMIT", "20"))
VERIFY_FAILURE_WINDOW_SECONDS = int(os.environ.get("VERIFY_FAILURE_WINDOW_SECONDS", "600"))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# The API (`/api/v1/`): requests one personal access token may make, and requests one address
# may make without a token, per period ("number/s", "/m", "/h" or "/d"); more get 429 with
# Retry-After.
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "300/m")
API_ANONYMOUS_RATE = os.environ.get("API_ANONYMOUS_RATE", "60/m")
# How long an invitation link stays valid.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("INVITATION_VALID_SECONDS", str(7 * 24 * 3600)))
# How long a "forgot your password" link stays valid: shorter than an invitation, since it is
# asked for by whoever types the address (its own token generator, capacita/accounts/tokens.py).
PASSWORD_RESET_LINK_SECONDS = int(os.environ.get("PASSWORD_RESET_LINK_SECONDS", "3600"))
# Password reset requests one address may make within the window (more get 429), and the reset
# e-mails one account receives within it (more are silently not sent: the page never says).
PASSWORD_RESET_REQUEST_LIMIT = int(os.environ.get("PASSWORD_RESET_REQUEST_LIMIT", "5"))
PASSWORD_RESET_EMAIL_LIMIT = int(os.environ.get("PASSWORD_RESET_EMAIL_LIMIT", "3"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))

# Sessions end this long after the login, whatever the activity (12 hours: a working day).
# Not renewed on each request: a sliding expiry would write the session on every page.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_SAVE_EVERY_REQUEST = False

# django-axes: after LOGIN_FAILURE_LIMIT failed logins for one account from one address,
# LOGIN_ADDRESS_FAILURE_LIMIT from one address, or LOGIN_ACCOUNT_FAILURE_LIMIT for one account
# from anywhere, within LOGIN_COOLOFF_MINUTES, the logins of that account from that address,
# from that address, or of that account are refused (429) for that long. The account alone
# gets far more: anyone who knows a manager's address can fail with it, and must not keep the
# manager out by doing so. An address gets more than the pair: the counsellors of one
# employment office come from its one public address, and a few typing mistakes among them
# must not lock them all out. Unknown accounts are counted like real ones, so the lockout
# tells nothing about which exist. The address is read as the certificate throttle reads it
# (TRUSTED_PROXY_COUNT).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "100"))
AXES_HANDLER = "capacita.accounts.lockout.AccountAndAddressHandler"
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "capacita.accounts.lockout.attempted_login"
AXES_CLIENT_IP_CALLABLE = "capacita.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "capacita.accounts.lockout.locked_out"
AXES_VERBOSE = False
# Attempts during a lockout are refused without being recorded: an attacker who keeps trying
# neither writes a row per try nor lengthens the lockout of the account's owner for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures are kept for the cool-off only; successful logins are not recorded at all (a row
# per login, kept for ever, that the anonymisation of a person would not reach).
AXES_DISABLE_ACCESS_LOG = True
