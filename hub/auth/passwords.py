"""Passwords: Argon2id hashes and the policy (length, common list, context words, repeated
characters, sequences and keyboard rows, the last N passwords, expiry).

:func:`problems` returns the reasons a new password is refused, each in Bahasa
Indonesia and English; an empty list means it is accepted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.auth import settings
from hub.models.base import utcnow

MAX_LENGTH = 128
#: the agency, the province and the product: never enough to make a password
CONTEXT_WORDS = (
    "diskominfo",
    "diskominfotik",
    "kominfo",
    "dinas",
    "komunikasi",
    "informatika",
    "statistik",
    "sumbar",
    "sumatera",
    "sumatra",
    "barat",
    "padang",
    "minang",
    "minangkabau",
    "provinsi",
    "pemprov",
    "hub",
    "publikasi",
    "publishing",
    "opd",
    "admin",
    "password",
    "katasandi",
)

#: rows of a US/Indonesian keyboard: walking along one is as guessable as "abcdef"
KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
#: a password needs at least this many different characters
MIN_DISTINCT = 4

_hasher = PasswordHasher()  # Argon2id, argon2-cffi's RFC 9106 low-memory profile
_DUMMY_HASH = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (an unknown user) still spend the same time."""
    global _DUMMY_HASH
    if not password_hash:
        _DUMMY_HASH = _DUMMY_HASH or _hasher.hash("timing-equaliser-not-a-password")
        password_hash = _DUMMY_HASH
        password = password + "\x00"
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("hub.auth").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _user_words(user) -> list[str]:
    words = []
    for value in (getattr(user, "username", ""), getattr(user, "full_name", ""), getattr(user, "email", "")):
        words.extend(w for w in re.split(r"[^a-z0-9]+", (value or "").lower()) if len(w) >= 3)
    org = getattr(user, "organisation", None)
    for value in (getattr(org, "name", ""), getattr(org, "short_name", "")):
        words.extend(w for w in re.split(r"[^a-z0-9]+", (value or "").lower()) if len(w) >= 4)
    return words


def _channel_words() -> list[str]:
    """The installed channels' names: as guessable here as the agency's name."""
    from flask import has_app_context

    if not has_app_context():
        return []
    from hub.plugins import plugins

    return [name.lower() for name in plugins().channels if len(name) >= 4]


def _only_context(password: str, words: list[str]) -> bool:
    """True when nothing but context words, digits and symbols remains."""
    rest = password.lower()
    for word in sorted(set(words), key=len, reverse=True):
        rest = rest.replace(word, " ")
    letters = re.sub(r"[^a-z]", "", rest)
    return len(letters) < 4


def _predictable_step(a: str, b: str) -> bool:
    """The same character again, the next or previous one (letters, digits), or a neighbour on a
    keyboard row."""
    if a == b or (a.isalnum() and b.isalnum() and abs(ord(a) - ord(b)) == 1):
        return True
    return any(a + b in row or b + a in row for row in KEYBOARD_ROWS)


def is_pattern(password: str) -> bool:
    """True for runs, sequences and keyboard walks (``abcdefghijkl``, ``123456789012``,
    ``qwertyuiop[]``): almost every character follows predictably from the one before."""
    lowered = password.lower()
    breaks = sum(1 for a, b in zip(lowered, lowered[1:], strict=False) if not _predictable_step(a, b))
    return breaks <= max(2, len(lowered) // 6)


def _reused(password: str, user) -> bool:
    """The password is the current one or one of the last ``history`` ones of ``user``."""
    from hub.auth.models import PasswordHistory
    from hub.extensions import db

    if user is None or getattr(user, "id", None) is None:
        return False
    keep = settings.get("password_policy")["history"]
    hashes = [user.password_hash] if user.password_hash else []
    hashes += db.session.scalars(
        db.select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc())
        .limit(max(0, keep - len(hashes)))
    ).all()
    return any(verify_password(h, password) for h in hashes)


def problems(password: str, user=None) -> list[tuple[str, str]]:
    """Why ``password`` is refused for ``user`` (a list of (Indonesian, English) reasons)."""
    found: list[tuple[str, str]] = []
    min_length = settings.get("password_policy")["min_length"]
    if len(password) < min_length:
        found.append(
            (f"Kata sandi minimal {min_length} karakter.", f"The password must be at least {min_length} characters.")
        )
    if len(password) > MAX_LENGTH:
        found.append(
            (f"Kata sandi maksimal {MAX_LENGTH} karakter.", f"The password must be at most {MAX_LENGTH} characters.")
        )
    lowered = password.lower()
    user_values = [
        (getattr(user, attr, "") or "").lower() for attr in ("username", "email", "full_name") if user is not None
    ]
    if lowered in user_values or (user is not None and lowered == (user.email or "").split("@")[0].lower()):
        found.append(
            (
                "Kata sandi tidak boleh sama dengan nama pengguna atau e-mail.",
                "The password must not be your user name or e-mail.",
            )
        )
    elif lowered in common_passwords() or lowered.rstrip("0123456789!.@#$%^&*?") in common_passwords():
        found.append(
            (
                "Kata sandi ini terlalu umum (ada dalam daftar kata sandi yang bocor); pilih yang lain.",
                "This password is too common (it is on a list of breached passwords); choose another.",
            )
        )
    elif _only_context(password, list(CONTEXT_WORDS) + _channel_words() + _user_words(user)):
        found.append(
            (
                "Kata sandi hanya terdiri dari nama, instansi, daerah atau angka; tambahkan kata lain.",
                "The password is made only of names, the agency, the region or digits; add other words.",
            )
        )
    if len(set(lowered)) < MIN_DISTINCT:
        found.append(
            (
                "Kata sandi terdiri dari karakter yang berulang; gunakan lebih banyak karakter yang berbeda.",
                "The password is made of repeated characters; use more different characters.",
            )
        )
    elif is_pattern(password):
        found.append(
            (
                "Kata sandi berupa urutan (abcd…, 1234…) atau satu baris papan ketik (qwerty…); pilih yang lain.",
                "The password is a sequence (abcd…, 1234…) or a keyboard row (qwerty…); choose another.",
            )
        )
    if not found and _reused(password, user):
        keep = settings.get("password_policy")["history"]
        found.append(
            (
                f"Kata sandi ini sudah pernah dipakai (salah satu dari {keep} kata sandi terakhir); pilih yang baru.",
                f"This password was used before (one of the last {keep}); choose a new one.",
            )
        )
    return found


def expires_at(user) -> dt.datetime | None:
    """When the user's password must be changed under the policy (None: never)."""
    policy = settings.get("password_policy")
    if policy["profile"] != "sop" or user.password_changed_at is None:
        return None
    return user.password_changed_at + dt.timedelta(days=policy["max_age_days"])


def must_change(user) -> bool:
    """A forced change: after an administrator's reset, or when the SOP period has passed."""
    if user.must_change_password:
        return True
    when = expires_at(user)
    return when is not None and when <= utcnow()


def days_left(user) -> int | None:
    """Days until the password expires when within the warning period, else None."""
    when = expires_at(user)
    if when is None:
        return None
    left = when - utcnow()
    if left <= dt.timedelta(days=settings.get("password_policy")["warn_days"]):
        return max(0, left.days)
    return None


def _remember(user) -> None:
    """Keep the outgoing hash in ``auth_password_history``; only the newest ``history`` are kept."""
    from hub.auth.models import PasswordHistory
    from hub.extensions import db

    db.session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash))
    db.session.flush()
    keep = settings.get("password_policy")["history"]
    newest = db.session.scalars(
        db.select(PasswordHistory.id)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc())
        .limit(keep)
    ).all()
    db.session.execute(
        db.delete(PasswordHistory).where(PasswordHistory.user_id == user.id, PasswordHistory.id.not_in(newest))
    )


def set_password(user, password: str, *, must_change: bool = False) -> None:
    """Store a new hash, keeping the old one in the history (the caller checks :func:`problems`
    and ends sessions)."""
    if user.password_hash and getattr(user, "id", None) is not None:
        _remember(user)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
