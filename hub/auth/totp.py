"""Two-factor: TOTP (RFC 6238, 30-second steps, ±1 step of drift, each code accepted once)
and single-use recovery codes.

The secret is stored encrypted (:mod:`hub.crypto`'s key). A code is accepted only when its
step is later than the last accepted one, written by one atomic ``UPDATE`` so two
requests racing with the same code cannot both win.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
from flask import current_app
from sqlalchemy.exc import IntegrityError

from hub.auth.models import RecoveryCode, TwoFactor
from hub.crypto import _fernet
from hub.extensions import db
from hub.models.base import utcnow

STEP = 30
DRIFT = 1
RECOVERY_CODES = 10
ISSUER = "Hub Publikasi"


def new_secret() -> str:
    return pyotp.random_base32(32)


def _encrypt(secret: str) -> bytes:
    return _fernet().encrypt(secret.encode())


def secret_of(tf: TwoFactor) -> str:
    return _fernet().decrypt(tf.secret).decode()


def state(user) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_enrolled(user) -> bool:
    tf = state(user)
    return tf is not None and tf.enrolled_at is not None


def pending_secret(pending: dict) -> str:
    """The secret of this enrolment attempt, kept in the (signed) session's pending login until
    confirmed: a fresh one per login, never written to the database before a code confirms it, so
    someone else who reads an enrol page (e.g. with a stolen password after a reset) learns nothing
    the real user will enrol with."""
    secret = pending.get("enrol_secret")
    if not isinstance(secret, str) or len(secret) != 32:
        secret = pending["enrol_secret"] = new_secret()
    return secret


def confirm_enrolment(user, secret: str, code: str) -> bool:
    """Enrol ``secret`` when ``code`` matches it (±1 step) and the user is not enrolled yet. The
    write is atomic: of two attempts racing, one wins. Commits."""
    code = _normalise(code)
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now = current_step()
    step = next((s for s in (now - DRIFT, now, now + DRIFT) if hmac.compare_digest(totp.at(s * STEP), code)), None)
    if step is None:
        return False
    values = {"secret": _encrypt(secret), "enrolled_at": utcnow(), "last_step": step}
    result = db.session.execute(
        db.update(TwoFactor)
        .where(TwoFactor.user_id == user.id, TwoFactor.enrolled_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        if state(user) is not None:  # enrolled meanwhile (another attempt won)
            db.session.rollback()
            return False
        try:
            db.session.add(TwoFactor(user_id=user.id, **values))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            return False
    db.session.commit()
    tf = state(user)
    if tf is not None:
        db.session.refresh(tf)
    return True


def enrol_with_secret(user, secret: str) -> None:
    """Enrol directly (demo data, test fixtures, the CLI). Not committed."""
    tf = state(user) or TwoFactor(user_id=user.id, last_step=0)
    tf.secret, tf.enrolled_at, tf.last_step = _encrypt(secret), utcnow(), 0
    db.session.add(tf)


def reset(user) -> None:
    """Forget the enrolment and the recovery codes: the user enrols again at next login."""
    tf = state(user)
    if tf is not None:
        db.session.delete(tf)
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=current_app.config.get("TOTP_ISSUER", ISSUER)
    )


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup (rendered on the server; no script, no outside service)."""
    import segno  # only the enrolment page draws a QR code: not loaded in every process

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def verify(user, code: str) -> bool:
    """Accept ``code`` once, within ±1 step. Commits the accepted step atomically."""
    tf = state(user)
    code = _normalise(code)
    if tf is None or len(code) != 6 or tf.enrolled_at is None:
        return False
    totp = pyotp.TOTP(secret_of(tf))
    now = current_step()
    for step in (now - DRIFT, now, now + DRIFT):
        if hmac.compare_digest(totp.at(step * STEP), code):
            values = {"last_step": step}
            result = db.session.execute(
                db.update(TwoFactor)
                .where(TwoFactor.user_id == user.id, TwoFactor.last_step < step)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            db.session.expire(tf)
            return result.rowcount == 1
    return False


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones (80 random bits each). Not committed."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    return codes


def use_recovery_code(user, code: str) -> bool:
    """Accept an unused recovery code once (atomic). Commits."""
    if len(_normalise_recovery(code)) != 16:
        return False
    result = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def recovery_codes_left(user) -> int:
    return db.session.scalar(
        db.select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
