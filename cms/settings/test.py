from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-a8f5f167f44f4964e6c998dee827110c"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not ":memory:", so tests see the same WAL/IMMEDIATE behaviour and
    # concurrent threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Private files of test runs stay apart from a developer's own (tests that look
# at the files point this at a temporary folder: the private_media fixture).
PRIVATE_MEDIA_ROOT = SENDFILE_ROOT = VAR_DIR / "test-private"  # noqa: F405
