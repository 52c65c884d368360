"""The query-count guard: the pages people and screens hit most run a bounded number of SQL
statements that does not grow with the number of rows they show (N rows, then 3N: same count)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from hub.extensions import db
from hub.models import Item, Publication
from tests import workflow_support
from tests.query_counter import count_statements
from tests.videotron_support import UTC, Clock, make_screen, player_link, publish_directly, video_asset, videotron_item
from tests.web_support import make_item, make_publication
from tests.workflow_support import CheckedPlugin, assign, new_item

EVENT = dt.date(2027, 3, 20)
people = workflow_support.people  # the fixture


@pytest.fixture
def app(make_app):
    app = make_app(EXTRA_PLUGINS=[CheckedPlugin()])
    with app.app_context():
        yield app


@pytest.fixture
def clock(app):
    clock = Clock(dt.datetime(2027, 3, 15, 3, 0, tzinfo=UTC))
    app.config["VIDEOTRON_NOW"] = clock
    return clock


@pytest.fixture
def creator(make_user):
    return make_user("citra", roles=["pembuat_konten"])


def test_the_indexes_the_lists_need_exist(app):
    inspector = inspect(db.engine)
    item = {tuple(ix["column_names"]) for ix in inspector.get_indexes("item")}
    assert {("status", "id"), ("organisation_id", "id"), ("created_by_id", "id")} <= item
    assert ("item_id",) in {tuple(ix["column_names"]) for ix in inspector.get_indexes("item_asset")}
    assert ("created_by_id", "updated_at") in item
    # partial indexes: the open steps (inbox, dashboard tasks), the publications that need a person
    steps = {ix["name"]: tuple(ix["column_names"]) for ix in inspector.get_indexes("workflow_step")}
    assert steps.get("ix_workflow_step_open_role_due_at") == ("role", "due_at", "item_id")
    pubs = {ix["name"]: tuple(ix["column_names"]) for ix in inspector.get_indexes("publication")}
    assert pubs.get("ix_publication_trouble_updated_at") == ("updated_at",)


def _playlist_statements(client, url) -> tuple[int, int, int]:
    """(statements of a first poll, of a 304 poll, of a poll after a change), each on its own."""
    with count_statements() as first:
        response = client.get(url)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    with count_statements() as unchanged:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    return len(first), len(unchanged), len(response.get_json()["entries"])


def test_playlist_poll_statements_do_not_grow_with_entries(app, clock, creator, client):
    counts = {}
    for n in (3, 9):
        screen = make_screen(f"layar-{n}")
        token = player_link(screen)
        for i in range(n):
            publish_directly(
                videotron_item(creator, video_asset(), screens=[screen.code], event_date=EVENT, title=f"Acara {i}")
            )
        first, unchanged, shown = _playlist_statements(client, f"/videotron/player/{token}/playlist.json")
        assert shown == n
        counts[n] = (first, unchanged)
    assert counts[3] == counts[9], counts
    assert counts[3][1] <= 2, f"the 304 path must answer from the token's lookup alone: {counts}"


# --- pages of people: the inbox, the dashboard, the item list and page -------------------------


@pytest.fixture
def flow(people):
    return assign(
        "videotron_request", people.sysadmin, organisation_kinds=["requester"], kinds=["video"], channels=["checked"]
    )


def _submitted(people, n: int, start: int = 0) -> list[int]:
    from hub.workflow.engine import submit

    ids = []
    for i in range(start, start + n):
        item = new_item(
            people.pemohon,
            channels=[{"channel": "checked", "text": "Pendek."}],
            event_place="Padang",
            title=f"Acara {i}",
        )
        submit(item.id, people.pemohon)
        ids.append(item.id)
    db.session.commit()
    return ids


def _statements(client, url, **kwargs) -> tuple[int, object]:
    client.get(url, **kwargs)  # warm: first-request caches are not what grows with rows
    with count_statements() as seen:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen), response


def test_inbox_statements_do_not_grow_with_entries(app, client, people, flow, login, api_headers):
    login(client, people.verifikator)
    headers = api_headers(people.verifikator)
    counts = {}
    for n, start in ((3, 0), (9, 3)):
        _submitted(people, n - (start and 3), start)
        page, response = _statements(client, "/inbox")
        assert response.get_data(as_text=True).count("data-item=") == n
        api, response = _statements(client, "/api/v1/inbox", headers=headers)
        assert len(response.get_json()["entries"]) == n
        counts[n] = (page, api)
    assert counts[3] == counts[9], counts


def test_dashboard_statements_do_not_grow_with_failed_publications_or_tasks(app, client, people, flow, login):
    login(client, people.kepala_dinas)
    counts = {}
    for n in (3, 9):
        while db.session.scalar(db.select(db.func.count(Publication.id))) < n:
            item = make_item(people.creator, f"Gagal {n}", channels=("checked",))
            make_publication(item, "checked", status="failed")
        counts[n], response = _statements(client, "/")
        assert response.get_data(as_text=True).count("Gagal") >= n
    assert counts[3] == counts[9], counts


def test_item_list_and_item_page_statements_do_not_grow_with_rows(app, client, people, flow, login):
    login(client, people.sysadmin)
    counts = {}
    for n in (3, 9):
        while db.session.scalar(db.select(db.func.count(Item.id))) < n:
            item = make_item(people.creator, f"Daftar {n}", channels=("checked",))
            make_publication(item, "checked", status="published")
        listing, response = _statements(client, "/items")
        assert response.get_data(as_text=True).count("Daftar") >= n
        page, _ = _statements(client, f"/items/{item.id}")
        counts[n] = (listing, page)
    assert counts[3] == counts[9], counts


def _set_due(item_id: int, due) -> None:
    from hub.workflow.models import StepInstance

    db.session.execute(
        db.update(StepInstance).where(StepInstance.item_id == item_id, StepInstance.status == "open").values(due_at=due)
    )
    db.session.commit()


def test_inbox_api_pages_overdue_first_undated_last(app, client, people, flow, api_headers):
    from hub.models import utcnow

    ids = _submitted(people, 5)
    late, undated = ids[3], ids[1]
    _set_due(late, utcnow() - dt.timedelta(days=2))
    _set_due(undated, None)
    headers = api_headers(people.verifikator)
    seen, offset, pages = [], 0, 0
    while offset is not None:
        body = client.get(f"/api/v1/inbox?limit=2&offset={offset}", headers=headers).get_json()
        assert len(body["entries"]) == (2 if body["next_offset"] is not None else 1), body
        seen += body["entries"]
        offset, pages = body["next_offset"], pages + 1
    assert pages == 3
    assert sorted(e["item_id"] for e in seen) == sorted(ids)
    assert seen[0]["item_id"] == late and seen[0]["overdue"]
    assert seen[-1]["item_id"] == undated and seen[-1]["due_at"] is None
    dues = [e["due_at"] for e in seen[:-1]]
    assert dues == sorted(dues)
    # the page without a limit: the default page size, nothing more to read
    body = client.get("/api/v1/inbox", headers=headers).get_json()
    assert [e["item_id"] for e in body["entries"]] == [e["item_id"] for e in seen] and body["next_offset"] is None
    assert client.get("/api/v1/inbox?limit=0", headers=headers).status_code == 400


def test_inbox_page_links_its_pages(app, client, people, flow, login, monkeypatch):
    from hub.workflow import views

    monkeypatch.setattr(views, "INBOX_PAGE", 2)
    ids = _submitted(people, 5)
    login(client, people.verifikator)
    first = client.get("/inbox").get_data(as_text=True)
    assert first.count("data-item=") == 2 and 'rel="next" href="/inbox?offset=2"' in first and 'rel="prev"' not in first
    last = client.get("/inbox?offset=4").get_data(as_text=True)
    assert last.count("data-item=") == 1 and 'rel="prev" href="/inbox?offset=2"' in last and 'rel="next"' not in last
    shown = [
        int(part.split('"')[1])
        for page in (0, 2, 4)
        for part in client.get(f"/inbox?offset={page}").get_data(as_text=True).split("data-item=")[1:]
    ]
    assert sorted(shown) == sorted(ids)


def test_inbox_and_dashboard_read_narrow_rows(app, client, people, flow, login):
    """Neither page reads the workflow definitions (parsed once per process) nor the items' bodies:
    wide values per row made them slow at a province's scale."""
    import re

    _submitted(people, 3)
    item = make_item(people.creator, "Gagal", channels=("checked",))
    make_publication(item, "checked", status="failed")
    for person, url in ((people.verifikator, "/inbox"), (people.verifikator, "/"), (people.kepala_dinas, "/")):
        login(client, person)
        _count, _response = _statements(client, url)
        with count_statements() as seen:
            page = client.get(url).get_data(as_text=True)
        sql = "\n".join(seen)
        assert "workflow_version.definition" not in sql, (url, sql)
        assert not [s for s in seen if re.search(r"\bitem(_\d+)?\.body\b", s)], url
        assert "Acara 0" in page or url == "/" and person is people.kepala_dinas


def test_open_steps_of_several_roles_merge_in_due_order(app, client, people, flow, make_user, api_headers):
    """One subquery per role reads that role's first steps by due time; the page is the first of
    their union: a person holding two roles sees both roles' steps, overdue first, in one order."""
    from hub.models import utcnow
    from hub.web.tasks import my_tasks
    from hub.workflow.models import StepInstance

    both = make_user("dua", roles=["verifikator", "kepala_bidang"], org=people.operator)
    ids = _submitted(people, 6)
    now = utcnow()
    # steps 0, 2, 4 wait for the Kepala Bidang, 1, 3, 5 for the Verifikator; due in the order 5, 0, 3, 2, 1, 4
    order = [5, 0, 3, 2, 1, 4]
    for rank, n in enumerate(order):
        db.session.execute(
            db.update(StepInstance)
            .where(StepInstance.item_id == ids[n], StepInstance.status == "open")
            .values(
                role="kepala_bidang" if n % 2 == 0 else "verifikator", due_at=now + dt.timedelta(hours=2 * rank - 3)
            )
        )
    db.session.commit()
    expected = [ids[n] for n in order]
    body = client.get("/api/v1/inbox?limit=4", headers=api_headers(both)).get_json()
    assert [e["item_id"] for e in body["entries"]] == expected[:4] and body["next_offset"] == 4
    assert [e["overdue"] for e in body["entries"]] == [True, True, False, False]
    rest = client.get("/api/v1/inbox?limit=4&offset=4", headers=api_headers(both)).get_json()
    assert [e["item_id"] for e in rest["entries"]] == expected[4:] and rest["next_offset"] is None
    with app.test_request_context():
        assert [t.item_id for t in my_tasks(both, limit=3)] == expected[:3]
    # one role only: the other role's steps are not theirs
    assert [
        e["item_id"] for e in client.get("/api/v1/inbox", headers=api_headers(people.verifikator)).get_json()["entries"]
    ] == [ids[n] for n in order if n % 2]


def test_delegated_inbox_statements_do_not_grow_with_entries(app, client, people, flow, login, make_user, api_headers):
    """A Plh. Kepala Dinas's inbox (their own role's steps and the Kepala Dinas's) and the bulk
    selection page read a bounded number of statements whatever the number of items."""
    from hub.workflow import delegations
    from hub.workflow.models import StepInstance

    sekretaris = make_user("sari", roles=["sekretaris"], org=people.operator)
    today = delegations.today(people.operator.id)
    delegations.create(
        people.kepala_dinas, sekretaris, ["kepala_dinas"], today, today + dt.timedelta(days=2), by=people.kepala_dinas
    )
    login(client, sekretaris)
    headers = api_headers(sekretaris)
    counts = {}
    for n, start in ((3, 0), (9, 3)):
        ids = _submitted(people, n - (start and 3), start)
        # straight to the Kepala Dinas's approval (the step the Plh. acts on)
        db.session.execute(
            db.update(StepInstance)
            .where(StepInstance.item_id.in_(ids), StepInstance.status == "open")
            .values(role="kepala_dinas")
        )
        db.session.commit()
        page, response = _statements(client, "/inbox")
        assert response.get_data(as_text=True).count("data-item=") == n
        api, response = _statements(client, "/api/v1/inbox", headers=headers)
        assert [e["acting_for"]["id"] for e in response.get_json()["entries"]] == [people.kepala_dinas.id] * n
        values = [f"{e['item_id']}:{e['step_id']}" for e in response.get_json()["entries"]]
        review, response = _statements(client, "/inbox/bulk", query_string=[("item", v) for v in values])
        assert response.get_data(as_text=True).count('name="item"') == n
        counts[n] = (page, api, review)
    assert counts[3] == counts[9], counts
