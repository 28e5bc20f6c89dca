"""Test settings: PostgreSQL and Redis on localhost unless the environment says otherwise."""

import os
import secrets

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cppcc")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# A real installation needs a strong key; each test run makes its own.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))

from cppcc.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# In-process tests render pages without running collectstatic; the production shape
# (hashed, compressed files served by WhiteNoise) is tested against gunicorn.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = BASE_DIR / "var" / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
