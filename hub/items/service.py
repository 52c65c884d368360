"""Items: create and edit one piece of content for several channels, attach media, delete drafts.

The same functions serve the pages and the JSON API. Input is a dict (a JSON body, or the
form turned into one by :mod:`hub.items.forms`); problems raise
:class:`~hub.workflow.errors.InvalidRequest` naming the field. Who may see an item is
:func:`hub.permissions.can_view_item`; who may edit it is :func:`can_edit`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hub.extensions import db
from hub.models import Item, ItemAsset, ItemChannel, ItemStatus, Organisation, User
from hub.permissions import can_view_item, has_permission
from hub.workflow.calendar import office_timezone
from hub.workflow.errors import InvalidRequest, NotAllowed

#: the core's item kinds; plugins add theirs (``register_item_kinds``, ``Channel.item_kinds``)
BASE_KINDS = ("article", "post", "video")
ASSET_ROLES = ("main", "featured", "gallery", "document")
TEXT_FIELDS = {"title": 300, "body": 200_000, "event_place": 300}


def item_kinds() -> list[str]:
    from hub.plugins import plugins

    registry = plugins()
    kinds = set(BASE_KINDS) | set(registry.item_kinds)
    for channel in registry.channels.values():
        kinds.update(channel.item_kinds)
    return sorted(kinds)


def item_fields(kind: str | None = None) -> list:
    """The extra fields plugins declare (:class:`hub.declarations.ItemField`), those for ``kind`` when given."""
    from hub.plugins import plugins

    fields = plugins().item_fields.values()
    return [f for f in fields if kind is None or f.applies_to(kind)]


def clean_extra(extra: dict) -> dict:
    """``extra`` with the plugin-declared fields checked and converted (None: remove the key).

    Keys no plugin declares are kept as given; a field the creator may not set
    (``ItemField.creator_sets=False``, an approver's mark) is refused.
    """
    from hub.plugins import plugins

    declared = plugins().item_fields
    cleaned = {}
    for key, value in extra.items():
        spec = declared.get(key)
        if spec is None:
            cleaned[key] = value
            continue
        if not spec.creator_sets:
            raise InvalidRequest(
                f"{spec.label_id}: tidak diisi oleh pembuat konten.",
                f"{spec.label_en}: is not set by the item's creator.",
                field=f"extra.{key}",
            )
        try:
            cleaned[key] = spec.clean(value)
        except ValueError as exc:
            message_id, message_en = exc.args[0]
            raise InvalidRequest(message_id, message_en, field=f"extra.{key}") from None
    return cleaned


def can_edit(user: User | None, item: Item) -> bool:
    """The creator edits a draft or a returned item; while in review, whoever acts on the
    current step before the final approval (an editor, a creator's own task) may edit too."""
    if user is None or not can_view_item(user, item):
        return False
    if item.status in (ItemStatus.DRAFT.value, ItemStatus.RETURNED.value):
        return item.created_by_id == user.id
    if item.status != ItemStatus.IN_REVIEW.value:
        return False
    from hub.workflow import state as st
    from hub.workflow.access import can_act

    state = st.state_of(item)
    if state is None or state.step_index is None:
        return False
    wf = st.definition_of(state)
    step = wf.steps[state.step_index]
    return step.kind in ("review", "task") and state.step_index < wf.approval_index and can_act(user, item, step)


def parse_datetime(value, field: str, tz: ZoneInfo) -> dt.datetime | None:
    """ISO 8601; a time without a zone is in the office's time zone. Empty: None."""
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequest(
            f"{field}: format waktu tidak dikenal (pakai 2026-12-01T09:00).",
            f"{field}: unknown time format (use 2026-12-01T09:00).",
            field=field,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC)


def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequest(
            f"{field}: tanggal harus berformat YYYY-MM-DD.", f"{field}: the date must be YYYY-MM-DD.", field=field
        ) from None


def _channels(raw) -> list[dict]:
    """``["radio", …]`` or ``[{"channel": "tv", "text": …, "title": …, "options": {…}}, …]``."""
    from hub.plugins import plugins

    known = plugins().channels
    result, seen = [], set()
    for entry in raw or []:
        spec = {"channel": entry} if isinstance(entry, str) else dict(entry or {})
        name = str(spec.get("channel", ""))
        if name not in known:
            raise InvalidRequest(
                f"Kanal {name!r} tidak dikenal.", f"Unknown channel {name!r}.", field="channels", channel=name
            )
        if name in seen:
            continue
        seen.add(name)
        options = spec.get("options") or {}
        if not isinstance(options, dict):
            raise InvalidRequest(
                "Opsi kanal harus berupa objek.", "Channel options must be an object.", field=f"channels.{name}.options"
            )
        result.append(
            {
                "channel": name,
                "title": str(spec.get("title") or "")[:300],
                "text": str(spec.get("text") or ""),
                "options": options,
            }
        )
    return result


def apply_fields(item: Item, data: dict) -> None:
    """Set the item's fields from ``data`` (only the keys present)."""
    for key, limit in TEXT_FIELDS.items():
        if key in data:
            value = str(data[key] or "")
            if len(value) > limit:
                raise InvalidRequest(
                    f"{key}: maksimal {limit} karakter.", f"{key}: at most {limit} characters.", field=key
                )
            setattr(item, key, value)
    if "kind" in data:
        if data["kind"] not in item_kinds():
            raise InvalidRequest(
                f"Jenis konten {data['kind']!r} tidak dikenal.", f"Unknown item kind {data['kind']!r}.", field="kind"
            )
        item.kind = data["kind"]
    if "priority" in data:
        try:
            priority = int(data["priority"])
        except (TypeError, ValueError):
            priority = 0
        if not 1 <= priority <= 5:
            raise InvalidRequest("Prioritas 1 sampai 5.", "Priority is 1 to 5.", field="priority")
        item.priority = priority
    if "event_date" in data:
        item.event_date = _date(data["event_date"], "event_date")
    tz = office_timezone(db.session.get(Organisation, item.organisation_id) if item.organisation_id else None)
    for key in ("publish_at", "window_start", "window_end"):
        if key in data:
            setattr(item, key, parse_datetime(data[key], key, tz))
    if item.window_start and item.window_end and item.window_end <= item.window_start:
        raise InvalidRequest(
            "Akhir jendela tayang harus setelah awalnya.", "The window must end after it starts.", field="window_end"
        )
    if "extra" in data:
        if not isinstance(data["extra"], dict):
            raise InvalidRequest("extra harus berupa objek.", "extra must be an object.", field="extra")
        merged = {**(item.extra or {}), **clean_extra(data["extra"])}
        item.extra = {key: value for key, value in merged.items() if value is not None}
    if "recurrence" in data:
        from hub.items.series import clean_rule

        item.recurrence = clean_rule(data["recurrence"])
    if item.recurrence:
        from hub.items.series import check

        check(item)  # a first time, an end after it, not too many occurrences: before anything is written
    if "channels" in data:
        wanted = _channels(data["channels"])
        current = {c.channel: c for c in item.channels}
        item.channels = []
        for spec in wanted:
            target = current.get(spec["channel"]) or ItemChannel(channel=spec["channel"])
            target.title, target.text, target.options = spec["title"], spec["text"], spec["options"]
            item.channels.append(target)


def create_item(user: User, data: dict) -> Item:
    """A new draft of ``user`` (for their office, or — for staff who see every office — ``organisation_id``)."""
    org_id = user.organisation_id
    if data.get("organisation_id") not in (None, "", org_id):
        if not has_permission(user, "item.view_all"):
            raise NotAllowed(
                "Anda hanya dapat membuat konten untuk kantor sendiri.",
                "You can only create items for your office.",
            )
        org_id = int(data["organisation_id"])
        if db.session.get(Organisation, org_id) is None:
            raise InvalidRequest("Kantor tidak dikenal.", "Unknown office.", field="organisation_id")
    item = Item(organisation_id=org_id, created_by_id=user.id, status=ItemStatus.DRAFT.value, extra={})
    apply_fields(item, {"kind": "article", **data})
    db.session.add(item)
    db.session.flush()
    if item.recurrence:
        from hub.items.series import sync

        sync(item)
    from hub.audit import record

    record("item.created", actor=user, target_type="item", target_id=item.id, details={"title": item.title})
    db.session.commit()
    return item


def update_item(item: Item, user: User, data: dict) -> Item:
    if not can_edit(user, item):
        raise NotAllowed(
            "Konten ini tidak dapat Anda ubah sekarang.", "You cannot change this item now.", item_status=item.status
        )
    dates = ("publish_at", "window_start", "window_end", "event_date")
    before = {key: getattr(item, key) for key in dates}
    rule = item.recurrence
    apply_fields(item, data)
    if item.recurrence != rule or (item.recurrence and item.publish_at != before["publish_at"]):
        from hub.items.series import sync

        sync(item)  # the occurrences follow the new rule or first time
    from hub.audit import record

    record("item.edited", actor=user, target_type="item", target_id=item.id, details={"fields": sorted(data)})
    if any(getattr(item, key) != value for key, value in before.items()):
        from hub.workflow.due import refresh_due_times

        refresh_due_times(item)  # open steps due at a time tied to a date that moved follow it
    db.session.commit()
    return item


def delete_item(item: Item, user: User) -> None:
    if item.created_by_id != user.id or item.status != ItemStatus.DRAFT.value:
        raise NotAllowed(
            "Hanya draf milik Anda yang dapat dihapus; tarik konten yang sudah diajukan.",
            "Only your own drafts can be deleted; withdraw an item that was submitted.",
        )
    from hub.audit import record

    record("item.deleted", actor=user, target_type="item", target_id=item.id, details={"title": item.title})
    db.session.delete(item)
    db.session.commit()


def attach_asset(item: Item, user: User, asset_id, role: str = "main", alt_text: str = "") -> ItemAsset:
    """Attach an uploaded asset the person may use (issue 5's :mod:`hub.media`)."""
    from hub.media.access import can_view_asset
    from hub.media.ingest import attach, refuse_unless_ready_for
    from hub.models import Asset

    if not can_edit(user, item):
        raise NotAllowed("Konten ini tidak dapat Anda ubah sekarang.", "You cannot change this item now.")
    if role not in ASSET_ROLES:
        raise InvalidRequest(f"Peran media {role!r} tidak dikenal.", f"Unknown media role {role!r}.", field="role")
    asset = db.session.get(Asset, int(asset_id)) if str(asset_id).isdigit() else None
    if asset is None or not can_view_asset(user, asset):
        raise InvalidRequest("Media tidak ditemukan.", "Media not found.", field="asset_id")
    refuse_unless_ready_for(asset)
    link = attach(asset, item, role)
    link.alt_text = str(alt_text or "")[:1000]
    db.session.flush()
    from hub.audit import record

    record(
        "item.asset_attached",
        actor=user,
        target_type="item",
        target_id=item.id,
        details={"asset_id": asset.id, "role": role},
    )
    db.session.commit()
    return link


def detach_asset(item: Item, user: User, link_id: int) -> None:
    if not can_edit(user, item):
        raise NotAllowed("Konten ini tidak dapat Anda ubah sekarang.", "You cannot change this item now.")
    link = next((a for a in item.assets if a.id == link_id), None)
    if link is None:
        raise InvalidRequest("Lampiran tidak ditemukan.", "Attachment not found.", field="asset")
    item.assets.remove(link)
    from hub.audit import record

    record(
        "item.asset_detached", actor=user, target_type="item", target_id=item.id, details={"asset_id": link.asset_id}
    )
    db.session.commit()
