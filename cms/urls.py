from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    # Wagtail's site history filters log entries by model permission only, which would
    # show an HR officer the names in other subdistricts' entries. Each object's own
    # history view is scoped; the site-wide report is for superusers.
    path(
        "admin/reports/site-history/",
        views.superuser_only(LogEntriesView.as_view()),
    ),
    path(
        "admin/reports/site-history/results/",
        views.superuser_only(LogEntriesView.as_view(results_only=True)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("me/", views.me, name="me"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("learn/", include("lms.urls")),
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/students/<int:pk>/", views.partner_student, name="partner_student"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
