"""The province-scale data set: 100,000 items over three years in 23 offices (at ``scale`` 1.0).

About 5.9 workflow steps, 1.4 publications and 10.7 audit entries per item, written with
bulk ``INSERT … VALUES`` batches (SQLAlchemy's insertmanyvalues) into a database that
``hub db upgrade`` created. Deterministic (seeded random), so two runs measure the same rows.
The audit entries are not hash-chained (``hub audit verify`` reports the bench database as
broken): chaining 1M rows one by one would be the slowest part and no page reads the hashes.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from sqlalchemy import insert

from hub.auth.sessions import create_token
from hub.extensions import db
from hub.models import AuditEntry, Item, ItemChannel, Organisation, Publication, User, UserRole
from hub.workflow.models import ItemWorkflow, StepInstance, WorkflowVersion

OFFICES = 23
BATCH = 5_000
ROLES_PER_OFFICE = ("pembuat_konten", "verifikator", "kepala_bidang", "sekretaris", "kepala_dinas")
OPERATOR_ROLES = ("admin_videotron", "admin_website", "admin_social", "system_admin", "teknisi")
CHAIN = ("verifikator", "kepala_bidang", "sekretaris", "kepala_dinas", "channel_admin")
CHANNELS = ("videotron", "website", "x", "facebook")
ACTIONS = (
    "item.created",
    "item.updated",
    "item.submitted",
    "workflow.decided",
    "publication.attempt",
    "publication.published",
    "auth.login",
    "auth.logout",
)


def _flush(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)
        rows.clear()


def seed(scale: float = 1.0, *, echo=print) -> dict:
    """Write the data set into the app's (freshly upgraded) database; return the users the bench logs in as."""
    rnd = random.Random(15)
    started = time.monotonic()
    n_items = int(100_000 * scale)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    first = now - dt.timedelta(days=3 * 365)
    version_id = db.session.scalar(db.select(WorkflowVersion.id).order_by(WorkflowVersion.id))

    orgs, users = [], {}
    for i in range(OFFICES):
        kind = "operator" if i == 0 else "requester"
        org = Organisation(name=f"Bench office {i:02d}", short_name=f"B{i:02d}", kind=kind)
        db.session.add(org)
        orgs.append(org)
    db.session.flush()
    for org in orgs:
        for role in ROLES_PER_OFFICE + (OPERATOR_ROLES if org.kind == "operator" else ()):
            user = User(username=f"b{org.short_name.lower()}_{role}", organisation_id=org.id)
            user.roles = [UserRole(role=role)]
            db.session.add(user)
            users[org.id, role] = user
    db.session.flush()
    creators = [users[o.id, "pembuat_konten"].id for o in orgs]
    by_role = {role: [u.id for (oid, r), u in users.items() if r == role] for role in ROLES_PER_OFFICE}
    by_role["channel_admin"] = [users[orgs[0].id, "admin_website"].id]

    items, channels, flows, steps, pubs, audits = [], [], [], [], [], []
    counts = dict.fromkeys(("item", "step", "publication", "audit"), 0)
    audit_id = 0
    span = (now - first).total_seconds()
    for n in range(1, n_items + 1):
        office = rnd.randrange(OFFICES)
        created = first + dt.timedelta(seconds=span * n / (n_items + 1))
        # the old ones are done; the last weeks are still moving through the chain
        recent = (now - created).days < 30
        status = rnd.choice(("in_review", "draft", "returned", "approved")) if recent else "approved"
        if not recent and rnd.random() < 0.06:
            status = rnd.choice(("rejected", "withdrawn"))
        chans = rnd.sample(CHANNELS, 1 if rnd.random() < 0.55 else 2)
        items.append(
            dict(
                id=n,
                organisation_id=orgs[office].id,
                created_by_id=creators[office],
                kind="article",
                title=f"Kegiatan {n} di kantor {office}",
                body="Isi berita " * 40,
                status=status,
                extra={},
                created_at=created,
                updated_at=created,
            )
        )
        channels += [dict(item_id=n, channel=c, title="", text="", options={}) for c in chans]
        if status != "draft":
            done = len(CHAIN) if status == "approved" else rnd.randrange(1, len(CHAIN))
            rounds = 2 if rnd.random() < 0.4 else 1
            flows.append(
                dict(
                    item_id=n,
                    workflow_version_id=version_id,
                    step_index=None if status == "approved" else done - 1,
                    revision=rounds - 1,
                    submitted_at=created,
                    approved_at=created + dt.timedelta(hours=6) if status == "approved" else None,
                    completed_at=created + dt.timedelta(hours=8) if status == "approved" else None,
                )
            )
            for r in range(1, rounds + 1):
                for index, role in enumerate(CHAIN[: done if r == rounds else 2]):
                    closed = status == "approved" or index < done - 1 or r < rounds
                    at = created + dt.timedelta(hours=index + r)
                    steps.append(
                        dict(
                            item_id=n,
                            workflow_version_id=version_id,
                            step_index=index,
                            step_key=f"s{index}",
                            kind="publish" if role == "channel_admin" else "approval",
                            role=role,
                            round=r,
                            status="approved" if closed else "open",
                            time_limit="1d",
                            started_at=at,
                            due_at=at + dt.timedelta(days=1),
                            decided_at=at + dt.timedelta(minutes=30) if closed else None,
                            decided_by_id=rnd.choice(by_role[role]) if closed else None,
                        )
                    )
            if status == "approved":
                for c in chans:
                    pub_status = "published" if rnd.random() < 0.97 else rnd.choice(("failed", "needs_attention"))
                    pubs.append(
                        dict(
                            item_id=n,
                            channel=c,
                            target="",
                            status=pub_status,
                            attempts=1,
                            idempotency_key=f"bench-{n}-{c}",
                            remote_id=f"r{n}{c}",
                            state={},
                            published_at=created + dt.timedelta(hours=8),
                            created_at=created,
                            updated_at=created,
                            last_error=None if pub_status == "published" else "bench: channel refused",
                        )
                    )
        for _ in range(rnd.choice((8, 10, 11, 13))):
            audit_id += 1
            audits.append(
                dict(
                    id=audit_id,
                    created_at=created,
                    actor_id=creators[office],
                    actor_name="bench",
                    action=rnd.choice(ACTIONS),
                    target_type="item",
                    target_id=str(n),
                    details={},
                    prev_hash="",
                    hash="",
                )
            )
        counts["item"] += 1
        if len(audits) >= BATCH * 2 or n == n_items:
            counts["step"] += len(steps)
            counts["publication"] += len(pubs)
            counts["audit"] += len(audits)
            for table, rows in (
                (Item, items),
                (ItemChannel, channels),
                (ItemWorkflow, flows),
                (StepInstance, steps),
                (Publication, pubs),
                (AuditEntry, audits),
            ):
                _flush(table, rows)
            db.session.commit()
            if n % 20_000 < 1_000 or n == n_items:
                echo(f"  seeded {n:,}/{n_items:,} items ({time.monotonic() - started:.0f} s)")
    if db.engine.dialect.name == "postgresql":
        for table in ("item", "item_channel", "workflow_step", "publication"):
            db.session.execute(
                db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    echo(
        f"seeded {counts['item']:,} items, {counts['step']:,} workflow steps, {counts['publication']:,} publications, "
        f"{counts['audit']:,} audit entries in {time.monotonic() - started:.0f} s"
    )
    return _people(counts)


#: the people the bench acts as: (office number, role)
PEOPLE = {
    "kepala_dinas": (0, "kepala_dinas"),
    "verifikator": (1, "verifikator"),
    "pembuat_konten": (1, "pembuat_konten"),
    "system_admin": (0, "system_admin"),
}


def _people(counts: dict) -> dict:
    """New API tokens for the bench's people (looked up by user name), with the data set's counts."""
    who = {
        role: db.session.scalar(db.select(User).where(User.username == f"bb{office:02d}_{code}"))
        for role, (office, code) in PEOPLE.items()
    }
    tokens = {role: create_token(u, "bench", 30)[1] for role, u in who.items()}
    db.session.commit()
    return {"tokens": tokens, "user_ids": {r: u.id for r, u in who.items()}, "counts": counts}


def existing() -> dict:
    """What :func:`seed` returns, for a database it seeded before (``bench.run --reuse``)."""
    counts = {
        name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for name, table in (("item", Item), ("step", StepInstance), ("publication", Publication), ("audit", AuditEntry))
    }
    return _people(counts)
