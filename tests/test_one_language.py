"""Every page speaks one language at a time and shows no rule code (issue: one language per message).

The test signs in as a person holding every role, fills the hub with what pages list (an item in
review, a published one, a failed publication whose reason the plugin gave in both languages),
then opens every page the hub and its plugins serve without a parameter, and each item page, in
Bahasa Indonesia and in English. The visible text (tags, scripts and styles removed) must hold no
"Indonesian / English" pair and no dotted rule code such as ``videotron.event_date_required``.
"""

from __future__ import annotations

import html
import re

import pytest

from hub.plugins import plugins
from tests.web_support import make_item, make_publication, sign_in_factory

#: a bilingual pair joined by " / " (letters on both sides; "1 / 2" or a path is not one)
JOINED = re.compile(r"[a-zà-ÿ)\.,][ \t]+/[ \t]+[A-Za-z]")
#: a rule code as the API keeps it: "<area>.<words_with_underscores>"
RULE_CODE = re.compile(r"\b[a-z]{3,}\.[a-z]+_[a-z_]+\b")
#: pages that are not for people to read (files, feeds, machine endpoints)
SKIP = re.compile(r"^/(api|static|metrics|healthz|readyz|logout|kiosk|player|feeds?)\b|\.(ics|csv|xlsx|pdf|json|xml)$")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", "\n", page)
    return html.unescape(page)


def plain_get_pages(app) -> list[str]:
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or SKIP.search(rule.rule):
            continue
        pages.append(rule.rule)
    return sorted(set(pages))


@pytest.fixture
def everyone(app, make_user):
    """A person holding every role the hub and its plugins know."""
    from hub.roles import ROLES

    return make_user("semua", roles=sorted(set(ROLES) | set(plugins().roles)))


def test_no_page_joins_two_languages_or_shows_a_rule_code(app, client, request, everyone):
    channels = sorted(plugins().channels)
    assert channels, "the bundled channel plugins are installed"
    waiting = make_item(everyone, "Sosialisasi Pajak Kendaraan", channels=channels[:1])
    failed = make_item(everyone, "Festival Tabuik", channels=channels[:1], status="approved")
    make_publication(
        failed,
        channels[0],
        status="failed",
        last_error="Kanal menolak kiriman; perbaiki isinya lalu coba ulang",
        last_error_en="The channel refused the post; fix it, then retry",
    )
    published = make_item(everyone, "Hari Jadi Kota Padang", channels=channels[:1], status="published")
    make_publication(published, channels[0], status="published", remote_url="https://example.invalid/p/1")
    sign_in_factory(request, app, client)(everyone)

    pages = plain_get_pages(app) + [f"/items/{i.id}" for i in (waiting, failed, published)]
    assert len(pages) > 25, pages  # the crawl reaches the plugins' pages too
    problems, opened = [], 0
    for lang in ("id", "en"):
        client.post("/lang", data={"lang": lang, "next": "/"})
        for path in pages:
            resp = client.get(path)
            if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
                continue
            opened += 1
            text = visible_text(resp.get_data(as_text=True))
            for line in text.splitlines():
                line = " ".join(line.split())
                if JOINED.search(line):
                    problems.append(f"[{lang}] {path}: joined languages: {line[:160]!r}")
                if RULE_CODE.search(line) and "@" not in line:
                    problems.append(f"[{lang}] {path}: rule code: {line[:160]!r}")
    assert opened > 40, opened
    assert not problems, "\n".join(problems)
    # the failed publication's reason is shown in the reader's language only
    page = client.get(f"/items/{failed.id}").get_data(as_text=True)
    assert "The channel refused the post" in page and "Kanal menolak kiriman" not in page
    client.post("/lang", data={"lang": "id", "next": "/"})
    page = client.get(f"/items/{failed.id}").get_data(as_text=True)
    assert "Kanal menolak kiriman" in page and "The channel refused the post" not in page
