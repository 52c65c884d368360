"""``hub backup`` / ``hub restore``: a populated hub restored into an empty instance works.

The must-show drill: a hub with a user, a channel account whose token is stored encrypted, a
published item and a media file is backed up; the archive checks out; it is restored into a new
instance folder and an empty database (SQLite, or PostgreSQL with ``HUB_TEST_DATABASE_URL``); the
restored hub (built from what the restore wrote: secret key, ``hub.toml``) passes ``hub audit
verify`` and publishes an approved revision of the published item to the stub channel, which
accepts only the original, decrypted token.
"""

from __future__ import annotations

import json
import os
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from hub.dispatch import kick
from hub.extensions import db
from hub.models import ChannelAccount, PublicationStatus
from tests import stub_channel
from tests.dispatch_support import FAST, approve_item, drive, publications

ACCOUNT_TOKEN = "stub-account-token-from-the-original-hub"


def hub_cli(app, *args, catch=False):
    from hub.cli import build_cli

    group = build_cli(app)
    with app.app_context():
        return CliRunner().invoke(group, list(args), catch_exceptions=catch)


@pytest.fixture
def svc():
    with stub_channel.StubService(token=ACCOUNT_TOKEN) as service:
        yield service


@pytest.fixture
def empty_database(database_url, tmp_path):
    """The URL of a new, empty database of the kind the suite runs on."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'hub.sqlite3'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    name = f"{url.database}_restore_{os.getpid()}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def source(make_app, svc, tmp_path):
    """A populated hub: a user, an encrypted channel account, a published item, a media file."""
    from hub.crypto import encrypt_json
    from hub.testing.people import make_user

    app = make_app(
        EXTRA_PLUGINS=[stub_channel],
        STUB_CHANNEL_URL=svc.url,
        STUB_CHANNEL_TOKEN="",
        ENCRYPTION_KEY=Fernet.generate_key().decode(),
        BACKUP_DIR=str(tmp_path / "backups"),
        **FAST,
    )
    with app.app_context():
        user = make_user("operator1", roles=("admin_social",))
        db.session.add(ChannelAccount(channel="stub", name="Akun uji", secret=encrypt_json({"token": ACCOUNT_TOKEN})))
        item = approve_item(user, "stub", title="Festival Budaya", body="Versi pertama")
        kick([item.id])
        drive(app, lambda: publications(item.id)[0].status == PublicationStatus.PUBLISHED.value)
        media = Path(app.config["MEDIA_DIR"]) / "2026" / "12" / "poster.jpg"
        media.parent.mkdir(parents=True, exist_ok=True)
        media.write_bytes(os.urandom(50_000))
        app.item_id = item.id
    return app


def test_backup_restores_into_an_empty_instance_that_publishes_with_the_original_credentials(
    source, svc, make_app, empty_database, tmp_path, monkeypatch
):
    archive = tmp_path / "hub.tar"
    result = hub_cli(source, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0  # it holds the keys: the hub's user only
    check = hub_cli(source, "backup", "--check", str(archive), "--json")
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["ok"] is True
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "keys.json", "media/2026/12/poster.jpg"} <= names
    assert names & {"database/hub.sqlite3", "database/hub.pgdump"}

    # the source instance is not empty: a restore there is refused, nothing changed
    refused = hub_cli(source, "restore", str(archive), catch=True)
    assert refused.exit_code != 0 and "empty instance" in str(refused.exception)

    # a new instance: its own folder, secret key generated at start, no HUB_ENCRYPTION_KEY
    instance = tmp_path / "restored-instance"
    monkeypatch.setenv("HUB_INSTANCE_DIR", str(instance))
    target = {
        "EXTRA_PLUGINS": [stub_channel],
        "STUB_CHANNEL_URL": svc.url,
        "STUB_CHANNEL_TOKEN": "",
        "DATABASE_URL": empty_database,
        "MEDIA_DIR": str(tmp_path / "restored-media"),
        "SECRET_KEY": None,
        **FAST,
    }
    empty = make_app(**target)
    assert empty.config["SECRET_KEY"] != source.config["SECRET_KEY"]
    restored_out = hub_cli(empty, "restore", str(archive))
    assert restored_out.exit_code == 0, restored_out.output
    assert (instance / "secret_key").read_text() == source.config["SECRET_KEY"]
    assert (tmp_path / "restored-media" / "2026" / "12" / "poster.jpg").read_bytes() == (
        Path(source.config["MEDIA_DIR"]) / "2026" / "12" / "poster.jpg"
    ).read_bytes()

    restored = make_app(**target)  # a fresh start reads the restored keys
    assert restored.config["ENCRYPTION_KEY"] == source.config["ENCRYPTION_KEY"]
    assert hub_cli(restored, "db", "upgrade").exit_code == 0
    verify = hub_cli(restored, "audit", "verify")
    assert verify.exit_code == 0, verify.output

    with restored.app_context():
        from hub.dispatch import republish_published
        from hub.installation import installation_id
        from hub.models import Item

        assert installation_id() == json.loads(check.output)["manifest"]["installation_id"]
        item = db.session.get(Item, source.item_id)
        item.body = "Versi kedua"
        item.title = "Festival Budaya (revisi)"
        assert republish_published(item)
        db.session.commit()
        kick([item.id])
        pub = drive(restored, lambda: (p := publications(item.id)[0]).status == "published" and p)
    assert pub.attempts >= 1
    patches = [r for r in svc.requests if r["method"] == "PATCH"]
    assert patches, "the revision edits the post made before the backup"
    post = svc.posts[pub.remote_id]
    assert post["edits"] == 1 and post["text"] in ("Versi kedua", "Festival Budaya (revisi)")
    assert hub_cli(restored, "audit", "verify").exit_code == 0


def test_check_finds_a_damaged_archive(source, tmp_path):
    archive = tmp_path / "hub.tar"
    assert hub_cli(source, "backup", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        member = tar.getmember("media/2026/12/poster.jpg")
    data = bytearray(archive.read_bytes())
    data[member.offset_data + 100] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    result = hub_cli(source, "backup", "--check", str(damaged))
    assert result.exit_code == 1
    assert "poster.jpg: checksum mismatch" in result.output


def test_without_keys_warns_and_media_manifest_lists_checksums(source, tmp_path):
    archive = tmp_path / "nokeys.tar"
    result = hub_cli(source, "backup", str(archive), "--without-keys", "--media-manifest")
    assert result.exit_code == 0, result.output
    assert "holds no keys" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert "keys.json" not in names and not any(n.startswith("media/") for n in names)
    assert manifest["media"]["files"]["2026/12/poster.jpg"]["size"] == 50_000
    check = hub_cli(source, "backup", "--check", str(archive))
    assert check.exit_code == 0 and "holds no keys" in check.output


def test_retention_keeps_the_newest_archives(source):
    for _ in range(3):
        assert hub_cli(source, "backup", "--keep", "2").exit_code == 0
    folder = Path(source.config["BACKUP_DIR"])
    archives = sorted(p.name for p in folder.iterdir())
    assert len(archives) == 2 and all(n.startswith("hub-backup-") and n.endswith(".tar") for n in archives)


def test_the_database_password_goes_to_pg_dump_in_its_environment_not_its_arguments():
    from hub.backup import libpq_url

    url, env = libpq_url("postgresql+psycopg://hub:s3cr%40t@db.example:5432/hub")
    assert url == "postgresql://hub@db.example:5432/hub" and env == {"PGPASSWORD": "s3cr@t"}
    assert libpq_url("postgresql+psycopg://hub@db/hub") == ("postgresql://hub@db/hub", {})


def _rewrite_manifest(archive: Path, dest: Path, change) -> None:
    """A copy of ``archive`` whose manifest ``change(manifest)`` edited (as a newer hub would write it)."""
    import io

    with tarfile.open(archive) as src, tarfile.open(dest, "w") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_media_on_shared_storage_are_checked_not_copied_and_newer_archives_are_refused(
    source, make_app, empty_database, tmp_path, monkeypatch
):
    archive = tmp_path / "shared.tar"
    assert hub_cli(source, "backup", str(archive), "--media-manifest").exit_code == 0
    newer = tmp_path / "newer.tar"
    _rewrite_manifest(archive, newer, lambda m: m["database"]["revisions"].append("9999_from_the_future"))

    monkeypatch.setenv("HUB_INSTANCE_DIR", str(tmp_path / "restored-instance"))
    shared = Path(source.config["MEDIA_DIR"])  # the same shared folder, mounted on the new machine
    (shared / "2026" / "12" / "poster.jpg").write_bytes(b"changed on the shared storage")
    target = make_app(DATABASE_URL=empty_database, MEDIA_DIR=str(shared), SECRET_KEY=None)

    refused = hub_cli(target, "restore", str(newer), catch=True)
    assert "newer hub" in str(refused.exception) and "9999_from_the_future" in str(refused.exception)

    result = hub_cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "1 media files in" in result.output and "differ from the backup" in result.output
