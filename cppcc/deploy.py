"""Production settings that are more than a variable read: the secret key rule, the file
storage chosen by ``FILE_STORAGE``, and the Content-Security-Policy.

Kept out of ``settings.py`` so each rule is a function a test can call.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from cppcc.env import env, env_bool

# Keys published somewhere (this repository, the compose file's old default, tutorials).
KNOWN_KEYS = {
    "change-me",
    "changeme",
    "secret",
    "insecure-development-key-change-me",
}
DEVELOPMENT_KEY = "insecure-development-key-change-me"
MIN_KEY_LENGTH = 50


def secret_key(value: str, *, required: bool) -> str:
    """The key to sign sessions, tokens and password-reset links with.

    A real installation (``required``) refuses to start with a missing, short or
    well-known key: anyone who knows the key can forge a staff session. The demo and
    ``DEBUG`` runs fall back to a development key.
    """
    value = value.strip()
    if not value:
        if required:
            raise ImproperlyConfigured(
                "SECRET_KEY 未设置。生产环境必须设置随机密钥（至少 50 个字符），例如："
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        return DEVELOPMENT_KEY
    if value.lower() in KNOWN_KEYS or value.lower().startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY 使用了公开的示例值，请换成随机生成的密钥。")
    if required and (len(value) < MIN_KEY_LENGTH or len(set(value)) < 5):
        raise ImproperlyConfigured(
            f"SECRET_KEY 过短或过于简单：至少 {MIN_KEY_LENGTH} 个字符的随机字符串。"
        )
    return value


def file_storage(kind: str) -> dict:
    """Where uploaded and generated files live: ``local`` (``MEDIA_ROOT``) or ``s3`` (any
    S3-compatible object store: MinIO, Aliyun OSS, …, through django-storages).

    Either way the files are private: the bucket needs no public access, downloads
    stream through the application's checked views.
    """
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind == "s3":
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("S3_BUCKET", ""),
                "endpoint_url": env("S3_ENDPOINT_URL", "") or None,
                "region_name": env("S3_REGION", "") or None,
                "access_key": env("S3_ACCESS_KEY", ""),
                "secret_key": env("S3_SECRET_KEY", ""),
                "location": env("S3_PREFIX", ""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": env("S3_ADDRESSING_STYLE", "") or None,
                "use_ssl": env_bool("S3_USE_SSL", True),
            },
        }
    raise ImproperlyConfigured(f"FILE_STORAGE 只能是 local 或 s3（当前为 {kind!r}）。")


def content_security_policy() -> dict:
    """Scripts, styles, fonts and images from this origin only.

    No inline script exists in the templates (data goes in ``json_script`` blocks), so
    ``script-src`` needs neither ``unsafe-inline`` nor nonces. Inline *styles* stay
    allowed: ECharts and Swagger UI set style attributes as they draw.
    """
    self, none = "'self'", "'none'"
    return {
        "DIRECTIVES": {
            "default-src": [self],
            "script-src": [self],
            "style-src": [self, "'unsafe-inline'"],
            "img-src": [self, "data:", "blob:"],
            "font-src": [self, "data:"],
            "connect-src": [self],
            "object-src": [none],
            "base-uri": [self],
            "form-action": [self],
            "frame-ancestors": [none],
        }
    }


def keep_days(name: str, default: int, minimum: int = 1) -> int | None:
    """A retention period from the variable ``name``: days, or None (``0``: kept for
    ever). Below ``minimum`` the app refuses to start: a shorter period would delete
    what is still in use (a reminder's key stops a second reminder for the same day)."""
    value = env(name, "").strip() or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} 应为天数（整数，0 表示永久保留），收到 {value!r}。")
    days = int(value)
    if days == 0:
        return None
    if days < minimum:
        raise ImproperlyConfigured(f"{name} 至少为 {minimum} 天（0 表示永久保留），收到 {days}。")
    return days
