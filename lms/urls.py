"""Site URLs of the lms app (phone pages for learners and mentors)."""

from django.urls import path

from .views import cases, checkin, exams, learning, practice, salons, signup

app_name = "lms"
urlpatterns = [
    # learning: programme, courses, exams, cases
    path("", learning.dashboard, name="dashboard"),
    path("courses/<int:pk>/enrol/", learning.enrol, name="enrol"),
    path("lessons/<int:pk>/complete/", learning.complete_lesson, name="complete_lesson"),
    path("exams/", exams.exam_home, name="exams"),
    path("exams/papers/<int:pk>/start/", exams.exam_start, name="exam_start"),
    path("exams/attempts/<int:pk>/", exams.exam_take, name="exam_take"),
    path("exams/attempts/<int:pk>/save/", exams.exam_save, name="exam_save"),
    path("exams/attempts/<int:pk>/submit/", exams.exam_submit, name="exam_submit"),
    path("exams/attempts/<int:pk>/result/", exams.exam_result, name="exam_result"),
    path("cases/<int:pk>/", cases.case_task, name="case_task"),
    path("mentor/cases/", cases.mentor_home, name="mentor"),
    path("mentor/submissions/<int:pk>/", cases.review_submission, name="review_submission"),
    path(
        "cases/submissions/<int:pk>/attachment/",
        cases.submission_attachment,
        name="submission_attachment",
    ),
    # practice hours, check-in and salons
    # learners
    path("practice/", practice.my_practice, name="my_practice"),
    path("practice/<int:pk>/qr/", practice.log_qr, name="log_qr"),
    path("practice/evidence/<int:pk>/", practice.evidence_photo, name="evidence_photo"),
    # mentors
    path("mentor/", practice.mentor_home, name="mentor_home"),
    path("mentor/logs/", practice.mentor_decide, name="mentor_decide"),
    path("mentor/scan/<str:token>/", practice.scan_log, name="scan_log"),
    path("sessions/", checkin.session_list, name="sessions"),
    path("sessions/<int:pk>/", checkin.session_detail, name="session_detail"),
    path("sessions/<int:pk>/projector/", checkin.projector, name="session_projector"),
    path("sessions/<int:pk>/live/", checkin.live, name="session_live"),
    path("sessions/<int:pk>/roster/", checkin.roster, name="session_roster"),
    path("sessions/<int:pk>/close/", checkin.close, name="session_close"),
    path("sessions/<int:pk>/open-early/", checkin.open_early, name="session_open_early"),
    path("sessions/<int:pk>/attendance.xlsx", checkin.export_attendance, name="session_export"),
    # sign-up 报名 for salons and classes
    path("events/<int:pk>/", signup.session_signup, name="session_signup"),
    path("events/<int:pk>/sign-up/", signup.sign_up, name="signup"),
    path("events/<int:pk>/cancel/", signup.cancel, name="signup_cancel"),
    # the QR target (short, so the code stays coarse) and the confirm step
    path("c/", checkin.enter_code, name="checkin_code"),
    path("c/<int:pk>/", checkin.scan, name="checkin_scan"),
    path("c/<int:pk>/out/", checkin.check_out, name="checkin_out"),
    path("c/<int:pk>/<str:ticket>/", checkin.confirm, name="checkin_confirm"),
    # salons
    path("salons/<int:pk>/", salons.salon_detail, name="salon_detail"),
    path("salons/<int:pk>/slots/<int:slot_pk>/score/", salons.score, name="salon_score"),
]
