"""pracharat settings, read from the environment (see README "Configuration").

SQLite under ``var/`` is the embedded default; ``DATABASE_URL`` switches to PostgreSQL.
``PRACHARAT_PRODUCTION=1`` turns on every deployment safeguard so that
``pracharat check --deploy`` is clean.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pracharat.core.lib.clientip import parse_networks
from pracharat.core.lib.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    read_or_create_secret,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("PRACHARAT_VAR_DIR", str(BASE_DIR.parent / "var")))

PRODUCTION = env_bool("PRACHARAT_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG must be off when PRACHARAT_PRODUCTION is on")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    # Embedded default: a random key made once and kept under var/, so sessions survive
    # restarts and no key is ever committed.
    SECRET_KEY = read_or_create_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- The platform's apps: the one list -------------------------------------------------------
# Adding an app is one line here (docs/architecture.md, "Adding an app"): INSTALLED_APPS, its
# pages (its urls.py at /<name>/), its API (its api.py ``router`` at /api/v1/<name>/), its
# top-navigation links (``AppConfig.nav``) and `make messages` all follow from this list.
PRACHARAT_APPS = [
    "geo",
    "accounts",
    "network",
    "market",
    "learning",
    "volunteers",
    "oversight",
    "home",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs page's assets locally (no CDN)
    "axes",
    "auditlog",
    "pracharat.core",
    *(f"pracharat.{name}" for name in PRACHARAT_APPS),
]

MIDDLEWARE = [
    "pracharat.core.health.MetricsMiddleware",
    "pracharat.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pracharat.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pracharat.core.middleware.ThaiFirstLocaleMiddleware",
    "pracharat.core.middleware.RequestBodyLimitMiddleware",
    "pracharat.core.middleware.NulByteMiddleware",
    "pracharat.core.middleware.HeadAsGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pracharat.core.audit.PrivateAuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pracharat.urls"
WSGI_APPLICATION = "pracharat.wsgi.application"

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
                "django.template.context_processors.i18n",
                "pracharat.core.context_processors.pillar_nav",
            ],
            "builtins": ["pracharat.core.templatetags.thai"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "pracharat.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # However SQLite is configured (the default or a sqlite:/// URL): WAL lets readers run while
    # one writer commits; IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy
    # timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache every worker shares: Redis when configured, else files under var/ (the embedded
# default runs several gunicorn workers; a per-process cache would let them disagree).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, culled at most every 10 s, the expired and nearest to
            # expiring first (core.filecache); room for the market's parts (~3 per product
            # read) at 10,000 products
            "BACKEND": "pracharat.core.filecache.FileCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Keys of this site in a Redis shared with others (e.g. "pracharat:").
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX")
CACHES["default"]["KEY_PREFIX"] = CACHE_KEY_PREFIX
# Where core.limits counts: "cache" (Redis: INCR is atomic across every worker and host) or
# "database" (an atomic upsert; the embedded default, whose file cache cannot count atomically).
RATE_LIMIT_STORE = env_str("RATE_LIMIT_STORE", "cache" if REDIS_URL else "database")
if RATE_LIMIT_STORE not in ("cache", "database"):
    raise ConfigError(f"RATE_LIMIT_STORE={RATE_LIMIT_STORE!r}: use cache or database")
if RATE_LIMIT_STORE == "cache" and not REDIS_URL:
    raise ConfigError("RATE_LIMIT_STORE=cache needs REDIS_URL (the file cache is not atomic)")

# --- Requests --------------------------------------------------------------------------------
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# without it every client would have the proxy's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as exc:
    raise ConfigError(f"TRUSTED_PROXIES: {exc}") from exc
# The largest request body the site reads (photos are at most 10 MB before they are re-encoded).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_MB", 12) * 1024 * 1024
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)

# --- Accounts and security -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pracharat.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home:index"

# django-axes: lock an account+IP pair out for 15 minutes after 5 failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "pracharat.accounts.backends.login_key"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "pracharat.core.middleware.client_ip"
# Successful logins are not logged with their address (personal data the platform needs not).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

AUDITLOG_INCLUDE_ALL_MODELS = False

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer's probes and Prometheus talk plain HTTP to the workers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "pracharat_language"
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pracharat <no-reply@pracharat.local>")
# The SMTP relay when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")  # or EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Notifications (core.notifications): e-mail through EMAIL_BACKEND and LINE Messaging API push.
# No LINE token: LINE messages are logged as skipped and e-mails still go.
NOTIFICATIONS_ENABLED = env_bool("NOTIFICATIONS_ENABLED", True)
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN")
LINE_API_URL = env_str("LINE_API_URL", "https://api.line.me")
LINE_TIMEOUT_SECONDS = env_int("LINE_TIMEOUT_SECONDS", 10)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
# network.notifications.escalate_incident_slas: warn the provincial officers this long before
# an incident's SLA deadline (and again once it has passed).
NETWORK_SLA_WARNING_MINUTES = env_int("NETWORK_SLA_WARNING_MINUTES", 120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # core.pdf: WeasyPrint logs every layout step at INFO
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Ninja: one error shape for every 4xx (see pracharat.api).
NINJA_PAGINATION_PER_PAGE = 50
CSRF_FAILURE_VIEW = "pracharat.core.views.csrf_failure"
AXES_VERBOSE = False

# --- Network: public fault reports and the outage monitor (read at call time) -------------


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ConfigError(f"{name}={value} must be at least 1")
    return value


# Public reports one client may send per hour about one point and in all, and how many one
# point takes from everyone in an hour (counted on core.limits).
NETWORK_REPORTS_PER_POINT_PER_CLIENT = _positive("NETWORK_REPORTS_PER_POINT_PER_CLIENT", 3)
NETWORK_REPORTS_PER_CLIENT = _positive("NETWORK_REPORTS_PER_CLIENT", 10)
NETWORK_REPORTS_PER_POINT = _positive("NETWORK_REPORTS_PER_POINT", 30)
# Hours the provider has to fix a point after a public report / after an outage is detected.
NETWORK_REPORT_SLA_HOURS = _positive("NETWORK_REPORT_SLA_HOURS", 24)
NETWORK_OUTAGE_SLA_HOURS = _positive("NETWORK_OUTAGE_SLA_HOURS", 24)
# Silence after which a point is dark: with heartbeats (minutes), from accounting only (hours).
NETWORK_HEARTBEAT_MINUTES = _positive("NETWORK_HEARTBEAT_MINUTES", 15)
NETWORK_SILENCE_HOURS = _positive("NETWORK_SILENCE_HOURS", 24)

# Accounting retention (network.retention): sessions older than this many days are deleted
# in batches by the periodic job; the daily and monthly rollups are kept for ever. The
# Computer-Related Crime Act asks for at least 90 days of traffic data: less is refused.
ACCOUNTING_RETENTION_DAYS = env_int("ACCOUNTING_RETENTION_DAYS", 180)
if ACCOUNTING_RETENTION_DAYS < 90:
    raise ConfigError(
        f"ACCOUNTING_RETENTION_DAYS={ACCOUNTING_RETENTION_DAYS}: the law asks for at least 90 days"
    )
ACCOUNTING_PURGE_BATCH = _positive("ACCOUNTING_PURGE_BATCH", 10_000)  # rows per transaction

# --- Market: the payment provider's webhook and Thailand Post Track & Trace ---------------
# Secrets also take a *_FILE variant (core.lib.env). Read at call time by market.
MARKET_PAYMENT_WEBHOOK_SECRET = env_str("MARKET_PAYMENT_WEBHOOK_SECRET")
THAILANDPOST_API_URL = env_str("THAILANDPOST_API_URL", "https://trackapi.thailandpost.co.th")
THAILANDPOST_API_KEY = env_str("THAILANDPOST_API_KEY")
THAILANDPOST_TIMEOUT = _positive("THAILANDPOST_TIMEOUT", 20)
# Seconds between two Track & Trace polls (a periodic job; Thailand Post rate-limits: >= 60).
THAILANDPOST_POLL_SECONDS = _positive("THAILANDPOST_POLL_SECONDS", 1800)
if THAILANDPOST_POLL_SECONDS < 60:
    raise ConfigError("THAILANDPOST_POLL_SECONDS must be at least 60 (Thailand Post rate-limits)")
THAILANDPOST_WEBHOOK_TOKEN = env_str("THAILANDPOST_WEBHOOK_TOKEN")
# Unpaid orders: checkouts one buyer phone / one client may make per window (core.limits), how
# often the expiry job runs, and how long before its deadline the group hears of an unpaid order.
MARKET_CHECKOUTS_PER_PHONE = _positive("MARKET_CHECKOUTS_PER_PHONE", 5)
MARKET_CHECKOUTS_PER_CLIENT = _positive("MARKET_CHECKOUTS_PER_CLIENT", 20)
MARKET_CHECKOUT_WINDOW_SECONDS = _positive("MARKET_CHECKOUT_WINDOW_SECONDS", 3600)
MARKET_EXPIRE_EVERY_SECONDS = _positive("MARKET_EXPIRE_EVERY_SECONDS", 300)
MARKET_EXPIRY_WARNING_MINUTES = _positive("MARKET_EXPIRY_WARNING_MINUTES", 120)

# --- Core: PDPA key and the demo's live traffic ----------------------------------------------
# The key of every pseudonym (core.privacy); empty: derived from SECRET_KEY.
PDPA_HASH_KEY = env_str("PDPA_HASH_KEY")
# `make run`: the demo's points also send live RADIUS traffic to the listener.
PRACHARAT_DEMO_TRAFFIC = env_bool("PRACHARAT_DEMO_TRAFFIC", False)

# --- Private uploads ---
# Fault-report photos and transfer slips: outside MEDIA_ROOT, no URL, served only by views that
# check who asks (pracharat.core.storage).
STORAGES["private"] = {
    "BACKEND": "pracharat.core.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))},
}
# --- Tables: CSV/XLSX imports (pracharat.core.tables) ---
# The largest file an import page takes (point and product uploads).
TABLE_UPLOAD_MAX_MB = env_int("TABLE_UPLOAD_MAX_MB", 5)
# --- Privacy: audit log without personal data, retention of personal data -----------------
# (docs/privacy.md). The audit log's middleware (pracharat.core.audit) keeps the client address
# only as a keyed hash and the actor as a link, never a copy of the email.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_MASK_CALLABLE = "pracharat.core.audit.redact"


# How long personal data is kept; `pracharat purge_personal_data` removes what is older.
PRIVACY_ORDER_DAYS = _positive("PRIVACY_ORDER_DAYS", 365)
PRIVACY_SLIP_DAYS = _positive("PRIVACY_SLIP_DAYS", 90)
PRIVACY_REPORT_CONTACT_DAYS = _positive("PRIVACY_REPORT_CONTACT_DAYS", 30)
PRIVACY_REPORT_IP_HASH_DAYS = _positive("PRIVACY_REPORT_IP_HASH_DAYS", 7)
PRIVACY_LOGIN_RECORD_DAYS = _positive("PRIVACY_LOGIN_RECORD_DAYS", 90)
PRIVACY_AUDIT_LOG_DAYS = _positive("PRIVACY_AUDIT_LOG_DAYS", 730)
PRIVACY_NOTIFICATION_LOG_DAYS = _positive("PRIVACY_NOTIFICATION_LOG_DAYS", 180)

# --- Background work (pracharat.core.jobs; docs/architecture.md "Background work") ----------
# Django's Tasks API through the django-tasks backport. The ORM queue (django-tasks-db) in the
# embedded default; RQ on Redis (django-tasks-rq) when TASKS_REDIS_URL (default REDIS_URL) is
# set. `pracharat worker` runs the engine configured here; `pracharat serve` runs one.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASK_QUEUES = ["default"]
# Its own URL so the queue can live where nothing evicts it (a cache may be allkeys-lru).
TASKS_REDIS_URL = env_str("TASKS_REDIS_URL", REDIS_URL)
if TASKS_REDIS_URL:
    INSTALLED_APPS += ["django_rq"]  # its dashboard in the admin: queues, failed jobs
    RQ_QUEUES = {name: {"URL": TASKS_REDIS_URL} for name in TASK_QUEUES}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}


# Periodic jobs, declared here and nowhere else: name -> (function, every N seconds). Each
# runs once per interval however many workers run (pracharat.core.jobs.tick).
PERIODIC_JOBS = {
    "network.rollups": (
        "pracharat.network.rollups.rollup_pending",
        _positive("ROLLUP_EVERY_SECONDS", 60),
    ),
    "network.health": (
        "pracharat.network.health.check_points",
        _positive("HEALTH_CHECK_EVERY_SECONDS", 60),
    ),
    # An incident's SLA about to be missed, or missed: escalated to the provincial officers.
    "network.incident_slas": (
        "pracharat.network.notifications.escalate_incident_slas",
        _positive("SLA_CHECK_EVERY_SECONDS", 300),
    ),
    # Shipped parcels asked of Thailand Post Track & Trace (only with THAILANDPOST_API_KEY).
    "market.thaipost": ("pracharat.market.thaipost.poll_if_configured", THAILANDPOST_POLL_SECONDS),
    # Unpaid orders past their deadline expire and their stock is back on sale.
    "market.expire_orders": ("pracharat.market.actions.expire_orders", MARKET_EXPIRE_EVERY_SECONDS),
    # Accounting sessions past ACCOUNTING_RETENTION_DAYS go (rollups stay): on PostgreSQL whole
    # monthly partitions dropped and the coming months' made ahead; else batched DELETEs.
    "network.accounting_retention": (
        "pracharat.network.partitions.maintain",
        _positive("ACCOUNTING_PURGE_EVERY_SECONDS", 86_400),
    ),
    # Notifications whose send task was lost (a crash between commit and enqueue): sent again.
    "core.notifications_requeue": (
        "pracharat.core.notifications.requeue_stale",
        _positive("NOTIFICATION_REQUEUE_EVERY_SECONDS", 300),
    ),
    # Heartbeat rows of processes gone for a day deleted (core.heartbeat.forget_stale).
    "core.heartbeat_forget": ("pracharat.core.heartbeat.forget_stale", 3600),
}

# --- `pracharat serve` and the RADIUS listener ----------------------------------------------
PRACHARAT_BIND = env_str("PRACHARAT_BIND", "127.0.0.1:8000")  # where the web app listens
WEB_WORKERS = env_int("WEB_WORKERS", 2)  # gunicorn worker processes
WEB_THREADS = env_int("WEB_THREADS", 4)  # threads in each
# deploy/gunicorn.conf.py (production web processes): seconds before a stuck request's worker
# is restarted, seconds a stopping worker may finish its requests, requests after which a
# worker is recycled (0: never), and whether each request is logged.
WEB_TIMEOUT = _positive("WEB_TIMEOUT", 60)
WEB_GRACEFUL_TIMEOUT = _positive("WEB_GRACEFUL_TIMEOUT", 20)
WEB_MAX_REQUESTS = env_int("WEB_MAX_REQUESTS", 2000)
WEB_ACCESS_LOG = env_bool("WEB_ACCESS_LOG", True)
RADIUS_BIND = env_str("RADIUS_BIND", "127.0.0.1:1813")  # host:port of `pracharat radius`
# `pracharat radius` processes sharing that port (SO_REUSEPORT, under one supervisor); 1: the
# listener is the process itself. docs/network.md has the measured figures for more.
RADIUS_PROCESSES = _positive("RADIUS_PROCESSES", 1)

# --- Production health and metrics (pracharat.core.health, core.heartbeat; docs/deploy.md) ---
# Listeners and workers write a heartbeat row this often; one older than the stale window is
# a process that is gone.
HEARTBEAT_SECONDS = _positive("HEARTBEAT_SECONDS", 10)
HEARTBEAT_STALE_SECONDS = _positive("HEARTBEAT_STALE_SECONDS", 3 * HEARTBEAT_SECONDS)
# prometheus_client's own variable (it reads it too): the directory where gunicorn's workers
# keep their counters, so /metrics adds them up (deploy/gunicorn.conf.py empties it at start).
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
# /readyz fails below this many beating RADIUS listeners (0: do not require any).
READY_MIN_LISTENERS = env_int("READY_MIN_LISTENERS", 1)
# /metrics: a bearer token (METRICS_TOKEN_FILE too), or a client address in these networks.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
try:
    parse_networks(METRICS_ALLOWED_NETWORKS)
except ValueError as exc:
    raise ConfigError(f"METRICS_ALLOWED_NETWORKS: {exc}") from exc

# --- learning (check-in codes, registration limits, learners' retention; the platform's
# signing key for the certificates) ---
# The trainer's QR code and short code change every LEARNING_CHECKIN_STEP seconds; an old one
# is still accepted for LEARNING_CHECKIN_GRACE seconds after its step ended, then refused.
LEARNING_CHECKIN_STEP = _positive("LEARNING_CHECKIN_STEP", 30)
LEARNING_CHECKIN_GRACE = env_int("LEARNING_CHECKIN_GRACE", 10)
# A self check-in this many minutes after a session started is recorded as late.
LEARNING_LATE_AFTER_MINUTES = env_int("LEARNING_LATE_AFTER_MINUTES", 15)
# Public registrations per client address per hour; check-in attempts per client per 10 min
# (a whole class may share the village Wi-Fi's one address).
LEARNING_REGISTRATIONS_PER_CLIENT = _positive("LEARNING_REGISTRATIONS_PER_CLIENT", 60)
LEARNING_CHECKINS_PER_CLIENT = _positive("LEARNING_CHECKINS_PER_CLIENT", 300)
# A learner none of whose classes met in this many days is erased (counts stay).
LEARNING_LEARNER_RETENTION_DAYS = _positive("LEARNING_LEARNER_RETENTION_DAYS", 3 * 365)
# The platform's Ed25519 private key (PKCS#8 PEM) that signs the certificates' Open Badges
# credentials (pracharat.core.keys); PLATFORM_SIGNING_KEY_FILE names a file holding it. Its
# public half is served at /.well-known/jwks.json and /.well-known/did.json. Required in
# production; elsewhere a key is made once into var/platform_signing_key.pem and kept.
PLATFORM_SIGNING_KEY = env_str("PLATFORM_SIGNING_KEY")
if PRODUCTION and not PLATFORM_SIGNING_KEY:
    raise ConfigError(
        "PLATFORM_SIGNING_KEY (or PLATFORM_SIGNING_KEY_FILE) is required in production: "
        "make one with `pracharat signing_key`"
    )

# --- oversight (follow-up reminders, escalation, evidence files) ---
# Days before an action's due date its owner agency is reminded (once per due date).
OVERSIGHT_REMINDER_DAYS = _positive("OVERSIGHT_REMINDER_DAYS", 7)
# Largest evidence file an agency may attach to an update, and files per update.
OVERSIGHT_EVIDENCE_MAX_MB = _positive("OVERSIGHT_EVIDENCE_MAX_MB", 10)
OVERSIGHT_EVIDENCE_PER_UPDATE = _positive("OVERSIGHT_EVIDENCE_PER_UPDATE", 5)
# The worth review's public open data is cached (shared by every worker) at most this long;
# any rollup run starts a new answer sooner.
OVERSIGHT_WORTH_OPEN_MAX_AGE = _positive("OVERSIGHT_WORTH_OPEN_MAX_AGE", 6 * 3600)
OVERSIGHT_WORTH_REVIEW_MAX_AGE = _positive("OVERSIGHT_WORTH_REVIEW_MAX_AGE", 15 * 60)
# Reminders before the due date and escalation of overdue actions (idempotent: once per
# action, due date and stage).
PERIODIC_JOBS["oversight.action_followup"] = (
    "pracharat.oversight.notifications.follow_up_actions",
    _positive("OVERSIGHT_FOLLOWUP_EVERY_SECONDS", 3600),
)

# --- oversight reports (the visit report's memo heading) ------------------------------------
# The visit report is an official memo (บันทึกข้อความ): who writes it (ส่วนราชการ), the prefix of
# its reference number (ที่: prefix, visit number / BE year) and to whom it goes (เรียน).
OVERSIGHT_REPORT_OFFICE = "สำนักงานปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม (ผู้ตรวจราชการกระทรวง)"
OVERSIGHT_REPORT_REFERENCE = "ดศ"
OVERSIGHT_REPORT_ADDRESSEE = "ปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม"
