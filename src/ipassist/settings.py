"""The one settings module of ipassist, driven by environment variables.

Every variable is documented in README.md ("Configuration"). A bad value stops start-up with an
``ImproperlyConfigured`` error that names the variable.
"""

import re
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ipassist.env import database_from_env, env_bool, env_int, env_list, env_rate, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("IPASSIST_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-with-DEBUG-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs page's script and stylesheet from static files, not from a CDN
    "ipassist.core",
    "ipassist.catalogue",
    "ipassist.casework",
    "ipassist.events",
    "ipassist.reports",
    "ipassist.api",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ipassist.urls"
WSGI_APPLICATION = "ipassist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipassist.core.context_processors.site",
            ],
        },
    },
]

# --- data stores ---------------------------------------------------------------------------
DATABASES = {"default": database_from_env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ipassist.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL", "locmem://")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be locmem:// or a redis:// URL; got {_cache_url!r}.")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None  # files are served only through access-checked views, never as static media
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Documents attached to requests: the largest file accepted, and how far a DOCX or ODT may
# expand when unzipped (a larger expansion is refused as a possible archive bomb).
CASEWORK_MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 25, minimum=1, maximum=1024) * 1024 * 1024
CASEWORK_MAX_UNZIPPED_BYTES = env_int("MAX_UNZIPPED_MB", 100, minimum=1, maximum=4096) * 1024 * 1024
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Idle timeout: the session cookie is renewed on every request and expires after this many
# seconds without one.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 1800, minimum=60, maximum=7 * 24 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- security --------------------------------------------------------------------------------
_secure = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _secure)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _secure else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every script and stylesheet is a self-hosted file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- JSON API ----------------------------------------------------------------------------------
# Requests allowed per client address without a token or session, and per token (or signed-in
# user) otherwise; beyond them the API answers 429 with Retry-After. Counted in the cache.
API_RATE_ANON = env_rate("API_RATE_ANON", "60/min")
API_RATE_TOKEN = env_rate("API_RATE_TOKEN", "600/min")

# --- e-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ipassist <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails are built from this, never from the request's Host header.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- open data -------------------------------------------------------------------------------
# Absolute links in published data (IATI activity XML): the public address of the site.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", SITE_URL).rstrip("/")
if not PUBLIC_BASE_URL.startswith(("http://", "https://")) or "?" in PUBLIC_BASE_URL:
    raise ImproperlyConfigured(
        f"PUBLIC_BASE_URL must be an http:// or https:// address without a query; got {PUBLIC_BASE_URL!r}."
    )
# Organisations without an IATI identifier of their own are published as <prefix>-<slug>; set it
# to the publisher's registered IATI identifier. The default says plainly that it is not registered.
IATI_ORGANISATION_PREFIX = env_str("IATI_ORGANISATION_PREFIX", "ZZ-IPASSIST")
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,60}", IATI_ORGANISATION_PREFIX):
    raise ImproperlyConfigured(
        "IATI_ORGANISATION_PREFIX must be letters, digits, '-', '.' or '_' (2 to 61 characters), "
        f"such as the publisher's registered IATI identifier; got {IATI_ORGANISATION_PREFIX!r}."
    )

# --- languages -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The interface languages: those of the Case Books. Content models also keep zh and ru columns
# where reference data (country names) already exists in all six UN languages.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # fontTools logs every glyph subset at INFO when a certificate PDF is drawn.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
