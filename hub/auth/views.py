"""Login (password, then a TOTP code or a recovery code; enrolment at first login), logout and
password change. Every outcome is audited; a failure always says the same thing."""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from hub import audit
from hub.auth import passwords, throttle, totp
from hub.auth.sessions import end_current_session, end_sessions, start_session
from hub.extensions import db
from hub.models import User
from hub.permissions import public, require

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes to the dashboard.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    ``/\t/evil.example/`` would become ``//evil.example/``: any control character,
    space, backslash (also percent-encoded), a second leading slash or a scheme is refused.
    """
    if not target or not isinstance(target, str) or not target.startswith("/"):
        return "/"
    decoded = unquote(target)
    for text, lowest in ((target, 0x21), (decoded, 0x20)):
        if any(ord(ch) < lowest or ord(ch) == 0x7F or ch == "\\" for ch in text):
            return "/"
        if text.startswith("//") or urlsplit(text).scheme or urlsplit(text).netloc:
            return "/"
    return target.rstrip("?") or "/"


def _generic_failure() -> str:
    return _("The user name, password or code is not correct.")


def _throttled(wait: int, username: str, user_id: int | None):
    audit.record(
        "auth.login_throttled",
        actor=None,
        target_type="user" if user_id else None,
        target_id=user_id,
        details={"wait_seconds": wait},
    )
    db.session.commit()
    minutes = max(1, (wait + 59) // 60)
    return _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=minutes)


def check_password_again(user: User, password: str, where: str) -> tuple[str | None, int]:
    """A logged-in person's current password, asked again before a sensitive change, under the
    login throttle: ``(None, 200)`` when right, else the message and the status (422 wrong, 429
    wait). A failure counts for the account and the address and is audited (not committed)."""
    wait = throttle.wait_seconds(user.username, user.id, trust_device=False)
    if wait:
        return _throttled(wait, user.username, user.id), 429
    if passwords.verify_password(user.password_hash, password):
        return None, 200
    throttle.record_failure(user.username)
    audit.record(
        "auth.password_check_failed", actor=user, target_type="user", target_id=user.id, details={"where": where}
    )
    db.session.commit()
    return _("Your current password is not correct."), 422


def _find_user(username: str) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    return db.session.scalar(db.select(User).where(db.func.lower(User.username) == username.lower()))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    next_url = safe_next(request.values.get("next"))
    if g.get("user") is not None and request.method == "GET":
        return redirect(next_url)
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        user = _find_user(username)
        wait = throttle.wait_seconds(username, user.id if user else None)
        if wait:
            return render_template(
                "auth/login.html", error=_throttled(wait, username, user and user.id), next=next_url
            ), 429
        ok = passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.is_active:
            throttle.record_failure(username)
            reason = "unknown_user" if user is None else "bad_password" if not ok else "disabled"
            audit.record(
                "auth.login_failed",
                actor=None,
                target_type="user" if user else None,
                target_id=user and user.id,
                details={"step": "password", "reason": reason},
            )
            db.session.commit()
            error = _generic_failure()
        else:
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(password)
                db.session.commit()
            session["auth_pending"] = {"uid": user.id, "at": int(time.time()), "next": next_url}
            return redirect(url_for("auth.two_factor" if totp.is_enrolled(user) else "auth.enrol"))
    return render_template("auth/login.html", error=error, next=next_url), 401 if error else 200


def _pending_user() -> User | None:
    pending = session.get("auth_pending")
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["LOGIN_PENDING_SECONDS"]:
        session.pop("auth_pending", None)
        return None
    user = db.session.get(User, pending.get("uid"))
    return user if user is not None and user.is_active else None


def _finish_login(user: User, method: str):
    next_url = safe_next(session.get("auth_pending", {}).get("next"))
    throttle.clear_account(user.username)
    start_session(user)
    audit.record("auth.login", actor=user, target_type="user", target_id=user.id, details={"second_factor": method})
    db.session.commit()
    left = passwords.days_left(user)
    if left is not None and not passwords.must_change(user):
        flash(_("Your password expires in %(days)d days; change it soon.", days=left), "warning")
    return next_url


def _code_failure(user: User, step: str):
    throttle.record_failure(user.username)
    audit.record("auth.login_failed", actor=None, target_type="user", target_id=user.id, details={"step": step})
    db.session.commit()
    return _generic_failure()


@bp.route("/login/code", methods=["GET", "POST"])
@public
def two_factor():
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if not totp.is_enrolled(user):
        return redirect(url_for("auth.enrol"))
    error, status = None, 200
    if request.method == "POST":
        wait = throttle.wait_seconds(user.username, user.id)
        if wait:
            error, status = _throttled(wait, user.username, user.id), 429
        elif totp.verify(user, request.form.get("code", "")):
            response = redirect(_finish_login(user, "totp"))
            throttle.remember_device(response, user.id)
            return response
        else:
            error, status = _code_failure(user, "totp"), 401
    return render_template("auth/code.html", error=error), status


@bp.route("/login/recovery", methods=["GET", "POST"])
@public
def recovery():
    user = _pending_user()
    if user is None or not totp.is_enrolled(user):
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        wait = throttle.wait_seconds(user.username, user.id)
        if wait:
            error, status = _throttled(wait, user.username, user.id), 429
        elif totp.use_recovery_code(user, request.form.get("code", "")):
            left = totp.recovery_codes_left(user)
            audit.record(
                "auth.recovery_code_used", actor=user, target_type="user", target_id=user.id, details={"left": left}
            )
            response = redirect(_finish_login(user, "recovery_code"))
            throttle.remember_device(response, user.id)
            flash(_("You used a recovery code; %(left)d are left.", left=left), "warning")
            return response
        else:
            error, status = _code_failure(user, "recovery_code"), 401
    return render_template("auth/recovery.html", error=error), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol():
    """First login (or after a reset): scan the QR code, confirm with a code, keep the recovery codes."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if totp.is_enrolled(user):
        return redirect(url_for("auth.two_factor"))
    pending = dict(session["auth_pending"])
    secret = totp.pending_secret(pending)
    session["auth_pending"] = pending
    error, status = None, 200
    if request.method == "POST":
        wait = throttle.wait_seconds(user.username, user.id)
        if wait:
            error, status = _throttled(wait, user.username, user.id), 429
        elif totp.confirm_enrolment(user, secret, request.form.get("code", "")):
            codes = totp.new_recovery_codes(user)
            audit.record("auth.2fa_enrolled", actor=user, target_type="user", target_id=user.id)
            next_url = _finish_login(user, "totp_enrolment")
            response = current_app.make_response(
                render_template("auth/recovery_codes.html", codes=codes, next=next_url)
            )
            throttle.remember_device(response, user.id)
            return response
        elif totp.is_enrolled(user):
            return redirect(url_for("auth.two_factor"))
        else:
            error, status = _code_failure(user, "enrolment"), 401
    uri = totp.provisioning_uri(user, secret)
    response = current_app.make_response(
        (render_template("auth/enrol.html", secret=secret, qr=totp.qr_svg(uri), error=error), status)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
@public
def logout():
    user = g.get("user")
    if user is not None and g.get("auth") == "session":
        end_current_session("logout")
        audit.record("auth.logout", actor=user, target_type="user", target_id=user.id)
        db.session.commit()
    session.pop("auth_pending", None)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require()
def change_password():
    user = g.user
    errors: list[str] = []
    status = 422
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        problem, status = check_password_again(user, current, "password_change")
        if problem:
            errors.append(problem)
        elif new != request.form.get("confirm_password", ""):
            errors.append(_("The two new passwords are not the same."))
        elif new == current:
            errors.append(_("Choose a password different from the current one."))
        else:
            lang = str(get_locale() or "id")
            errors.extend(p[0] if lang == "id" else p[1] for p in passwords.problems(new, user))
        if not errors:
            passwords.set_password(user, new)
            ended = end_sessions(user.id, "password_changed")
            start_session(user)  # this browser continues with a new session id
            audit.record(
                "auth.password_changed",
                actor=user,
                target_type="user",
                target_id=user.id,
                details={"sessions_ended": ended},
            )
            db.session.commit()
            flash(_("Your password has been changed; your other sessions have been ended."), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template(
        "auth/change_password.html",
        errors=errors,
        forced=passwords.must_change(user),
        policy=passwords.settings.get("password_policy"),
    ), (status if status != 200 else 422) if errors else 200
