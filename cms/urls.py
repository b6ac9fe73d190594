from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from cms.login import SiteLoginForm
from cms.views import admin_reports, career, partner
from cms.views import placements as placement_views
from cms.views import site as views
from cms.views import team as team_views
from talent import api as talent

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
    # 较早的页面 names the last publisher by name (Wagtail's own view shows the login)
    path(
        "admin/reports/aging-pages/",
        require_admin_access(admin_reports.NamedAgingPagesView.as_view()),
    ),
    path(
        "admin/reports/aging-pages/results/",
        require_admin_access(admin_reports.NamedAgingPagesView.as_view(results_only=True)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SiteLoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # password reset from the site login (Django's views, our Chinese templates;
    # the answer never says whether an address is known)
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            extra_email_context={"site_name": gettext_lazy("社工人才学院")}
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("me/", views.me, name="me"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/career/", career.my_career, name="my_career"),
    path("me/notices/", career.notices, name="promotion_notices"),
    path("me/notices/<int:pk>/", career.notice, name="promotion_notice"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/placements/", placement_views.my_placements, name="my_placements"),
    path("me/team/", team_views.my_team, name="my_team"),
    path(
        "me/placements/<int:pk>/evaluate/<str:party>/",
        placement_views.evaluate_placement,
        name="evaluate_placement",
    ),
    path("learn/", include("lms.urls")),
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/students/<int:pk>/", partner.partner_student, name="partner_student"),
    path("partner/students/new/", partner.partner_student_add, name="partner_student_add"),
    path(
        "partner/students/import/",
        partner.PartnerStudentImportView.as_view(),
        name="partner_student_import",
    ),
    path("partner/placements/", partner.partner_placements, name="partner_placements"),
    path("partner/placements/new/", partner.partner_propose, name="partner_propose"),
    path("partner/placements/<int:pk>/", partner.partner_placement, name="partner_placement"),
    path(
        "partner/placements/<int:pk>/withdraw/",
        partner.partner_withdraw,
        name="partner_withdraw",
    ),
    path("partner/transcript.xlsx", partner.partner_transcript, name="partner_transcript"),
    path("partner/jobs/<str:token>/", partner.partner_job, name="partner_job"),
    path(
        "partner/jobs/<str:token>/progress/",
        login_required(talent.job_progress),
        name="partner_job_progress",
    ),
    path(
        "partner/jobs/<str:token>/download/",
        login_required(talent.job_download),
        name="partner_job_download",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
