"""Wagtail's own admin reports, adjusted where they named people by login."""

from django.contrib.auth import get_user_model
from wagtail.admin.views.reports.aging_pages import AgingPagesView

from talent import api as talent


class NamedAgingPagesView(AgingPagesView):
    """较早的页面: the last publisher by name (Wagtail shows the login)."""

    def decorate_paginated_queryset(self, queryset):
        ids = {i for i in queryset.values_list("last_published_by", flat=True) if i}
        users = get_user_model().objects.filter(pk__in=ids).select_related(talent.USER_PERSON)
        names = {user.pk: talent.display_name(user) for user in users}
        for page in queryset:
            page.last_published_by_user = names.get(page.last_published_by, "")
        return queryset
