"""Check-in screens: the owner's session pages and projector, the scanner's phone page."""

from __future__ import annotations

import datetime

from django import forms
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


@login_required
def session_detail(request, pk: int):
    session = _owned_session(request, pk)
    rows = selectors.attendance(session)
    return render(
        request,
        "lms/checkin/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "present": sum(1 for r in rows if r.present),
            "absent": [r for r in rows if r.expected and not r.present],
            "tab": "mentor",
        },
    )


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
    scan_url = ""
    if session.is_open:
        scan_url = request.build_absolute_uri(
            reverse("lms:checkin_scan", args=[session.pk]) + "?t=" + services.token_for(session)
        )
    return {
        "scan_url": scan_url,
        "qr": qr_svg(scan_url) if scan_url else "",
        "count": selectors.check_in_count(session),
        "is_open": session.is_open,
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
@require_POST
def close(request, pk: int):
    session = _owned_session(request, pk)
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
def export_attendance(request, pk: int):
    session = _owned_session(request, pk)
    headings = [_("工号"), _("姓名"), _("单位"), _("应到"), _("签到时间"), _("签退时间"), _("状态")]
    rows = (
        [
            r.person.staff_no,
            r.person.name,
            r.person.unit.name,
            _("是") if r.expected else _("否"),
            r.check_in.checked_in_at if r.check_in else None,
            r.check_in.checked_out_at if r.check_in else None,
            _("已签到") if r.present else _("缺席"),
        ]
        for r in selectors.attendance(session)
    )
    return talent.xlsx_response(
        f"attendance-{session.pk}", [(_("签到名单"), headings, rows)], widths={3: 24}
    )


# The scanner's side ----------------------------------------------------------


def _refused(request, session, error: services.CheckInRefused):
    return render(
        request,
        "lms/checkin/refused.html",
        {"session": session, "reason": talent.error_text(error), "code": error.code},
        status=400 if error.code in ("forged", "expired") else 409,
    )


@never_cache
def scan(request, pk: int):
    """The QR's target. A valid token becomes a ticket that survives a login."""
    session = get_object_or_404(CheckInSession, pk=pk)
    try:
        window = services.verify_token(session, request.GET.get("t", ""))
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return redirect(
        "lms:checkin_confirm", pk=session.pk, ticket=services.ticket_for(session, window)
    )


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
        _verify_scanner(session, ticket, person)
    except services.CheckInRefused as error:
        return _refused(request, session, error)
    return render(request, "lms/checkin/confirm.html", {"session": session, "person": person})


def _verify_scanner(session: CheckInSession, ticket: str, person) -> None:
    services.verify_ticket(session, ticket)
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
        _verify_scanner(session, ticket, person)
        result = services.check_in(session=session, person=person)
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
