"""Dispatch: outbox rows, the publish job's outcomes, retries with backoff, state checks."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from hub.dispatch import create_publications, kick
from hub.dispatch.transitions import transition
from hub.exceptions import TransitionNotAllowed
from hub.extensions import db
from hub.installation import installation_id
from hub.models import Item, ItemChannel, ItemStatus, Publication, utcnow
from tests import stub_channel
from tests.dispatch_support import app, approve_item, audit_actions, drive, publications, stub_app, svc

__all__ = ["app", "svc"]  # fixtures


@pytest.fixture
def dapp(app):
    return app


@pytest.fixture
def creator(dapp, make_user):
    return make_user("citra", roles=["pembuat_konten"])


# --- the outbox ---------------------------------------------------------------------------------


def test_one_publication_per_channel_target_with_stable_keys(dapp, creator):
    when = utcnow() + dt.timedelta(days=2)
    item = approve_item(
        creator,
        ("stub", {"accounts": ["diskominfo", "gubernur"]}),
        ("vidcon", {}),
        publish_at=when,
    )
    rows = publications(item.id)
    assert [(p.channel, p.target, p.status) for p in rows] == [
        ("stub", "diskominfo", "pending"),
        ("stub", "gubernur", "pending"),
        ("vidcon", "", "pending"),
    ]
    hub = installation_id()  # every remote key carries this installation's id
    assert len(hub) == 16 and int(hub, 16) >= 0
    assert [p.idempotency_key for p in rows] == [
        f"hub-{hub}-{item.id}-stub-diskominfo",
        f"hub-{hub}-{item.id}-stub-gubernur",
        f"hub-{hub}-{item.id}-vidcon",
    ]
    assert all(abs((p.scheduled_at - when).total_seconds()) < 1 for p in rows)


def test_options_targets_used_when_no_plugin_splits_the_channel(dapp, creator):
    item = approve_item(creator, ("vidcon", {"targets": ["ruang-a", "ruang-a", "ruang-b"]}))
    assert [p.target for p in publications(item.id)] == ["ruang-a", "ruang-b"]


def test_window_start_schedules_when_there_is_no_publish_time(dapp, creator):
    start = utcnow() + dt.timedelta(days=7)
    item = approve_item(creator, "stub", window_start=start, window_end=start + dt.timedelta(days=8))
    assert abs((publications(item.id)[0].scheduled_at - start).total_seconds()) < 1


def test_rows_roll_back_with_the_approval_and_are_not_duplicated(dapp, creator):
    item = Item(organisation_id=creator.organisation_id, created_by_id=creator.id, title="x", status="in_review")
    item.channels = [ItemChannel(channel="stub")]
    db.session.add(item)
    db.session.commit()
    item.status = ItemStatus.APPROVED.value
    create_publications(item)
    db.session.rollback()  # the approval failed: no publication may remain
    assert publications() == []

    item = db.session.get(Item, item.id)
    item.status = ItemStatus.APPROVED.value
    first = create_publications(item)
    again = create_publications(item)
    db.session.commit()
    assert [p.id for p in first] == [p.id for p in again]
    assert len(publications()) == 1


def test_long_targets_get_a_short_safe_key(dapp, creator):
    item = approve_item(creator, ("stub", {"accounts": ["a" * 100, "akun/ä b"]}))
    keys = [p.idempotency_key for p in publications(item.id)]
    assert all(len(k) <= 100 for k in keys)
    prefix = f"hub-{installation_id()}-{item.id}-stub-akun_"
    assert keys[1] == prefix + "b" or keys[1].startswith(prefix)
    assert len(set(keys)) == 2


# --- the job's outcomes -------------------------------------------------------------------------------


def test_approved_item_is_published_once(dapp, creator, svc):
    item = approve_item(creator, ("stub", {"accounts": ["a", "b"]}))
    assert kick([item.id]) == 2
    assert {p.status for p in publications(item.id)} == {"queued"}
    drive(dapp, lambda: all(p.status == "published" for p in publications(item.id)))
    rows = publications(item.id)
    for p in rows:
        assert svc.count(p.idempotency_key) == 1
        assert p.remote_id in svc.posts and p.remote_url.endswith(f"/p/{p.remote_id}")
        assert p.attempts == 1 and p.published_at is not None and p.lease_until is None
        assert p.state == {"sent": True}
        assert audit_actions(p.id) == ["publication.queued", "publication.attempt", "publication.published"]
    assert len(svc.post_attempts()) == 2


def test_transient_errors_retry_with_backoff_and_honour_retry_after(dapp, creator, svc):
    svc.fail_next(503, "upstream overloaded")
    svc.fail_next(429, "rate limited", retry_after=2)
    item = approve_item(creator, "stub")
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "published")
    pub = publications(item.id)[0]
    assert pub.attempts == 3
    assert svc.count(pub.idempotency_key) == 1
    posts = svc.post_attempts()
    assert [r["outcome"] for r in posts] == ["fail", "fail", "ok"]
    # the third attempt waited at least the 2 s the channel asked for
    assert posts[2]["at"] - posts[1]["at"] >= 2.0
    assert posts[1]["at"] - posts[0]["at"] >= 0.1  # backoff after the 503 (base 0.2 s, equal jitter)
    actions = audit_actions(pub.id)
    assert actions.count("publication.retry_scheduled") == 2 and actions[-1] == "publication.published"


def test_permanent_error_fails_at_once_with_the_channels_message(dapp, creator, svc):
    svc.fail_next(403, "media type video/avi is not accepted")
    item = approve_item(creator, "stub")
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "failed")
    pub = publications(item.id)[0]
    assert pub.attempts == 1 and len(svc.post_attempts()) == 1
    assert "media type video/avi is not accepted" in pub.last_error
    assert svc.count(pub.idempotency_key) == 0


def test_max_attempts_turns_transient_into_failed(make_app, svc, make_user):
    app = stub_app(make_app, svc, DISPATCH_MAX_ATTEMPTS=2)
    with app.app_context():
        user = make_user("citra", roles=["pembuat_konten"])
        svc.fail_next(502, "bad gateway", times=3)
        item = approve_item(user, "stub")
        kick([item.id])
        drive(app, lambda: publications(item.id)[0].status == "failed")
        pub = publications(item.id)[0]
        assert pub.attempts == 2 and len(svc.post_attempts()) == 2
        assert "bad gateway" in pub.last_error and "menyerah setelah 2 percobaan" in pub.last_error
        assert pub.error_in("en").endswith("(gave up after 2 attempts)")


def test_unknown_outcome_needs_a_person(dapp, creator, svc):
    # the first attempt times out (the post may exist); this channel cannot be searched
    dapp.config["STUB_CHANNEL_TIMEOUT"] = 0.5
    svc.slow_next(1.5)
    item = approve_item(creator, ("stub", {"searchable": False}))
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "needs_attention")
    pub = publications(item.id)[0]
    assert pub.attempts == 2 and "cannot be searched" in pub.last_error
    assert len(svc.post_attempts()) == 1  # never posted blindly a second time


def test_timeout_then_retry_finds_the_earlier_copy(dapp, creator, svc):
    dapp.config["STUB_CHANNEL_TIMEOUT"] = 0.5
    svc.slow_next(1.5)  # the post is made, but the answer comes too late
    item = approve_item(creator, "stub")
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "published")
    pub = publications(item.id)[0]
    assert pub.attempts == 2 and svc.count(pub.idempotency_key) == 1
    assert pub.state["found_earlier"] == pub.remote_id
    time.sleep(1.2)  # the late answer to the first attempt changes nothing
    assert svc.count(pub.idempotency_key) == 1 and len(svc.post_attempts()) == 1


def test_a_channel_nobody_owns_fails_with_a_clear_message(dapp, creator):
    item = approve_item(creator, "stub")
    db.session.execute(db.update(Publication).values(channel="radio"))
    db.session.commit()
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "failed")
    assert "radio" in publications(item.id)[0].last_error


def test_plugin_returning_none_fails_with_a_clear_message(make_app, svc, make_user):
    from hub import hookimpl
    from hub.channels import Channel

    class Silent:
        @hookimpl
        def register_channels(self):
            return [Channel(name="silent", label_id="Diam", label_en="Silent")]

    app = make_app(EXTRA_PLUGINS=[Silent()])
    with app.app_context():
        user = make_user("citra", roles=["pembuat_konten"])
        item = approve_item(user, "silent")
        kick()
        drive(app, lambda: publications(item.id)[0].status == "failed")
        pub = publications(item.id)[0]
        assert "Tidak ada plugin yang menerbitkan ke kanal 'silent'" in pub.last_error
        assert "No plugin published to the channel 'silent'" in pub.error_in("en")


# --- transitions ------------------------------------------------------------------------------------


def test_transitions_check_the_current_state(dapp, creator):
    item = approve_item(creator, "stub")
    pub = publications(item.id)[0]
    with pytest.raises(TransitionNotAllowed):
        transition(pub.id, "publishing")  # pending cannot jump to publishing
    db.session.rollback()
    transition(pub.id, "queued")
    db.session.commit()
    # two workers claim the same attempt: the second one's conditional UPDATE matches nothing
    transition(pub.id, "publishing", expect_attempts=0, attempts=1)
    db.session.commit()
    with pytest.raises(TransitionNotAllowed):
        transition(pub.id, "publishing", expect_attempts=0, attempts=1)
    db.session.rollback()
    assert publications(item.id)[0].attempts == 1


def test_status_change_event_fires_after_commit(make_app, svc, make_user):
    from hub import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def publication_status_changed(self, publication, old_status, new_status):
            # runs after the commit: a fresh connection already sees the new state
            with db.engine.connect() as conn:
                stored = conn.execute(db.select(Publication.status).where(Publication.id == publication.id)).scalar()
            seen.append((str(old_status), str(new_status), stored))

    app = make_app(EXTRA_PLUGINS=[stub_channel, Listener()], STUB_CHANNEL_URL=svc.url)
    with app.app_context():
        user = make_user("citra", roles=["pembuat_konten"])
        item = approve_item(user, "stub")
        kick([item.id])
        assert seen == [("pending", "queued", "queued")]


def test_a_plugins_note_is_shown_with_the_published_publication(dapp, creator, svc):
    item = approve_item(creator, ("stub", {"note": "alt text refused / posted without it"}))
    kick([item.id])
    drive(dapp, lambda: publications(item.id)[0].status == "published")
    pub = publications(item.id)[0]
    assert pub.last_error == "alt text refused / posted without it"
    assert audit_actions(pub.id)[-1] == "publication.published"
