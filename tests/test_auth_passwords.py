"""Passwords: Argon2id, 12–128 characters without truncation, common and context words refused,
the SOP or NIST policy, a forced change after an administrator's reset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.auth import passwords, settings
from hub.extensions import db
from hub.models import AuditEntry
from hub.models.base import utcnow


def _change(client, user, new, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": user.test_password, "new_password": new, "confirm_password": confirm or new},
    )


def test_hashes_are_argon2id_and_long_passwords_are_not_truncated():
    long = "a-very-long-passphrase-" * 5 + "x" * 13  # 128 characters
    assert len(long) == 128
    digest = passwords.hash_password(long)
    assert digest.startswith("$argon2id$")
    assert passwords.verify_password(digest, long)
    assert not passwords.verify_password(digest, long[:-1] + "y")
    assert not passwords.verify_password(digest, long[:72])


@pytest.mark.parametrize(
    ("password", "reason_en"),
    [
        ("P@ssw0rd", "at least 12 characters"),
        ("iloveyou1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("vera.susanti", "must not be your user name"),
        ("Diskominfo-Sumbar-2024", "only of names, the agency"),
        ("videotron@padang", "only of names, the agency"),
        ("x" * 129, "at most 128 characters"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_reason(app, make_user, password, reason_en):
    user = make_user("vera.susanti", roles=["verifikator"], full_name="Vera Susanti")
    found = passwords.problems(password, user)
    assert any(reason_en in en for _id, en in found), found
    assert all(id_ for id_, _en in found)  # every reason also in Bahasa Indonesia


def test_a_good_password_passes(app, make_user):
    user = make_user("vera", roles=["verifikator"])
    assert passwords.problems("tiga ekor kucing belang tidur", user) == []


def test_the_change_password_page_refuses_with_the_reason(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    resp = _change(client, user, "password123")
    assert resp.status_code == 422 and "terlalu umum" in resp.get_data(as_text=True)
    resp = _change(client, user, "pendek")
    assert resp.status_code == 422 and "minimal 12 karakter" in resp.get_data(as_text=True)
    resp = _change(client, user, "vera")
    assert "nama pengguna" in resp.get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    resp = _change(client, user, "pendek")
    assert "at least 12 characters" in resp.get_data(as_text=True)
    resp = _change(client, user, "kopi-solok-pagi-hari", "kopi-solok-pagi-hariX")
    assert resp.status_code == 422 and "not the same" in resp.get_data(as_text=True)
    assert _change(client, user, "kopi-solok-pagi-hari").status_code == 302
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "auth.password_changed")).all()
    assert len(entries) == 1


def test_the_bundled_list_is_a_real_breached_password_list():
    path = Path(passwords.__file__).parent / "data" / "common-passwords.txt"
    assert path.stat().st_size < 200_000
    common = passwords.common_passwords()
    assert len(common) > 19_000
    assert {"123456", "password", "qwerty", "iloveyou", "bismillah"} <= common


def test_an_administrator_reset_forces_a_change_at_next_login(app, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    user = make_user("vera", roles=["verifikator"])
    admin_client = app.test_client()
    login(admin_client, admin)
    page = admin_client.post(f"/admin/users/{user.id}/reset-password").get_data(as_text=True)
    temporary = page.split('<code class="secret">')[1].split("</code>")[0]
    user.test_password = temporary
    client = app.test_client()
    login(client, user)
    resp = client.get("/account")
    assert resp.status_code == 302 and "/account/password" in resp.headers["Location"]
    assert client.get("/api/me").status_code == 403
    assert _change(client, user, "kopi-solok-pagi-hari").status_code == 302
    assert client.get("/account").status_code == 200


def test_sop_profile_expires_passwords_and_nist_does_not(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"], password_changed_at=utcnow() - dt.timedelta(days=91))
    login(client, user)
    assert client.get("/account").status_code == 302
    settings.put("password_policy", {"profile": "nist"})
    db.session.commit()
    assert client.get("/account").status_code == 200
    change = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "setting.changed"))
    assert change.details == {"profile": ["sop", "nist"]}


def test_sop_profile_warns_ahead(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"], password_changed_at=utcnow() - dt.timedelta(days=80))
    login(client, user)
    page = client.get("/account/password").get_data(as_text=True)
    assert "kedaluwarsa dalam 9 hari" in page or "kedaluwarsa dalam 10 hari" in page


@pytest.mark.parametrize(
    ("password", "reason_en"),
    [
        ("aaaaaaaaaaaa", "repeated characters"),
        ("zzzzzzzzzzzzz", "repeated characters"),
        ("abababababab", "repeated characters"),
        ("abcdefghijkl", "sequence"),
        ("123456789012", "sequence"),
        ("zyxwvutsrqpo", "sequence"),
        ("qwertyuiop[]", "sequence"),
        ("asdfghjkl;'!", "sequence"),
        ("Zxcvbnm,./12", "sequence"),
    ],
)
def test_repeated_sequential_and_keyboard_row_passwords_are_refused(app, make_user, password, reason_en):
    user = make_user("vera", roles=["verifikator"])
    found = passwords.problems(password, user)
    assert any(reason_en in en for _id, en in found), found
    assert all(id_ for id_, _en in found)


@pytest.mark.parametrize("password", ["kopi-solok-pagi-hari", "tiga ekor kucing belang tidur", "Xq7#mPz2vL9w"])
def test_ordinary_passwords_are_not_taken_for_patterns(app, make_user, password):
    user = make_user("vera", roles=["verifikator"])
    assert passwords.problems(password, user) == []


def test_the_last_five_passwords_are_refused_and_the_number_is_a_setting(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    first = user.test_password
    chosen = ["kopi-solok-pagi-hari", "rendang-itiak-lado-hijau", "pantai-air-manis-senja", "jam-gadang-bukittinggi-x"]
    for new in chosen:
        assert _change(client, user, new).status_code == 302, new
        user.test_password = new
    # current + the four before it: the first password is the fifth most recent
    for old in [first, *chosen[:-1]]:
        resp = _change(client, user, old)
        assert resp.status_code == 422, old
        assert "sudah pernah dipakai" in resp.get_data(as_text=True)
    assert _change(client, user, "danau-maninjau-kelok-44").status_code == 302
    user.test_password = "danau-maninjau-kelok-44"
    assert _change(client, user, first).status_code == 302  # now the sixth: allowed again
    user.test_password = first
    settings.put("password_policy", {**settings.get("password_policy"), "history": 8}, actor=None)
    db.session.commit()
    assert any("used before" in en for _i, en in passwords.problems("kopi-solok-pagi-hari", user))
    from hub.auth.models import PasswordHistory

    rows = db.session.scalars(db.select(PasswordHistory).where(PasswordHistory.user_id == user.id)).all()
    assert rows and all(r.password_hash.startswith("$argon2id$") for r in rows)  # hashes, never the text
