"""Browser tests: the hub served by a real server on 127.0.0.1, driven by Debian's Chromium.

* the web: a werkzeug server in a thread serving an app built like production's
  (CSRF on), on the test database and Redis;
* the background: a real ``hub worker`` process on the same database, Redis and queue;
* the browser: Playwright driving ``/usr/bin/chromium`` (never ``playwright install``).

Every page visited through :func:`visit` is screenshotted into ``test-artifacts/``
and checked for a server error and for interface text left untranslated.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.helpers import free_port, hub_env, wait_for

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium package (.ci/run does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class LiveHub:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url


@pytest.fixture
def live_hub(make_app):
    """The hub on a real HTTP server in a thread; CSRF protection on, as in production."""
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveHub(app, f"http://127.0.0.1:{port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def hub_worker(live_hub, tmp_path):
    """A real ``hub worker`` process on the live hub's database, Redis and queue."""
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "worker"], env=hub_env(live_hub.app), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def context(browser, live_hub):
    ctx = browser.new_context(base_url=live_hub.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15000)
    yield ctx
    ctx.close()


def source_strings() -> dict[str, str]:
    """Every English source string of the interface -> its Indonesian translation ("" when missing)."""
    from babel.messages.pofile import read_po

    translations: dict[str, str] = {}
    for po in list(ROOT.glob("hub/**/translations/id/LC_MESSAGES/*.po")) + list(
        ROOT.glob("plugins/*/translations/id/LC_MESSAGES/*.po")
    ):
        with po.open("rb") as fh:
            for message in read_po(fh):
                if message.id and isinstance(message.id, str) and message.string:
                    translations[message.id] = message.string
    strings: dict[str, str] = {}
    for path in list((ROOT / "hub").rglob("*.html")) + list((ROOT / "plugins").rglob("*.html")):
        for match in re.finditer(r"""_\(\s*(["'])(.+?)\1""", path.read_text(errors="replace")):
            strings.setdefault(match.group(2), translations.get(match.group(2), ""))
    for msgid, msgstr in translations.items():
        strings.setdefault(msgid, msgstr)
    return strings


_STRINGS: dict[str, str] | None = None
_KEY_LIKE = re.compile(r"^[a-z]+(?:[._][a-z0-9]+)+$")


def untranslated_on(page) -> list[str]:
    """Text on the page (Indonesian) that is an English source string, or looks like a message key."""
    global _STRINGS
    if _STRINGS is None:
        _STRINGS = source_strings()
    texts = page.evaluate(
        """() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, parent = node.parentElement;
            if (!parent || ['SCRIPT', 'STYLE', 'CODE', 'PRE', 'TEXTAREA', 'OPTION'].includes(parent.tagName)) continue;
            if (parent.closest('[data-no-i18n], [translate="no"], input, select')) continue;
            const t = node.textContent.trim();
            if (t) out.push(t);
        }
        const labelled = '[placeholder], [title], [aria-label], button, input[type=submit]';
        for (const el of document.querySelectorAll(labelled)) {
            for (const a of ['placeholder', 'title', 'aria-label', 'value']) {
                if (el.getAttribute(a) && (a !== 'value' || el.type === 'submit')) out.push(el.getAttribute(a).trim());
            }
        }
        return out;
    }"""
    )
    bad = []
    for text in texts:
        translation = _STRINGS.get(text)
        if text in _STRINGS and "%(" not in text and translation != text:
            bad.append(text)
        elif _KEY_LIKE.match(text) and "." in text and not text.startswith(("www.", "http")):
            bad.append(text)
    return sorted(set(bad))


def visit(page, path: str, name: str, *, lang: str = "id", expect_status: int | None = 200):
    """Open ``path``, screenshot it as ``test-artifacts/<name>.png``, fail on a server error or untranslated text."""
    response = page.goto(path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_page_ok(page, response, expect_status)
    return response


def assert_page_ok(page, response=None, expect_status: int | None = 200, lang: str | None = None) -> None:
    if response is not None:
        assert response.status < 500, f"{page.url} answered {response.status}"
        if expect_status is not None:
            assert response.status == expect_status, f"{page.url} answered {response.status}"
    body = page.inner_text("body")
    assert "Terjadi kesalahan di sisi kami" not in body and "Something went wrong on our side" not in body, page.url
    assert "Internal Server Error" not in body and "Traceback" not in body, page.url
    if (lang or page.evaluate("document.documentElement.lang")) == "id":
        missing = untranslated_on(page)
        assert not missing, f"untranslated on {page.url}: {missing}"


def wait_until(predicate, timeout=60, what="condition"):
    return wait_for(predicate, timeout=timeout, what=what)


def browser_login(page, user, *, expect_path: str = "/") -> None:
    """Log ``user`` in through the real pages: user name and password, then a TOTP code."""
    from tests.conftest import current_totp_code

    page.context.clear_cookies()
    response = page.goto("/login")
    assert_page_ok(page, response)
    page.fill("#username", user.username)
    page.fill("#password", user.test_password)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/login/code")
    assert_page_ok(page)
    page.fill("#code", current_totp_code(user))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{expect_path}")
    assert_page_ok(page)
