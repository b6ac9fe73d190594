"""Check-in screens: the owner's session pages and projector, the scanner's phone page."""

from __future__ import annotations

import datetime
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.models import CheckInSession, SessionKind
from lms.permissions import is_mentor
from lms.qr import qr_svg
from lms.selectors import checkin as selectors
from lms.selectors import signup as signup_selectors
from lms.services import checkin as services
from talent import api as talent


def _owned_session(request, pk: int) -> CheckInSession:
    session = get_object_or_404(CheckInSession.objects.select_related("unit"), pk=pk)
    if not (request.user.is_superuser or session.owner_id == request.user.pk):
        raise Http404
    return session


class MentorSessionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=120)
    minutes = forms.TypedChoiceField(
        label=gettext_lazy("时长"),
        coerce=int,
        choices=[
            (60, gettext_lazy("1 小时")),
            (90, gettext_lazy("1.5 小时")),
            (120, gettext_lazy("2 小时")),
            (180, gettext_lazy("3 小时")),
            (240, gettext_lazy("4 小时")),
        ],
        initial=120,
    )


@login_required
def session_list(request):
    """A mentor's sessions, and the form to open a new mentor session now."""
    can_open = is_mentor(request.user)
    form = MentorSessionForm(request.POST or None)
    if request.method == "POST" and can_open and form.is_valid():
        start = timezone.now()
        try:
            session = services.open_session(
                actor=request.user,
                kind=SessionKind.MENTOR_SESSION,
                title=form.cleaned_data["title"],
                planned_start=start,
                planned_end=start + datetime.timedelta(minutes=form.cleaned_data["minutes"]),
            )
        except PermissionDenied as error:
            talent.flash_error(request, error)
        else:
            return redirect("lms:session_detail", pk=session.pk)
    return render(
        request,
        "lms/checkin/session_list.html",
        {
            "sessions": selectors.sessions_owned_by(request.user)[:30],
            "form": form if can_open else None,
            "tab": "mentor",
        },
    )


def _roster_context(session: CheckInSession) -> dict:
    rows = selectors.attendance(session)
    return {
        "session": session,
        "rows": rows,
        "present": sum(1 for r in rows if r.present),
        "absent": [r for r in rows if r.expected and not r.present],
    }


@login_required
def session_detail(request, pk: int):
    session = _owned_session(request, pk)
    return render(
        request,
        "lms/checkin/session_detail.html",
        {
            **_roster_context(session),
            "not_yet_open": timezone.now() < session.checkin_opens_at,
            "no_shows": signup_selectors.no_shows(session),
            "signup": signup_selectors.sign_up_state(session, None)
            if session.signup_enabled
            else None,
            "tab": "mentor",
        },
    )


@never_cache
@login_required
def roster(request, pk: int):
    """The live roster the owner's session page polls: who of the expected has
    checked in and who has not."""
    session = _owned_session(request, pk)
    return render(request, "lms/checkin/roster.html", _roster_context(session))


@login_required
def projector(request, pk: int):
    session = _owned_session(request, pk)
    return render(
        request,
        "lms/checkin/projector.html",
        {
            "session": session,
            "live_url": reverse("lms:session_live", args=[session.pk]),
            "window_ms": services.WINDOW_SECONDS * 1000,
            **_live_state(request, session),
        },
    )


def _live_state(request, session: CheckInSession) -> dict:
    scan_url = code = ""
    accepting = session.accepts_scans(timezone.now())
    if accepting:
        scan_url = request.build_absolute_uri(
            reverse("lms:checkin_scan", args=[session.pk]) + "?t=" + services.token_for(session)
        )
        code = services.code_for(session)
    return {
        "scan_url": scan_url,
        "qr": qr_svg(scan_url) if scan_url else "",
        "code": code,
        "code_url": request.build_absolute_uri(reverse("lms:checkin_code")),
        "count": selectors.check_in_count(session),
        "is_open": session.is_open,
        "accepting": accepting,
        "window_note": _window_note(session),
    }


def _window_note(session: CheckInSession) -> str:
    if not session.is_open:
        return _("本次签到已结束。")
    now = timezone.now()
    if now < session.checkin_opens_at:
        return _("签到将于 %(opens)s 开放。") % {
            "opens": services.format_local(session.checkin_opens_at)
        }
    if now > session.checkin_closes_at:
        return _("签到已于 %(closes)s 截止。") % {
            "closes": services.format_local(session.checkin_closes_at)
        }
    return _("签到开放至 %(closes)s。") % {
        "closes": services.format_local(session.checkin_closes_at)
    }


@never_cache
@login_required
def live(request, pk: int):
    """What the projector polls: the current QR and the live count."""
    session = _owned_session(request, pk)
    state = _live_state(request, session)
    recent = [
        {"name": row.person.name, "unit": row.person.unit.name}
        for row in selectors.check_ins(session)[:8]
    ]
    return JsonResponse({**state, "qr": str(state["qr"]), "recent": recent})


@login_required
def close(request, pk: int):
    """GET previews each person's hours as of now and lists the absentees;
    POST closes and credits them."""
    session = _owned_session(request, pk)
    if request.method != "POST":
        if not session.is_open:
            return redirect("lms:session_detail", pk=session.pk)
        rows = selectors.closing_rows(session, closed_at=timezone.now())
        return render(
            request,
            "lms/checkin/close.html",
            {
                "session": session,
                "rows": rows,
                "credits": any(r.credited is not None for r in rows)
                or session.produces_practice_logs,
                "absent": [r for r in selectors.attendance(session) if not r.present],
                "rule": selectors.rule_for(session),
                "tab": "mentor",
            },
        )
    try:
        logs = services.close_session(actor=request.user, session=session)
    except ValidationError as error:
        talent.flash_error(request, error)
    else:
        if session.produces_practice_logs:
            messages.success(
                request,
                _("签到已结束，已为 %(count)d 人生成并签核实践学时。") % {"count": len(logs)},
            )
        else:
            messages.success(request, _("签到已结束。"))
    return redirect("lms:session_detail", pk=session.pk)


@login_required
@require_POST
def open_early(request, pk: int):
    session = _owned_session(request, pk)
    try:
        services.open_early(actor=request.user, session=session)
    except ValidationError as error:
        talent.flash_error(request, error)
    else:
        messages.success(request, _("已提前开放签到。"))
    return redirect("lms:session_detail", pk=session.pk)


@login_required
def export_attendance(request, pk: int):
    """The roster with times, and the absentees on a sheet of their own."""
    session = _owned_session(request, pk)
    attendance = selectors.attendance(session)
    headings = [_("工号"), _("姓名"), _("单位"), _("应到"), _("签到时间"), _("签退时间"), _("状态")]
    rows = [
        [
            r.person.staff_no,
            r.person.name,
            r.person.unit.name,
            _("是") if r.expected else _("否"),
            r.check_in.checked_in_at if r.check_in else None,
            r.check_in.checked_out_at if r.check_in else None,
            _("已签到") if r.present else _("缺席"),
        ]
        for r in attendance
    ]
    absent = [
        [r.person.staff_no, r.person.name, r.person.unit.name]
        for r in attendance
        if r.expected and not r.present
    ]
    return talent.xlsx_response(
        f"attendance-{session.pk}",
        [
            (_("签到名单"), headings, rows),
            (_("缺席名单"), [_("工号"), _("姓名"), _("单位")], absent),
        ],
        widths={3: 24},
    )


# The scanner's side ----------------------------------------------------------


def _refused(request, session, error: services.CheckInRefused):
    return render(
        request,
        "lms/checkin/refused.html",
        {"session": session, "reason": talent.error_text(error), "code": error.code},
        status=400 if error.code in ("forged", "expired") else 409,
    )


def _device(request) -> str:
    """The browser's device id, from its cookie (empty when it has none)."""
    value = request.COOKIES.get(services.DEVICE_COOKIE, "")
    if 16 <= len(value) <= 40 and value.replace("-", "").replace("_", "").isalnum():
        return value
    return ""


def _to_confirm(request, session: CheckInSession, window: int):
    """Exchange a valid scan (or code) for a ticket bound to this browser and,
    when logged in, to this user; give the browser a device id if it has none."""
    device = _device(request) or secrets.token_urlsafe(16)
    user_id = request.user.pk if request.user.is_authenticated else None
    ticket = services.ticket_for(session, window, device=device, user_id=user_id)
    response = redirect("lms:checkin_confirm", pk=session.pk, ticket=ticket)
    if request.COOKIES.get(services.DEVICE_COOKIE) != device:
        response.set_cookie(
            services.DEVICE_COOKIE,
            device,
            max_age=5 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@never_cache
def scan(request, pk: int):
    """The QR's target. A valid token becomes a ticket that survives a login."""
    session = get_object_or_404(CheckInSession, pk=pk)
    try:
        window = services.verify_token(session, request.GET.get("t", ""))
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return _to_confirm(request, session, window)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("签到码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]*"}
        ),
        help_text=gettext_lazy("大屏二维码旁的 6 位数字，每 10 秒更新。"),
    )


@never_cache
@login_required
def enter_code(request):
    """For phones that cannot scan in a big hall: type the code beside the QR."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session, window = services.verify_code(form.cleaned_data["code"])
        except services.CheckInRefused as error:
            form.add_error("code", talent.error_text(error))
        else:
            return _to_confirm(request, session, window)
    return render(request, "lms/checkin/code.html", {"form": form, "tab": "learn"})


@never_cache
@login_required
def confirm(request, pk: int, ticket: str):
    """GET shows who is checking in to what; POST checks in.

    The POST is the hot path (a room of phones at once): it loads only the
    session row and the person, and answers with a focused result page.
    """
    if request.method == "POST":
        return _check_in(request, pk, ticket)
    session = get_object_or_404(CheckInSession.objects.select_related("unit"), pk=pk)
    person = talent.person_for_user(request.user)
    existing = session.check_ins.filter(person=person).first() if person else None
    if existing is not None:
        return _confirmed(request, session, existing, created=False)
    try:
        _verify_scanner(request, session, ticket, person)
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return render(request, "lms/checkin/confirm.html", {"session": session, "person": person})


def _verify_scanner(request, session: CheckInSession, ticket: str, person) -> None:
    services.verify_ticket(session, ticket, device=_device(request), user_id=request.user.pk)
    if person is None:
        raise services.CheckInRefused(
            _("此账号尚未关联人员档案，请联系人事专员。"), code="no_person"
        )


def _check_in(request, pk: int, ticket: str):
    try:
        session, person = selectors.session_for_scan(pk, request.user)
    except CheckInSession.DoesNotExist:
        raise Http404 from None
    try:
        _verify_scanner(request, session, ticket, person)
        result = services.check_in(session=session, person=person, device=_device(request))
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return _confirmed(request, session, result.check_in, created=result.created)


def _confirmed(request, session: CheckInSession, row, *, created: bool):
    return render(
        request,
        "lms/checkin/confirmed.html",
        {"session": session, "check_in": row, "created": created},
    )


@login_required
@require_POST
def check_out(request, pk: int):
    """Leaving early or late: hours then run from check-in to check-out."""
    session = get_object_or_404(CheckInSession, pk=pk)
    person = talent.person_for_user(request.user)
    if person is None:
        raise Http404
    try:
        row = services.check_out(session=session, person=person)
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return _confirmed(request, session, row, created=False)
