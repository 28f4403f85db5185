"""Settings for every node role and zone, read from the environment (see docs/operations.md).

Development defaults are safe to run on a laptop; with BDCDJ_ENV=production the process
refuses to start while any development secret is still in place.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bdcdj.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BDCDJ_VAR_DIR", str(BASE_DIR / "var")))

BDCDJ_ENV = env_str("BDCDJ_ENV", "development")  # development | test | production
if BDCDJ_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("BDCDJ_ENV must be development, test or production")
PRODUCTION = BDCDJ_ENV == "production"

DEV_SECRET_KEY = "dev-insecure-bdcdj-secret-key-do-not-use-in-production-0000"
# 16-byte SM4 key as 32 hex chars. Development only; production must set its own.
DEV_PII_KEY = "00112233445566778899aabbccddeeff"

SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
BDCDJ_PII_KEY = env_str("BDCDJ_PII_KEY", DEV_PII_KEY)
# Key of the HMAC-SM3 blind index; derived from the PII key when not given.
BDCDJ_INDEX_KEY = env_str("BDCDJ_INDEX_KEY", "")

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured("生产环境必须设置 DJANGO_SECRET_KEY，不能使用开发密钥")
    if BDCDJ_PII_KEY == DEV_PII_KEY:
        raise ImproperlyConfigured("生产环境必须设置 BDCDJ_PII_KEY，不能使用开发密钥")
try:
    if len(bytes.fromhex(BDCDJ_PII_KEY)) != 16:
        raise ValueError
except ValueError as exc:
    raise ImproperlyConfigured("BDCDJ_PII_KEY must be 32 hex characters (a 16-byte SM4 key)") from exc

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Node of the four-level network (ARCHITECTURE §1).
BDCDJ_NODE_ROLE = env_str("BDCDJ_NODE_ROLE", "county")  # county | city | province | national
if BDCDJ_NODE_ROLE not in {"county", "city", "province", "national"}:
    raise ImproperlyConfigured("BDCDJ_NODE_ROLE must be county, city, province or national")
BDCDJ_REGION_CODE = env_str("BDCDJ_REGION_CODE", "340121")
BDCDJ_UPSTREAM_URL = env_str("BDCDJ_UPSTREAM_URL", "")
# relay: how often to pull the 补报 list and rejections from above
BDCDJ_UPSTREAM_PULL_SECONDS = env_int("BDCDJ_UPSTREAM_PULL_SECONDS", 60)
# scheduler: how often a signed tree head of the transparency log is published (docs/ledger.md)
BDCDJ_LEDGER_PUBLISH_SECONDS = env_int("BDCDJ_LEDGER_PUBLISH_SECONDS", 300)
BDCDJ_ZONE = env_str("BDCDJ_ZONE", "all")  # internet | extranet | intranet | all
# Access messages (docs/exchange.md): RecType scheme, this node's SM2 signing key (hex private
# key; the development key below is public and refused in production) and the bearer token this
# node presents upstream.
BDCDJ_RECTYPE_SCHEME = env_str("BDCDJ_RECTYPE_SCHEME", "revised")  # revised | 2015
if BDCDJ_RECTYPE_SCHEME not in {"revised", "2015"}:
    raise ImproperlyConfigured("BDCDJ_RECTYPE_SCHEME must be revised or 2015")
DEV_NODE_SM2_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
BDCDJ_NODE_SM2_KEY = env_str("BDCDJ_NODE_SM2_KEY", DEV_NODE_SM2_KEY)
DEV_NODE_TOKEN = "dev-node-token-do-not-use-in-production"
BDCDJ_NODE_TOKEN = env_str("BDCDJ_NODE_TOKEN", DEV_NODE_TOKEN)
if PRODUCTION:
    if BDCDJ_NODE_SM2_KEY == DEV_NODE_SM2_KEY:
        raise ImproperlyConfigured("生产环境必须设置 BDCDJ_NODE_SM2_KEY，不能使用开发密钥")
    if BDCDJ_NODE_TOKEN == DEV_NODE_TOKEN:
        raise ImproperlyConfigured("生产环境必须设置 BDCDJ_NODE_TOKEN，不能使用开发令牌")
# Information sharing with departments (docs/sharing.md): master of the HMAC-SM3 keys shared per
# department (BDCDJ_SHARING_KEY_<REF> overrides one); the department simulator started by `serve`.
DEV_SHARING_KEY = "73686172696e672d6465762d6b657921"
BDCDJ_SHARING_KEY = env_str("BDCDJ_SHARING_KEY", DEV_SHARING_KEY)
if PRODUCTION and BDCDJ_SHARING_KEY == DEV_SHARING_KEY:
    raise ImproperlyConfigured("生产环境必须设置 BDCDJ_SHARING_KEY，不能使用开发密钥")
BDCDJ_SHARING_SIMULATOR = env_bool("BDCDJ_SHARING_SIMULATOR", BDCDJ_ENV == "development")
BDCDJ_SHARING_SIMULATOR_URL = env_str("BDCDJ_SHARING_SIMULATOR_URL", "http://127.0.0.1:8201")
try:
    if len(bytes.fromhex(BDCDJ_NODE_SM2_KEY)) != 32:
        raise ValueError
except ValueError as exc:
    raise ImproperlyConfigured("BDCDJ_NODE_SM2_KEY must be 64 hex characters (an SM2 private key)") from exc
# Precise query (docs/precise.md): the national node that issues tasks — its region code, its
# API base URL (results and the pull fallback go there) and its SM2 public key (hex, "04" ‖ x ‖ y).
BDCDJ_PRECISE_NATIONAL_REGION = env_str("BDCDJ_PRECISE_NATIONAL_REGION", "100000")
BDCDJ_PRECISE_NATIONAL_URL = env_str("BDCDJ_PRECISE_NATIONAL_URL", "")
BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY = env_str("BDCDJ_PRECISE_NATIONAL_PUBLIC_KEY", "")
# Projected CRS of parcel shapes (地籍图): CGCS2000 3-degree Gauss-Kruger, CM 117E for 长丰县.
BDCDJ_CADASTRE_EPSG = env_int("BDCDJ_CADASTRE_EPSG", 4548)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "bdcdj.core",  # before django_tasks_db: its db_worker command reconnects (core/management)
    "django_tasks",
    "django_tasks_db",
    "bdcdj.standards",
    "bdcdj.accounts",
    "bdcdj.register",
    "bdcdj.quality",
    "bdcdj.cases",
    "bdcdj.hub",
    "bdcdj.reconcile",
    "bdcdj.ferry",
    "bdcdj.huijiao",
    "bdcdj.monitor",
    "bdcdj.exchange",
    "bdcdj.stock",
    "bdcdj.certs",
    "bdcdj.query",
    "bdcdj.portal",
    "bdcdj.channel",
    "bdcdj.payments",
    "bdcdj.precise",
    "bdcdj.console",
    "bdcdj.sharing",
    "bdcdj.demo",
    "bdcdj.cadastre",
    "bdcdj.ops",
    "bdcdj.stats",
    "bdcdj.supervision",
    "bdcdj.ledger",
    "bdcdj.recognition",
]

MIDDLEWARE = [
    "bdcdj.ops.middleware.OpsMiddleware",  # request id, metrics, storage full → 507 (docs/operations.md)
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
    "bdcdj.accounts.middleware.SecurityHeadersMiddleware",
    "bdcdj.accounts.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "bdcdj.urls"
WSGI_APPLICATION = "bdcdj.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bdcdj" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bdcdj.console.context.node",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bdcdj.sqlite3'}")
# Health checks: a persistent connection killed by the server (restart, failover, idle timeout)
# is noticed and reopened at the next request or worker loop instead of failing it.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL for concurrent readers; IMMEDIATE so a writer takes the lock up front and two writers
    # queue instead of failing on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Every login path (console and admin) counts failures and honours the lockout.
AUTHENTICATION_BACKENDS = ["bdcdj.accounts.backends.LockoutBackend"]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bdcdj.accounts.passwords.CharacterClassValidator"},
]
# Login lockout (等保: 登录失败处理).
BDCDJ_LOGIN_MAX_FAILURES = env_int("BDCDJ_LOGIN_MAX_FAILURES", 5)
BDCDJ_LOGIN_LOCK_MINUTES = env_int("BDCDJ_LOGIN_LOCK_MINUTES", 15)
# Citizen portal (docs/portal.md): SMS sender (dotted path; the development sender writes to the
# 短信发件箱 table) and the face-check implementation.
BDCDJ_PORTAL_SMS_SENDER = env_str("BDCDJ_PORTAL_SMS_SENDER", "bdcdj.portal.sms.OutboxSender")
BDCDJ_PORTAL_FACE_CHECKER = env_str("BDCDJ_PORTAL_FACE_CHECKER", "bdcdj.portal.face.SharingFaceChecker")

SESSION_COOKIE_AGE = env_int("BDCDJ_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not absolute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_HSTS_SECONDS = env_int("BDCDJ_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "bdcdj" / "static"]
STORAGES = {
    "default": {"BACKEND": "bdcdj.ops.storage.GuardedFileSystemStorage"},  # ENOSPC → 507, no partial file
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; never served directly
for _dir in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    _dir.mkdir(parents=True, exist_ok=True)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("BDCDJ_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
# 汇交 packages (docs/huijiao.md): the largest package an upper node accepts.
BDCDJ_HUIJIAO_MAX_PACKAGE_BYTES = env_int("BDCDJ_HUIJIAO_MAX_PACKAGE_BYTES", 1024 * 1024 * 1024)

# E-certificates and queries (docs/certs.md, docs/query.md): where signed PDFs (SM4-encrypted)
# and the node's signing identity live, an optional operator-supplied key/certificate (PEM
# paths), the public base URL printed in QR codes, the public pages' rate limit
# ("requests/seconds" per client address) and the couriers' webhook keys ("CODE=hex,…").
BDCDJ_CERTS_DIR = Path(env_str("BDCDJ_CERTS_DIR", str(VAR_DIR / "certs")))
BDCDJ_CERTS_SIGNING_KEY = env_str("BDCDJ_CERTS_SIGNING_KEY", "")
BDCDJ_CERTS_SIGNING_CERT = env_str("BDCDJ_CERTS_SIGNING_CERT", "")
BDCDJ_PUBLIC_URL = env_str("BDCDJ_PUBLIC_URL", "")
BDCDJ_PUBLIC_RATE_LIMIT = env_str("BDCDJ_PUBLIC_RATE_LIMIT", "30/60")
DEV_COURIER_KEYS = "EMS=00112233445566778899aabbccddeeff"  # development only
BDCDJ_COURIER_KEYS = env_str("BDCDJ_COURIER_KEYS", "" if PRODUCTION else DEV_COURIER_KEYS)

# Institution channel and payments (docs/channel.md, docs/payments.md): items per batch request,
# the payment provider (simulator: `python -m bdcdj.payments.simulator`), its address, our merchant
# id and the shared HMAC-SM3 key that signs requests and callbacks (development key refused in
# production), and how long a signed callback stays acceptable.
BDCDJ_CHANNEL_BATCH_MAX = env_int("BDCDJ_CHANNEL_BATCH_MAX", 50)
BDCDJ_PAYMENT_PROVIDER = env_str("BDCDJ_PAYMENT_PROVIDER", "simulator")
BDCDJ_PAYMENT_URL = env_str("BDCDJ_PAYMENT_URL", "http://127.0.0.1:8202")
# `manage.py serve` starts the provider simulator at BDCDJ_PAYMENT_URL (development only by default).
BDCDJ_PAYMENT_SIMULATOR = env_bool("BDCDJ_PAYMENT_SIMULATOR", BDCDJ_ENV == "development")
BDCDJ_PAYMENT_MERCHANT = env_str("BDCDJ_PAYMENT_MERCHANT", "BDCDJ-340121")
DEV_PAYMENT_SECRET = "dev-payment-secret-do-not-use-in-production"
BDCDJ_PAYMENT_SECRET = env_str("BDCDJ_PAYMENT_SECRET", DEV_PAYMENT_SECRET)
BDCDJ_PAYMENT_CALLBACK_WINDOW = env_int("BDCDJ_PAYMENT_CALLBACK_WINDOW", 300)
if PRODUCTION and BDCDJ_PAYMENT_SECRET == DEV_PAYMENT_SECRET:
    raise ImproperlyConfigured("生产环境必须设置 BDCDJ_PAYMENT_SECRET，不能使用开发密钥")

# Operations (docs/operations.md): log format (plain | json; secrets and personal data redacted),
# readiness thresholds, the /metrics guard (bearer token, else client address list) and log retention.
from bdcdj.ops.logs import logging_config  # noqa: E402

BDCDJ_LOG_FORMAT = env_str("BDCDJ_LOG_FORMAT", "plain")
LOGGING = logging_config(fmt=BDCDJ_LOG_FORMAT, level=env_str("BDCDJ_LOG_LEVEL", "INFO"))
BDCDJ_HEARTBEAT_SECONDS = env_int("BDCDJ_HEARTBEAT_SECONDS", 30)
BDCDJ_READY_HEARTBEATS = env_list(
    "BDCDJ_READY_HEARTBEATS", ["worker", "relay"] if BDCDJ_UPSTREAM_URL else ["worker"]
)
BDCDJ_READY_HEARTBEAT_MAX_AGE = env_int("BDCDJ_READY_HEARTBEAT_MAX_AGE", 120)
BDCDJ_READY_MIN_FREE_MB = env_int("BDCDJ_READY_MIN_FREE_MB", 1024 if PRODUCTION else 100)
BDCDJ_METRICS_TOKEN = env_str("BDCDJ_METRICS_TOKEN", "")
BDCDJ_METRICS_ALLOW = env_list("BDCDJ_METRICS_ALLOW", ["127.0.0.1", "::1"])
BDCDJ_TRUSTED_PROXIES = env_list("BDCDJ_TRUSTED_PROXIES", [])  # e.g. 127.0.0.1 behind nginx
BDCDJ_LOG_RETENTION_DAYS = max(366, env_int("BDCDJ_LOG_RETENTION_DAYS", 366))
BDCDJ_ARCHIVE_DIR = Path(env_str("BDCDJ_ARCHIVE_DIR", str(VAR_DIR / "archive")))
