"""The plugin API: the one module a plugin imports from the hub.

Everything a plugin may use is named in ``__all__``; the rest of ``hub`` is internal and
may change without notice (``tests/test_plugin_boundary.py`` keeps the bundled plugins to
this module). ``HUB_SDK_VERSION`` follows semantic versioning: a minor version adds
names, a major version removes a name or changes what one means. A plugin states the
range it was written for with a module-level ``HUB_SDK_REQUIRES = ">=1.0,<2"`` (a
PEP 440 specifier) in the module its entry point names; the hub refuses to start with a
plugin whose range excludes ``HUB_SDK_VERSION`` (see :func:`hub.plugins.check_sdk_requirement`).

Names are loaded on first use (PEP 562 ``__getattr__``), so ``from hub.sdk import X``
costs what importing ``X`` from its home module costs, and importing this module at a
plugin's top level pulls in no heavy library (PDF, spreadsheets, the workflow engine).

The reference, docs/plugin-api.md, is generated from :data:`REFERENCE` and the
docstrings: ``python -m hub.sdk_docs`` (a test fails when the committed file differs).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

HUB_SDK_VERSION = "1.2"

#: Every name of the API, grouped for the reference: (group, [(name, home module, one line)]).
#: The home module is where the name is defined; a plugin never imports it from there.
REFERENCE: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Plugin basics",
        [
            (
                "HUB_SDK_VERSION",
                "hub.sdk",
                "The version of this API, `MAJOR.MINOR` (a minor adds names, a major breaks).",
            ),
            (
                "hookimpl",
                "hub.hookspecs",
                "Marker for a hook implementation: `@hookimpl def register_channels(): ...`.",
            ),
            (
                "plugin_config",
                "hub.plugins",
                "A plugin setting: environment `HUB_<NAME>_<KEY>`, then the database, then the default.",
            ),
            (
                "installation_id",
                "hub.installation",
                "This installation's stable random id (for idempotency keys and remote markers).",
            ),
        ],
    ),
    (
        "Channels",
        [
            ("Channel", "hub.channels", "What `register_channels` returns: one publishing target and how it behaves."),
            ("OptionField", "hub.channels", "One per-item option a channel asks for on the item form."),
            (
                "PluginSetting",
                "hub.channels",
                "One setting a plugin declares in `register_settings` (read with `plugin_config`).",
            ),
            (
                "Problem",
                "hub.channels",
                "A validation finding returned by `validate_item` (error or warning, both languages).",
            ),
            ("Preview", "hub.channels", "What `preview` returns: how the item will look on the channel."),
            ("PreviewPart", "hub.channels", "One part of a `Preview` (a post of a thread, a slide, a page)."),
            ("PublishResult", "hub.channels", "What `publish` returns: the remote id and URL of what was made."),
        ],
    ),
    (
        "What a plugin brings",
        [
            (
                "Role",
                "hub.declarations",
                "A role a plugin declares (`register_roles`): code, both titles, its permissions.",
            ),
            ("Permission", "hub.declarations", "A permission a plugin declares (`register_permissions`)."),
            ("ItemKind", "hub.declarations", "An item kind a plugin declares (`register_item_kinds`)."),
            (
                "ItemField",
                "hub.declarations",
                "A typed item field a plugin declares (`register_item_fields`), kept in `Item.extra`.",
            ),
            (
                "ItemDate",
                "hub.declarations",
                "A date of an item a plugin names (`register_item_dates`), with its labels, for due-time anchors.",
            ),
            (
                "CHANNEL_ADMIN_PERMISSIONS",
                "hub.declarations",
                "The permissions a channel's admin role needs (give them to a plugin's admin role).",
            ),
        ],
    ),
    (
        "Errors",
        [
            (
                "HubError",
                "hub.exceptions",
                "Base of every error the hub raises; subclass it for a plugin's own errors.",
            ),
            ("PluginError", "hub.exceptions", "A plugin is broken or misconfigured (stops start-up with one line)."),
            ("PublishError", "hub.exceptions", "Base of the errors `publish`/`unpublish` raise."),
            ("TransientPublishError", "hub.exceptions", "Publishing failed for now; the hub retries with back-off."),
            (
                "PermanentPublishError",
                "hub.exceptions",
                "Publishing cannot succeed as things are; no retry, the admin is told.",
            ),
            (
                "PublishOutcomeUnknown",
                "hub.exceptions",
                "The request may or may not have been applied remotely; the hub checks before retrying.",
            ),
            ("MediaError", "hub.media.errors", "A media problem with a status code and both-language message."),
            ("FileGone", "hub.media.storage", "An asset's file is missing from storage."),
            ("BadInput", "hub.inputs", "Malformed request input (answered 400 with both languages)."),
        ],
    ),
    (
        "Translation",
        [
            ("_", "flask_babel", "`gettext`: translate a message now (inside a request or app context)."),
            ("lazy_gettext", "flask_babel", "Translate a message when it is shown (module-level labels)."),
            ("format_day", "hub.dates", 'A calendar day as the reader writes it (`7 Des 2026`; `form="long"`).'),
            (
                "format_moment",
                "hub.dates",
                "A moment in the office's zone as the reader writes it (`7 Des 2026 08.30 WIB`).",
            ),
        ],
    ),
    (
        "Models a plugin may read",
        [
            ("Item", "hub.models.item", "A piece of content going through the approval chain to its channels."),
            ("ItemStatus", "hub.models.item", "The statuses an item moves through."),
            ("ItemChannel", "hub.models.item", "One channel an item targets, with that channel's options."),
            ("ItemAsset", "hub.models.item", "An asset attached to an item, in order."),
            (
                "Publication",
                "hub.models.publication",
                "One item on one channel (and target): the unit the dispatcher publishes.",
            ),
            ("PublicationStatus", "hub.models.publication", "The statuses a publication moves through."),
            ("Asset", "hub.models.media", "An uploaded media file (image, video, document)."),
            ("AssetStatus", "hub.models.media", "The processing statuses of an asset."),
            ("User", "hub.models.org", "A person who signs in; `role_codes` holds their roles."),
            ("UserRole", "hub.models.org", "One role held by a user (the row behind `User.role_codes`)."),
            ("Organisation", "hub.models.org", "An office (the operator or a requesting office)."),
            ("ChannelAccount", "hub.models.settings", "A stored account of a channel (credentials encrypted at rest)."),
            (
                "Setting",
                "hub.models.settings",
                "A stored setting row (`namespace`, `key`, `value`); plugin settings live in the plugin's namespace.",
            ),
        ],
    ),
    (
        "Database",
        [
            ("db", "hub.extensions", "The Flask-SQLAlchemy object: `db.session`, `db.select`; the caller commits."),
            ("Base", "hub.models.base", "Declarative base for a plugin's own tables (its migrations create them)."),
            (
                "UTCDateTime",
                "hub.models.base",
                "Column type storing aware UTC datetimes on SQLite and PostgreSQL alike.",
            ),
            ("utcnow", "hub.models.base", "The current aware UTC datetime (use it, not `datetime.utcnow`)."),
        ],
    ),
    (
        "Audit, notifications, queue",
        [
            ("record_audit", "hub.audit", "Add an entry to the tamper-evident audit trail (commits with the change)."),
            (
                "notify",
                "hub.notify.service",
                "Notify people in the hub and on the media each chose for the kind (e-mail, chat apps); no commit.",
            ),
            (
                "send_mail",
                "hub.notify.mail",
                "Send one e-mail now (to someone with no account), attachments allowed; raises `MailError`.",
            ),
            ("smtp_enabled", "hub.notify.mail", "True when the hub is set up to send e-mail (`HUB_SMTP_HOST`)."),
            ("MailError", "hub.notify.mail", "The SMTP server could not be reached or refused the message."),
            ("job", "hub.jobs", "Decorator: run a queued function inside an application context."),
            ("enqueue", "hub.jobs", "Put a `@job` function on the hub's queue, now or `at` an aware datetime."),
            ("redis_connection", "hub.queue", "The hub's Redis connection (prefix keys with the plugin name)."),
        ],
    ),
    (
        "Notifiers",
        [
            (
                "Notifier",
                "hub.notify.notifiers",
                "Base class of a medium a plugin delivers notifications on (`register_notifiers`).",
            ),
            (
                "TransientDeliveryError",
                "hub.notify.notifiers",
                "A delivery failed for now (429, 5xx); retried with back-off, `retry_after` honoured.",
            ),
            (
                "DeliveryRefused",
                "hub.notify.notifiers",
                "A definite refusal (blocked, unknown number): no retry, the medium is turned off for the person.",
            ),
            ("Notification", "hub.notify.models", "One notification to one person (title, body, url, `data`)."),
            (
                "NotificationDelivery",
                "hub.notify.models",
                "One notification on one medium: status, attempts, next attempt, the medium's message id.",
            ),
            (
                "notification_link",
                "hub.notify.service",
                "The absolute address of a notification's page (`BASE_URL` + its path).",
            ),
            (
                "record_delivery_status",
                "hub.notify.deliveries",
                "Record what a medium reports later about a message (a status webhook); no commit.",
            ),
            (
                "notify_now",
                "hub.notify.deliveries",
                "The current time as notifications see it (tests fix it with `NOTIFY_NOW`); use it for expiries.",
            ),
        ],
    ),
    (
        "Media storage",
        [
            ("asset_path", "hub.media.storage", "The path of an asset's stored file (raises `FileGone` when missing)."),
            ("open_asset", "hub.media.storage", "Open an asset's stored file for reading (a context manager)."),
            (
                "derivative_path",
                "hub.media.storage",
                "The path of a derivative (thumbnail, poster) of an asset, or None.",
            ),
            ("rendition_key", "hub.media.renditions", "The key naming a video rendition of a given size and length."),
            (
                "request_rendition",
                "hub.media.renditions",
                "Ask for a rendition of an asset to be made (queued); returns its key.",
            ),
        ],
    ),
    (
        "Working calendar",
        [
            (
                "WorkCalendar",
                "hub.workflow.calendar",
                "An office's working calendar: time zone, hours per weekday, holidays (`intervals`, `add_days`).",
            ),
            (
                "calendar_for",
                "hub.workflow.calendar",
                "The `WorkCalendar` of an office as set at `/admin/calendar` (None: the hub's defaults).",
            ),
        ],
    ),
    (
        "Workflow queries",
        [
            ("StepDef", "hub.workflow.definition", "One step of a workflow definition (`key`, `kind`, `role`, names)."),
            ("current_step", "hub.workflow.queries", "The step the item waits on now, or None."),
            (
                "deciding_step",
                "hub.workflow.queries",
                "The review/approval step the item waits on (up to the final approval), or None.",
            ),
            ("is_approval_step", "hub.workflow.queries", "True when the item waits on its final approval step."),
            ("may_decide", "hub.workflow.queries", "True when a person may decide the step the item waits on."),
            (
                "refresh_due_times",
                "hub.workflow.due",
                "Move open steps' due times after a date from `item_dates` changed (no commit).",
            ),
        ],
    ),
    (
        "Workflow actions",
        [
            (
                "create_item",
                "hub.items.service",
                "A person's new draft from the items API's fields (`title`, `kind`, `channels`…); checked, audited.",
            ),
            (
                "submit_item",
                "hub.workflow.engine",
                "The creator sends a draft or returned item into its workflow (the channels' checks run first).",
            ),
            (
                "decide_item",
                "hub.workflow.engine",
                "A person decides the step an item waits on (`approve`, `return`, `reject`), as the inbox does.",
            ),
            (
                "ingest_local_file",
                "hub.media.ingest",
                "Copy a file on this machine into the media store as a person's asset, checked like an upload.",
            ),
        ],
    ),
    (
        "Permissions and web",
        [
            ("require", "hub.permissions", "View decorator: the permission codes a view needs (deny by default)."),
            ("public", "hub.permissions", "View decorator: the view needs no login (it checks its own secret)."),
            ("has_permission", "hub.permissions", "True when a user holds every given permission."),
            ("roles_with_permission", "hub.permissions", "The role codes that grant a permission."),
            ("can_view_item", "hub.permissions", "True when a user may see an item."),
            ("get_item_or_404", "hub.permissions", "The item the current user may see, or a 404."),
            ("csrf_exempt", "hub.sdk", "View decorator: no CSRF token (for machine clients with their own secret)."),
            ("int_arg", "hub.inputs", "A bounded integer from the query string or form (400 when malformed)."),
            ("json_value", "hub.inputs", "The request's JSON body, checked (400 when malformed)."),
            ("json_object", "hub.inputs", "The request's JSON body, which must be an object."),
            ("NavEntry", "hub.web.nav", "A navigation link a plugin adds (`nav_entries` hook)."),
            ("Panel", "hub.web.panels", "A dashboard panel a plugin adds (`dashboard_panels` hook)."),
            ("HealthNote", "hub.web.panels", "Something wrong with a channel right now (`channel_health` hook)."),
            ("MetricSample", "hub.metrics", "One gauge value a plugin adds to `/metrics` (`metric_samples` hook)."),
            (
                "CalendarEntry",
                "hub.calendar.entries",
                "One entry a plugin puts on the calendar (`calendar_entries` hook).",
            ),
        ],
    ),
    (
        "JSON API",
        [
            (
                "ApiBlueprint",
                "hub.api",
                "A blueprint of `/api/…` endpoints declared with marshmallow (`arguments`, `response`): "
                "validated, and in the OpenAPI document (docs/api.md).",
            ),
            ("ApiPageArgs", "hub.api.schemas", "Query schema of a list: `limit` (1-200) and `offset`."),
            ("ApiPage", "hub.api.schemas", "Base answer schema of a list: `total`, `limit`, `offset`, `next_offset`."),
            ("api_page_of", "hub.api.schemas", "Run a select for one page: its rows and the `ApiPage` fields."),
            ("ProblemSchema", "hub.api.schemas", "The problem+json error body (RFC 9457) every API error has."),
        ],
    ),
    (
        "Reports and spreadsheets",
        [
            ("Report", "hub.reports.base", "A report a plugin adds (`register_reports` hook)."),
            ("Period", "hub.reports.base", "Whole days `start`..`end` a report covers."),
            ("ReportResult", "hub.reports.base", "What a report's `build` returns: summary figures and sections."),
            ("Section", "hub.reports.base", "One table (and optional chart) of a report."),
            ("Chart", "hub.reports.base", "A bar chart of a section."),
            (
                "DocumentPDF",
                "hub.reports.export",
                "An fpdf2 A4 page in the hub's font (DejaVu Sans, else Helvetica with `text_safe`), for letters.",
            ),
            ("to_pdf", "hub.reports.export", "Render a report result as PDF bytes (`office=` for an office document)."),
            (
                "office_document",
                "hub.reports.letterhead",
                "The letterhead, printed-by line and signature blocks for `to_pdf(office=...)`, for a person.",
            ),
            ("new_workbook", "hub.spreadsheets", "A new XLSX workbook (openpyxl) with the hub's defaults."),
            ("append_row", "hub.spreadsheets", "Append a row to a worksheet, neutralising formula injection."),
            ("csv_row", "hub.spreadsheets", "A CSV row with formula injection neutralised."),
        ],
    ),
    (
        "Stored secrets",
        [
            ("encrypt_json", "hub.crypto", "Encrypt a dict for storage (channel credentials)."),
            ("decrypt_json", "hub.crypto", "Decrypt what `encrypt_json` made (empty dict for None)."),
        ],
    ),
]

#: name -> (home module, attribute there) for the names loaded on first use
#: SDK names whose attribute in their module is called differently
_RENAMED = {
    "_": "gettext",
    "record_audit": "record",
    "submit_item": "submit",
    "decide_item": "decide",
    "notification_link": "link_of",
    "record_delivery_status": "record_status",
    "notify_now": "now",
    "ApiPageArgs": "PageArgs",
    "ApiPage": "Page",
    "api_page_of": "page_of",
}

_HOME: dict[str, tuple[str, str]] = {
    name: (module, _RENAMED.get(name, name))
    for _group, names in REFERENCE
    for name, module, _line in names
    if module != "hub.sdk"
}


def csrf_exempt(view):
    """Exempt a view from the CSRF check (a machine client that proves itself with its own secret)."""
    from hub.extensions import csrf

    return csrf.exempt(view)


def __getattr__(name: str):
    try:
        module, attr = _HOME[name]
    except KeyError:
        raise AttributeError(
            f"module 'hub.sdk' has no attribute {name!r} (the plugin API is listed in __all__)"
        ) from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = sorted(name for _group, names in REFERENCE for name, _module, _line in names)

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from flask_babel import gettext as _  # noqa: F401
    from flask_babel import lazy_gettext  # noqa: F401

    from hub.api import ApiBlueprint  # noqa: F401
    from hub.api.schemas import Page as ApiPage  # noqa: F401
    from hub.api.schemas import PageArgs as ApiPageArgs  # noqa: F401
    from hub.api.schemas import ProblemSchema  # noqa: F401
    from hub.api.schemas import page_of as api_page_of  # noqa: F401
    from hub.audit import record as record_audit  # noqa: F401
    from hub.calendar.entries import CalendarEntry  # noqa: F401
    from hub.channels import (  # noqa: F401
        Channel,
        OptionField,
        PluginSetting,
        Preview,
        PreviewPart,
        Problem,
        PublishResult,
    )
    from hub.crypto import decrypt_json, encrypt_json  # noqa: F401
    from hub.dates import format_day, format_moment  # noqa: F401
    from hub.declarations import (  # noqa: F401
        CHANNEL_ADMIN_PERMISSIONS,
        ItemDate,
        ItemField,
        ItemKind,
        Permission,
        Role,
    )
    from hub.exceptions import (  # noqa: F401
        HubError,
        PermanentPublishError,
        PluginError,
        PublishError,
        PublishOutcomeUnknown,
        TransientPublishError,
    )
    from hub.extensions import db  # noqa: F401
    from hub.hookspecs import hookimpl  # noqa: F401
    from hub.inputs import BadInput, int_arg, json_object, json_value  # noqa: F401
    from hub.installation import installation_id  # noqa: F401
    from hub.items.service import create_item  # noqa: F401
    from hub.jobs import enqueue, job  # noqa: F401
    from hub.media.errors import MediaError  # noqa: F401
    from hub.media.ingest import ingest_local_file  # noqa: F401
    from hub.media.renditions import rendition_key, request_rendition  # noqa: F401
    from hub.media.storage import FileGone, asset_path, derivative_path, open_asset  # noqa: F401
    from hub.metrics import MetricSample  # noqa: F401
    from hub.models import (  # noqa: F401
        Asset,
        AssetStatus,
        Base,
        ChannelAccount,
        Item,
        ItemAsset,
        ItemChannel,
        ItemStatus,
        Organisation,
        Publication,
        PublicationStatus,
        Setting,
        User,
        UserRole,
        UTCDateTime,
        utcnow,
    )
    from hub.notify.deliveries import now as notify_now  # noqa: F401
    from hub.notify.deliveries import record_status as record_delivery_status  # noqa: F401
    from hub.notify.mail import MailError, send_mail, smtp_enabled  # noqa: F401
    from hub.notify.models import Notification, NotificationDelivery  # noqa: F401
    from hub.notify.notifiers import DeliveryRefused, Notifier, TransientDeliveryError  # noqa: F401
    from hub.notify.service import link_of as notification_link  # noqa: F401
    from hub.notify.service import notify  # noqa: F401
    from hub.permissions import (  # noqa: F401
        can_view_item,
        get_item_or_404,
        has_permission,
        public,
        require,
        roles_with_permission,
    )
    from hub.plugins import plugin_config  # noqa: F401
    from hub.queue import redis_connection  # noqa: F401
    from hub.reports.base import Chart, Period, Report, ReportResult, Section  # noqa: F401
    from hub.reports.export import DocumentPDF, to_pdf  # noqa: F401
    from hub.reports.letterhead import office_document  # noqa: F401
    from hub.spreadsheets import append_row, csv_row, new_workbook  # noqa: F401
    from hub.web.nav import NavEntry  # noqa: F401
    from hub.web.panels import HealthNote, Panel  # noqa: F401
    from hub.workflow.calendar import WorkCalendar, calendar_for  # noqa: F401
    from hub.workflow.definition import StepDef  # noqa: F401
    from hub.workflow.due import refresh_due_times  # noqa: F401
    from hub.workflow.engine import decide as decide_item  # noqa: F401
    from hub.workflow.engine import submit as submit_item  # noqa: F401
    from hub.workflow.queries import current_step, deciding_step, is_approval_step, may_decide  # noqa: F401
