"""A plugin names the dates it gives (``register_item_dates``): people read them in their language
where a step's due time is anchored to them, and the step editor offers them."""

from __future__ import annotations

import pytest

from hub import hookimpl
from hub.declarations import ItemDate
from hub.exceptions import PluginError
from hub.workflow.definition import DueRule, Duration, date_label


def test_vidcons_meeting_dates_read_as_words_of_each_language(app):
    assert date_label("meeting_start", "id") == "waktu mulai rapat"
    assert date_label("meeting_end", "en") == "the meeting's end"
    rule = DueRule("meeting_end", Duration(minutes=180))
    assert rule.label("id") == "180 menit setelah waktu selesai rapat"
    assert rule.label("en") == "180 min after the meeting's end"
    assert date_label("an_undeclared_date", "en") == "an undeclared date"  # still readable


def test_the_step_editor_offers_declared_dates(app):
    from hub.workflow.due import known_anchor_names

    assert {"meeting_start", "meeting_end", "publish_at"} <= set(known_anchor_names())


class Clashing:
    @hookimpl
    def register_item_dates(self):
        return [ItemDate("publish_at", "terbit", "published")]


def test_a_plugin_cannot_relabel_a_core_date(make_app):
    with pytest.raises(PluginError, match='item date "publish_at" is the core'):
        make_app(EXTRA_PLUGINS=[Clashing()])
