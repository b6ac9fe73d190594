"""Site URLs of the lms app (phone pages for learners and mentors)."""

from django.urls import path

from .views import cases, exams, learning

app_name = "lms"
urlpatterns = [
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
    path("mentor/", cases.mentor_home, name="mentor"),
    path("mentor/submissions/<int:pk>/", cases.review_submission, name="review_submission"),
]
