"""Thin site views: parse input, call a selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from talent import api as talent


def superuser_only(view):
    """Wrap a Wagtail admin view so only superusers reach it (403 for anyone else)."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "wagtailadmin_login")
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@login_required
def me(request):
    """The phone home of every signed-in person: who I am, my roles, my messages."""
    person = talent.person_for_user(request.user)
    roles = talent.user_roles(request.user)
    grants = talent.role_grants(request.user)
    return render(
        request,
        "cms/me.html",
        {
            "person": person,
            "display_name": talent.display_name(request.user),
            "grants": grants,
            # accounts that work through a role (partner staff, HR, district officers)
            # need no person; only a would-be learner without one is told to ask HR
            "needs_person": person is None
            and not request.user.is_superuser
            and not roles - {talent.Role.LEARNER, talent.Role.MENTOR},
            "roles": [talent.Role(r) for r in sorted(roles)],
            "can_use_admin": request.user.has_perm("wagtailadmin.access_admin"),
            "is_partner": talent.Role.PARTNER in roles,
            "has_placements": person is not None and talent.has_placements(person),
            "team_unit": talent.headed_unit(person),
            "notifications": talent.notifications_for(request.user)[:5],
            "notice_count": talent.current_notice_count(person, timezone.localdate())
            if person is not None
            else 0,
            "tab": "me",
        },
    )


@login_required
def notifications(request):
    page = Paginator(talent.notifications_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "cms/notifications.html", {"page": page, "tab": "notifications"})


@login_required
@require_POST
def notifications_read(request):
    count = talent.mark_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("notifications")


def partner_portal_scope(request) -> talent.Scope:
    """The one university a portal user serves; anyone else gets 403."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    scope = talent.partner_scope(request.user)
    if scope.is_empty or scope.everything:
        # Superusers use the admin; the portal is for one university's staff.
        raise PermissionDenied
    return scope


@login_required
def partner_home(request):
    scope = partner_portal_scope(request)
    students = scope.people().select_related("unit").order_by("unit__name", "staff_no")
    query = request.GET.get("q", "").strip()
    if query:
        students = students.filter(Q(name__contains=query) | Q(staff_no=query))
    page = Paginator(students, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "partner/home.html",
        {"universities": scope.units().filter(depth=1), "page": page, "query": query},
    )
