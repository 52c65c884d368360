"""The item form: turning the submitted HTML form into the dict :mod:`hub.items.service` takes.

Per channel the form has a checkbox ``channel`` (repeated), and ``title_<name>``,
``text_<name>``, ``options_<name>`` (JSON) for the channel's variant. The options a channel
declares as :class:`~hub.channels.OptionField` are fields ``opt_<name>_<option>`` (with a marker
``optfields_<name>`` so an unticked box clears its option); the JSON holds the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from hub.channels import Channel, OptionField
from hub.workflow.errors import InvalidRequest

FIELDS = ("title", "body", "kind", "event_date", "event_place", "priority", "publish_at", "window_start", "window_end")


def _field_value(form: MultiDict, key: str, field: OptionField):
    """The value of one declared option field, or ``None`` when it is empty (the key is then left out)."""
    if field.kind == "bool":
        return form.get(key) in ("1", "on", "true")
    if field.kind == "choices":
        allowed = {value for value, _id, _en in field.choice_list()}
        values = [v for v in form.getlist(key) if v in allowed]
        return values or None
    value = (form.get(key) or "").strip()
    if field.kind == "list":
        return [part.strip() for part in value.split(",") if part.strip()] or None
    if field.kind == "choice" and value and value not in {v for v, _id, _en in field.choice_list()}:
        raise InvalidRequest(
            f"{field.label_id}: pilihan {value!r} tidak tersedia.",
            f"{field.label_en}: {value!r} is not one of the choices.",
            field=key,
        )
    return value or None


def form_to_data(form: MultiDict, channels: Mapping[str, Channel] | list[str], item_fields=()) -> dict:
    """``channels``: the installed channels by name (their ``option_fields`` become options), or just names;
    ``item_fields``: the plugins' :class:`~hub.declarations.ItemField` (fields ``extra_<name>``, with a
    marker ``extra_fields``), put in ``data["extra"]``."""
    data = {key: form.get(key, "") for key in FIELDS if key in form}
    targets = []
    for name in form.getlist("channel"):
        if name not in channels:
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
        if not isinstance(options, dict):
            raise InvalidRequest(
                f"Opsi kanal {name} harus berupa objek JSON ({{...}}).",
                f"The options of channel {name} must be a JSON object ({{...}}).",
                field=f"options_{name}",
            )
        # the fields the form drew for the channel win over the same keys in the JSON
        declared = channels[name].option_fields if isinstance(channels, Mapping) else ()
        for option in declared if f"optfields_{name}" in form else ():
            value = _field_value(form, f"opt_{name}_{option.name}", option)
            if value is None or value is False:
                options.pop(option.name, None)
            else:
                options[option.name] = value
        targets.append(
            {
                "channel": name,
                "title": form.get(f"title_{name}", ""),
                "text": form.get(f"text_{name}", ""),
                "options": options,
            }
        )
    data["channels"] = targets
    if "repeat_freq" in form:  # the form drew the "Repeat" section
        freq = form.get("repeat_freq") or "none"
        data["recurrence"] = (
            None
            if freq == "none"
            else {
                "freq": freq,
                "interval": form.get("repeat_interval") or 1,
                "count": form.get("repeat_count") or None,
                "until": form.get("repeat_until") or None,
            }
        )
    if "extra_fields" in form:  # the form drew the plugins' item fields (an unticked box clears its field)
        data["extra"] = {spec.name: _extra_value(form, spec) for spec in (item_fields or ()) if spec.creator_sets}
    return data


def _extra_value(form: MultiDict, spec):
    key = f"extra_{spec.name}"
    if spec.type == "bool":
        return True if form.get(key) in ("1", "on", "true") else None
    return (form.get(key) or "").strip() or None


def other_options(channel: Channel, options: dict | None) -> dict:
    """The options the form does not show as fields (edited as JSON)."""
    shown = {f.name for f in channel.option_fields}
    return {k: v for k, v in (options or {}).items() if k not in shown}


def local_input(value, tz) -> str:
    """A stored UTC time as the value of an ``<input type="datetime-local">`` in the office's zone."""
    return value.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if value else ""
