"""Site URLs of the lms app (phone pages for learners and mentors)."""

from django.urls import path

from .views import checkin, practice, salons

app_name = "lms"
urlpatterns = [
    # learners
    path("practice/", practice.my_practice, name="my_practice"),
    path("practice/<int:pk>/qr/", practice.log_qr, name="log_qr"),
    # mentors
    path("mentor/", practice.mentor_home, name="mentor_home"),
    path("mentor/logs/", practice.mentor_decide, name="mentor_decide"),
    path("mentor/scan/<str:token>/", practice.scan_log, name="scan_log"),
    path("sessions/", checkin.session_list, name="sessions"),
    path("sessions/<int:pk>/", checkin.session_detail, name="session_detail"),
    path("sessions/<int:pk>/projector/", checkin.projector, name="session_projector"),
    path("sessions/<int:pk>/live/", checkin.live, name="session_live"),
    path("sessions/<int:pk>/close/", checkin.close, name="session_close"),
    path("sessions/<int:pk>/attendance.xlsx", checkin.export_attendance, name="session_export"),
    # the QR target (short, so the code stays coarse) and the confirm step
    path("c/<int:pk>/", checkin.scan, name="checkin_scan"),
    path("c/<int:pk>/out/", checkin.check_out, name="checkin_out"),
    path("c/<int:pk>/<str:ticket>/", checkin.confirm, name="checkin_confirm"),
    # salons
    path("salons/<int:pk>/", salons.salon_detail, name="salon_detail"),
    path("salons/<int:pk>/slots/<int:slot_pk>/score/", salons.score, name="salon_score"),
]
