"""The product settings, with the environment a test run needs.

Tests run with DEBUG off (as Django's runner does anyway) over plain HTTP, so the HTTPS-only
defaults are relaxed here through the same environment variables an operator would use.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Generous API rate limits: tests/api lowers them where the limit itself is tested.
os.environ.setdefault("API_RATE_ANON", "100000/min")
os.environ.setdefault("API_RATE_TOKEN", "100000/min")

from ipassist.settings import *  # noqa: F403
from ipassist.settings import PASSWORD_HASHERS as PRODUCT_PASSWORD_HASHERS  # noqa: F401

# Argon2 is deliberately slow; tests create many users. test_auth checks the product's hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns when it is missing
