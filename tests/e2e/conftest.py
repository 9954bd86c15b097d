"""Browser tests: Playwright's sync API driving Debian's Chromium (never `playwright install`) against
pytest-django's live server. Every request the page makes is recorded, to prove it stays on this host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class SerialWSGIServer(ThreadedWSGIServer):
    """The live server, one request at a time. Django's threaded live server hands every request thread the
    same in-memory SQLite connection, so two requests at once (a page that fetches two map layers in
    parallel) can misuse it ("bad parameter or other API misuse"). Connections are still accepted in
    threads, so a socket that Chromium opens ahead of time and leaves idle does not hold up the others
    (a plain serial server then waits on it, and a navigation times out); only the application runs under
    one lock."""

    def set_app(self, application):
        lock = threading.Lock()

        def serial(environ, start_response):
            with lock:
                return list(application(environ, start_response))

        super().set_app(serial)


LiveServerThread.server_class = SerialWSGIServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (as root) for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class RecordingPage:
    """A Playwright page with the URLs of all its requests, and screenshots into test-artifacts/."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def foreign_requests(self) -> list[str]:
        """Requests to any host but this machine (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def browser_page(chromium, django_db_serialized_rollback, live_server) -> Iterator[RecordingPage]:
    context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale="nl-NL")
    context.set_default_timeout(30_000)  # generous: CI machines are slow and busy
    page = context.new_page()
    try:
        yield RecordingPage(page, live_server.url)
    finally:
        context.close()
