"""The availability view: busy/free per room and day or week, another office's meetings without
details, one's own office's bookings with them; the team sees everything; statements stay flat."""

from __future__ import annotations

from hub.extensions import db
from tests.query_counter import count_statements
from tests.vidcon_support import publish, weekday_ahead

pytest_plugins = ["tests.vidcon_fixtures"]


def test_requesters_see_busy_and_their_own_the_team_sees_all(
    client, login, make_user, make_org, office, requester, request_item, room
):
    publish(request_item(title="Rapat Pariwisata", start="09:00", end="10:00"))  # the requester's office
    other_office = make_org("Dinas Kesehatan", kind="requester")
    other = make_user("dinkes", roles=["pemohon"], org=other_office)
    from hub.models import Item

    theirs = request_item(title="Rapat Dinkes rahasia", start="13:00", end="14:00")
    theirs.organisation_id = other_office.id
    theirs.created_by_id = other.id
    db.session.commit()
    publish(db.session.get(Item, theirs.id))

    monday = weekday_ahead(0).isoformat()
    login(client, requester)
    html = client.get(f"/vidcon/availability?day={monday}&view=week").get_data(as_text=True)
    assert "Rapat Pariwisata" in html and "kantor Anda" in html
    assert "Rapat Dinkes rahasia" not in html and "Terisi" in html
    assert 'name="viewport"' in html  # the layout is the phone-friendly one of the hub
    client.post("/logout")

    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    login(client, tech)
    html = client.get(f"/vidcon/availability?day={monday}&room={room.id}").get_data(as_text=True)
    assert "Rapat Pariwisata" in html and "Rapat Dinkes rahasia" in html


def test_availability_statements_do_not_grow_with_bookings(app, client, login, requester, request_item):
    monday = weekday_ahead(0).isoformat()
    login(client, requester)

    def count() -> int:
        with count_statements() as seen:
            assert client.get(f"/vidcon/availability?day={monday}&view=week").status_code == 200
        return len(seen)

    publish(request_item(start="08:00", end="08:30"))
    few = count()
    for n in range(1, 7):
        hour = 8 + n
        publish(request_item(start=f"{hour:02d}:00", end=f"{hour:02d}:30", title=f"Rapat {n}"))
    assert count() == few
