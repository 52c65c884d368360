"""What plugins hand the core: channel declarations, check problems and publish results."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OptionField:
    """One of a channel's ``options`` the item form asks for as a form field instead of JSON.

    ``kind``: "text" (a string), "list" (comma-separated, stored as a list of strings), "bool"
    (a checkbox), "choice" (one of ``choices``) or "choices" (several of ``choices``, stored as a
    list). ``choices`` is a sequence of ``(value, label_id, label_en)`` or a callable returning one,
    called when the form is drawn (screens, accounts or categories read from the database).
    ``input`` is the HTML input type of a "text" field ("date", "time", "number", "tel", "url"…),
    so phones show the right picker; the value is still stored as the string the browser sends.
    """

    name: str
    label_id: str
    label_en: str
    kind: str = "text"
    choices: object = ()
    help_id: str = ""
    help_en: str = ""
    #: the HTML input type of a "text" field ("text", "date", "time", "number", "tel", "url")
    input: str = "text"

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def help(self, lang: str = "id") -> str:
        return self.help_id if lang == "id" else self.help_en

    def choice_list(self) -> list[tuple[str, str, str]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(v), str(label_id), str(label_en)) for v, label_id, label_en in choices or ()]


@dataclass(frozen=True)
class Channel:
    """A place content goes out to, declared by a plugin's ``register_channels`` hook.

    ``name`` is a stable code ("radio", "tv"…). ``accepts`` lists the
    media kinds the channel can take ("video", "image", "document", "text"); ``item_kinds``
    lists the item kinds it publishes. ``admin_role`` is the role code that decides the
    item's channel-admin step, publishes and manages it: a core role or one a plugin declares
    (``register_roles``) holding ``item.decide``, else start-up stops. The default,
    ``admin_channel`` (Admin Kanal), is the core's generic channel admin.
    ``requirements_id``/``requirements_en`` are shown to a creator choosing targets.
    """

    #: stable code of the channel ("radio", "tv"…); stored on items and publications
    name: str
    #: the name people see, in Bahasa Indonesia
    label_id: str
    #: the name people see, in English
    label_en: str
    #: media kinds the channel can take: "video", "image", "document", "text"
    accepts: tuple[str, ...] = ("text",)
    #: the item kinds it publishes (each becomes a kind an item may have)
    item_kinds: tuple[str, ...] = ()
    #: the role code that decides the channel's admin step, publishes and manages it (default: Admin Kanal)
    admin_role: str = "admin_channel"
    #: what the channel needs, shown to a creator choosing targets (Bahasa Indonesia)
    requirements_id: str = ""
    #: the same in English
    requirements_en: str = ""
    #: character limit of the channel's variant text, None when unlimited
    text_limit: int | None = None
    #: a path the item form's live counter POSTs ``{"text": …}`` to when the channel counts
    #: characters its own way (X: links as 23); it answers ``{"length", "limit", "valid"}``.
    #: None: the counter counts Unicode characters in the browser.
    count_url: str | None = None
    #: options the item form shows as fields (screens, thread opt-in, categories…); the rest of
    #: ``ItemChannel.options`` stays editable as JSON
    option_fields: tuple[OptionField, ...] = ()
    #: False: the item form shows no JSON box for the options the fields do not cover (every option
    #: is a field); the API still takes any options
    options_json: bool = True

    #: True when every occurrence of a series needs its own approval on this channel: the series'
    #: final approval then makes, per occurrence, a draft item for this channel that its creator
    #: submits through the chain (``hub.items.series``); False: the series is approved once
    approval_per_occurrence: bool = False
    #: set by the hub: the name of the plugin that declared the channel
    plugin: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an item for a channel, in words a creator understands.

    ``field`` names the form field ("media", "title", "variant_text", "event_date"…),
    ``rule`` a short stable code ("video.min_height"), ``message_id``/``message_en``
    say what is wrong and what to change.
    """

    channel: str
    field: str
    rule: str
    message_id: str
    message_en: str
    #: "error" blocks submission; "warning" is shown but does not block
    severity: str = "error"

    def message(self, lang: str = "id") -> str:
        return self.message_id if lang == "id" else self.message_en

    def as_dict(self) -> dict:
        return {
            "channel": self.channel,
            "field": self.field,
            "rule": self.rule,
            "severity": self.severity,
            "message": {"id": self.message_id, "en": self.message_en},
        }


@dataclass(frozen=True)
class PreviewPart:
    """One piece of how an item will look on a channel: a post of a thread, a page post, a slide.

    ``media`` holds asset ids (shown as thumbnails); ``note_id``/``note_en`` a short line under it
    ("1/3 · 212/280").
    """

    text: str = ""
    title: str = ""
    media: tuple[int, ...] = ()
    note_id: str = ""
    note_en: str = ""

    def note(self, lang: str = "id") -> str:
        return self.note_id if lang == "id" else self.note_en


@dataclass(frozen=True)
class Preview:
    """What a plugin's ``preview_item`` returns: the parts in order and a note for the channel
    as a whole ("9 layar · 25 Nov – 3 Des")."""

    parts: tuple[PreviewPart, ...] = ()
    note_id: str = ""
    note_en: str = ""

    def note(self, lang: str = "id") -> str:
        return self.note_id if lang == "id" else self.note_en


@dataclass
class PublishResult:
    """What a plugin's ``publish`` returns when the channel has the content."""

    remote_id: str
    remote_url: str | None = None
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PluginSetting:
    """A setting a plugin declares; read with :func:`hub.plugins.plugin_config`.

    ``env`` is the environment variable that overrides it (``HUB_<PLUGIN>_<KEY>`` by default).
    Secrets are never given a default and never shown back in the interface.
    """

    key: str
    label_id: str
    label_en: str
    default: object = None
    type: str = "str"  # "str" | "int" | "float" | "bool" | "json"
    secret: bool = False
    help_id: str = ""
    help_en: str = ""
