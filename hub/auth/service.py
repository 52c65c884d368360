"""User administration as functions, shared by the pages and the ``hub user`` commands.

Each function checks its rule, makes the change, records it in the audit trail and leaves
the commit to the caller (so the change and its record commit together).
"""

from __future__ import annotations

import secrets

from hub import audit
from hub.auth import passwords, totp
from hub.auth.sessions import end_sessions, revoke_tokens
from hub.exceptions import HubError
from hub.extensions import db
from hub.models import Organisation, User, UserRole
from hub.permissions import ROLE_PERMISSIONS
from hub.roles import ROLES

#: permissions a system administrator must never hold alongside its own (separation of duties)
_DECIDING = {"item.decide", "publication.manage"}


class AccountError(HubError):
    """A user change that breaks a rule; ``message_id`` / ``message_en`` say which."""

    def __init__(self, message_id: str, message_en: str):
        self.message_id, self.message_en = message_id, message_en
        super().__init__(f"{message_id} / {message_en}")


def generate_password() -> str:
    """A temporary password (96 random bits) the user must change at first login."""
    return secrets.token_urlsafe(12)


def check_roles(roles: list[str] | set[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(f"Peran tidak dikenal: {', '.join(unknown)}", f"Unknown role(s): {', '.join(unknown)}")
    if "system_admin" in roles and any(ROLE_PERMISSIONS[r] & _DECIDING for r in roles):
        raise AccountError(
            "Administrator sistem tidak boleh memegang peran yang menyetujui atau menerbitkan.",
            "A system administrator cannot also hold a role that approves or publishes.",
        )
    return roles


def clean_nip(value: str) -> str:
    """The NIP as 18 digits ("" when empty), or :class:`AccountError` saying what is wrong.

    A NIP is the birth date (YYYYMMDD), the month of appointment (YYYYMM), 1 or 2, and a
    three-digit number; spaces and dots as people type them are dropped.
    """
    digits = "".join(ch for ch in (value or "") if ch not in " .-")
    if not digits:
        return ""
    import datetime as _dt

    try:
        _dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
        ok = len(digits) == 18 and digits.isdigit() and 1 <= int(digits[12:14]) <= 12 and digits[14] in "12"
    except ValueError:
        ok = False
    if not ok:
        raise AccountError(
            "NIP harus 18 angka: tanggal lahir (TTTTBBHH), bulan pengangkatan (TTTTBB), 1 atau 2, dan nomor urut.",
            "The NIP must be 18 digits: birth date (YYYYMMDD), month of appointment (YYYYMM), 1 or 2, and a number.",
        )
    return digits


def create_user(
    *,
    username: str,
    organisation: Organisation,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    language: str = "id",
    nip: str = "",
    position: str = "",
    password: str | None = None,
    actor=None,
) -> tuple[User, str]:
    """A new user with a temporary password (returned once) to be changed at first login."""
    username = username.strip()
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise AccountError("Nama pengguna wajib diisi, tanpa spasi.", "A user name is required, without spaces.")
    taken = db.session.scalar(db.select(User.id).where(db.func.lower(User.username) == username.lower()))
    if taken is not None:
        raise AccountError("Nama pengguna sudah dipakai.", "This user name is already taken.")
    roles = check_roles(roles)
    user = User(username=username, organisation=organisation, full_name=full_name.strip(), email=email.strip())
    user.nip, user.position = clean_nip(nip), position.strip()[:200]
    user.language = language if language in ("id", "en") else "id"
    user.roles = [UserRole(role=r) for r in roles]
    db.session.add(user)  # the caller rolls back when a rule below refuses
    chosen = password is not None
    password = password if chosen else generate_password()
    if chosen:
        found = passwords.problems(password, user)
        if found:
            raise AccountError(" ".join(p[0] for p in found), " ".join(p[1] for p in found))
    passwords.set_password(user, password, must_change=not chosen)
    db.session.flush()
    audit.record(
        "user.created",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"username": username, "organisation": organisation.id, "roles": roles},
    )
    return user, password


def set_roles(user: User, roles: list[str], *, actor=None) -> None:
    if actor is not None and actor.id == user.id:
        raise AccountError("Anda tidak dapat mengubah peran Anda sendiri.", "You cannot change your own roles.")
    roles = check_roles(roles)
    before = sorted(user.role_codes)
    if before == roles:
        return
    user.roles = [r for r in user.roles if r.role in roles] + [
        UserRole(role=code) for code in roles if code not in before
    ]
    audit.record(
        "user.roles_changed",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"added": sorted(set(roles) - set(before)), "removed": sorted(set(before) - set(roles))},
    )


def set_active(user: User, active: bool, *, actor=None) -> None:
    """Disable (ends every session; tokens stop working at once) or enable a user."""
    if actor is not None and actor.id == user.id and not active:
        raise AccountError("Anda tidak dapat menonaktifkan akun Anda sendiri.", "You cannot disable your own account.")
    if user.is_active == active:
        return
    user.is_active = active
    ended = 0 if active else end_sessions(user.id, "disabled")
    action = "user.enabled" if active else "user.disabled"
    audit.record(action, actor=actor, target_type="user", target_id=user.id, details={"sessions_ended": ended})


def reset_password(user: User, *, actor=None) -> str:
    """A new temporary password (returned once); the user must change it; sessions end and API tokens
    are revoked (a reset is what an administrator does when the account may be compromised)."""
    password = generate_password()
    passwords.set_password(user, password, must_change=True)
    ended = end_sessions(user.id, "password_reset")
    revoked = revoke_tokens(user.id)
    audit.record(
        "user.password_reset",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"sessions_ended": ended, "api_access_revoked": revoked},
    )
    return password


def reset_two_factor(user: User, *, actor=None) -> None:
    """Forget the user's authenticator and recovery codes: they enrol again at next login; sessions
    end, API tokens are revoked and a new password is asked for (whoever else enrolled may hold the
    password too)."""
    totp.reset(user)
    user.must_change_password = True
    ended = end_sessions(user.id, "2fa_reset")
    revoked = revoke_tokens(user.id)
    audit.record(
        "user.2fa_reset",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"sessions_ended": ended, "api_access_revoked": revoked},
    )


def update_profile(
    user: User,
    *,
    full_name: str,
    email: str,
    organisation: Organisation,
    language: str,
    nip: str | None = None,
    position: str | None = None,
    actor=None,
):
    changes = {}
    fields = [("full_name", full_name.strip()), ("email", email.strip()), ("language", language)]
    if nip is not None:
        fields.append(("nip", clean_nip(nip)))
    if position is not None:
        fields.append(("position", position.strip()[:200]))
    for field, value in fields:
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if user.organisation_id != organisation.id:
        changes["organisation"] = [user.organisation_id, organisation.id]
        user.organisation = organisation
    if changes:
        audit.record("user.updated", actor=actor, target_type="user", target_id=user.id, details=changes)
