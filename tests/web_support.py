"""Helpers for the web-interface tests: signing a person in, items and publications to look at."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import g, session

from hub.extensions import db
from hub.models import Item, ItemChannel, Publication


def sign_in_factory(request, app, client):
    """``sign_in(user)``: auth's ``login`` fixture when it exists, else a session key read before each request."""
    try:
        login = request.getfixturevalue("login")
    except pytest.FixtureLookupError:
        login = None
    if login is not None:
        return lambda user: login(client, user)

    from hub.models import User

    @app.before_request
    def _test_user():
        uid = session.get("_test_user_id")
        if uid is not None:
            g.user = db.session.get(User, uid)

    def _sign_in(user):
        with client.session_transaction() as sess:
            sess["_test_user_id"] = user.id

    return _sign_in


def make_item(user, title="Pekan Budaya", *, channels=("website",), status="in_review", **fields) -> Item:
    item = Item(organisation_id=user.organisation_id, created_by_id=user.id, title=title, status=status, **fields)
    item.channels = [ItemChannel(channel=c) for c in channels]
    db.session.add(item)
    db.session.commit()
    return item


def make_publication(item, channel, status="published", **fields) -> Publication:
    pub = Publication(item_id=item.id, channel=channel, status=status, idempotency_key=f"{item.id}-{channel}", **fields)
    if status == "published" and "published_at" not in fields:
        pub.published_at = (fields.get("created_at") or dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=5)
    db.session.add(pub)
    db.session.commit()
    return pub
