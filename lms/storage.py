"""Where evidence photos and case attachments live: outside MEDIA_ROOT, under
names nobody can guess, reachable only through the views that check the viewer.

Nothing routes a URL to this folder. The views in ``lms.views.files`` check who
may see the record, then hand the path to django-sendfile2: in development and
tests Django streams the bytes; in production nginx does (X-Accel-Redirect to an
``internal`` location), so a slow phone never holds a gunicorn worker.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """A file system storage rooted at ``settings.SENDFILE_ROOT`` (read lazily,
    so a test can point it at a temporary folder) with no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.SENDFILE_ROOT)

    @cached_property
    def base_url(self):
        return settings.SENDFILE_URL

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "SENDFILE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        elif setting == "SENDFILE_URL":
            self.__dict__.pop("base_url", None)


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of every private file (a callable, so migrations name it)."""
    return _private


def unguessable_name(folder: str, filename: str) -> str:
    """``<folder>/<random 128-bit hex>.<ext>``: the original name, which may hold
    a person's name or the place, is kept out of the path."""
    suffix = PurePath(filename).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def send_private_file(request, field_file, *, download_name: str = "", attachment: bool = False):
    """The response that sends a private file once the caller has checked the
    viewer: Django's own stream in development, an X-Accel-Redirect header that
    nginx answers in production. Never cached by a shared cache, never sniffed
    into something executable."""
    from django_sendfile import sendfile

    response = sendfile(
        request,
        field_file.path,
        attachment=attachment,
        attachment_filename=download_name or False,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
