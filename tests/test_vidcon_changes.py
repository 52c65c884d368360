"""Changes and the recap: the requester cancels before the start (the room is free again, audited,
the calendar learns of it), and the monthly vidcon recap in /reports."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hub.extensions import db
from tests.vidcon_support import problems_for, publish, rules, weekday_ahead

WITA = ZoneInfo("Asia/Makassar")

pytest_plugins = ["tests.vidcon_fixtures"]


def test_the_requester_cancels_and_the_room_is_free_again(client, login, make_user, office, requester, request_item):
    from hub_vidcon.models import Booking

    from hub.models.audit import AuditEntry
    from hub.notify.models import Notification

    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    publish(request_item())
    booking = db.session.execute(db.select(Booking)).scalar_one()
    login(client, requester)
    assert client.post(f"/vidcon/bookings/{booking.id}/cancel", data={"reason": ""}).status_code == 422
    resp = client.post(f"/vidcon/bookings/{booking.id}/cancel", data={"reason": "Rapat ditunda oleh Sekda"})
    assert resp.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert booking.status == "cancelled" and booking.sequence == 1
    assert problems_for(request_item()) == []  # the same time is free again
    assert db.session.execute(db.select(AuditEntry).filter_by(action="vidcon.booking_cancelled")).scalar()
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(kind="vidcon_cancelled")).scalars())
    assert told == {tech.id, requester.id}
    # twice: refused, nothing changes
    assert client.post(f"/vidcon/bookings/{booking.id}/cancel", data={"reason": "x"}).status_code == 409


def test_another_office_cannot_cancel(client, login, make_user, make_org, request_item):
    from hub_vidcon.models import Booking

    publish(request_item())
    booking = db.session.execute(db.select(Booking)).scalar_one()
    stranger = make_user("dinkes", roles=["pemohon"], org=make_org("Dinas Kesehatan", kind="requester"))
    login(client, stranger)
    assert client.post(f"/vidcon/bookings/{booking.id}/cancel", data={"reason": "iseng"}).status_code == 404
    db.session.refresh(booking)
    assert booking.status == "confirmed"


def test_the_monthly_recap(app, client, login, make_user, office, request_item, make_room, monkeypatch):
    from hub_vidcon import recap
    from hub_vidcon.models import Booking

    from hub.reports.base import Period

    monday = weekday_ahead(0)
    publish(request_item(title="Rapat SPBE", start="09:00", end="11:00"))
    publish(request_item(title="Rapat Stunting", start="13:00", end="14:00"))
    publish(request_item(title="Rapat daring", start="09:00", end="10:00", room_obj=None))
    spbe, stunting, online = db.session.execute(db.select(Booking).order_by(Booking.id)).scalars().all()
    # SPBE: trial the Friday before, started 3 minutes late, reported with a problem
    spbe.trial_done, spbe.trial_at = True, spbe.starts_at - dt.timedelta(days=3)
    spbe.status, spbe.held, spbe.problems = "done", True, "Suara putus"
    spbe.actual_start, spbe.actual_end = spbe.starts_at + dt.timedelta(minutes=3), spbe.ends_at
    # Stunting: started 20 minutes late, no trial recorded, reported
    stunting.status, stunting.held = "done", True
    stunting.actual_start, stunting.actual_end = stunting.starts_at + dt.timedelta(minutes=20), stunting.ends_at
    db.session.commit()
    after = dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(12), WITA).astimezone(dt.UTC)
    monkeypatch.setattr(recap, "utcnow", lambda: after)

    period = Period(monday.replace(day=1), monday + dt.timedelta(days=1))
    with app.test_request_context():
        result = recap.build_recap(period, None)
    meetings, cancelled, trial, on_time, reports = [value for _label, value in result.summary][:5]
    assert (meetings, cancelled) == (3, 0)
    assert reports == round(100 * 2 / 3, 1)  # the online one was not reported
    assert trial == round(100 / 3, 1)
    assert on_time == 50.0  # 3 minutes late is on time, 20 is not
    offices, rooms, problems = result.sections
    assert offices.rows == [["Dinas Pariwisata", 3, 4.0]]
    assert rooms.rows[0][:3] == ["Ruang Rapat Lt. 2", 2, 3.0]
    assert [r[2:] for r in problems.rows] == [["Rapat SPBE", "Suara putus"]]

    login(client, make_user("kabid", roles=["kepala_bidang"], org=office))
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    page = client.get("/reports/vidcon_recap", query_string=query)
    assert page.status_code == 200 and "Ruang Rapat Lt. 2" in page.get_data(as_text=True)
    assert client.get("/reports/vidcon_recap.xlsx", query_string=query).status_code == 200


def test_reminders_a_working_day_and_an_hour_before(app, make_user, office, requester, request_item, monkeypatch):
    from hub_vidcon import reminders
    from hub_vidcon.models import Booking

    from hub.notify.models import Notification

    queued = []
    monkeypatch.setattr(reminders, "enqueue", lambda func, *args, at, job_id: queued.append((args, at, job_id)))
    tech = make_user("teknisi1", roles=["teknisi"], org=office)
    monday = weekday_ahead(0)
    publish(request_item(start="09:00", end="11:00"))
    booking = db.session.execute(db.select(Booking)).scalar_one()
    friday = monday - dt.timedelta(days=3)  # the working day before a Monday
    assert [(args[1], at.astimezone(WITA)) for args, at, _id in queued] == [
        ("day", dt.datetime.combine(friday, dt.time(9, 0), WITA)),
        ("hour", dt.datetime.combine(monday, dt.time(8, 0), WITA)),
    ]
    assert reminders.remind(booking.id, "day", 0) is True
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(kind="vidcon_reminder")).scalars())
    assert told == {requester.id, tech.id}
    # a changed (or cancelled) booking's old reminder does nothing
    booking.sequence = 1
    db.session.commit()
    assert reminders.remind(booking.id, "hour", 0) is False


def test_a_move_is_checked_asked_and_decided_by_the_head_of_division(
    client, login, make_user, office, requester, request_item, make_room
):
    from hub_vidcon.models import Booking

    from hub.models.audit import AuditEntry

    kabid = make_user("kabid", roles=["kepala_bidang"], org=office)
    publish(request_item(title="Rapat A", start="09:00", end="11:00"))
    publish(request_item(title="Rapat B", start="13:00", end="14:00"))
    first, second = db.session.execute(db.select(Booking).order_by(Booking.id)).scalars().all()
    monday = weekday_ahead(0).isoformat()
    login(client, requester)
    # onto the other meeting: refused, with the reason; nothing is stored
    resp = client.post(
        f"/vidcon/bookings/{first.id}/move",
        data={"date": monday, "start": "13:30", "end": "14:30", "room": str(first.room_id), "reason": "Sekda"},
    )
    assert resp.status_code == 422 and "sudah dipesan" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, first.id).pending_move is None
    # to 15:00: asked; the booking stays until the Kepala Bidang decides
    resp = client.post(
        f"/vidcon/bookings/{first.id}/move",
        data={"date": monday, "start": "14:00", "end": "15:00", "room": str(first.room_id), "reason": "Sekda"},
    )
    assert resp.status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, first.id)
    assert booking.pending_move["start"] == "14:00" and booking.starts_at.astimezone(WITA).hour == 9
    # the requester cannot approve it
    assert client.post(f"/vidcon/bookings/{first.id}/move/decide", data={"decision": "approve"}).status_code == 403
    client.post("/logout")
    login(client, kabid)
    assert client.post(f"/vidcon/bookings/{first.id}/move/decide", data={"decision": "approve"}).status_code == 302
    db.session.expire_all()
    booking = db.session.get(Booking, first.id)
    assert booking.starts_at.astimezone(WITA).time() == dt.time(14, 0) and booking.sequence == 1
    assert booking.pending_move is None and booking.item.target("vidcon").options["start"] == "14:00"
    actions = set(
        db.session.execute(db.select(AuditEntry.action).where(AuditEntry.action.like("vidcon.move%"))).scalars()
    )
    assert actions == {"vidcon.move_requested", "vidcon.move_approved"}
    # the old time is free again
    assert problems_for(request_item(start="09:00", end="10:00")) == []


def test_a_weekly_series_names_each_conflict_and_books_each_meeting(app, office, request_item, make_room):
    from hub_vidcon.models import Booking

    from hub.plugins import plugins

    monday = weekday_ahead(0)
    # the third Monday is a holiday, the second has the room taken already
    from hub.workflow.models import Holiday

    db.session.add(Holiday(organisation_id=office.id, day=monday + dt.timedelta(weeks=2), name="Libur"))
    db.session.commit()
    publish(request_item(title="Rapat lain", date=(monday + dt.timedelta(weeks=1)).isoformat()))
    weekly = request_item(title="Rapat koordinasi mingguan", repeat_weeks="4")
    found = problems_for(weekly)
    second, third = (monday + dt.timedelta(weeks=1)).isoformat(), (monday + dt.timedelta(weeks=2)).isoformat()
    assert sorted((p.rule, p.message_id.split(":")[0]) for p in found) == [
        ("vidcon.room_taken", second),
        ("vidcon.service_hours", third),
    ]
    assert rules(problems_for(request_item(repeat_weeks="40"))) == ["vidcon.repeat_range"]

    # a series that fits (two meetings, before the holiday): one publication and one booking per meeting
    fine = request_item(
        title="Rapat rutin", start="13:00", end="14:00", repeat_weeks="2", room_obj=make_room("Ruang C")
    )
    assert problems_for(fine) == []
    registry = plugins()
    targets = registry.hook.publication_targets(item=fine, channel=registry.channels["vidcon"])
    assert targets == [(monday + dt.timedelta(weeks=n)).isoformat() for n in range(2)]
    for day in targets:
        from hub.models import Publication

        pub = Publication(item_id=fine.id, channel="vidcon", target=day, idempotency_key=f"hub-{fine.id}-{day}")
        db.session.add(pub)
        db.session.flush()
        registry.hook.publish(publication=pub, item=fine, channel=registry.channels["vidcon"])
    db.session.commit()
    meetings = db.session.execute(db.select(Booking).filter_by(item_id=fine.id).order_by(Booking.starts_at)).scalars()
    starts = [b.starts_at.astimezone(WITA) for b in meetings]
    assert [s.date().isoformat() for s in starts] == targets and {s.hour for s in starts} == {13}
    dates = {k: v for r in registry.hook.item_dates(item=fine) for k, v in (r or {}).items()}
    assert dates["meeting_start"].astimezone(WITA).date() == monday
    assert dates["meeting_end"].astimezone(WITA).date() == monday + dt.timedelta(weeks=1)
