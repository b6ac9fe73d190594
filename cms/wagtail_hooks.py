from wagtail import hooks


@hooks.register("construct_reports_menu")
def hide_site_history_from_scoped_staff(request, menu_items):
    """The site-wide history is superuser-only (see cms/urls.py)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
