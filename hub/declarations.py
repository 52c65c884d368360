"""What a plugin declares besides its channels: roles, permissions, item kinds and item fields.

Each is returned by a hook (``register_roles``, ``register_permissions``, ``register_item_kinds``,
``register_item_fields``; see :mod:`hub.hookspecs`) and collected once when the app is built
(:func:`hub.plugins.build_plugin_manager`). The core knows its own roles and permissions
(:mod:`hub.roles`, :mod:`hub.permissions`); a plugin's are added to them, so workflow steps,
user accounts and ``require(...)`` use a plugin's codes exactly like the core's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: the permissions a role needs to decide a channel's admin step and publish on the channel:
#: give them to a plugin's channel admin role (``Role(..., permissions=CHANNEL_ADMIN_PERMISSIONS)``)
CHANNEL_ADMIN_PERMISSIONS = (
    "publication.manage",
    "item.view_all",
    "item.decide",
    "report.view",
    "media.upload",
    "item.create",
)


@dataclass(frozen=True)
class Role:
    """A role a plugin brings (an admin of its channel, an operator of its equipment).

    ``code`` is stable (stored on user accounts and in workflow steps); the titles are shown
    (an office may rename them). ``permissions`` are what holders may do: the core's codes
    (``item.decide`` lets them decide the workflow steps given to the role, and the admin
    step of a channel whose ``admin_role`` it is; ``publication.manage`` lets them publish,
    retry and unpublish) or permissions a plugin declares.
    """

    code: str
    label_id: str
    label_en: str
    description_id: str = ""
    description_en: str = ""
    permissions: tuple[str, ...] = ()
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class Permission:
    """A permission a plugin's views require (``radio.tune``…), with the roles that hold it.

    ``code`` should start with the plugin's own prefix; ``roles`` may name core roles and roles
    any installed plugin declares (a plugin's own roles may list it in ``Role.permissions``
    instead).
    """

    code: str
    label_id: str
    label_en: str
    roles: tuple[str, ...] = ()
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class ItemKind:
    """A sort of item a plugin publishes ("video", "radio_script"…), offered on the item form."""

    code: str
    label_id: str
    label_en: str
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class ItemDate:
    """A date of an item a plugin names (``item_dates`` hook), so people read it in their language
    wherever a workflow step's due time is anchored to it ("awal rapat" / "the meeting's start")."""

    name: str
    label_id: str
    label_en: str
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


#: ItemField.type values and what the stored JSON value is
FIELD_TYPES = ("str", "int", "bool", "choice", "date")


@dataclass(frozen=True)
class ItemField:
    """An extra field of an item a plugin needs, stored in ``Item.extra[name]`` (a JSON column).

    The item form shows it (under the plugin's fieldset), the API takes it in ``extra``, and the
    core validates it by ``type``: "str" (text of at most ``max_length``), "int", "bool",
    "choice" (one of ``choices``, a tuple of ``(value, label_id, label_en)``) or "date"
    (``YYYY-MM-DD``, stored as that string). An empty value removes the key. ``kinds`` limits
    the field to items of those kinds (empty: every item). A field with ``creator_sets=False``
    is kept out of the form and the API: the plugin's own pages set it (an approver's mark).
    """

    name: str
    label_id: str
    label_en: str
    type: str = "str"
    choices: tuple[tuple[str, str, str], ...] = ()
    help_id: str = ""
    help_en: str = ""
    max_length: int = 300
    kinds: tuple[str, ...] = ()
    #: False: only the plugin's own code sets it (an approver's mark); not on the form, refused in the API
    creator_sets: bool = True
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def help(self, lang: str = "id") -> str:
        return self.help_id if lang == "id" else self.help_en

    def choice_label(self, value, lang: str = "id") -> str:
        for code, label_id, label_en in self.choices:
            if code == value:
                return label_id if lang == "id" else label_en
        return "" if value is None else str(value)

    def clean(self, raw):
        """The value to store for ``raw`` (a form string or a JSON value); None: remove the key.

        Raises ``ValueError((message_id, message_en))`` when the value is not valid.
        """
        if raw is None or raw == "":
            return None
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "on", "true", "yes", "ya"):
                return True
            if text in ("0", "off", "false", "no", "tidak"):
                return False
            raise ValueError((f"{self.label_id}: harus ya atau tidak.", f"{self.label_en}: must be yes or no."))
        if self.type == "int":
            try:
                if isinstance(raw, bool):
                    raise TypeError
                return int(raw)
            except (TypeError, ValueError):
                raise ValueError(
                    (f"{self.label_id}: harus berupa angka.", f"{self.label_en}: must be a number.")
                ) from None
        if self.type == "choice":
            allowed = [code for code, _id, _en in self.choices]
            if str(raw) not in allowed:
                raise ValueError(
                    (
                        f"{self.label_id}: pilihan {raw!r} tidak tersedia ({', '.join(allowed)}).",
                        f"{self.label_en}: {raw!r} is not one of {', '.join(allowed)}.",
                    )
                )
            return str(raw)
        if self.type == "date":
            try:
                return dt.date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise ValueError(
                    (f"{self.label_id}: tanggal harus berformat YYYY-MM-DD.", f"{self.label_en}: use YYYY-MM-DD.")
                ) from None
        text = str(raw)
        if len(text) > self.max_length:
            raise ValueError(
                (
                    f"{self.label_id}: maksimal {self.max_length} karakter.",
                    f"{self.label_en}: at most {self.max_length} characters.",
                )
            )
        return text

    def applies_to(self, kind: str | None) -> bool:
        return not self.kinds or kind in self.kinds
