"""The plugin contract: both markers and every hook specification.

A plugin is a module (or object) registered through the ``hub.plugins``
setuptools entry-point group. It implements any of the hooks below with
``@hookimpl`` and the same argument names (it may take fewer)::

    from hub.sdk import Channel, hookimpl

    @hookimpl
    def register_channels():
        return [Channel(name="radio", label_id="Radio", label_en="Radio")]

The core always calls hooks with keyword arguments. Broadcast hooks return a
list of every implementation's result; hooks marked *first result* stop at the
first implementation that returns something other than ``None``. Core fallbacks
are ``@hookimpl(trylast=True)`` so a plugin can override them. Every hook here
is documented in ``docs/plugins.md`` (a test checks that).
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("hub")
hookimpl = pluggy.HookimplMarker("hub")


# --- channels -----------------------------------------------------------------------------


@hookspec
def register_channels():
    """Declare the channels this plugin publishes to.

    Fires once when the application is built. Returns a list of
    :class:`hub.channels.Channel`. Channel names must be unique across plugins;
    a clash stops start-up with :class:`hub.exceptions.PluginError`.
    """


@hookspec
def validate_item(item, channel, phase):
    """Check an item for one of its target channels before people look at it.

    Fires for every target channel of an item, at submission (``phase="submit"``)
    and again just before final approval (``phase="approve"``). ``item`` is a
    :class:`hub.models.Item` (with its channel variants and assets loaded),
    ``channel`` the :class:`hub.channels.Channel` being checked. Implementations
    return problems only for channels they own (compare ``channel.name``) and
    return a list of :class:`hub.channels.Problem` (empty when all is well).
    Any problem with ``severity="error"`` blocks the submission or approval.
    """


@hookspec
def step_completion_problems(item, step):
    """Say what must be done before a person may complete (approve) the item's current step.

    Fires when someone approves a workflow step (not the dispatcher's publish step), after the
    step's checklist is confirmed and before anything changes. ``item`` is the
    :class:`hub.models.Item`, ``step`` the :class:`hub.workflow.definition.StepDef` being
    completed (compare ``step.key`` and ``item.kind``). Return a list of
    :class:`hub.channels.Problem` (empty when the step may close): any with
    ``severity="error"`` refuses the decision with those messages (422), e.g. a booking's
    equipment check and trial not recorded yet. Return ``[]`` for items you do not handle.
    """


@hookspec(firstresult=True)
def preview_item(item, channel):
    """How ``item`` will look on ``channel``, for the item page's per-channel preview.

    Fires when an item page is shown, once per target channel. Return a
    :class:`hub.channels.Preview` (its parts in order: the posts of a thread, a page
    post, a screen slide) for channels the plugin owns, None otherwise; the core shows
    the channel's title, text and media when no plugin answers. No network calls.
    """


@hookspec(firstresult=True)
def publish(publication, item, channel):
    """Put an approved item on a channel. *First result*: the channel's owner answers.

    Fires in a background job for each :class:`hub.models.Publication` row when
    it is due. Implementations return ``None`` for channels they do not own.
    The owner returns a :class:`hub.channels.PublishResult` with the remote id
    and URL, or raises :class:`hub.exceptions.TransientPublishError` (retried with
    backoff, ``retry_after`` honoured), :class:`hub.exceptions.PermanentPublishError`
    (fails at once, the message is shown to the admin) or
    :class:`hub.exceptions.PublishOutcomeUnknown` (marked for a person).

    Publishing must be idempotent: ``publication.idempotency_key`` is stable
    across attempts and ``publication.state`` (a dict the plugin may change; it is
    committed even when the hook raises) keeps what earlier attempts learnt.
    On a retry (``publication.attempts > 1``) the plugin looks for the earlier
    copy before posting again. That includes the attempt after a worker died in the
    middle of this hook (the reconciler re-queues the row when the worker's lease
    runs out): the earlier attempt may have posted without recording anything, so
    search by the idempotency key; when that cannot be decided, raise
    :class:`hub.exceptions.PublishOutcomeUnknown` instead of posting again.
    """


@hookspec(firstresult=True)
def unpublish(publication, item, channel):
    """Take a published item off a channel. *First result*: the channel's owner answers.

    Fires in a background job when an admin unpublishes, or when a display window
    ends for channels that need it. Returns ``True`` when done; raises the same
    errors as :func:`publish`.
    """


@hookspec(firstresult=True)
def publication_targets(item, channel):
    """Split one target channel of an item into several publications. *First result*.

    Fires when the final approval creates the publication rows (one per item ×
    channel × target). ``item`` is the :class:`hub.models.Item`, ``channel`` the
    :class:`hub.channels.Channel`; the creator's per-channel choices are in
    ``item.target(channel.name).options``. The channel's owner returns a list of
    target keys (strings of at most 100 characters: an account id, a screen group…),
    one publication each, with ``publication.target`` set to the key. Return ``None``
    for channels you do not own. When nobody answers, ``options["targets"]`` is used
    if present, else a single publication with target ``""``.
    """


@hookspec(firstresult=True)
def display_period_end(item):
    """When the display period of an approved ``item`` ends, when it was never given one. *First result*.

    Media retention asks this for an item that is approved but has no ``window_end`` (its
    publication never succeeded, so nothing wrote the period): SOP 000 keeps no file after
    its period. A channel plugin that knows the item's default period (the days around
    the event date a screen channel shows it) returns its end as an aware UTC ``datetime``; return
    ``None`` for items you do not target. Without an answer the item's media are kept.
    """


# --- the application ------------------------------------------------------------------------


@hookspec
def register_blueprints(app):
    """Add the plugin's pages and API endpoints.

    Fires once while the application is built. ``app`` is the Flask app (read
    its config, do not register things on it here). Returns a list of
    :class:`flask.Blueprint`. Every view must declare its permission with
    :func:`hub.permissions.require` or :func:`hub.permissions.public`.
    """


@hookspec
def register_commands(cli):
    """Add command-line commands under ``hub``.

    Fires once while the application is built. ``cli`` is the ``hub`` click group;
    call ``cli.add_command(...)``. Returns nothing.
    """


@hookspec
def register_settings():
    """Declare the plugin's settings.

    Returns a list of :class:`hub.channels.PluginSetting`. Values are read with
    :func:`hub.plugins.plugin_config` (environment ``HUB_<PLUGIN>_<KEY>`` first,
    then the database, then the default).
    """


@hookspec
def register_workflow_templates():
    """Contribute approval workflow templates (SOPs as data) with their default assignments.

    Returns a list of templates, each a dict in the workflow YAML format described in
    ``docs/workflows.md`` or the :class:`pathlib.Path` of such a YAML file (kept in the
    plugin's own folder). A template's ``applies_to`` (``channels``, ``kinds``,
    ``organisation_kinds``) becomes its default workflow assignment when the template is
    first stored, so an item targeting the plugin's channel finds its workflow with no
    manual assignment. Templates are loaded into the database by ``hub db upgrade`` and
    by ``hub up`` when they are not there yet.
    """


# --- what a plugin brings besides channels (hub.declarations) --------------------------------


@hookspec
def register_roles():
    """Declare the roles this plugin brings (its channel's admin, an operator…).

    Fires once when the app is built. Returns a list of :class:`hub.declarations.Role`
    (``code``, ``label_id``, ``label_en``, descriptions, ``permissions``). The codes join the
    core's roles: they can be given to user accounts, named by workflow steps and used as a
    channel's ``admin_role``. A code the core or another plugin declares already stops
    start-up with :class:`hub.exceptions.PluginError`.
    """


@hookspec
def register_permissions():
    """Declare the permissions this plugin's views require.

    Fires once when the app is built, before the plugin's blueprints are imported. Returns a
    list of :class:`hub.declarations.Permission` (``code``, ``label_id``, ``label_en``, and
    ``roles``: the core or plugin roles that hold it).
    """


@hookspec
def register_item_dates():
    """Name the dates your ``item_dates`` hook gives, with their labels in both languages.

    Fires once when the app is built. Returns a list of :class:`hub.declarations.ItemDate`
    (``name``, ``label_id``, ``label_en``). The workflow step editor offers them as anchors and
    the timeline and inbox read them by their labels; an undeclared name is shown as a word.
    """


@hookspec
def register_item_kinds():
    """Declare the item kinds this plugin publishes ("video", "radio_script"…).

    Fires once when the app is built. Returns a list of :class:`hub.declarations.ItemKind`;
    they are offered on the item form (with their titles) and accepted by the API.
    """


@hookspec
def register_item_fields():
    """Declare extra fields of an item this plugin needs.

    Fires once when the app is built. Returns a list of :class:`hub.declarations.ItemField`.
    Values are stored in ``Item.extra[name]``, shown on the item form, accepted in the API's
    ``extra`` and validated by the field's type. Field names must be unique across plugins.
    """


@hookspec
def register_migrations():
    """Point to the plugin's own Alembic migrations.

    Returns a list of folder paths holding Alembic revision files for the
    plugin's tables. Each plugin's revisions form their own branch (set
    ``branch_labels``) depending on the core's; ``hub db upgrade`` upgrades all heads.
    """


@hookspec
def load_demo_data(app):
    """Add the plugin's demo data (``hub up --demo``).

    Fires inside an application context after the core's demo data is loaded
    (organisations and users exist). Must be idempotent: running it twice adds
    nothing the second time.
    """


# --- events -----------------------------------------------------------------------------------


@hookspec
def item_status_changed(item, old_status, new_status):
    """An item moved in its workflow (after the change is committed).

    ``old_status`` and ``new_status`` are :class:`hub.models.ItemStatus` values.
    Return values are ignored.
    """


@hookspec
def publication_status_changed(publication, old_status, new_status):
    """A publication changed state (after the change is committed).

    ``old_status`` and ``new_status`` are :class:`hub.models.PublicationStatus`
    values. Return values are ignored.
    """


# --- notifications (hub/notify) --------------------------------------------------------------


@hookspec
def register_notifiers():
    """Declare the media this plugin delivers notifications on (a chat app, SMS…).

    Fires once, on the first notification or preference page after start-up. Returns a list of
    :class:`hub.notify.notifiers.Notifier` instances: ``code`` (unique; the core's are ``hub`` and
    ``email``), ``label_id``/``label_en``, ``quiet`` (True: waits out quiet hours, may be digested),
    ``setup_endpoint`` (where a person connects it), ``available()``, ``addresses(users)`` (``{user_id:
    address}`` of those who connected it) and ``deliver(notification, person, address)``. ``deliver``
    runs in a queued job, at most once per notification and medium; it returns the medium's message
    id (or None), raises :class:`hub.notify.notifiers.TransientDeliveryError` (retried with back-off,
    ``retry_after`` honoured) or :class:`hub.notify.notifiers.DeliveryRefused` (no retry; the medium
    is turned off for the person and they are told in the hub).
    """


# --- the web interface (hub/web, hub/calendar, hub/reports) ----------------------------------


@hookspec
def nav_entries():
    """Add links to the navigation bar or the administration index.

    Fires when the app is built. Returns a list of :class:`hub.web.nav.NavEntry`
    (``endpoint`` or ``path``, ``label_id``, ``label_en``, optional ``permission``,
    ``section="main"`` or ``"admin"``, ``order``). An entry is shown only when its
    target exists and the person holds its permission (by default: the permission
    the target view declares).
    """


@hookspec
def dashboard_panels(user):
    """Add panels to the dashboard at ``/``.

    Fires on every dashboard request with the logged-in ``user``
    (:class:`hub.models.User`). Returns a list of :class:`hub.web.panels.Panel`
    (``title_id``, ``title_en``, ``html`` — already rendered and escaped —
    ``order``), or an empty list when the person should see nothing from you.
    """


@hookspec
def channel_health(user):
    """Report problems with a channel for the dashboard's "channel health" panel.

    Fires on every dashboard request with the logged-in ``user``. Returns a list of
    :class:`hub.web.panels.HealthNote` (``channel``, ``message_id``, ``message_en``,
    ``severity`` "error"/"warning", optional ``url``): a silent screen, an expired
    account token… Failed publications are listed by the core already.
    """


@hookspec
def calendar_entries(start, end, user):
    """Add entries to the calendar page (display windows, bookings…).

    Fires when the calendar shows the period ``start`` (inclusive) to ``end``
    (exclusive), both aware UTC datetimes, for the logged-in ``user``. Returns a list
    of :class:`hub.calendar.entries.CalendarEntry` (``start``, ``end``, ``title``,
    ``kind``, ``channel``, ``url``) that overlap the period. Scheduled publications
    are added by the core.
    """


@hookspec
def register_reports():
    """Add reports to the reports page.

    Fires when the app is built. Returns a list of :class:`hub.reports.base.Report`
    (``code``, ``title_id``, ``title_en``, ``build(period, user)`` returning a
    :class:`hub.reports.base.ReportResult`, ``permission``, ``period``). Report
    codes must be unique. Every report gets the chart page and PDF/XLSX export.
    """


@hookspec
def report_sections(report, period, user):
    """Contribute sections to a report another part of the hub defines.

    Fires each time a report is built. ``report`` is the report's code (e.g.
    ``"content_plan"``), ``period`` a :class:`hub.reports.base.Period`, ``user`` the
    person asking. Returns a list of :class:`hub.reports.base.Section` to append,
    or an empty list for reports you do not add to.
    """


@hookspec
def item_dates(item):
    """Name the dates of an item that a workflow step's due time may be anchored to.

    Fires when the engine computes the due time of a step whose definition says
    ``due: {anchor: <name>, ...}`` (``docs/workflows.md``), and when open steps' due
    times are refreshed. Returns a dict of ``name -> aware UTC datetime`` for the
    dates your plugin knows of this item (e.g. ``{"meeting_start": ..., "meeting_end":
    ...}`` for a booking), or an empty dict. Names are shared by all plugins: prefix
    nothing, but pick names that say what the date is. The core contributes
    ``publish_at`` itself.
    """


@hookspec
def metric_samples():
    """Add gauges to ``/metrics`` (the Prometheus scrape), read at every scrape.

    Returns a list of :class:`hub.metrics.MetricSample` (``name`` without the ``hub_``
    prefix, e.g. ``"screens_online"``; ``help``, one English line; ``value``; ``labels``, a
    dict), or an empty list. Keep it to one or two aggregate queries: it runs on every scrape
    (every 15 to 60 s). Counters of events belong in your own code, not here.
    """


@hookspec
def notification_attachments(notification, person):
    """Files to attach to a notification's e-mail (a calendar invitation, a letter).

    Fires when the e-mail of ``notification`` (a :class:`hub.notify.models.Notification`:
    ``kind``, ``item_id``, ``data``) is sent to ``person``. Returns a list of ``(filename,
    mime type, bytes)`` for the notifications your plugin made (look at ``kind`` and
    ``data``), or an empty list. Other media (the hub, chat apps) carry no attachments.
    """
