"""The SOP 000 videotron checks: refused at submission with the rule broken, real files through the
media probe; the display window H-7..H+1 and its public-need exception; target screens."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.extensions import db
from hub.models import Setting
from tests.media_factory import make_video
from tests.videotron_support import UTC, Clock, make_screen, probed_asset, video_asset, videotron_item

EVENT = dt.date(2027, 3, 20)


@pytest.fixture
def clock(app):
    clock = Clock(dt.datetime(2027, 3, 1, 3, 0, tzinfo=UTC))
    app.config["VIDEOTRON_NOW"] = clock
    return clock


def problems(item, phase="submit"):
    from hub.plugins import plugins

    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels["videotron"], phase=phase)
    return [p for result in results for p in result]


def errors(item, phase="submit") -> list[str]:
    return sorted(p.rule for p in problems(item, phase) if p.severity == "error")


# --- at submission, with real videos --------------------------------------------------------------

CLIPS = {
    "40 seconds": ({"width": 1280, "height": 720, "seconds": 40}, "videotron.duration", "40.0 detik"),
    "portrait": ({"width": 1280, "height": 720, "seconds": 60, "rotation": -90}, "videotron.landscape", "lanskap"),
    "480p": ({"width": 854, "height": 480, "seconds": 60}, "videotron.min_resolution", "854×480"),
}


@pytest.fixture
def submitter(app, clock, make_org, make_user):
    """An OPD requester who creates a videotron item with a real video and submits it."""
    from hub.items.service import attach_asset, create_item

    make_screen("padang-bappeda")
    requester = make_user("putri", roles=["pemohon"], org=make_org("Dinas Pariwisata", kind="requester"))

    def _submit(tmp_path, name: str, **clip):
        path = make_video(tmp_path, fps=2, audio=False, name=f"{name}.mp4", **clip)
        asset = probed_asset(path, requester)
        item = create_item(
            requester,
            {
                "title": f"Pekan Budaya ({name})",
                "kind": "video",
                "event_date": EVENT.isoformat(),
                "channels": [{"channel": "videotron", "options": {"screens": ["padang-bappeda"]}}],
            },
        )
        attach_asset(item, requester, asset.id, "main")
        db.session.commit()
        from hub.workflow import engine

        return engine.submit(item.id, requester), asset

    return _submit


@pytest.mark.parametrize("name", list(CLIPS))
def test_a_video_breaking_a_rule_is_refused_at_submission_naming_the_rule(submitter, tmp_path, name):
    from hub.workflow.errors import ChecksFailed

    clip, rule, words = CLIPS[name]
    with pytest.raises(ChecksFailed) as refused:
        submitter(tmp_path, name.replace(" ", "-"), **clip)
    broken = [p for p in refused.value.problems if p.severity == "error"]
    assert [(p.channel, p.field, p.rule) for p in broken] == [("videotron", "media", rule)]
    assert words in broken[0].message_id and broken[0].message_en  # says what is wrong, in both languages
    assert refused.value.details["problems"][0]["rule"] == rule


def test_a_compliant_video_passes_submission(app, submitter, tmp_path, people_flow):
    item, asset = submitter(tmp_path, "compliant", width=1280, height=720, seconds=60)
    assert (asset.width, asset.height, asset.orientation) == (1280, 720, "landscape")
    assert abs(asset.duration - 60) < 0.5
    assert item.status == "in_review"


@pytest.fixture
def people_flow(make_user):
    """SOP 000 flow A for requests from other offices (what an administrator sets up)."""
    from tests.workflow_support import assign

    admin = make_user("root", roles=["system_admin"])
    return assign("videotron_request", admin, organisation_kinds=["requester"], kinds=["video"], channels=["videotron"])


# --- the rules one by one (probe facts set directly) --------------------------------------------


@pytest.fixture
def creator(make_user):
    return make_user("citra", roles=["pembuat_konten"])


@pytest.fixture
def screen(app):
    return make_screen("padang-bappeda")


@pytest.mark.parametrize(
    ("duration", "ok"), [(60.0, True), (58.0, True), (62.0, True), (57.9, False), (62.1, False), (90.0, False)]
)
def test_one_minute_within_the_tolerance(clock, creator, screen, duration, ok):
    item = videotron_item(creator, video_asset(duration=duration), screens=[screen.code], event_date=EVENT)
    assert errors(item) == ([] if ok else ["videotron.duration"])


def test_the_tolerance_is_a_setting(clock, creator, screen):
    item = videotron_item(creator, video_asset(duration=55.0), screens=[screen.code], event_date=EVENT)
    assert errors(item) == ["videotron.duration"]
    db.session.add(Setting(namespace="videotron", key="duration_tolerance", value=5))
    db.session.commit()
    assert errors(item) == []


def test_a_square_video_or_an_image_is_refused(clock, creator, screen):
    square = videotron_item(creator, video_asset(width=1080, height=1080, orientation="square"), screens=[screen.code])
    assert errors(square) == ["videotron.landscape"]
    image = videotron_item(creator, video_asset(kind="image", mime="image/png"), screens=[screen.code])
    assert errors(image) == ["videotron.video_required"]
    nothing = videotron_item(creator, None, screens=[screen.code])
    assert errors(nothing) == ["videotron.video_required"]
    waiting = videotron_item(creator, video_asset(status="probing", duration=None), screens=[screen.code])
    assert errors(waiting) == ["videotron.media_not_ready"]


def test_the_window_defaults_to_h_minus_7_to_h_plus_1(clock, creator, screen):
    wib = dt.timezone(dt.timedelta(hours=7))
    inside = videotron_item(
        creator,
        video_asset(),
        screens=[screen.code],
        event_date=EVENT,
        window_start=dt.datetime(2027, 3, 15, tzinfo=wib),
        window_end=dt.datetime(2027, 3, 22, tzinfo=wib),  # the end of H+1
    )
    assert problems(inside, "approve") == []

    longer = videotron_item(
        creator,
        video_asset(),
        screens=[screen.code],
        event_date=EVENT,
        window_start=dt.datetime(2027, 3, 12, 23, 0, tzinfo=wib),  # H-8
    )
    at_submit = [p for p in problems(longer, "submit") if p.rule == "videotron.window_too_long"]
    assert [(p.field, p.severity) for p in at_submit] == [("window_end", "warning")]  # the approver decides
    assert "pengecualian" in at_submit[0].message_id and "exception" in at_submit[0].message_en
    assert errors(longer, "approve") == ["videotron.window_too_long"]
    longer.extra = {**longer.extra, "public_need_exception": True}  # the approver marks the public need
    db.session.commit()
    assert problems(longer, "approve") == []


def test_window_needs_an_event_date_and_must_not_be_over(clock, creator, screen):
    undated = videotron_item(creator, video_asset(), screens=[screen.code], event_date=None)
    assert errors(undated) == ["videotron.event_date_required"]
    backwards = videotron_item(
        creator,
        video_asset(),
        screens=[screen.code],
        window_start=dt.datetime(2027, 3, 18, tzinfo=UTC),
        window_end=dt.datetime(2027, 3, 17, tzinfo=UTC),
    )
    assert errors(backwards) == ["videotron.window_order"]
    clock.set(dt.datetime(2027, 3, 25, tzinfo=UTC))
    assert errors(videotron_item(creator, video_asset(), screens=[screen.code])) == ["videotron.window_past"]


def test_target_screens_directly_or_by_group(clock, creator, screen):
    make_screen("solok-pandan", groups=["solok"])
    make_screen("sawahlunto-segitiga", active=False, groups=["sawahlunto"])
    assert errors(videotron_item(creator, video_asset())) == ["videotron.screens_required"]
    assert errors(videotron_item(creator, video_asset(), groups=["solok"])) == []
    unknown = videotron_item(creator, video_asset(), screens=["padang-bappeda", "bukittinggi-jam-gadang"])
    assert errors(unknown) == ["videotron.unknown_screen"]
    assert "bukittinggi-jam-gadang" in problems(unknown)[0].message_en
    inactive = problems(videotron_item(creator, video_asset(), groups=["sawahlunto"]))
    assert sorted((p.rule, p.severity) for p in inactive) == [
        ("videotron.screen_inactive", "warning"),
        ("videotron.screens_required", "error"),
    ]


def test_showing_hours_must_be_well_formed(clock, creator, screen):
    bad = videotron_item(creator, video_asset(), screens=[screen.code], dayparts=[{"start": "6 pagi", "end": "22:00"}])
    assert errors(bad) == ["videotron.daypart_format"]
    good = videotron_item(creator, video_asset(), screens=[screen.code], dayparts=[{"start": "06:00", "end": "22:00"}])
    assert errors(good) == []


def test_other_channels_are_not_its_business(clock, creator, screen):
    from hub.plugins import plugins

    item = videotron_item(creator, None)
    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels["vidcon"], phase="submit")
    assert all(p.channel != "videotron" for result in results for p in result)


def test_the_item_form_offers_the_screens_and_groups_to_tick(app, clock, client, login, make_user):
    """A creator picks target screens and groups in the item form; the JSON box keeps only the rest."""
    from hub.models import Item

    make_screen("padang-bappeda", "Kantor Bappeda Sumbar", groups=["kota-padang"])
    make_screen("solok-pandan", "Perempatan Pandan", city="Kota Solok", groups=["solok"])
    make_screen("sawahlunto-segitiga", "Lapangan Segitiga", active=False)
    login(client, make_user("putri", roles=["pemohon"]))
    form = client.get("/items/new").get_data(as_text=True)
    section = form.split('value="videotron"')[1].split('class="channel-variant"')[0]
    assert "Layar tujuan" in section and "Perempatan Pandan — Kota Solok" in section
    assert 'name="opt_videotron_screens" value="padang-bappeda"' in section
    assert "Lapangan Segitiga" not in section  # switched off: not offered
    assert 'name="opt_videotron_screen_groups" value="solok"' in section and "Solok (1 layar)" in section
    resp = client.post(
        "/items/new",
        data={
            "title": "Pekan Budaya",
            "kind": "video",
            "event_date": EVENT.isoformat(),
            "channel": ["videotron"],
            "optfields_videotron": "1",
            "opt_videotron_screens": ["padang-bappeda"],
            "opt_videotron_screen_groups": ["solok"],
            "options_videotron": '{"dayparts": [{"start": "06:00", "end": "22:00"}]}',
        },
    )
    assert resp.status_code == 302
    item = db.session.execute(db.select(Item)).scalar_one()
    assert item.target("videotron").options == {
        "screens": ["padang-bappeda"],
        "screen_groups": ["solok"],
        "dayparts": [{"start": "06:00", "end": "22:00"}],
    }
    from hub_videotron.screens import channel_options, resolve_targets

    assert [s.code for s in resolve_targets(channel_options(item)).screens] == ["padang-bappeda", "solok-pandan"]
