"""Demo data for ``hub up --demo``: offices, then each plugin's own (screens…). Idempotent."""

from __future__ import annotations

from flask import Flask

from hub.extensions import db
from hub.models import Organisation

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
