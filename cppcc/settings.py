"""Settings for the CPPCC proposal system, read from the environment.

With no ``DATABASE_URL`` the app runs on an embedded SQLite file (the demo);
production and tests point ``DATABASE_URL`` at PostgreSQL. With no ``REDIS_URL``
Celery tasks run in-process, so the demo needs no broker.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from cppcc.deploy import content_security_policy, file_storage, keep_days, secret_key
from cppcc.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The embedded SQLite file is the demo; a DATABASE_URL means a real installation.
DEMO = not env("DATABASE_URL", "")
SECRET_KEY = secret_key(env("SECRET_KEY", ""), required=not (DEBUG or DEMO))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The installation's own commands (backup, restore, purge_old_records).
    "cppcc",
    "committees",
    "members",
    "proposals",
    # The demo world's commands (seed_demo, rundemo); nothing in the apps imports it.
    "demo",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before anything else (cppcc/health.py).
    "cppcc.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with far-future cache headers, before anything touches the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Dashboards, reports, exports and search read from the replica, if there is one.
    "cppcc.replica.ReplicaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses a request body over the upload limits before Django reads it (413).
    "cppcc.middleware.RequestSizeLimitMiddleware",
    # Last: turns a login that axes locked out into the Chinese lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cppcc.urls"
WSGI_APPLICATION = "cppcc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cppcc.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# A persistent connection is checked before it is reused: after a database restart the
# workers reconnect by themselves (no gunicorn or Celery restart).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Filing locks rows; on SQLite the whole database is locked instead, so wait for it.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A streaming read replica for dashboards, reports, exports and search (cppcc/replica.py);
# a user's own reads stay on the primary for REPLICA_STICKY_SECONDS after they write.
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5)
if env("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL", ""), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cppcc.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login while the username or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded files (attachments, reply letters, export files) are private: no URL serves
# MEDIA_ROOT, every download goes through a view that checks who is asking.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": file_storage(env("FILE_STORAGE", "local")),
    # Hashed names and gzip/brotli copies made by collectstatic, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Readable by nginx's worker for X-Accel-Redirect; the volume itself is never web-served.
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
# Behind nginx: the download views answer with X-Accel-Redirect to this internal location
# (which nginx maps to MEDIA_ROOT) instead of streaming the file through Python.
FILES_ACCEL_REDIRECT_PREFIX = env("FILES_ACCEL_REDIRECT_PREFIX", "")
# Upload limits, per kind of file (MB); the allowed types are in cppcc/uploads.py.
UPLOAD_MAX_MB = {
    "attachment": env_int("UPLOAD_MAX_MB_ATTACHMENT", 20),
    "reply": env_int("UPLOAD_MAX_MB_REPLY", 20),
    "import": env_int("UPLOAD_MAX_MB_IMPORT", 2),
}

REDIS_URL = env("REDIS_URL", "")
# Seconds to wait for Redis (cache and broker) before going on without it: an outage
# must cost a request a moment, never hang it.
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT_SECONDS", "2"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to "no cache" while Redis is down (cppcc/cache.py).
            "BACKEND": "cppcc.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Task modules outside an app's ``tasks.py`` (autodiscovery finds only those).
CELERY_IMPORTS = ["proposals.exports.tasks"]
# A publish that cannot reach the broker fails fast (cppcc.jobs keeps the work pending).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
_SWEEP_HOUR, _SWEEP_MINUTE = (int(x) for x in env("REMINDER_SWEEP_AT", "08:30").split(":"))
_PURGE_HOUR, _PURGE_MINUTE = (int(x) for x in env("RETENTION_PURGE_AT", "03:00").split(":"))
# Queues by kind of work, so each kind can have workers of its own, on other machines
# (``celery -A cppcc worker -Q exports``); the compose file's worker takes them all.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_QUEUES_BY_KIND = {
    "reminders": [
        "proposals.tasks.sweep_reminders",
        "proposals.tasks.close_expired_feedback_windows",
        "cppcc.tasks.purge_old_records",
    ],
    "delivery": [
        "proposals.tasks.email_notifications",
        "proposals.tasks.email_pending_notifications",
        "proposals.tasks.deliver_reminders",
        "proposals.tasks.deliver_due_reminders",
    ],
    "exports": [
        "proposals.exports.tasks.build_export",
        "proposals.exports.tasks.fail_stalled_exports",
    ],
    "indexing": ["proposals.tasks.train_text_model"],
}
# A worker started without -Q consumes every queue.
CELERY_TASK_QUEUES = [Queue(name) for name in (CELERY_TASK_DEFAULT_QUEUE, *CELERY_QUEUES_BY_KIND)]
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in CELERY_QUEUES_BY_KIND.items() for task in tasks
}
CELERY_BEAT_SCHEDULE = {
    # Record today's reminders (the sweep does nothing on a day off).
    "sweep-reminders": {
        "task": "proposals.tasks.sweep_reminders",
        "schedule": crontab(hour=_SWEEP_HOUR, minute=_SWEEP_MINUTE),
    },
    # Retry failed e-mail/SMS and deliver anything a crash left pending.
    "deliver-due-reminders": {
        "task": "proposals.tasks.deliver_due_reminders",
        "schedule": float(env_int("REMINDER_RETRY_SECONDS", 600)),
    },
    # Notification e-mails whose hand-over failed while the broker was down (those at
    # least EMAIL_RECOVERY_AFTER_SECONDS old: the first hand-over follows the commit).
    "email-pending-notifications": {
        "task": "proposals.tasks.email_pending_notifications",
        "schedule": float(env_int("REMINDER_RETRY_SECONDS", 600)),
    },
    "close-expired-feedback-windows": {
        "task": "proposals.tasks.close_expired_feedback_windows",
        "schedule": crontab(hour=1, minute=0),
    },
    "fail-stalled-exports": {
        "task": "proposals.exports.tasks.fail_stalled_exports",
        "schedule": 300.0,
    },
    # The text model (similar proposals, suggested units) relearns from the day's work.
    "train-text-model": {
        "task": "proposals.tasks.train_text_model",
        "schedule": crontab(hour=2, minute=30),
    },
    # Retention: old notifications, reminders, export files and login records (below).
    "purge-old-records": {
        "task": "cppcc.tasks.purge_old_records",
        "schedule": crontab(hour=_PURGE_HOUR, minute=_PURGE_MINUTE),
    },
}

# Reminders: overrides of proposals.reminders.policy.ReminderPolicy (see docs/reminders.md),
# and the SMS gateway (a class with send(phone, text); the default writes to the log).
REMINDER_POLICY: dict = {}
SMS_BACKEND = env("SMS_BACKEND", "proposals.reminders.sms.LoggingSMSBackend")

# Exports: lists up to this many rows download at once; larger ones (and compilations)
# are built by a Celery task that records its progress every EXPORT_CHUNK_SIZE rows.
EXPORT_INLINE_LIMIT = env_int("EXPORT_INLINE_LIMIT", 500)
EXPORT_CHUNK_SIZE = env_int("EXPORT_CHUNK_SIZE", 200)
# Export jobs and their files are deleted this many days later (a nightly beat task);
# one user may have this many queued or running at once.
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)
EXPORT_MAX_ACTIVE_PER_USER = env_int("EXPORT_MAX_ACTIVE_PER_USER", 3)
# A queued or running export with no progress for this long lost its worker: it is failed.
EXPORT_STALL_MINUTES = env_int("EXPORT_STALL_MINUTES", 30)

# Retention (cppcc/retention.py, docs/operations.md): each night at RETENTION_PURGE_AT
# what is older than this many days is deleted (0: kept for ever). The audit trail, the
# proposals and everything that belongs to them are never purged.
RETENTION_DAYS = {
    "notifications": keep_days("KEEP_NOTIFICATIONS_DAYS", 365),
    "reminders": keep_days("KEEP_REMINDERS_DAYS", 730, minimum=30),
    "login_records": keep_days("KEEP_LOGIN_RECORDS_DAYS", 180),
}

EMAIL_RECOVERY_AFTER_SECONDS = env_int("EMAIL_RECOVERY_AFTER_SECONDS", 120)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST", "")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "") or None  # with the file-based EMAIL_BACKEND
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "提案系统 <noreply@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "members.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cppcc.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "cppcc.api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cppcc.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env("LOGIN_THROTTLE_RATE", "10/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Behind a reverse proxy, how many proxies' X-Forwarded-For entries to trust when
    # throttling logins by client address (unset: use the socket's address).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0) or None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "政协提案工作系统 API · CPPCC proposal system API",
    "DESCRIPTION": (
        "提案全流程接口：提交、审查、立案、交办、答复、督办、反馈。\n\n"
        "The whole proposal lifecycle over HTTP: submit, review, file, assign, reply, "
        "supervise, feedback. Authenticate with `POST /api/v1/auth/token/` and send "
        "`Authorization: Token <token>`. Errors are JSON: `detail`, `code` and, for bad "
        "input, `errors` by field; 409 means the action is not possible in the current "
        "state, 412 that the proposal changed since you read it (send `If-Match`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStateEnum": "proposals.choices.State",
        "AssignmentStatusEnum": "proposals.choices.AssignmentStatus",
        "SatisfactionEnum": "proposals.choices.Satisfaction",
        "ProposalKindEnum": "proposals.choices.Kind",
        "CommunicationKindEnum": "proposals.choices.CommunicationKind",
        "DeadlineKindEnum": "proposals.choices.DeadlineKind",
        "UnitRoleEnum": "proposals.choices.UnitRole",
    },
}

# HTTPS. Set HTTPS=1 where users reach the site over https (directly or through a proxy);
# BEHIND_PROXY=1 when a reverse proxy terminates TLS and sends X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 60 * 60)  # .env.example: a working day
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every answer: scripts only from this site (no inline
# script anywhere), nothing loaded from another origin.
CONTENT_SECURITY_POLICY = content_security_policy()

# Login protection (django-axes) on every login door: the HTML login, the admin login and
# the API token. A username is locked after LOGIN_FAILURE_LIMIT failures from anywhere,
# an address after LOGIN_ADDRESS_FAILURE_LIMIT failures for any usernames (an office
# behind one NAT address shares it, so it is higher); only failures count. Both cool off
# after LOGIN_COOLOFF_MINUTES; staff unlock from the admin (访问尝试 / Access attempts).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_HANDLER = "members.lockout.LoginFailureHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_CALLABLE = "members.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a right password must not wipe an attacker's record
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are Django's last_login, not ours
AXES_VERBOSE = False
# Behind NUM_PROXIES proxies the client address is the one they add to X-Forwarded-For
# (the same rule as the API's login throttle); with none, the socket's address.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "cppcc.clients.client_address"

# API tokens expire after this many days without use (401 with a clear message).
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# SQLite (the demo database) cannot enforce "NULLS NOT DISTINCT" nor keep covering
# columns in an index (the text model's); PostgreSQL does both.
SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
