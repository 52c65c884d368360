"""The audit trail: who did what, when (UTC) and from where; append-only and hash-chained.

Call :func:`record` next to the change it records; the entry joins the current
database transaction and is committed (or rolled back) with it::

    item.status = "approved"
    audit.record("item.approved", actor=g.user, target_type="item", target_id=item.id)
    db.session.commit()

The chain is computed when the session flushes (:func:`_chain_new_entries`), under a
lock that serialises writers: ``pg_advisory_xact_lock`` on PostgreSQL, the database's
single write lock on SQLite. Each entry's ``hash`` is an HMAC-SHA256, under a key that is not
in the database (``HUB_AUDIT_KEY``, by default derived from ``HUB_SECRET_KEY``), of its fields
and the previous entry's hash (the signed setting ``audit.keys`` says from which entry each key
is used, so keys can rotate), so ``hub audit verify`` (:func:`verify`) finds the first altered or
missing entry. The newest entry's id and hash are also kept, in the same transaction, as
the setting ``audit.head``: deleting the newest entries is caught too. Entries are never
updated or deleted through the ORM.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
from dataclasses import dataclass
from types import SimpleNamespace

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from hub.exceptions import HubError
from hub.extensions import db
from hub.models.audit import AuditEntry
from hub.models.base import utcnow

log = logging.getLogger(__name__)

#: the advisory lock key serialising chain writers on PostgreSQL ("hubaudit")
LOCK_KEY = 0x6875_6261_7564_6974 & 0x7FFF_FFFF_FFFF_FFFF
GENESIS = "0" * 64
#: where the chain's head (the newest entry's id and hash) is kept: the ``setting`` table
HEAD_KEY = ("audit", "head")
#: the signed record of which key hashes which entries (``{"epochs": [{"from", "kid"}], "sig"}``)
KEYS_KEY = ("audit", "keys")
#: the key id of entries written before the chain was keyed (plain SHA-256)
LEGACY = "sha256"
REDACTED = "[redacted]"
#: detail keys whose values are never stored (passwords, codes, tokens, secrets)
_SENSITIVE = ("password", "passwd", "secret", "token", "totp", "otp", "recovery", "api_key", "apikey")
_SENSITIVE_EXACT = {"code", "codes", "pin"}
_CURRENT = object()
_order = itertools.count()


class AuditError(HubError):
    """An attempt to change or delete an audit entry."""


def _is_sensitive(key: str) -> bool:
    k = str(key).lower()
    return k in _SENSITIVE_EXACT or any(word in k for word in _SENSITIVE)


def _clean(value):
    """JSON-safe copy with sensitive keys redacted (what is hashed is exactly what is stored)."""
    if isinstance(value, dict):
        return {str(k): (REDACTED if _is_sensitive(k) else _clean(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    action: str,
    *,
    actor=_CURRENT,
    target_type: str | None = None,
    target_id=None,
    details: dict | None = None,
    target: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the current session (not committed: it commits with the change).

    ``actor`` is a :class:`hub.models.User`, or ``None`` for the system; when not given,
    the logged-in user of the current request (``g.user``), else the system.
    ``target`` is a shorthand for ``"<type>:<id>"``. IP address and user agent are taken
    from the request when there is one. Values under keys that look like passwords,
    codes or tokens are stored as ``[redacted]``.
    """
    if actor is _CURRENT:
        actor = g.get("user") if has_request_context() else None
    if target is not None and target_type is None:
        target_type, _, tid = str(target).partition(":")
        target_id = tid or None
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=(getattr(actor, "username", None) or "system")[:80],
        action=action[:100],
        target_type=target_type[:50] if target_type else None,
        target_id=None if target_id is None else str(target_id)[:100],
        details=_clean(details or {}),
    )
    entry._hub_order = next(_order)
    if has_request_context():
        entry.ip = (request.remote_addr or "")[:64] or None
        entry.user_agent = (request.user_agent.string or "")[:300] or None
    db.session.add(entry)
    return entry


def canonical(entry) -> bytes:
    """The bytes an entry's hash is computed over."""
    data = {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details or {},
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the entry under ``key`` (plain SHA-256 only for entries written before the
    chain was keyed)."""
    if key is None:
        return hashlib.sha256(canonical(entry)).hexdigest()
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


# --- the chain's key: not in the database ------------------------------------------------------------


def current_key() -> bytes:
    """``HUB_AUDIT_KEY``, or derived from ``HUB_SECRET_KEY`` when not set."""
    key = current_app.config.get("AUDIT_KEY")
    if key:
        return str(key).encode()
    return hashlib.sha256(("hub-audit-chain:" + current_app.config["SECRET_KEY"]).encode()).hexdigest().encode()


def _old_keys() -> list[bytes]:
    value = current_app.config.get("AUDIT_OLD_KEYS") or []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    return [str(v).strip().encode() for v in value if str(v).strip()]


def key_id(key: bytes) -> str:
    """A fingerprint naming a key in the signed record (it does not reveal the key)."""
    return hmac.new(key, b"hub-audit-key-id", hashlib.sha256).hexdigest()[:16]


def known_keys() -> dict[str, bytes | None]:
    """Key id -> key, for the current and the old keys (``LEGACY``: plain SHA-256)."""
    keys: dict[str, bytes | None] = {LEGACY: None}
    for key in [*_old_keys(), current_key()]:
        keys[key_id(key)] = key
    return keys


def _sign(epochs: list, key: bytes) -> str:
    return hmac.new(key, json.dumps(epochs, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def key_epochs() -> list[dict]:
    """Where each key starts: ``[{"from": entry id, "kid": key id}, …]`` (the signed record)."""
    value = _read_setting(KEYS_KEY)
    return list(value.get("epochs", [])) if isinstance(value, dict) else []


def _note_key(session: Session, first_new: int) -> None:
    """Start a new epoch when the current key is not the one the newest entries were written with."""
    key = current_key()
    kid = key_id(key)
    value = _read_setting(KEYS_KEY, session)
    epochs = list(value.get("epochs", [])) if isinstance(value, dict) else []
    if epochs and epochs[-1].get("kid") == kid:
        return
    if not epochs and first_new > 1:  # entries written before the chain was keyed
        epochs.append({"from": 1, "kid": LEGACY})
    epochs.append({"from": first_new, "kid": kid})
    _store_setting(session, KEYS_KEY, {"epochs": epochs, "sig": _sign(epochs, key)})


def _lock_chain(session: Session) -> None:
    """Serialise chain writers until the end of the transaction."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        # SQLite has one writer at a time: take the write lock now (a write that changes
        # nothing), so nobody can append between reading the head and writing after it.
        conn.execute(text("UPDATE audit_entry SET id = id WHERE 0 = 1"))


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditError("audit entries are append-only; they cannot be changed or deleted")
    new = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not new:
        return
    _lock_chain(session)
    last = session.execute(db.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    seq, prev = (last.id, last.hash) if last else (0, GENESIS)
    _note_key(session, seq + 1)
    key = current_key()
    for entry in sorted(new, key=lambda e: getattr(e, "_hub_order", -1)):
        seq += 1
        entry.id = seq
        entry.prev_hash = prev
        if entry.details is None:
            entry.details = {}
        entry.hash = compute_hash(entry, key)
        prev = entry.hash
    _store_head(session, seq, prev)


def _store_head(session: Session, head_id: int, head_hash: str) -> None:
    """Keep the newest entry's id and hash (under the chain lock, in the same transaction)."""
    _store_setting(session, HEAD_KEY, {"id": head_id, "hash": head_hash})


def _store_setting(session: Session, where_key: tuple[str, str], value: dict) -> None:
    from hub.models import Setting

    table = Setting.__table__
    where = (table.c.namespace == where_key[0]) & (table.c.key == where_key[1])
    conn = session.connection()
    if conn.execute(table.update().where(where).values(value=value, updated_at=utcnow())).rowcount == 0:
        conn.execute(table.insert().values(namespace=where_key[0], key=where_key[1], value=value, updated_at=utcnow()))


def _read_setting(where_key: tuple[str, str], session: Session | None = None):
    from hub.models import Setting

    table = Setting.__table__
    query = db.select(table.c.value).where(table.c.namespace == where_key[0], table.c.key == where_key[1])
    if session is not None:
        return session.connection().execute(query).scalar()
    return db.session.execute(query).scalar()


def stored_head() -> tuple[int, str] | None:
    """The head kept by the writers (``None`` before the first entry)."""
    value = _read_setting(HEAD_KEY)
    if not isinstance(value, dict):
        return None
    try:
        return int(value["id"]), str(value["hash"])
    except (KeyError, TypeError, ValueError):
        return None


def _check_key_record(record, epochs: list, keys: dict) -> str | None:
    """Why the signed record of key epochs cannot be trusted (None when it can)."""
    if not isinstance(record, dict) or not epochs:
        return "the record of audit keys is missing (setting audit.keys)"
    kid = epochs[-1].get("kid")
    key = keys.get(kid)
    if key is None:
        return (
            "the newest entries were written with a key that is not configured "
            "(set HUB_AUDIT_KEY, or add the old key to HUB_AUDIT_OLD_KEYS)"
        )
    if not hmac.compare_digest(_sign(epochs, key), str(record.get("sig", ""))):
        return "the record of audit keys has been altered (setting audit.keys)"
    return None


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head_id: int | None
    head_hash: str | None
    problem: str | None = None
    entry_id: int | None = None


def verify(batch: int = 1000, expect_head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the whole chain; stop at the first altered or missing entry.

    The head the writers keep (:func:`stored_head`, read before the walk so entries
    added meanwhile do not count) detects entries removed from the end of the chain,
    which the chain alone cannot show; ``expect_head`` (an id and hash noted earlier,
    somewhere else) also detects that when the stored head was changed as well.
    """
    kept = stored_head()
    keys = known_keys()
    record = _read_setting(KEYS_KEY)
    epochs = key_epochs()
    expected_id, prev, count, last_id = 1, GENESIS, 0, None
    has_entries = db.session.execute(db.select(AuditEntry.id).limit(1)).first() is not None
    if has_entries:
        problem = _check_key_record(record, epochs, keys)
        if problem:
            return VerifyResult(False, 0, None, None, problem, None)
    after = 0
    while True:
        table = AuditEntry.__table__
        rows = db.session.execute(db.select(table).where(table.c.id > after).order_by(table.c.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            entry = SimpleNamespace(**row._mapping)
            if entry.id != expected_id:
                return VerifyResult(False, count, last_id, prev, f"entry {expected_id} is missing", expected_id)
            if entry.prev_hash != prev:
                return VerifyResult(
                    False, count, last_id, prev, f"entry {entry.id} does not follow entry {entry.id - 1}", entry.id
                )
            kid = next((e["kid"] for e in reversed(epochs) if e["from"] <= entry.id), LEGACY)
            if kid not in keys:
                problem = (
                    f"entry {entry.id} was written with a key that is not configured (add it to HUB_AUDIT_OLD_KEYS)"
                )
                return VerifyResult(False, count, last_id, prev, problem, entry.id)
            if not hmac.compare_digest(compute_hash(entry, keys[kid]), entry.hash):
                return VerifyResult(False, count, last_id, prev, f"entry {entry.id} has been altered", entry.id)
            count += 1
            prev, last_id = entry.hash, entry.id
            expected_id += 1
        after = rows[-1].id
    for head in (kept, expect_head):
        if head is None:
            continue
        head_id, head_hash = head
        row = db.session.execute(db.select(AuditEntry.hash).where(AuditEntry.id == head_id)).first()
        if row is None:
            first = (last_id or 0) + 1 if head_id > (last_id or 0) else head_id
            problem = f"entry {first} is missing" + (f" (the head is entry {head_id})" if first != head_id else "")
            return VerifyResult(False, count, last_id, prev, problem, first)
        if row.hash != head_hash:
            return VerifyResult(False, count, last_id, prev, f"entry {head_id} has been altered", head_id)
    return VerifyResult(True, count, last_id, prev if last_id else None)
