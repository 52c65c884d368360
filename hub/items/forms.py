"""The item form: turning the submitted HTML form into the dict :mod:`hub.items.service` takes.

Per channel the form has a checkbox ``channel`` (repeated), and ``title_<name>``,
``text_<name>``, ``options_<name>`` (JSON) for the channel's variant.
"""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from hub.workflow.errors import InvalidRequest

FIELDS = ("title", "body", "kind", "event_date", "event_place", "priority", "publish_at", "window_start", "window_end")


def form_to_data(form: MultiDict, channel_names: list[str]) -> dict:
    data = {key: form.get(key, "") for key in FIELDS if key in form}
    channels = []
    for name in form.getlist("channel"):
        if name not in channel_names:
            continue
        raw = (form.get(f"options_{name}") or "").strip()
        try:
            options = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            raise InvalidRequest(
                f"Opsi kanal {name} bukan JSON yang valid.",
                f"The options of channel {name} are not valid JSON.",
                field=f"options_{name}",
            ) from None
        channels.append(
            {
                "channel": name,
                "title": form.get(f"title_{name}", ""),
                "text": form.get(f"text_{name}", ""),
                "options": options,
            }
        )
    data["channels"] = channels
    if "difficulty" in form:
        data["extra"] = {"difficulty": form.get("difficulty") or None}
    return data


def local_input(value, tz) -> str:
    """A stored UTC time as the value of an ``<input type="datetime-local">`` in the office's zone."""
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value else ""
