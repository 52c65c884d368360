"""The audit trail: entries commit with the change they record, chain by hash, and
``hub audit verify`` names the first altered or missing entry."""

from __future__ import annotations

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
