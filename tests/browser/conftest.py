"""Real-browser tests: Debian's Chromium driven by Playwright (no browser download).

Screenshots go to ``var/screenshots/`` (printed at the end of the run). Any console
error or uncaught page error fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import SCREENSHOTS

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
# The two sizes every journey is walked at: an office desktop and a phone.
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


SERIOUS_VIOLATIONS = """async () => {
    const found = (await axe.run(document, {resultTypes: ["violations"]})).violations;
    return found
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target).join(" | ")}`);
}"""


class Session:
    """One user's browser context, failing on console errors."""

    def __init__(self, browser, base_url: str, name: str, viewport: dict | None = None):
        self.viewport = viewport or {"width": 1280, "height": 900}
        self.context = browser.new_context(locale="zh-CN", viewport=self.viewport)
        self.audited: set[str] = set()
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

    def audit(self) -> None:
        """The page as it is now: no horizontal overflow on a phone, and no serious or
        critical accessibility violation found by axe-core (vendored in tests/vendor,
        evaluated through the DevTools protocol, so the page's CSP stays in force).
        Each address is audited once per session."""
        page = self.page
        page.wait_for_load_state()
        url = page.url.split("#")[0]
        if url in self.audited:
            return
        self.audited.add(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.viewport["width"], f"{self.name}: {url} is {width}px wide"
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text())
        violations = page.evaluate(SERIOUS_VIOLATIONS)
        assert violations == [], f"{self.name}: {url}: {violations}"

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

    def open_as(user, viewport: dict | None = None) -> Session:
        session = Session(browser, live_server.url, user.username, viewport)
        session.login(user.username)
        opened.append(session)
        return session

    yield open_as
    for session in opened:
        session.close()


def pick(page, select_id: str, text: str) -> None:
    """Choose in a searchable picker (static/js/picker.js): type, take the first match."""
    box = page.locator(f'[data-picker-for="{select_id}"]')
    box.fill(text)
    listbox = "#" + box.get_attribute("aria-controls")
    page.locator(f"{listbox} [role=option]").first.click()
    page.wait_for_function(
        "id => document.getElementById(id).selectedOptions.length > 0", arg=select_id
    )


def open_action(page, name: str) -> None:
    """Unfold an action's form on a proposal page (one without fields is a button already)."""
    summary = page.locator(f"details.action-{name} > summary")
    if summary.count():
        summary.click()


def state_of(page) -> str:
    return page.inner_text("#proposal-state")
