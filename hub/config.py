"""Configuration: defaults, an optional instance file, then ``HUB_*`` environment variables.

Order of precedence (last wins):

1. :data:`DEFAULTS` below;
2. ``hub.toml`` in the instance folder, or the file named by ``HUB_CONFIG_FILE``
   (keys written without the ``HUB_`` prefix, e.g. ``DATABASE_URL = "..."``);
3. environment variables ``HUB_<KEY>`` (``HUB_DATABASE_URL``, ``HUB_REDIS_URL``…);
4. ``test_config`` passed to :func:`hub.app.create_app`.

With nothing set the hub runs on SQLite in the instance folder, keeps its media
there, and generates a secret key once (``instance/secret_key``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hub.exceptions import ConfigError

if TYPE_CHECKING:
    from flask import Flask

PREFIX = "HUB_"

DEFAULTS: dict[str, object] = {
    # sqlite:///<instance>/hub.sqlite3 when None
    "DATABASE_URL": None,
    # the embedded Redis started by `hub up` when None
    "REDIS_URL": None,
    # <instance>/media when None
    "MEDIA_DIR": None,
    # generated once into <instance>/secret_key when None
    "SECRET_KEY": None,
    "TIMEZONE": "Asia/Jakarta",
    # languages the interface speaks, first is the default
    "LANGUAGES": ["id", "en"],
    # name of the RQ queues the hub uses
    "QUEUE_NAME": "hub",
    # seconds an RQ job may run (channel uploads can be large)
    "JOB_TIMEOUT": 3600,
    # seconds between a worker's heartbeats; /healthz counts a worker as alive while its last
    # heartbeat is at most three of these old
    "WORKER_HEARTBEAT": 10,
    # base URL people reach the hub at (used in e-mails and player links)
    "BASE_URL": "http://127.0.0.1:5000",
    # key for encrypting channel credentials at rest (Fernet); derived from SECRET_KEY when None
    "ENCRYPTION_KEY": None,
    # key of the audit chain's HMAC (not in the database); derived from SECRET_KEY when None.
    # After a change, list the old keys (JSON list or comma-separated) so older entries verify.
    "AUDIT_KEY": None,
    "AUDIT_OLD_KEYS": [],
    # earlier encryption keys, still accepted for decryption until `hub keys reencrypt` has run
    "ENCRYPTION_OLD_KEYS": [],
    # the most occurrences one series (a recurring item) may have (hub.items.series)
    "SERIES_MAX_OCCURRENCES": 52,
    # SMTP for e-mail notifications; no e-mail is sent when SMTP_HOST is empty
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "hub@localhost",
    "SMTP_STARTTLS": True,
    # `hub backup` writes its archives here (<instance>/backups when None) and keeps the newest
    # BACKUP_KEEP of them (0 keeps all)
    "BACKUP_DIR": None,
    "BACKUP_KEEP": 7,
}


def private_files() -> None:
    """Everything the hub creates from now on is its own user's only (folders 700, files 600): the
    database, the embedded Redis dump, media files, the secret key (issue 13, SOP 000)."""
    os.umask(0o077)


def private_folder(path: Path) -> Path:
    """Create ``path`` (700), or take group and other access away from an existing one."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):  # not ours (a mounted volume): leave it as it is
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    return path


def instance_dir(app: Flask) -> Path:
    """The instance folder: ``HUB_INSTANCE_DIR`` or Flask's default, created if missing (700)."""
    private_files()
    path = private_folder(Path(os.environ.get("HUB_INSTANCE_DIR") or app.instance_path))
    for name in ("hub.sqlite3", "secret_key"):  # made by an earlier version with 644
        with contextlib.suppress(OSError):
            if (path / name).stat().st_mode & 0o077:
                (path / name).chmod(0o600)
    return path


def load_config(app: Flask, test_config: dict | None = None) -> None:
    """Fill ``app.config`` from defaults, the instance file, the environment and ``test_config``."""
    app.config.update(DEFAULTS)
    inst = instance_dir(app)
    app.config["INSTANCE_DIR"] = str(inst)

    config_file = os.environ.get(PREFIX + "CONFIG_FILE") or str(inst / "hub.toml")
    if Path(config_file).is_file():
        try:
            with open(config_file, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError("HUB_CONFIG_FILE", f"cannot read {config_file}: {exc}") from exc
        app.config.update({k.upper(): v for k, v in data.items()})
    elif os.environ.get(PREFIX + "CONFIG_FILE"):
        raise ConfigError("HUB_CONFIG_FILE", f"{config_file} does not exist")

    # HUB_FOO=bar -> FOO; values that parse as JSON (numbers, true/false, lists) are typed.
    app.config.from_prefixed_env(prefix="HUB")
    if test_config:
        app.config.update(test_config)

    _fill_derived(app, inst)


def _fill_derived(app: Flask, inst: Path) -> None:
    cfg = app.config
    if not cfg.get("DATABASE_URL"):
        cfg["DATABASE_URL"] = f"sqlite:///{inst / 'hub.sqlite3'}"
    cfg["DATABASE_URL"] = normalise_database_url(str(cfg["DATABASE_URL"]))
    if not cfg.get("MEDIA_DIR"):
        cfg["MEDIA_DIR"] = str(inst / "media")
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _persistent_secret(inst / "secret_key")
    cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"]
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    cfg["SQLALCHEMY_TRACK_MODIFICATIONS"] = False


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` / ``postgres://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _persistent_secret(path: Path) -> str:
    """Read the instance's secret key, generating it once (mode 600) on first start."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def validate_static(app: Flask) -> None:
    """Checks that need no network: URL shapes, time zone, media folder writable.

    Raises :class:`ConfigError` naming the setting.
    """
    cfg = app.config
    db_url = cfg["DATABASE_URL"]
    try:
        from sqlalchemy.engine import make_url

        make_url(db_url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a config error
        raise ConfigError("HUB_DATABASE_URL", f"not a database URL ({exc})") from exc

    redis_url = cfg.get("REDIS_URL")
    if redis_url:
        check_redis_url(redis_url)

    try:
        ZoneInfo(cfg["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("HUB_TIMEZONE", f"unknown time zone {cfg['TIMEZONE']!r}") from exc

    media = Path(cfg["MEDIA_DIR"])
    try:
        private_folder(media)
        probe = media / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError("HUB_MEDIA_DIR", f"folder {media} is not writable ({exc.strerror or exc})") from exc


def check_redis_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            "HUB_REDIS_URL",
            f"{url!r} is not a Redis URL (expected redis://host:port/db, rediss://… or unix:///path.sock)",
        )
    if parsed.scheme in ("redis", "rediss"):
        try:
            parsed.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise ConfigError("HUB_REDIS_URL", f"{url!r} has a bad port") from exc
        if not parsed.hostname:
            raise ConfigError("HUB_REDIS_URL", f"{url!r} has no host")
    elif not parsed.path:
        raise ConfigError("HUB_REDIS_URL", f"{url!r} has no socket path")


def validate_connections(app: Flask) -> None:
    """Checks that need the network: the database and Redis answer."""
    from sqlalchemy import text

    from hub.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise ConfigError(
                "HUB_DATABASE_URL", f"cannot connect to {safe_url(app.config['DATABASE_URL'])}: {reason}"
            ) from exc

    if app.config.get("REDIS_URL"):
        import redis

        from hub.queue import redis_connection

        try:
            redis_connection(app).ping()
        except redis.RedisError as exc:
            raise ConfigError("HUB_REDIS_URL", f"cannot connect to {safe_url(app.config['REDIS_URL'])}: {exc}") from exc


def safe_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and logs)."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(":" + parsed.password + "@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return url


#: settings read where they are used (with a default there), and variables read before the app
#: exists; with the defaults' dicts they make the names :func:`unknown_environment` knows
OTHER_SETTINGS = {
    "INSTANCE_DIR",
    "CONFIG_FILE",
    "LOG_LEVEL",
    "LOG_FORMAT",  # read before the app is built
    "EXTRA_PLUGINS",
    "DISABLED_PLUGINS",
    "PROXY_COUNT",
    "WORKER_FORK_EVERY_JOB",
    "WORKFLOW_OVERDUE_SWEEP",
    "METRICS_TOKEN",
    "METRICS_ALLOW",
    "NOTIFY_NOW",  # a fixed time for the notification deliveries (tests; hub.notify.deliveries.now)
    "LANGUAGES",
    "TOTP_ISSUER",
    "TEST_DATABASE_URL",
    "TEST_REDIS_URL",  # the test fixtures (hub.testing)
}


def known_settings(app: Flask) -> set[str]:
    """Every setting name the hub and its plugins read (without ``HUB_``)."""
    from hub.auth import CONFIG_DEFAULTS as AUTH_DEFAULTS
    from hub.dispatch.policy import DEFAULTS as DISPATCH_DEFAULTS
    from hub.media.settings import CONFIG_DEFAULTS as MEDIA_DEFAULTS
    from hub.plugins import plugins

    names = set(DEFAULTS) | set(AUTH_DEFAULTS) | set(MEDIA_DEFAULTS) | set(DISPATCH_DEFAULTS) | OTHER_SETTINGS
    names |= set(app.default_config)  # Flask's own (SESSION_COOKIE_SECURE…), settable as HUB_…
    names |= {k for k in app.config if k.startswith(("WTF_", "BABEL_", "SQLALCHEMY_", "API_", "OPENAPI_"))}
    registry = plugins(app)
    for plugin, declared in registry.settings.items():
        names |= {f"{plugin.upper()}_{key.upper()}" for key in declared}
    return names


def unknown_environment(app: Flask, environ: dict | None = None) -> list[tuple[str, str | None]]:
    """``[(HUB_NAME, nearest known HUB_ name or None)]`` for each ``HUB_`` variable nothing reads."""
    import difflib

    environ = os.environ if environ is None else environ
    known = known_settings(app)
    found = []
    for var in sorted(environ):
        if not var.startswith(PREFIX) or var[len(PREFIX) :] in known:
            continue
        near = difflib.get_close_matches(var[len(PREFIX) :], sorted(known), n=1, cutoff=0.75)
        found.append((var, PREFIX + near[0] if near else None))
    return found


_warned = False


def warn_unknown_environment(app: Flask, *, once: bool = True) -> None:
    """Log one warning per unknown ``HUB_`` variable (a misspelling is otherwise silently ignored);
    once per process (every process builds its app at start-up)."""
    import logging

    global _warned
    if once and _warned:
        return
    _warned = True

    log = logging.getLogger("hub.config")
    for var, near in unknown_environment(app):
        if near:
            log.warning("unknown setting %s is ignored; did you mean %s?", var, near)
        else:
            log.warning("unknown setting %s is ignored (README.md, Configuration, lists them)", var)
