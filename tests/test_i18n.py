"""The interface speaks Bahasa Indonesia first and switches to English."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po


def test_default_language_is_indonesian_and_switch_to_english(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Halaman tidak ditemukan" in page.get_data(as_text=True)
    assert '<html lang="id">' in page.get_data(as_text=True)

    resp = client.post("/lang", data={"lang": "en", "next": "/no-such-page"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/no-such-page"
    page = client.get("/no-such-page")
    assert "Page not found" in page.get_data(as_text=True)
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    resp = client.post("/lang", data={"lang": "en", "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/"


def test_every_catalogue_entry_is_translated():
    root = Path(__file__).resolve().parents[1]
    untranslated = []
    for po in list(root.glob("hub/**/translations/*/LC_MESSAGES/*.po")) + list(
        root.glob("plugins/*/translations/*/LC_MESSAGES/*.po")
    ):
        with po.open("rb") as fh:
            for message in read_po(fh):
                if message.id and (not message.string or message.fuzzy):
                    untranslated.append(f"{po.relative_to(root)}: {message.id!r}")
    assert not untranslated, untranslated


def test_the_language_choice_is_kept_on_the_account(app, make_user, login):
    user = make_user("citra", roles=["pembuat_konten"])
    first = app.test_client()
    login(first, user)
    assert '<html lang="id">' in first.get("/").get_data(as_text=True)
    first.post("/lang", data={"lang": "en", "next": "/"})
    # another browser (no session, no cookie): after logging in the hub speaks English
    second = app.test_client()
    login(second, user)
    assert '<html lang="en">' in second.get("/").get_data(as_text=True)
    second.post("/lang", data={"lang": "id", "next": "/"})
    third = app.test_client()
    login(third, user)
    assert '<html lang="id">' in third.get("/").get_data(as_text=True)
