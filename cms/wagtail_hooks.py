from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms import reports as placement_report
from talent import api as talent


def _is_coordinator(request) -> bool:
    return not talent.coordinator_scope(request.user).is_empty


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return _is_coordinator(request)


@hooks.register("register_admin_urls")
def register_placement_report_url():
    return [path("reports/placements/", placement_report_view, name="placement_report")]


def placement_report_view(request):
    if not _is_coordinator(request):
        raise PermissionDenied
    return placement_report.report_view(request)


@hooks.register("register_reports_menu_item")
def register_placement_report_menu_item():
    return CoordinatorMenuItem(
        _("实习与轮岗协调"), reverse("placement_report"), icon_name="date", order=700
    )


@hooks.register("construct_homepage_panels")
def add_placement_panel(request, panels):
    if _is_coordinator(request):
        panels.append(placement_report.PlacementPanel(request.user))


@hooks.register("construct_reports_menu")
def hide_site_history_from_scoped_staff(request, menu_items):
    """The site-wide history is superuser-only (see cms/urls.py)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
