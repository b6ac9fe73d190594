"""Playwright drives Debian's Chromium (Playwright's own download cannot run here)."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class PageGuard:
    """Collects what a user would see as broken: an HTTP error, an uncaught script
    error, or a script or style the Content-Security-Policy refused (the page
    then silently lacks it).

    Playwright's ``goto`` resolves on a 500 as happily as on a 200, so a test that
    only takes screenshots would pass over a crashed page. Every page the tests open
    is watched; a test that means to reach an error page says so with
    ``@pytest.mark.allow_http_status(404)``.
    """

    def __init__(self, allowed: set[int]):
        self.allowed = allowed
        self.problems: list[str] = []

    def watch(self, page):
        page.on("response", self._on_response)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._on_console)
        return page

    def _on_console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP refused on {message.location.get('url')}: {message.text}")

    def _on_response(self, response):
        if response.status >= 400 and response.status not in self.allowed:
            request = response.request
            self.problems.append(
                f"HTTP {response.status} for {request.method} {response.url}"
                f" ({request.resource_type})"
            )


@pytest.fixture(autouse=True)
def page_guard(request):
    marker = request.node.get_closest_marker("allow_http_status")
    guard = PageGuard(set(marker.args) if marker else set())
    yield guard
    assert not guard.problems, "the browser met errors:\n" + "\n".join(guard.problems)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("load_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def login(demo_site):
    def do(page, username: str, password: str = "jiulong2026"):
        page.goto(f"{demo_site.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{demo_site.url}/me/")

    return do


@pytest.fixture
def phone(browser, page_guard):
    """A page in a phone-sized, touch-enabled Chinese browser context."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = page_guard.watch(context.new_page())
    page.on("dialog", lambda dialog: dialog.accept())  # confirm() on phone buttons
    yield page
    context.close()


@pytest.fixture
def desktop(browser, page_guard):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    yield page_guard.watch(context.new_page())
    context.close()


@pytest.fixture
def page(page, page_guard):
    """pytest-playwright's page, watched like the others."""
    return page_guard.watch(page)
