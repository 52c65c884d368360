"""Shared set-up for the workflow, items and notification tests: the offices and people of
SOP 000, a checking test channel, and helpers to create and walk items."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hub import hookimpl
from hub.channels import Channel, Problem
from hub.extensions import db
from hub.models import Item

#: a channel whose plugin checks the variant text (at most 40 characters) and needs an event place
CHECKED = Channel(name="checked", label_id="Kanal periksa", label_en="Checked channel", accepts=("text",))


class CheckedPlugin:
    """A test plugin with a ``validate_item`` that reports field and rule, like a real channel."""

    calls: list[tuple[int, str, str]] = []

    @hookimpl
    def register_channels(self):
        return [CHECKED]

    @hookimpl
    def validate_item(self, item, channel, phase):
        if channel.name != CHECKED.name:
            return []
        self.calls.append((item.id, channel.name, phase))
        problems = []
        if len(item.text_for("checked")) > 40:
            problems.append(
                Problem(
                    "checked",
                    "variant_text",
                    "checked.text_length",
                    "Teks maksimal 40 karakter; persingkat.",
                    "The text is at most 40 characters; shorten it.",
                )
            )
        if phase == "approve" and not item.event_place:
            problems.append(
                Problem(
                    "checked",
                    "event_place",
                    "checked.place_required",
                    "Isi tempat acara.",
                    "Fill in the event place.",
                )
            )
        return problems


@dataclass
class People:
    operator: object
    requester: object
    pemohon: object
    verifikator: object
    sub_koordinator: object
    kepala_bidang: object
    kepala_dinas: object
    sysadmin: object
    creator: object  #: a Pembuat Konten of the operator office


@pytest.fixture
def people(make_org, make_user) -> People:
    operator = make_org("Diskominfotik Sumbar", kind="operator")
    requester = make_org("Dinas Pariwisata", kind="requester")
    return People(
        operator=operator,
        requester=requester,
        pemohon=make_user("pemohon", roles=["pemohon"], org=requester, full_name="Putri Pemohon"),
        verifikator=make_user("vera", roles=["verifikator"], org=operator, full_name="Vera Verifikator"),
        sub_koordinator=make_user("sube", roles=["sub_koordinator"], org=operator, full_name="Sube Koordinator"),
        kepala_bidang=make_user("kabid", roles=["kepala_bidang"], org=operator, full_name="Kabid Aplikasi"),
        kepala_dinas=make_user("kadis", roles=["kepala_dinas"], org=operator, full_name="Kadis Kominfo"),
        sysadmin=make_user("root", roles=["system_admin"], org=operator),
        creator=make_user("citra", roles=["pembuat_konten"], org=operator, full_name="Citra Konten"),
    )


def assign(code: str, user, **criteria):
    """Make items matching ``criteria`` follow workflow ``code`` (as an administrator would)."""
    from hub.workflow.assignments import create_assignment
    from hub.workflow.loader import ensure_templates
    from hub.workflow.store import get_workflow

    ensure_templates()
    return create_assignment(get_workflow(code), criteria, user)


def new_item(user, *, channels, kind: str = "video", title: str = "Festival Siti Nurbaya", **fields) -> Item:
    from hub.items.service import create_item

    data = {"title": title, "kind": kind, "body": "Festival budaya di Padang.", "channels": channels, **fields}
    return create_item(user, data)


def current_step(item_id: int):
    from hub.workflow.state import open_step

    db.session.expire_all()
    return open_step(item_id)


def decide(item_id: int, user, decision: str = "approve", **kwargs):
    """Decide the item's current step as ``user`` (confirming the whole checklist when approving)."""
    from hub.workflow import engine
    from hub.workflow.state import definition_of, state_of

    item = db.session.get(Item, item_id)
    if decision == "approve" and "checklist" not in kwargs:
        kwargs["checklist"] = [c.code for c in definition_of(state_of(item)).checklist]
    step = current_step(item_id)
    kwargs.setdefault("step_id", step.id if step else None)
    return engine.decide(item_id, user, decision, **kwargs)
