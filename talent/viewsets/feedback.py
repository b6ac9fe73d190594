"""How a refused write reaches the user: one place turns a service's error into text."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def error_texts(error: ValidationError | PermissionDenied) -> list[str]:
    """Every message of a service's refusal, in order (a PermissionDenied has one)."""
    if isinstance(error, ValidationError):
        return [str(text) for text in error.messages]
    text = str(error.args[0]) if error.args else ""
    return [text] if text else []


def error_text(error: ValidationError | PermissionDenied) -> str:
    """The refusal as one line, for a JSON answer or an inline notice."""
    return " ".join(error_texts(error))


def flash_error(request, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal as error messages on the next page."""
    for text in error_texts(error):
        messages.error(request, text)
