"""Real-browser tests: Debian's Chromium driven by Playwright (no browser download).

Screenshots go to ``var/screenshots/`` (printed at the end of the run). Any console
error or uncaught page error fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import SCREENSHOTS


class Session:
    """One user's browser context, failing on console errors."""

    def __init__(self, browser, base_url: str, name: str):
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def login(self, username: str, password: str = "pw-test-123") -> None:
        page = self.go("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(self.base_url + "/")

    def screenshot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], f"{self.name}: console errors {self.errors}"


@pytest.fixture
def sessions(browser, live_server) -> Iterator:
    opened: list[Session] = []

    def open_as(user) -> Session:
        session = Session(browser, live_server.url, user.username)
        session.login(user.username)
        opened.append(session)
        return session

    yield open_as
    for session in opened:
        session.close()
