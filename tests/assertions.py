"""What a refusal must look like, so a test says which refusal the rule requires."""

from urllib.parse import urlsplit

from django.contrib.messages import get_messages
from django.urls import reverse


def assert_sent_to_login(response, login_path: str | None = None):
    """Someone without access to a surface is sent to its login page, with a way back."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    if login_path is not None:
        assert location.path == login_path, response["Location"]
    else:
        assert location.path.endswith("/login/"), response["Location"]
    assert "next=" in location.query


def assert_admin_refused(response):
    """Wagtail answers an admin user's missing permission with a redirect to the
    dashboard and an error message, never with the page."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "error" in [m.level_tag for m in get_messages(response.wsgi_request)]
