"""Login that holds against guessing: lockout per account and per IP (django-axes),
told to the user in Chinese on the site and the admin login alike.

Both login forms ask axes after a failed attempt: when the attempt locked the
account or the address out, the form says so instead of "wrong password", and
the response goes out as 429. While locked, even the right password is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

LOCKED_OUT = _(
    "登录失败次数过多，该账号或网络地址已被暂时锁定，"
    "请 %(minutes)d 分钟后再试，或通过“忘记密码”重设密码。"
)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKED_OUT % {"minutes": minutes}


class LockoutMixin:
    """An attempt refused because of the lockout says so (never "wrong password")."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise


class SiteLoginForm(LockoutMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMixin, LoginForm):
    pass


def lockout_response(request, response, credentials=None):
    """axes' answer to a locked-out attempt: the login page itself (its form
    carries the message above), as 429 Too Many Requests."""
    if response is None:
        from django.http import HttpResponse

        return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
    response.status_code = 429
    return response


def client_ip(request) -> str | None:
    """The client's address for the per-IP lockout. Behind our nginx (production,
    ``TRUSTED_PROXY_COUNT`` = 1) it is the address nginx appended to
    X-Forwarded-For; a value the client sent itself further left is ignored."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
