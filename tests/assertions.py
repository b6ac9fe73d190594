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


def main_text(response) -> str:
    """The text a reader sees in the page's <main> (tags, scripts and attributes dropped)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.skip, self.parts = 0, 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "main":
                self.depth += 1
            if tag in ("script", "style", "template"):
                self.skip += 1

        def handle_endtag(self, tag):
            if tag == "main":
                self.depth -= 1
            if tag in ("script", "style", "template") and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if self.depth and not self.skip and data.strip():
                self.parts.append(data.strip())

    parser = Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)
