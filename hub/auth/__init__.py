"""Accounts: login with password and TOTP, server-side sessions, API tokens, throttling,
security headers, user administration and the audit pages.

:func:`init_app` wires it into the app (called by :func:`hub.app.create_app`):

* ``g.user`` for every request (:func:`hub.auth.sessions.load_user`), CSRF checked there;
* a forced password change when the policy asks for one;
* security headers on every response (:mod:`hub.auth.headers`);
* the blueprints ``auth`` (login, logout, password), ``account``, ``users``, ``audit``, ``api_auth``,
  and the API's ``users_api`` (``/api/v1/users``) and ``tokens_api`` (``/api/v1/tokens``).
"""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for

CONFIG_DEFAULTS = {
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    # reverse proxies in front of the hub whose X-Forwarded-For/-Proto are trusted (0: none)
    "PROXY_COUNT": 0,
    # days an API token lives unless the person picks another period (at most API_TOKEN_MAX_DAYS)
    "API_TOKEN_DAYS": 90,
    "API_TOKEN_MAX_DAYS": 365,
    # a pending login (password given, code not yet) is forgotten after this many seconds
    "LOGIN_PENDING_SECONDS": 300,
}

#: endpoints a person who must change their password can still reach
_ALLOWED_WHILE_CHANGING = {"auth.change_password", "auth.logout", "static", "i18n.set_language"}


def init_app(app: Flask) -> None:
    import hub.auth.models  # noqa: F401 - registers the tables
    from hub.auth import account, api, audit_views, headers, policy_views, tokens_api, users, users_api, views
    from hub.auth.sessions import SessionInterface, load_user

    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)
    _cookie_flags(app.config)
    app.session_interface = SessionInterface()
    # CSRF is checked in load_user, after a bearer-token request has been told apart
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    if int(app.config["PROXY_COUNT"] or 0) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    app.jinja_env.filters.setdefault("hub_datetime", _format_datetime)
    app.before_request(load_user)
    app.before_request(_forced_password_change)
    headers.init_app(app)
    from hub.api import register as api_register

    for bp in (views.bp, account.bp, users.bp, policy_views.bp, audit_views.bp, api.bp, users_api.bp, tokens_api.bp):
        api_register(app, bp)  # the API blueprints also go into the OpenAPI document
    from hub.web.nav import NavEntry, add_nav_entry

    add_nav_entry(
        app,
        NavEntry(
            "Pengaturan plugin",
            "Plugin settings",
            endpoint="security_settings.plugin_settings",
            section="admin",
            order=75,
            description_id="Pengaturan saluran dan fitur dari plugin",
            description_en="Settings of the channels and features plugins add",
        ),
    )


def _cookie_flags(config) -> None:
    """The session cookie: HttpOnly, SameSite=Lax (Strict if configured), Secure when served over
    https (``SESSION_COOKIE_SECURE="auto"``, the default; ``true`` forces it)."""
    if config.get("SESSION_COOKIE_NAME") in (None, "session"):
        config["SESSION_COOKIE_NAME"] = "hub_session"
    config["SESSION_COOKIE_HTTPONLY"] = True
    if str(config.get("SESSION_COOKIE_SAMESITE")).lower() != "strict":
        config["SESSION_COOKIE_SAMESITE"] = "Lax"
    secure = config.get("SESSION_COOKIE_SECURE")
    config["SESSION_COOKIE_SECURE"] = True if secure is True or str(secure).lower() in ("true", "1") else "auto"


def _format_datetime(value) -> str:
    """A UTC timestamp in the office's time zone and the person's language."""
    if value is None:
        return ""
    from hub.dates import format_moment

    return format_moment(value)


def _forced_password_change():
    user = g.get("user")
    if user is None or g.get("auth") != "session" or request.endpoint in _ALLOWED_WHILE_CHANGING:
        return None
    from hub.auth.passwords import must_change

    if not must_change(user):
        return None
    if request.path.startswith("/api/"):
        from hub.api.problems import problem

        return problem(
            403,
            "password_change_required",
            "Ganti kata sandi Anda dahulu di halaman akun.",
            "Change your password first, on the account page.",
        )
    return redirect(url_for("auth.change_password", next=request.full_path))
