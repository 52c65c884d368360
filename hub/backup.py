"""``hub backup`` / ``hub restore``: one archive that restores into a working hub.

An archive is an uncompressed tar (media are compressed already) holding:

``database/hub.sqlite3``
    SQLite: a consistent copy made with SQLite's online backup API (the hub may keep running);
``database/hub.pgdump``
    PostgreSQL: ``pg_dump --format=custom`` (one transaction: consistent). ``pg_dump`` runs on
    this machine and connects to the server like the hub does, so a remote server needs only a
    ``pg_dump`` of its major version (or newer) here;
``media/…``
    the media folder; or nothing with ``--media-manifest`` (media on shared storage backed up by
    its own means): the manifest then lists every file with its size and SHA-256, and
    ``hub restore`` checks the shared folder against it;
``keys.json``
    the keys that read what is encrypted or signed (``SECRET_KEY``, ``ENCRYPTION_KEY``,
    ``AUDIT_KEY``, ``AUDIT_OLD_KEYS``); left out with ``--without-keys`` (a warning says
    channel credentials and the audit chain then need the keys kept elsewhere);
``manifest.json`` (last)
    format, hub version, database kind and applied migrations, the installation id, and the
    size and SHA-256 of every other member.

The database is dumped before the media are read: a file uploaded meanwhile is in the archive
without a row (harmless); media files are never changed in place.

``hub restore`` refuses an instance that is not empty (a database with tables, a media folder
with files), so it never mixes two hubs; it writes the keys where this instance reads them
(``<instance>/secret_key``, ``<instance>/hub.toml``) unless the environment sets other ones, which
it refuses before changing anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from hub.exceptions import HubError

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
KEYS = "keys.json"
DB_SQLITE = "database/hub.sqlite3"
DB_PG = "database/hub.pgdump"
MEDIA_PREFIX = "media/"
#: the settings whose values read what is stored encrypted or signed
KEY_SETTINGS = ("SECRET_KEY", "ENCRYPTION_KEY", "ENCRYPTION_OLD_KEYS", "AUDIT_KEY", "AUDIT_OLD_KEYS")
#: archives ``hub backup`` names (and retention deletes): hub-backup-20261207T020000Z.tar
ARCHIVE_NAME = re.compile(r"^hub-backup-\d{8}T\d{6}Z(-\d+)?\.tar$")
_CHUNK = 1024 * 1024


class BackupError(HubError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class CheckResult:
    manifest: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- helpers ----------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def database_kind(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backup supports SQLite and PostgreSQL only, not {url.split(':', 1)[0]}")


def sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def libpq_url(url: str) -> tuple[str, dict]:
    """The SQLAlchemy URL as ``pg_dump``/``pg_restore`` take it (no ``+psycopg``), without its
    password, and the environment that passes the password (``PGPASSWORD``: not on the command
    line, where every user of the machine could read it in the process list)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url).set(drivername="postgresql")
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return parsed._replace(password=None).render_as_string(hide_password=False), env


def _run(cmd: list[str], what: str, env: dict | None = None) -> None:
    from hub.config import safe_url

    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})} if env else None
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{cmd[0]} not found: install the PostgreSQL client tools (the same major version as the server, "
            "or newer) on this machine"
        ) from exc
    if proc.returncode != 0:
        shown = " ".join(safe_url(part) if "://" in part else part for part in cmd)
        raise BackupError(f"{what} failed ({shown}): {proc.stderr.strip() or proc.returncode}")


def media_files(media_dir: Path) -> list[Path]:
    """The media folder's files (relative paths, sorted); write probes are left out."""
    if not media_dir.is_dir():
        return []
    found = []
    for root, _dirs, files in os.walk(media_dir):
        for name in files:
            if name.startswith(".write-test-"):
                continue
            found.append((Path(root) / name).relative_to(media_dir))
    return sorted(found)


def _applied_revisions(app: Flask) -> list[str]:
    from hub.migrate import current_heads

    try:
        return sorted(current_heads(app))
    except Exception:  # noqa: BLE001 - recorded as unknown, the dump says the rest
        return []


# --- backup -------------------------------------------------------------------------------------------


def default_archive_path(app: Flask, now: dt.datetime | None = None) -> Path:
    folder = backup_dir(app)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"hub-backup-{stamp}.tar"
    n = 1
    while path.exists():
        path = folder / f"hub-backup-{stamp}-{n}.tar"
        n += 1
    return path


def backup_dir(app: Flask) -> Path:
    from hub.config import private_folder

    folder = app.config.get("BACKUP_DIR") or str(Path(app.config["INSTANCE_DIR"]) / "backups")
    return private_folder(Path(folder))


def create_backup(app: Flask, dest: Path, *, with_keys: bool = True, include_media: bool = True) -> dict:
    """Write the archive ``dest`` (through ``dest.partial``, renamed when complete); returns the manifest."""
    from hub import __version__
    from hub.extensions import db
    from hub.installation import installation_id

    url = app.config["DATABASE_URL"]
    kind = database_kind(url)
    media_dir = Path(app.config["MEDIA_DIR"])
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with app.app_context():
        install_id = installation_id()
        db.session.commit()
    manifest: dict = {
        "format": FORMAT,
        "hub_version": __version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {"kind": kind, "revisions": _applied_revisions(app)},
        "installation_id": install_id,
        "keys_included": with_keys,
        "media": {"included": include_media, "files": {}},
        "members": {},
    }
    with tempfile.TemporaryDirectory(prefix="hub-backup-", dir=dest.parent) as tmp:
        dump = Path(tmp) / "dump"
        if kind == "sqlite":
            _dump_sqlite(sqlite_path(url), dump)
            db_member = DB_SQLITE
        else:
            target, env = libpq_url(url)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", target],
                "pg_dump",
                env,
            )
            db_member = DB_PG
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                manifest["members"][db_member] = _add_file(tar, dump, db_member)
                for rel in media_files(media_dir):
                    path = media_dir / rel
                    name = MEDIA_PREFIX + rel.as_posix()
                    if include_media:
                        entry = _add_file(tar, path, name)
                        manifest["members"][name] = entry
                    else:
                        entry = {"size": path.stat().st_size, "sha256": _sha256_file(path)}
                    manifest["media"]["files"][rel.as_posix()] = entry
                if with_keys:
                    keys = {k: app.config.get(k) for k in KEY_SETTINGS}
                    manifest["members"][KEYS] = _add_bytes(tar, KEYS, json.dumps(keys, indent=2).encode())
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            os.chmod(partial, 0o600)  # it holds the keys: the hub's user only, whatever the umask
            os.replace(partial, dest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
    return manifest


def _dump_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API, page by page)."""
    if not source.exists():
        raise BackupError(f"the database file {source} does not exist")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    digest = hashlib.sha256()

    class _Hashing(io.RawIOBase):
        def __init__(self, fh):
            self.fh = fh

        def readable(self):
            return True

        def read(self, n=-1):
            data = self.fh.read(n)
            digest.update(data)
            return data

    with open(path, "rb") as fh:
        tar.addfile(info, _Hashing(fh))
    return {"size": info.size, "sha256": digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> dict:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def prune(app: Flask, keep: int | None = None) -> list[Path]:
    """Delete the oldest archives of ``BACKUP_DIR`` beyond ``keep`` (``BACKUP_KEEP``; 0 keeps all)."""
    keep = int(app.config.get("BACKUP_KEEP", 7) if keep is None else keep)
    if keep <= 0:
        return []
    folder = backup_dir(app)
    archives = sorted(
        (p for p in folder.iterdir() if ARCHIVE_NAME.match(p.name)), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )
    removed = archives[:-keep] if len(archives) > keep else []
    for path in removed:
        path.unlink()
    return removed


# --- check --------------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name.strip() == name


def check_archive(path: Path, *, deep: bool = True) -> CheckResult:
    """Every member is listed in the manifest with its size and checksum, and the database dump reads
    (``PRAGMA integrity_check``; ``pg_restore --list``) when ``deep``."""
    result = CheckResult()
    try:
        tar = tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as exc:
        result.problems.append(f"cannot read {path} as a tar archive: {exc}")
        return result
    with tar:
        try:
            members = {m.name: m for m in tar.getmembers()}
        except (OSError, tarfile.TarError) as exc:
            result.problems.append(f"the archive is damaged or cut short: {exc}")
            return result
        if MANIFEST not in members:
            result.problems.append("no manifest.json: not a hub backup, or cut short")
            return result
        try:
            manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        except (ValueError, OSError, tarfile.TarError) as exc:
            result.problems.append(f"manifest.json does not read: {exc}")
            return result
        result.manifest = manifest
        if manifest.get("format") != FORMAT:
            result.problems.append(f"archive format {manifest.get('format')!r}, this hub reads {FORMAT}")
            return result
        listed = manifest.get("members", {})
        for name, member in members.items():
            if name == MANIFEST:
                continue
            if not _safe_member(name) or not member.isfile():
                result.problems.append(f"unsafe or unexpected member {name!r}")
            elif name not in listed:
                result.problems.append(f"{name} is not in the manifest")
        for name, entry in listed.items():
            member = members.get(name)
            if member is None:
                result.problems.append(f"{name} is missing")
                continue
            digest = hashlib.sha256()
            size = 0
            try:
                fh = tar.extractfile(member)
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            except (OSError, tarfile.TarError) as exc:
                result.problems.append(f"{name} does not read: {exc}")
                continue
            if size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
                result.problems.append(f"{name}: checksum mismatch (changed or damaged)")
        kind = manifest.get("database", {}).get("kind")
        db_member = {"sqlite": DB_SQLITE, "postgresql": DB_PG}.get(kind)
        if db_member is None or db_member not in listed:
            result.problems.append("no database dump in the archive")
        elif deep and not result.problems:
            with tempfile.TemporaryDirectory(prefix="hub-check-") as tmp:
                dump = Path(tmp) / "dump"
                _extract_to(tar, members[db_member], dump)
                problem = _check_dump(kind, dump)
                if problem:
                    result.problems.append(problem)
        if not manifest.get("keys_included"):
            result.warnings.append(_WITHOUT_KEYS_WARNING)
        if not manifest.get("media", {}).get("included"):
            result.warnings.append(
                "media are not in the archive (shared storage): back up the media storage by its own means; "
                "the manifest lists their checksums"
            )
    return result


_WITHOUT_KEYS_WARNING = (
    "the archive holds no keys: channel credentials cannot be decrypted and the audit chain cannot be "
    "verified after a restore unless HUB_SECRET_KEY (and HUB_ENCRYPTION_KEY, HUB_AUDIT_KEY when set) are "
    "kept elsewhere and set again"
)


def _extract_to(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tar.extractfile(member) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out, _CHUNK)


def _check_dump(kind: str, dump: Path) -> str | None:
    if kind == "sqlite":
        try:
            con = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            try:
                answer = con.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            return f"the SQLite dump does not open: {exc}"
        return None if answer == "ok" else f"the SQLite dump fails its integrity check: {answer}"
    if shutil.which("pg_restore") is None:
        return None  # checksums only; said in the docs
    proc = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=False)
    return None if proc.returncode == 0 else f"pg_restore cannot read the dump: {proc.stderr.strip()}"


# --- restore ------------------------------------------------------------------------------------------


def instance_contents(app: Flask, *, media: bool = True) -> list[str]:
    """What makes this instance not empty (tables in its database, files in its media folder)."""
    from sqlalchemy import inspect

    from hub.extensions import db

    found = []
    url = app.config["DATABASE_URL"]
    if database_kind(url) == "sqlite" and not sqlite_path(url).exists():
        tables = []  # no file yet: empty (and not created by looking)
    else:
        with app.app_context():
            tables = inspect(db.engine).get_table_names()
            db.engine.dispose()
    if tables:
        found.append(f"the database has {len(tables)} tables ({', '.join(sorted(tables)[:3])}, …)")
    if media:
        files = media_files(Path(app.config["MEDIA_DIR"]))
        if files:
            found.append(f"the media folder {app.config['MEDIA_DIR']} holds {len(files)} files")
    return found


def _key_plan(app: Flask, keys: dict) -> tuple[dict, list[str]]:
    """What to write where so this instance reads the backup's keys: ``({"secret_key": …,
    "toml": {…}}, refusals)``; a key set in the environment (or a configuration file other than the
    instance's ``hub.toml``) to another value is refused, not overwritten."""
    inst = Path(app.config["INSTANCE_DIR"])
    config_file = os.environ.get("HUB_CONFIG_FILE")
    plan: dict = {"secret_key": None, "toml": {}}
    refusals = []
    for name in KEY_SETTINGS:
        wanted = keys.get(name)
        have = app.config.get(name)
        if name.endswith("_OLD_KEYS"):
            wanted, have = list(wanted or []), list(have or [])
        if wanted == have or (not wanted and not have):
            continue
        from_env = f"HUB_{name}" in os.environ
        if name == "SECRET_KEY" and not from_env and _from_instance_file(inst, have):
            plan["secret_key"] = wanted
        elif not from_env and not config_file and not _in_toml(inst / "hub.toml", name):
            plan["toml"][name] = wanted
        else:
            where = f"HUB_{name}" if from_env else (config_file or str(inst / "hub.toml"))
            refusals.append(
                f"{name} is set ({where}) to another value than the backup's: unset it or set it to the "
                f"backup's (keys.json in the archive)"
            )
    return plan, refusals


def _from_instance_file(inst: Path, value) -> bool:
    try:
        return (inst / "secret_key").read_text().strip() == value
    except OSError:
        return False


def _in_toml(path: Path, name: str) -> bool:
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, ValueError):
        return False
    return name in {k.upper() for k in data}


def _write_keys(app: Flask, plan: dict) -> list[str]:
    inst = Path(app.config["INSTANCE_DIR"])
    written = []
    if plan["secret_key"]:
        path = inst / "secret_key"
        tmp = path.with_name("secret_key.restoring")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(plan["secret_key"])
        os.replace(tmp, path)
        written.append(str(path))
    if plan["toml"]:
        path = inst / "hub.toml"
        lines = ["", "# restored by `hub restore` (the keys of the backup)"]
        lines += [f"{name} = {json.dumps(value)}" for name, value in plan["toml"].items()]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.write("\n".join(lines) + "\n")
        written.append(str(path))
    return written


def restore_backup(app: Flask, archive: Path) -> dict:
    """Restore ``archive`` into this (empty) instance; returns ``{"manifest", "keys_written", "warnings"}``.

    Raises :class:`BackupError` before changing anything when the archive is damaged, the instance is
    not empty, the database kinds differ or a key set in the environment differs from the backup's.
    """
    check = check_archive(archive)
    if not check.ok:
        raise BackupError("the archive does not check out: " + "; ".join(check.problems))
    manifest = check.manifest
    warnings = list(check.warnings)
    kind = database_kind(app.config["DATABASE_URL"])
    if manifest["database"]["kind"] != kind:
        raise BackupError(
            f"the backup holds a {manifest['database']['kind']} database and this instance uses {kind}: "
            "restore into the same kind of database"
        )
    from hub.migrate import known_revisions

    unknown = sorted(set(manifest["database"].get("revisions") or []) - known_revisions(app))
    if unknown:
        raise BackupError(
            f"the backup was made by a newer hub ({manifest.get('hub_version')}; migrations {', '.join(unknown)} "
            "are unknown here): install that version or newer, then restore"
        )
    media_included = manifest["media"]["included"]
    busy = instance_contents(app, media=media_included)
    if busy:
        raise BackupError(
            "restore only goes into an empty instance, and this one is not: "
            + "; ".join(busy)
            + ". Use a new database and media folder (or empty them) and run hub restore again."
        )
    keys: dict = {}
    with tarfile.open(archive, "r:") as tar:
        if manifest.get("keys_included"):
            keys = json.loads(tar.extractfile(KEYS).read())
            plan, refusals = _key_plan(app, keys)
            if refusals:
                raise BackupError("; ".join(refusals))
        else:
            plan = {"secret_key": None, "toml": {}}
        _restore_database(app, tar, kind)
        media_dir = Path(app.config["MEDIA_DIR"])
        if media_included:
            for name in manifest["members"]:
                if name.startswith(MEDIA_PREFIX):
                    target = media_dir / name[len(MEDIA_PREFIX) :]
                    _extract_to(tar, tar.getmember(name), target)
                    target.chmod(0o600)
        else:
            warnings += _compare_shared_media(media_dir, manifest["media"]["files"])
    written = _write_keys(app, plan)
    return {"manifest": manifest, "keys_written": written, "warnings": warnings}


def _restore_database(app: Flask, tar: tarfile.TarFile, kind: str) -> None:
    from hub.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    url = app.config["DATABASE_URL"]
    if kind == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".restoring")
        _extract_to(tar, tar.getmember(DB_SQLITE), tmp)
        tmp.chmod(0o600)
        for suffix in ("-wal", "-shm", "-journal"):  # an empty database's leftovers
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).unlink()
        os.replace(tmp, path)
        return
    with tempfile.TemporaryDirectory(prefix="hub-restore-") as tmp:
        dump = Path(tmp) / "dump"
        _extract_to(tar, tar.getmember(DB_PG), dump)
        target, env = libpq_url(url)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={target}",
                str(dump),
            ],
            "pg_restore",
            env,
        )


def _compare_shared_media(media_dir: Path, files: dict) -> list[str]:
    missing, changed = [], []
    for rel, entry in files.items():
        path = media_dir / rel
        if not path.is_file():
            missing.append(rel)
        elif path.stat().st_size != entry["size"] or _sha256_file(path) != entry["sha256"]:
            changed.append(rel)
    out = []
    if missing:
        out.append(f"{len(missing)} media files of the backup are not in {media_dir} (e.g. {missing[0]})")
    if changed:
        out.append(f"{len(changed)} media files in {media_dir} differ from the backup (e.g. {changed[0]})")
    return out
