"""Alembic environment: runs inside the hub's app (see hub/migrate.py)."""

from __future__ import annotations

from alembic import context

from hub.extensions import db

config = context.config
app = config.attributes["flask_app"]


def run_migrations_online() -> None:
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=db.metadata,
                render_as_batch=engine.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `hub db upgrade` against a database")
run_migrations_online()
