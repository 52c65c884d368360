"""This installation's random id: 16 hex characters, made once, kept in the ``setting`` table.

Every remote idempotency key, slug and marker carries it (``hub-<id>-<item>-<channel>``),
so two hubs (production and staging, a reinstall) publishing their own item 1 to the same
site or account of an outside platform never find, adopt, edit or delete each other's posts.
It is made at ``hub db upgrade`` (or at first use) and travels with the database in a
backup; a restored backup keeps its posts. Plugins read it with :func:`installation_id`.
"""

from __future__ import annotations

import secrets

from hub.extensions import db

NAMESPACE, KEY = "core", "installation_id"


def installation_id() -> str:
    """The id; made now (in the current transaction, which the caller commits) when there is none."""
    from sqlalchemy.exc import IntegrityError

    from hub.models import Setting, utcnow

    table = Setting.__table__
    query = db.select(table.c.value).where(table.c.namespace == NAMESPACE, table.c.key == KEY)
    value = db.session.execute(query).scalar()
    if value:
        return str(value)
    try:
        with db.session.begin_nested():
            new = secrets.token_hex(8)
            db.session.execute(table.insert().values(namespace=NAMESPACE, key=KEY, value=new, updated_at=utcnow()))
    except IntegrityError:  # another process made it meanwhile: keep theirs
        pass
    return str(db.session.execute(query).scalar())


def ensure(app) -> str:
    """Make the id if the database has none (``hub db upgrade``); returns it."""
    with app.app_context():
        value = installation_id()
        db.session.commit()
        return value
