"""Production: everything that matters comes from the environment, or we refuse to start."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Production settings need the {name} environment variable.")
    return value


SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in required("ALLOWED_HOSTS").split(",") if h.strip()]
required("DATABASE_URL")
DATABASES = {"default": database_from_env()}  # noqa: F405
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# nginx sends private files after Django's check (deploy/nginx.conf.template:
# location /protected/ { internal; alias <PRIVATE_MEDIA_ROOT>/; }).
SENDFILE_BACKEND = os.environ.get("SENDFILE_BACKEND", "django_sendfile.backends.nginx")

# nginx appends the client's address to X-Forwarded-For: the per-IP login lockout
# counts that address, not nginx's own loopback one (cms/login.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
if not SECURE_SSL_REDIRECT:
    # Turned off on purpose: the loopback stack (deploy/prod.sh) speaks plain
    # HTTP to 127.0.0.1 only, or the district's front proxy redirects to HTTPS.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"  # Wagtail previews override this to SAMEORIGIN themselves

# Shared state lives in shared services --------------------------------------
# With several gunicorn processes nothing two of them need may sit in process
# memory or a local file: the cache (and with it the sessions, cached_db so a
# Redis restart logs nobody out) goes to Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "academy"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # one machine without Redis: the database is the one thing processes share
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-q2: the ORM broker stays the one-machine default; Q_BROKER=redis moves
# the queue to Redis with a broker that redelivers the task of a killed worker.
Q_CLUSTER = {
    **Q_CLUSTER,  # noqa: F405
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "retry": int(os.environ.get("Q_RETRY", Q_CLUSTER["retry"])),  # noqa: F405
    "timeout": int(os.environ.get("Q_TIMEOUT", Q_CLUSTER["timeout"])),  # noqa: F405
}
if os.environ.get("Q_BROKER", "orm") == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("Q_BROKER=redis needs REDIS_URL.")
    Q_CLUSTER = {k: v for k, v in Q_CLUSTER.items() if k != "orm"}
    Q_CLUSTER.update({"django_redis": "default", "broker_class": "cms.queue.ReliableRedis"})

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
