from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms import reports as placement_report


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return placement_report.is_coordinator(request.user)


@hooks.register("register_admin_urls")
def register_placement_report_url():
    view = placement_report.PlacementReportView.as_view()
    return [path("reports/placements/", view, name="placement_report")]


@hooks.register("register_reports_menu_item")
def register_placement_report_menu_item():
    return CoordinatorMenuItem(
        _("实习与轮岗协调"), reverse("placement_report"), icon_name="date", order=730
    )


@hooks.register("construct_homepage_panels")
def add_placement_panel(request, panels):
    placement_report.PlacementPanel.add_to(request, panels)


@hooks.register("construct_reports_menu")
def hide_site_history_from_scoped_staff(request, menu_items):
    """The site-wide history is superuser-only (see cms/urls.py)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("construct_help_menu")
def keep_help_in_chinese(request, menu_items):
    """Wagtail's release notes and editor guide are English pages on wagtail.org; the
    help menu keeps what applies here (keyboard shortcuts)."""
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]
