"""Offices and people for tests: what the ``make_org`` and ``make_user`` fixtures return."""

from __future__ import annotations

from hub.extensions import db


def make_org(name: str = "Diskominfotik Sumbar", *, kind: str = "operator", **fields):
    """The office named ``name`` (created and committed when it does not exist yet)."""
    from hub.models import Organisation

    org = db.session.execute(db.select(Organisation).filter_by(name=name)).scalar()
    if org is None:
        org = Organisation(name=name, kind=kind, short_name=fields.pop("short_name", name[:50]), **fields)
        db.session.add(org)
        db.session.commit()
    return org


def make_user(username: str, *, roles=(), org=None, password: str | None = None, enrol_totp: bool = True, **fields):
    """A committed user holding ``roles`` (see the ``make_user`` fixture)."""
    import pyotp

    from hub.auth import totp
    from hub.models import User, UserRole
    from hub.models.base import utcnow
    from hub.testing import TEST_PASSWORD, _hashed

    org = org or make_org()
    password = password or TEST_PASSWORD
    user = User(
        username=username,
        organisation=org,
        full_name=fields.pop("full_name", username.title()),
        email=fields.pop("email", f"{username}@example.go.id"),
        password_hash=fields.pop("password_hash", None) or _hashed(password),
        password_changed_at=fields.pop("password_changed_at", None) or utcnow(),
        **fields,
    )
    user.roles = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    user.test_password = password
    user.test_totp_secret = None
    user.test_recovery_codes = []
    if enrol_totp:
        user.test_totp_secret = pyotp.random_base32(32)
        totp.enrol_with_secret(user, user.test_totp_secret)
        user.test_recovery_codes = totp.new_recovery_codes(user)
    db.session.commit()
    return user


def current_totp_code(user) -> str:
    """A TOTP code for ``user`` the hub accepts now ("" when both this step's and the next were used)."""
    import pyotp

    from hub.auth.models import TwoFactor
    from hub.auth.totp import STEP, current_step

    last = db.session.execute(db.select(TwoFactor.last_step).where(TwoFactor.user_id == user.id)).scalar() or 0
    step = max(current_step(), last + 1)
    if step > current_step() + 1:
        return ""
    return pyotp.TOTP(user.test_totp_secret).at(step * STEP)
