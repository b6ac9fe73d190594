"""Sign-up 报名 on the phone: a session's page, and the sign-up and cancel buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.models import CheckInSession, SignUpStatus
from lms.selectors import signup as selectors
from lms.services import signup as services
from talent import api as talent


def _session(pk: int) -> CheckInSession:
    session = get_object_or_404(
        CheckInSession.objects.select_related("unit", "salon"),
        pk=pk,
        kind__in=services.SIGNUP_KINDS,
        signup_enabled=True,
    )
    return session


def signup_context(request, session: CheckInSession) -> dict:
    """What the sign-up panel needs; the salon page includes the same panel."""
    person = talent.person_for_user(request.user) if request.user.is_authenticated else None
    return {
        "signup_session": session,
        "signup": selectors.sign_up_state(session, person),
        "signup_refusal": services.signup_refusal(session),
    }


def session_signup(request, pk: int):
    """A class's (or salon's) sign-up page; a salon's lives on the salon page."""
    session = _session(pk)
    if getattr(session, "salon", None) is not None:
        return redirect(selectors.event_url(session))
    return render(
        request,
        "lms/signup/session.html",
        {"session": session, **signup_context(request, session), "tab": "learn"},
    )


def _act(request, pk: int, action) -> tuple[str, bool, object]:
    """Call a sign-up service for the user's own person; a refusal becomes a message."""
    session = _session(pk)
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    try:
        result = action(actor=request.user, session=session, person=person)
    except (ValidationError, PermissionDenied) as error:
        talent.flash_error(request, error)
        return selectors.event_url(session), False, None
    return selectors.event_url(session), True, result


@login_required
@require_POST
def sign_up(request, pk: int):
    url, done, row = _act(request, pk, services.sign_up)
    if done:
        if row.status == SignUpStatus.WAITLISTED:
            messages.success(request, _("名额已满，您已进入候补名单。"))
        else:
            messages.success(request, _("报名成功。活动前一天会提醒您。"))
    return redirect(url)


@login_required
@require_POST
def cancel(request, pk: int):
    url, done, _promoted = _act(request, pk, services.cancel_sign_up)
    if done:
        messages.success(request, _("已取消报名。"))
    return redirect(url)
