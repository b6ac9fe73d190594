"""Site URLs of the lms app (phone pages for learners and mentors)."""

from django.urls import path  # noqa: F401

app_name = "lms"
urlpatterns: list = []
