"""The audit trail: entries commit with the change they record, chain by hash, and
``hub audit verify`` names the first altered or missing entry."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from hub import audit
from hub.extensions import db
from hub.models import AuditEntry, Organisation


def _entries():
    return db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()


def test_an_entry_commits_with_its_change_and_rolls_back_with_it(app, make_user):
    admin = make_user("sysadmin", roles=["system_admin"])
    org = Organisation(name="Dinas Pariwisata", kind="requester")
    db.session.add(org)
    entry = audit.record("organisation.created", actor=admin, target_type="organisation", details={"name": "Dispar"})
    assert entry.id is None  # not flushed, not committed
    db.session.commit()
    rows = _entries()
    assert [(e.action, e.actor_id, e.actor_name) for e in rows] == [("organisation.created", admin.id, "sysadmin")]
    assert rows[0].prev_hash == audit.GENESIS and len(rows[0].hash) == 64

    db.session.add(Organisation(name="Dinas Kesehatan", kind="requester"))
    audit.record("organisation.created", actor=None, details={"name": "Dinkes"})
    db.session.rollback()
    assert len(_entries()) == 1
    assert db.session.scalar(db.select(Organisation).filter_by(name="Dinas Kesehatan")) is None


def test_entries_chain_and_secrets_are_redacted(app):
    for n in range(3):
        audit.record("test.event", actor=None, details={"n": n, "password": "hunter2-secret", "new_token": "abc"})
    db.session.commit()
    rows = _entries()
    assert [e.id for e in rows] == [1, 2, 3]
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[0].details == {"n": 0, "password": "[redacted]", "new_token": "[redacted]"}
    assert rows[0].actor_name == "system"
    assert audit.verify().ok


def test_entries_cannot_be_changed_or_deleted_through_the_orm(app):
    audit.record("test.event", actor=None)
    db.session.commit()
    entry = _entries()[0]
    entry.action = "something.else"
    with pytest.raises(audit.AuditError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(_entries()[0])
    with pytest.raises(audit.AuditError):
        db.session.commit()
    db.session.rollback()


def _five_entries():
    for n in range(5):
        audit.record("test.event", actor=None, details={"n": n})
    db.session.commit()


def test_verify_command_passes_on_an_untouched_chain(app, runner):
    _five_entries()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "5" in result.output


def test_editing_a_row_in_the_database_is_named_by_verify(app, runner):
    _five_entries()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET details = :d WHERE id = 3"), {"d": '{"n": 99}'})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "entry 3" in result.output and "altered" in result.output


def test_deleting_a_row_in_the_database_is_named_by_verify(app, runner):
    _five_entries()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = 2"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "entry 2" in result.output and "missing" in result.output


WRITER = """
import sys, time
from pathlib import Path
from hub.app import create_app
from hub import audit
from hub.extensions import db

app = create_app()
barrier, count, name = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with app.app_context():
    db.session.execute(db.text("SELECT 1"))
    db.session.commit()
    (barrier / name).touch()
    while not (barrier / "go").exists():
        time.sleep(0.002)
    for n in range(count):
        audit.record("test.concurrent", actor=None, details={"writer": name, "n": n})
        db.session.commit()
        if n in (0, count // 2):  # meet the others here, so the chain interleaves even on a loaded box
            (barrier / f"{name}-{n}").touch()
            while not all((barrier / f"{w}-{n}").exists() for w in sys.argv[4].split(",")):
                time.sleep(0.002)
print("done", name)
"""


def test_three_processes_writing_at_once_keep_one_unbroken_chain(app, runner, tmp_path):
    import subprocess
    import sys

    from helpers import hub_env, wait_for

    env = hub_env(app)
    names = ("a", "b", "c")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), "60", name, ",".join(names)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    try:
        wait_for(lambda: all((tmp_path / n).exists() for n in names), timeout=90, what="writers ready")
        (tmp_path / "go").touch()
        for proc in procs:
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-2000:]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    rows = _entries()
    assert len(rows) == 180
    # the writers really ran at the same time: the chain is not three blocks one after another
    writers = [e.details["writer"] for e in rows]
    assert sum(1 for x, y in zip(writers, writers[1:], strict=False) if x != y) > 2
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "180 entries" in result.output


def test_deleting_the_newest_rows_is_named_by_verify(app, runner):
    _five_entries()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id >= 4"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "entry 4 is missing (the head is entry 5)" in result.output


def test_the_kept_head_follows_the_chain_and_rolls_back_with_it(app):
    _five_entries()
    assert audit.stored_head() == (5, _entries()[-1].hash)
    audit.record("test.event", actor=None)
    db.session.flush()
    db.session.rollback()
    assert audit.stored_head()[0] == 5
    assert audit.verify().ok


def test_verify_with_a_noted_head_detects_entries_cut_off_the_end(app, runner):
    _five_entries()
    head = runner.invoke(args=["audit", "verify"]).output.split("head: ")[1].strip()
    assert head.startswith("5:")
    third = _entries()[2].hash
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id >= 4"))
        # someone who also rewrites the kept head: only a head noted elsewhere tells
        conn.execute(
            text("UPDATE setting SET value = :v WHERE namespace = 'audit' AND key = 'head'"),
            {"v": json.dumps({"id": 3, "hash": third})},
        )
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the chain and the kept head agree
    result = runner.invoke(args=["audit", "verify", "--head", head])
    assert result.exit_code != 0 and "entry 4 is missing (the head is entry 5)" in result.output


def test_login_is_recorded_with_who_when_and_from_where(app, client, make_user, login):
    user = make_user("vera", roles=["verifikator"])
    login(client, user)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "auth.login"))
    assert entry.actor_name == "vera" and entry.actor_id == user.id
    assert entry.ip == "127.0.0.1" and entry.user_agent.startswith("Werkzeug")
    assert entry.created_at.tzinfo is not None
    everything = " ".join(str(e.details) for e in _entries())
    assert user.test_password not in everything and user.test_totp_secret not in everything


def test_the_audit_page_filters_and_exports_csv(app, client, make_user, login):
    admin = make_user("sysadmin", roles=["system_admin"])
    audit.record("item.approved", actor=admin, target_type="item", target_id=7, details={"note": "=1+1"})
    audit.record("publication.published", actor=None, target_type="publication", target_id=3)
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit?action=item.").get_data(as_text=True)
    assert "<code>item.approved</code>" in page and "<code>publication.published</code>" not in page
    page = client.get("/admin/audit?actor=system").get_data(as_text=True)
    assert "<code>publication.published</code>" in page and "<code>item.approved</code>" not in page
    page = client.get("/admin/audit?target_type=item&target_id=7").get_data(as_text=True)
    assert "<code>item.approved</code>" in page and "<code>auth.login</code>" not in page
    resp = client.get("/admin/audit.csv?target_type=item")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["item.approved"]
    assert rows[0]["actor_name"] == "sysadmin" and rows[0]["details"] == '{"note": "=1+1"}'
    assert len(rows[0]["hash"]) == 64


def test_the_audit_page_needs_audit_view(app, client, make_user, login):
    login(client, make_user("budi", roles=["pemohon"]))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_the_audit_page_lists_each_recorded_action_once_in_order(app, make_user):
    from hub.auth.audit_views import recorded_actions
    from tests.query_counter import count_statements

    for action in ("item.approved", "auth.login", "item.approved", "publication.published", "auth.login"):
        audit.record(action, actor=None)
    db.session.commit()
    with count_statements() as seen:
        actions = recorded_actions()
    assert actions == ["auth.login", "item.approved", "publication.published"]
    assert len(seen) == 1
    if db.engine.dialect.name == "postgresql":  # a skip-scan along the index, not a DISTINCT over every entry
        assert "RECURSIVE" in seen[0] and "DISTINCT" not in seen[0].upper()


def _sixty_entries():
    for n in range(60):
        audit.record("test.event", actor=None, details={"n": n})
        db.session.commit()


def test_rewriting_an_entry_and_recomputing_every_later_plain_hash_and_the_head_fails(app, runner):
    """The attack of issue 13: rewrite entry 50, recompute SHA-256 for 50..60 and the stored head."""
    import hashlib
    from types import SimpleNamespace

    _sixty_entries()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    table = AuditEntry.__table__
    rows = [SimpleNamespace(**r._mapping) for r in db.session.execute(db.select(table).order_by(table.c.id)).all()]
    prev = rows[48].hash
    with db.engine.begin() as conn:
        for row in rows[49:]:
            if row.id == 50:
                row.details = {"n": 4242}
            row.prev_hash = prev
            row.hash = hashlib.sha256(audit.canonical(row)).hexdigest()
            prev = row.hash
            conn.execute(
                text("UPDATE audit_entry SET details = :d, prev_hash = :p, hash = :h WHERE id = :id"),
                {"d": json.dumps(row.details), "p": row.prev_hash, "h": row.hash, "id": row.id},
            )
        conn.execute(
            text("UPDATE setting SET value = :v WHERE namespace = 'audit' AND key = 'head'"),
            {"v": json.dumps({"id": rows[-1].id, "hash": prev})},
        )
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "entry 50" in result.output


def _verify(app, args):
    from click.testing import CliRunner

    from hub.cli import build_cli

    return CliRunner().invoke(build_cli(app), args)


def test_the_audit_key_rotates_with_the_old_key_kept(make_app):
    first = make_app(AUDIT_KEY="first-audit-key-0123456789abcdef")
    with first.app_context():
        _five_entries()
        assert _verify(first, ["audit", "verify"]).exit_code == 0
    old = ["first-audit-key-0123456789abcdef"]
    second = make_app(AUDIT_KEY="second-audit-key-0123456789abcdef", AUDIT_OLD_KEYS=old)
    with second.app_context():
        _five_entries()
        result = _verify(second, ["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert "10 entries" in result.output
        epochs = audit.key_epochs()
        assert [e["from"] for e in epochs] == [1, 6]
    forgot = make_app(AUDIT_KEY="second-audit-key-0123456789abcdef")
    with forgot.app_context():
        result = _verify(forgot, ["audit", "verify"])
        assert result.exit_code == 1 and "HUB_AUDIT_OLD_KEYS" in result.output, result.output
    wrong = make_app(AUDIT_KEY="an-attacker-guess-0123456789abcdef")
    with wrong.app_context():
        result = _verify(wrong, ["audit", "verify"])
        assert result.exit_code == 1, result.output
