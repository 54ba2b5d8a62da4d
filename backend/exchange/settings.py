"""Django settings, read from environment variables (12-factor).

Every setting has an embedded default that needs no server: SQLite, a filesystem
Celery broker, filesystem object storage and the embedded search backend, all under
DATA_DIR. Production sets DATABASE_URL, CELERY_BROKER_URL, STORAGE_BACKEND=s3 and
ELASTICSEARCH_URL (see docker-compose.yml).
"""

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Created when Django starts (backend.common.apps), never when settings are imported.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var")).resolve()

DEBUG = env_bool("DEBUG", False)


def embedded_secret_key(data_dir: Path) -> str:
    """The embedded run's signing key: random, made once and kept in DATA_DIR (mode 0600), so
    signed URLs survive restarts and no two installations share a key. The one file settings
    may create; images and compose set SECRET_KEY instead (EXCHANGE_REQUIRE_SECRET_KEY=1)."""
    if os.environ.get("EXCHANGE_REQUIRE_SECRET_KEY") == "1":
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Generate one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` and set it in the environment "
            "(docker compose: SECRET_KEY=... in the .env file beside docker-compose.yml)."
        )
    path = data_dir / "secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(key)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "backend.common",
    "backend.partners",
    "backend.catalogue",
    "backend.search",
    "backend.audit",
    "backend.licensing",
    "backend.media",
    "backend.subtitles",
    "backend.webhooks",
    "backend.portal",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",  # CORS_URLS_REGEX: playback and signed media only
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The portal's: people sign in with a session (the API keeps its tokens) and read it in their language.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backend.portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "backend.common.query.QueryParameterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backend.portal.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "backend.exchange.urls"
WSGI_APPLICATION = "backend.exchange.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csrf",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'exchange.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the API read while a worker writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A file, not memory, so that worker processes started by integration tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The portal's interface languages (Django's codes; backend.portal.languages maps them to content tags).
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "中文（简体）"),
    ("ar", "العربية"),
    ("ur", "اردو"),
    ("az", "Azərbaycan dili"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "backend" / "portal" / "locale"]
LOGIN_URL = "portal:sign-in"
LOGIN_REDIRECT_URL = "portal:catalogue"
LOGOUT_REDIRECT_URL = "portal:sign-in"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Django stores no files of its own (media files live in OBJECT_STORAGE below): static files only.
STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
# The embedded run serves static files straight from the installed apps (no collectstatic step).
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    # Tokens first (their 401 names the scheme); the portal's pages call the API with the session, CSRF enforced.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.partners.authentication.PartnerTokenAuthentication",
        "backend.portal.authentication.PartnerSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["backend.partners.permissions.IsPartnerMember"],
    "DEFAULT_PAGINATION_CLASS": "backend.common.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "backend.common.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "backend.common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.common.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # A recognisable prefix lets secret scanners spot leaked tokens.
    "TOKEN_PREFIX": "exl_",
    # Partner systems hold long-lived API tokens; revocation, not expiry, ends them.
    "TOKEN_TTL": None,
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Exchange library API",
    "DESCRIPTION": "Co-production and programme exchange between broadcasters.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartnerRoleEnum": "backend.partners.models.Role",
        "CreditRoleEnum": "backend.catalogue.serializers.CREDIT_ROLES",
        "ProgrammeKindEnum": "backend.catalogue.models.Programme.Kind",
        "AssetKindEnum": "backend.media.models.Asset.Kind",
        "SubtitleKindEnum": "backend.subtitles.models.SubtitleTrack.Kind",
        "LicenceStateEnum": "backend.licensing.models.Licence.State",
        "LicenceRequestStateEnum": "backend.licensing.models.LicenceRequest.State",
    },
    # Every operation declares the error responses it can answer (backend/common/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.common.schema.add_error_responses",
    ],
}

# Celery. The embedded broker is a SQLite file (workers/broker.py): no server, queued
# messages are rows that survive restarts, and it keeps up (>= 100 tasks/s; bench/queues.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", f"sqlite:///{DATA_DIR / 'broker.sqlite3'}")
# How often an idle worker looks at its queues (the embedded broker is polled; Redis is not).
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"polling_interval": float(os.environ.get("BROKER_POLLING_INTERVAL", "0.05"))}
    if CELERY_BROKER_URL.startswith("sqlite")
    else {}
)
# Each worker writes its queues here every few seconds; /readyz says which queues nobody consumes.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_HEARTBEAT_MISSED = 3  # heartbeats missed before a worker counts as gone

# Licensing: licence states are refreshed, and expiry notices sent, by a periodic task.
LICENSING_EXPIRY_NOTICE_DAYS = int(os.environ.get("LICENSING_EXPIRY_NOTICE_DAYS", "30"))
# Webhooks: deliveries are retried with exponential backoff (base * 2**attempt seconds).
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "30"))
# Partner URLs on loopback or private networks are refused (SSRF) unless this is set.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)

CELERY_BEAT_SCHEDULE = {
    "licensing-refresh-licence-states": {"task": "licensing.refresh_licence_states", "schedule": 3600.0},
    "media-cleanup-abandoned-uploads": {"task": "media.cleanup_abandoned_uploads", "schedule": 3600.0},
    "media-sweep-stale-assets": {"task": "media.sweep_stale_assets", "schedule": 15.0},
    # Marks left by a run that gave up (search down for long) are taken up again.
    "search-index-pending": {"task": "search.index_pending", "schedule": 60.0},
    "media-sweep-stale-chunks": {"task": "media.chunk.sweep", "schedule": 15.0},
}

# Object storage (uploads, renditions, subtitles): one store, built like an entry of Django's
# STORAGES from BACKEND + OPTIONS (backend.storage.get_storage). STORAGE_BACKEND picks it.
# The filesystem store's signed part and download URLs point at the API itself, under
# FILESYSTEM_STORAGE_PATH; relative unless UPLOAD_PUBLIC_API_URL is set (views make them absolute).
FILESYSTEM_STORAGE_PATH = "api/v1/storage/"
UPLOAD_PUBLIC_API_URL = os.environ.get("UPLOAD_PUBLIC_API_URL", "")
_storage_backend = os.environ.get("STORAGE_BACKEND", "filesystem")


def filesystem_storage(root: str | Path) -> dict:
    """OBJECT_STORAGE for a filesystem store at ``root`` (tests build their own stores with it)."""
    endpoints = (UPLOAD_PUBLIC_API_URL.rstrip("/") + "/" if UPLOAD_PUBLIC_API_URL else "/") + FILESYSTEM_STORAGE_PATH
    return {
        "BACKEND": "storage.filesystem.FilesystemStorage",
        "OPTIONS": {
            "root": str(root),
            "secret": hmac.new(SECRET_KEY.encode(), b"storage.filesystem signed URLs", hashlib.sha256).hexdigest(),
            "part_base_url": endpoints + "parts/",
            "download_base_url": endpoints + "objects/",
        },
    }


if _storage_backend == "filesystem":
    OBJECT_STORAGE = filesystem_storage(os.environ.get("STORAGE_ROOT", DATA_DIR / "storage"))
elif _storage_backend == "s3":
    OBJECT_STORAGE = {
        "BACKEND": "storage.s3.S3Storage",
        "OPTIONS": {
            "bucket": os.environ.get("S3_BUCKET", "exchange"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            # The endpoint partners reach, when it differs from the API's (signed URLs name it).
            "public_endpoint_url": os.environ.get("S3_PUBLIC_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
        },
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {_storage_backend!r}")

# Uploads of masters: multipart, straight from the client to the store.
UPLOAD_MAX_SIZE = int(os.environ.get("UPLOAD_MAX_SIZE", str(1024**4)))  # bytes (1 TiB; S3 allows 5 TiB)
UPLOAD_PART_SIZE = int(os.environ.get("UPLOAD_PART_SIZE", str(32 * 1024**2)))  # preferred; grows for >10,000 parts
UPLOAD_URL_EXPIRY = int(os.environ.get("UPLOAD_URL_EXPIRY", "21600"))  # seconds a signed part URL stays valid
UPLOAD_PART_URLS_PER_RESPONSE = int(os.environ.get("UPLOAD_PART_URLS_PER_RESPONSE", "1000"))
# Uploads nobody asked about for this long are aborted and their parts freed (well above URL expiry,
# since an active client asks for fresh URLs at least that often).
UPLOAD_ABANDONED_AFTER = int(os.environ.get("UPLOAD_ABANDONED_AFTER", str(7 * 24 * 3600)))

# Media pipeline: the ladder, encoder settings, limits and the partners' delivery spec for QC.
# The ladder's rungs by short side (never upscaled); JSON in MEDIA_LADDER overrides it.
MEDIA_LADDER = json.loads(os.environ.get("MEDIA_LADDER", "null")) or [
    {"name": "1080p", "size": 1080, "video_kbps": 5000},
    {"name": "720p", "size": 720, "video_kbps": 2800},
    {"name": "480p", "size": 480, "video_kbps": 1200},
]
MEDIA_X264_PRESET = os.environ.get("MEDIA_X264_PRESET", "veryfast")
MEDIA_X264_THREADS = int(os.environ.get("MEDIA_X264_THREADS", "0"))
MEDIA_HLS_SEGMENT_TYPE = os.environ.get("MEDIA_HLS_SEGMENT_TYPE", "fmp4")
# For analysis only: a constant quantiser for the rungs instead of their bitrates (0 with profile
# high444: lossless, so a chunked ladder can be compared with a one-pass one picture for picture).
MEDIA_VIDEO_QP = int(os.environ["MEDIA_VIDEO_QP"]) if os.environ.get("MEDIA_VIDEO_QP") else None
MEDIA_H264_PROFILE = os.environ.get("MEDIA_H264_PROFILE", "high")
MEDIA_PROXY = json.loads(os.environ.get("MEDIA_PROXY", "null")) or {"size": 360, "video_kbps": 700, "audio_kbps": 96}
MEDIA_THUMBNAILS = 5
MEDIA_LIMITS = {
    "max_input_bytes": int(os.environ.get("MEDIA_MAX_INPUT_BYTES", str(500 * 1024**3))),
    "transcode_timeout_per_second": float(os.environ.get("MEDIA_TIMEOUT_PER_SECOND", "10")),
}
# The partners' delivery spec QC checks against (media.delivery.PROFILES).
MEDIA_DELIVERY_PROFILE = os.environ.get("MEDIA_DELIVERY_PROFILE", "hd-exchange")
MEDIA_WORK_DIR = os.environ.get("MEDIA_WORK_DIR") or None  # None: the system's temporary directory
# A running step writes a heartbeat on its asset every MEDIA_HEARTBEAT_SECONDS; after
# MEDIA_STALE_HEARTBEATS missed ones the sweeper (every 15 s) takes it up again (worker killed).
MEDIA_HEARTBEAT_SECONDS = float(os.environ.get("MEDIA_HEARTBEAT_SECONDS", "5"))
MEDIA_STALE_HEARTBEATS = int(os.environ.get("MEDIA_STALE_HEARTBEATS", "6"))
MEDIA_MAX_ATTEMPTS = int(os.environ.get("MEDIA_MAX_ATTEMPTS", "3"))
# Sources longer than this are transcoded in chunks of about MEDIA_CHUNK_SECONDS (whole HLS segments)
# spread over every media worker, their audio encoded once for the whole programme.
MEDIA_CHUNK_THRESHOLD_SECONDS = float(os.environ.get("MEDIA_CHUNK_THRESHOLD_SECONDS", "600"))
MEDIA_CHUNK_SECONDS = float(os.environ.get("MEDIA_CHUNK_SECONDS", "120"))
# Long enough to watch a programme; each playlist request re-checks the issuing token and access.
PLAYBACK_URL_EXPIRY = int(os.environ.get("PLAYBACK_URL_EXPIRY", str(6 * 3600)))
# Media URLs written into a variant playlist live this long beyond the variant's duration
# (a VOD player reads its playlists once; backend.media.playback).
PLAYBACK_MEDIA_URL_EXPIRY = int(os.environ.get("PLAYBACK_MEDIA_URL_EXPIRY", "300"))
# Web players on other origins: CORS on playback and the filesystem store's signed media only, never
# on the token-authenticated API. "*" is safe there: those URLs carry their own grant (a signature),
# no cookie or credential a page could borrow, so an origin check would protect nothing.
PLAYBACK_CORS_ORIGINS = env_list("PLAYBACK_CORS_ORIGINS", "*")
CORS_URLS_REGEX = rf"^/(api/v1/playback/|{FILESYSTEM_STORAGE_PATH}objects/)"
CORS_ALLOW_ALL_ORIGINS = PLAYBACK_CORS_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else PLAYBACK_CORS_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["range"]  # players fetch byte-range segments
CORS_EXPOSE_HEADERS = ["Content-Length", "Content-Range", "Accept-Ranges"]

# Subtitle files are read whole by the API: a 2-hour programme's file is a few hundred KB.
SUBTITLE_MAX_BYTES = int(os.environ.get("SUBTITLE_MAX_BYTES", str(10 * 1024**2)))

# Search: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded backend.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL") or None
SEARCH_EMBEDDED_PATH = Path(os.environ.get("SEARCH_EMBEDDED_PATH", DATA_DIR / "search.sqlite3"))
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "exchange")

# Domain limits.
LOCALISED_TEXT_MAX_LENGTH = {"title": 500, "synopsis": 10_000, "keyword": 100}
LOCALISED_MAX_LANGUAGES = 40

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
