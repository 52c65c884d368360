"""Demo data for ``hub up --demo``: offices, then each plugin's own (screens…). Idempotent."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from hub.extensions import db
from hub.models import Organisation, utcnow

DEMO_ORGANISATIONS = [
    ("Dinas Komunikasi, Informatika dan Statistik Provinsi Sumatera Barat", "Diskominfotik", "operator"),
    ("Dinas Pariwisata Provinsi Sumatera Barat", "Dispar", "requester"),
    ("Dinas Kesehatan Provinsi Sumatera Barat", "Dinkes", "requester"),
]


def load_demo(app: Flask) -> None:
    from hub.plugins import plugins

    with app.app_context():
        for name, short, kind in DEMO_ORGANISATIONS:
            if db.session.execute(db.select(Organisation).filter_by(name=name)).scalar() is None:
                db.session.add(Organisation(name=name, short_name=short, kind=kind))
        db.session.commit()
        import click

        from hub.auth.demo import load_demo_users

        load_demo_users(echo=click.echo)  # one account per main role; TOTP secrets printed once
        plugins(app).hook.load_demo_data(app=app)
        db.session.commit()
        age_first_waiting_item()


#: how old the demo makes its first waiting item, so the first dashboard shows one overdue
DEMO_AGE = dt.timedelta(days=7)


def age_first_waiting_item(age: dt.timedelta = DEMO_AGE) -> int | None:
    """Move the first waiting demo item's workflow ``age`` into the past; returns its id.

    Demo items are made now, so none would be overdue on the first dashboard. The oldest
    item of the demo accounts that waits on a step with a due time (and was not aged yet)
    gets its submission and its steps' times moved back, as if it had been sent a week ago:
    it shows overdue in the inbox, on the dashboard and in the reports.
    """
    from hub.auth.demo import DEMO_DOMAIN
    from hub.models import Item, User
    from hub.workflow.models import Decision, ItemWorkflow, StepInstance, StepStatus

    demo_items = db.select(Item.id).join(User, User.id == Item.created_by_id).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    already = db.session.scalar(
        db.select(StepInstance.id)
        .where(StepInstance.item_id.in_(demo_items), StepInstance.started_at < utcnow() - age / 2)
        .limit(1)
    )
    if already is not None:
        return None
    step = db.session.scalar(
        db.select(StepInstance)
        .where(
            StepInstance.item_id.in_(demo_items),
            StepInstance.status == StepStatus.OPEN.value,
            StepInstance.due_at.is_not(None),
        )
        .order_by(StepInstance.item_id)
        .limit(1)
    )
    if step is None:
        return None
    rows = [
        *db.session.scalars(db.select(StepInstance).where(StepInstance.item_id == step.item_id)),
        *db.session.scalars(db.select(Decision).where(Decision.item_id == step.item_id)),
    ]
    for row in rows:
        for column in ("started_at", "due_at", "decided_at"):
            if getattr(row, column, None) is not None:
                setattr(row, column, getattr(row, column) - age)
    state = db.session.get(ItemWorkflow, step.item_id)
    if state is not None and state.submitted_at is not None:
        state.submitted_at -= age
    db.session.commit()
    return step.item_id
