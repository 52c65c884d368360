"""`hub up --demo` shows something on the first dashboard: demo items of SOP 000 in several states,
made through the real engine (checks, steps, decisions), one of them overdue, one playing on screens."""

from __future__ import annotations

from hub.extensions import db
from hub.models import Item, Publication, User, utcnow
from tests.dispatch_support import drive
from tests.web_support import sign_in_factory


def _items() -> dict[str, Item]:
    kreator = db.session.scalar(db.select(User).where(User.username == "kreator"))
    return {i.title: i for i in db.session.scalars(db.select(Item).where(Item.created_by_id == kreator.id))}


def _open_step(item_id: int):
    from hub.workflow.state import open_step

    return open_step(item_id)


def test_demo_items_in_each_state_once(app, client, request):
    from hub.demo import load_demo

    load_demo(app)
    items = _items()
    assert set(items) == {
        "Sosialisasi Samsat Keliling",
        "Festival Tabuik Pariaman",
        "Hari Jadi Provinsi Sumatera Barat",
        "Pekan Imunisasi Nasional",
    }
    overdue = _open_step(items["Sosialisasi Samsat Keliling"].id)
    assert items["Sosialisasi Samsat Keliling"].status == "in_review"
    assert overdue.role == "verifikator" and overdue.due_at < utcnow()
    waiting = _open_step(items["Festival Tabuik Pariaman"].id)
    assert waiting.role == "verifikator" and waiting.due_at > utcnow()
    returned = items["Pekan Imunisasi Nasional"]
    assert returned.status == "returned"
    # the approved one went through every step of the chain and waits for the worker
    published = items["Hari Jadi Provinsi Sumatera Barat"]
    pubs = db.session.scalars(db.select(Publication).where(Publication.item_id == published.id)).all()
    assert pubs and {p.channel for p in pubs} == {"videotron"}
    drive(app, lambda: all(p.status == "published" for p in db.session.scalars(
        db.select(Publication).where(Publication.item_id == published.id))))  # fmt: skip
    db.session.expire_all()
    from hub.workflow.state import steps_of

    assert db.session.get(Item, published.id).status == "approved"
    assert all(step.status != "open" for step in steps_of(published.id))  # the publish step closed itself

    # a second start adds nothing and does not age anything again
    due = overdue.due_at
    load_demo(app)
    assert len(_items()) == 4
    db.session.expire_all()
    assert _open_step(items["Sosialisasi Samsat Keliling"].id).due_at == due

    # what the verifier sees first: both items waiting, one of them overdue
    from hub.auth import totp
    from hub.auth.demo import DEMO_PASSWORD

    verifier = db.session.scalar(db.select(User).where(User.username == "verifikator"))
    # the demo account's own password and TOTP secret, as the console printed them
    verifier.test_password, verifier.test_totp_secret = DEMO_PASSWORD, totp.secret_of(totp.state(verifier))
    sign_in_factory(request, app, client)(verifier)
    page = client.get("/").get_data(as_text=True)
    assert "Sosialisasi Samsat Keliling" in page and "Festival Tabuik Pariaman" in page
    inbox = client.get("/api/v1/inbox").get_json()
    rows = {row["title"]: row for row in inbox["entries"]}
    assert rows["Sosialisasi Samsat Keliling"]["overdue"] is True
    assert rows["Festival Tabuik Pariaman"]["overdue"] is False
