"""Acting officials (Plh./Plt.): naming, revoking and listing delegations.

An official (or a system administrator on their behalf) names another active user of the same
office as acting holder of one or more of their deciding roles for a range of days
(:func:`create`). While it runs the delegate sees those roles' steps in their inbox and decides
them (:func:`hub.workflow.access.check_can_act` returns the delegation they act under, found by
:mod:`hub.workflow.acting`); the decision records whom they acted for. Separation of duties
holds: a delegate never decides, as delegate, an item they created or an item on which they
already decided another step.

The days are inclusive, in the office's time zone: 7 to 9 December in Jakarta runs from
7 December 00:00 WIB to 10 December 00:00 WIB. The start and the end are written to the audit
trail once each (:mod:`hub.workflow.delegation_audit`), besides the creation and the
revocation. See docs/workflows.md, "Acting officials".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from hub.extensions import db
from hub.models import Organisation, User, utcnow
from hub.permissions import ROLE_PERMISSIONS, has_permission
from hub.workflow.delegation_models import Delegation, DelegationKind
from hub.workflow.errors import DecisionConflict, InvalidRequest, NotAllowed, NotFound

#: the longest delegation (days): a longer absence is a new appointment, not an acting one
MAX_DAYS = 366


def now() -> dt.datetime:
    """The current time for the delegation rules (tests replace ``utcnow`` in this module)."""
    return utcnow()


def office_zone(org_id: int | None):
    from hub.workflow.calendar import office_timezone

    return office_timezone(db.session.get(Organisation, org_id) if org_id else None)


def today(org_id: int | None, moment: dt.datetime | None = None) -> dt.date:
    return (moment or now()).astimezone(office_zone(org_id)).date()


def day_bounds(starts_on: dt.date, ends_on: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants of ``starts_on`` 00:00 and of the day after ``ends_on`` 00:00 in ``tz``."""
    start = dt.datetime.combine(starts_on, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def delegable_roles(user: User) -> list[str]:
    """The roles of ``user`` another person can act in: those that decide approval steps."""
    return sorted(
        code for code in user.role_codes if "item.decide" in ROLE_PERMISSIONS.get(code, ()) and code != "system_admin"
    )


def may_manage(actor: User | None, delegator: User) -> bool:
    """The official themself, or a system administrator (``user.manage``)."""
    return actor is not None and actor.is_active and (actor.id == delegator.id or has_permission(actor, "user.manage"))


def _parse_day(value, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidRequest(
            "Tanggal tidak valid; tulis sebagai TTTT-BB-HH.",
            "The date is not valid; write it as YYYY-MM-DD.",
            field=field,
        ) from None


def create(
    delegator: User,
    delegate: User | None,
    roles,
    starts_on,
    ends_on,
    *,
    kind: str = DelegationKind.PLH.value,
    note: str = "",
    by: User,
) -> Delegation:
    """Name ``delegate`` acting holder of ``delegator``'s ``roles`` from ``starts_on`` to ``ends_on``
    (inclusive days, the office's time zone). Checks everything, writes the row, its audit entry and
    both people's notifications, commits, then schedules the start and end audit."""
    if not may_manage(by, delegator):
        raise NotAllowed(
            "Hanya pejabat itu sendiri atau administrator sistem yang dapat menunjuk pelaksananya.",
            "Only the official themself or a system administrator can name who acts for them.",
        )
    if delegate is None or not delegate.is_active:
        raise InvalidRequest(
            "Pilih pengguna aktif sebagai pelaksana.", "Choose an active user to act.", field="delegate"
        )
    if delegate.id == delegator.id:
        raise InvalidRequest(
            "Pejabat tidak dapat menunjuk dirinya sendiri.", "An official cannot name themself.", field="delegate"
        )
    if delegate.organisation_id != delegator.organisation_id:
        raise InvalidRequest(
            "Pelaksana harus dari kantor yang sama dengan pejabatnya.",
            "The acting official must be of the same office as the official.",
            field="delegate",
        )
    if not has_permission(delegate, "item.decide"):
        raise InvalidRequest(
            "Pelaksana harus pejabat yang sudah memutuskan langkah persetujuan.",
            "The acting official must be someone who already decides approval steps.",
            field="delegate",
        )
    if kind not in {k.value for k in DelegationKind}:
        raise InvalidRequest("Pilih Plh. atau Plt.", "Choose Plh. or Plt.", field="kind")
    roles = sorted({str(r) for r in (roles or [])})
    allowed = delegable_roles(delegator)
    if not roles or not set(roles) <= set(allowed):
        raise InvalidRequest(
            "Pilih satu atau lebih peran pejabat yang memutuskan langkah persetujuan.",
            "Choose one or more of the official's roles that decide approval steps.",
            field="roles",
            allowed=allowed,
        )
    if set(roles) <= delegate.role_codes:
        raise InvalidRequest(
            f"{delegate.display_name} sudah memegang peran itu sendiri.",
            f"{delegate.display_name} already holds that role.",
            field="roles",
        )
    first, last = _parse_day(starts_on, "starts_on"), _parse_day(ends_on, "ends_on")
    moment = now()
    if last < first:
        raise InvalidRequest(
            "Tanggal selesai sebelum tanggal mulai.", "The end date is before the start date.", field="ends_on"
        )
    if first < today(delegator.organisation_id, moment):
        raise InvalidRequest(
            "Tanggal mulai sudah lewat; mulai hari ini atau nanti.",
            "The start date is past; start today or later.",
            field="starts_on",
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidRequest(f"Paling lama {MAX_DAYS} hari.", f"At most {MAX_DAYS} days.", field="ends_on")
    starts_at, ends_at = day_bounds(first, last, office_zone(delegator.organisation_id))
    for other in _overlapping(delegator.id, starts_at, ends_at):
        if set(other.roles) & set(roles):
            raise InvalidRequest(
                f"{other.delegate.display_name} sudah ditunjuk untuk peran itu pada sebagian tanggal tersebut;"
                " cabut penunjukan itu dahulu.",
                f"{other.delegate.display_name} already acts in that role on some of those days; revoke that first.",
                field="roles",
                delegation_id=other.id,
            )
    row = Delegation(
        organisation_id=delegator.organisation_id,
        delegator_id=delegator.id,
        delegate_id=delegate.id,
        roles=roles,
        kind=kind,
        starts_on=first,
        ends_on=last,
        starts_at=starts_at,
        ends_at=ends_at,
        note=(note or "").strip()[:500],
        created_by_id=by.id,
        created_at=moment,
    )
    db.session.add(row)
    db.session.flush()
    audit("delegation.created", by, row)
    _notify_both(row, "delegation", "Penunjukan {kind} {roles}", "Named {kind} {roles}")
    db.session.commit()
    from hub.workflow.delegation_audit import schedule_boundaries

    schedule_boundaries(row)
    return row


def _overlapping(delegator_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Delegation]:
    return list(
        db.session.execute(
            db.select(Delegation).where(
                Delegation.delegator_id == delegator_id,
                Delegation.revoked_at.is_(None),
                Delegation.starts_at < ends_at,
                Delegation.ends_at > starts_at,
            )
        ).scalars()
    )


def get(delegation_id: int) -> Delegation:
    row = db.session.get(Delegation, delegation_id)
    if row is None:
        raise NotFound("Penunjukan tidak ditemukan.", "Delegation not found.")
    return row


def revoke(delegation_id: int, by: User) -> Delegation:
    """End a delegation now (the official, the delegate or an administrator); audited, both notified."""
    row = get(delegation_id)
    if not (may_manage(by, row.delegator) or by.id == row.delegate_id):
        raise NotAllowed(
            "Hanya pejabat, pelaksananya atau administrator sistem yang dapat mencabutnya.",
            "Only the official, the acting official or a system administrator can revoke it.",
        )
    moment = now()
    if row.revoked_at is not None or row.ends_at <= moment:
        raise DecisionConflict("Penunjukan ini sudah berakhir.", "This delegation has already ended.")
    won = db.session.execute(
        update(Delegation)
        .where(Delegation.id == row.id, Delegation.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_by_id=by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        db.session.rollback()
        raise DecisionConflict("Penunjukan ini sudah dicabut.", "This delegation was already revoked.")
    db.session.refresh(row)
    audit("delegation.revoked", by, row)
    _notify_both(row, "delegation", "Penunjukan {kind} {roles} dicabut", "{kind} {roles} revoked")
    db.session.commit()
    from hub.workflow.delegation_audit import audit_boundaries

    audit_boundaries(moment)
    return row


def role_names(row: Delegation, lang: str) -> str:
    from hub.roles import role_label

    return ", ".join(role_label(r, lang) for r in row.roles)


def audit(action: str, actor: User | None, row: Delegation, **extra) -> None:
    from hub.audit import record

    record(
        action,
        actor=actor,
        target_type="delegation",
        target_id=row.id,
        details={
            "delegator": {"id": row.delegator_id, "name": row.delegator.display_name},
            "delegate": {"id": row.delegate_id, "name": row.delegate.display_name},
            "kind": row.kind,
            "roles": list(row.roles),
            "starts_on": row.starts_on.isoformat(),
            "ends_on": row.ends_on.isoformat(),
            "starts_at": row.starts_at.isoformat(),
            "ends_at": row.ends_at.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            "note": row.note,
            **extra,
        },
    )


def _notify_both(row: Delegation, kind: str, title_id: str, title_en: str) -> None:
    from hub.dates import format_day
    from hub.notify.service import notify

    title_id = title_id.format(kind=row.kind_label(), roles=role_names(row, "id"))
    title_en = title_en.format(kind=row.kind_label(), roles=role_names(row, "en"))
    days_id = f"{format_day(row.starts_on, 'id', 'long')} – {format_day(row.ends_on, 'id', 'long')}"
    days_en = f"{format_day(row.starts_on, 'en', 'long')} – {format_day(row.ends_on, 'en', 'long')}"
    notify(
        [row.delegator, row.delegate],
        kind,
        url="/delegations",
        title_id=title_id,
        title_en=title_en,
        body_id=f"{row.delegate.display_name} bertindak untuk {row.delegator.display_name}, {days_id}.",
        body_en=f"{row.delegate.display_name} acts for {row.delegator.display_name}, {days_en}.",
    )


def active_clause(moment: dt.datetime):
    """SQL: the delegation runs at ``moment`` (started, not ended, not revoked)."""
    return db.and_(Delegation.revoked_at.is_(None), Delegation.starts_at <= moment, Delegation.ends_at > moment)


# --- the delegation page's lists ---------------------------------------------------------------


def current(moment: dt.datetime | None = None, organisation_id: int | None = None) -> list[Delegation]:
    """Who acts for whom now (every office, or one)."""
    moment = moment or now()
    stmt = db.select(Delegation).where(Delegation.ends_at > moment, active_clause(moment))
    if organisation_id is not None:
        stmt = stmt.where(Delegation.organisation_id == organisation_id)
    return list(db.session.execute(stmt.order_by(Delegation.starts_at, Delegation.id)).unique().scalars())


def upcoming_and_recent_stmt(user: User | None, moment: dt.datetime | None = None):
    """The select of :func:`upcoming_and_recent`, newest start first (for a page of them)."""
    moment = moment or now()
    stmt = db.select(Delegation).where(~active_clause(moment), Delegation.ends_at > moment - dt.timedelta(days=30))
    if user is not None:
        stmt = stmt.where(db.or_(Delegation.delegator_id == user.id, Delegation.delegate_id == user.id))
    return stmt.order_by(Delegation.starts_at.desc(), Delegation.id.desc())


def upcoming_and_recent(user: User | None, moment: dt.datetime | None = None, limit: int = 100) -> list[Delegation]:
    """Delegations not active now that start later or ended in the last 30 days; ``user``'s own
    (as official or delegate), or every one when ``user`` is None."""
    stmt = upcoming_and_recent_stmt(user, moment).limit(limit)
    return list(db.session.execute(stmt).unique().scalars())


def as_dict(row: Delegation, moment: dt.datetime | None = None) -> dict:
    moment = moment or now()
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": row.kind_label(),
        "delegator": {"id": row.delegator_id, "name": row.delegator.display_name, "username": row.delegator.username},
        "delegate": {"id": row.delegate_id, "name": row.delegate.display_name, "username": row.delegate.username},
        "roles": list(row.roles),
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "active": row.active_at(moment),
        "note": row.note,
    }
