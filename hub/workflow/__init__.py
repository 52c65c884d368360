"""Workflows as data (SOPs), the decision engine, working calendars, the inbox.

Importing this package does nothing heavy: :func:`init_app` (called by
:func:`hub.app.create_app`) registers the pages, the API and the hook listeners of the
workflow, items and notification areas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the workflow, items, notification and API blueprints and the core hook listeners."""
    from hub.api import init_app as init_api
    from hub.api import register as api_register
    from hub.items.views import bp as items_bp
    from hub.notify.views import bp as notify_bp
    from hub.plugins import plugins
    from hub.workflow import cli, events
    from hub.workflow.bulk_views import api as bulk_api
    from hub.workflow.bulk_views import bp as bulk_bp
    from hub.workflow.delegation_views import api as delegations_api
    from hub.workflow.delegation_views import bp as delegations_bp
    from hub.workflow.views import bp as workflow_bp

    app.register_blueprint(workflow_bp)
    app.register_blueprint(delegations_bp)
    api_register(app, delegations_api)
    app.register_blueprint(bulk_bp)
    api_register(app, bulk_api)
    app.register_blueprint(items_bp)
    app.register_blueprint(notify_bp)
    init_api(app)
    from hub.workflow.labels import from_iso, step_kind, step_outcome

    app.add_template_filter(from_iso, "from_iso")
    app.jinja_env.globals.update(step_outcome=step_outcome, step_kind=step_kind)
    from hub.web.nav import NavEntry, add_nav_entry

    add_nav_entry(app, NavEntry("Notifikasi", "Notifications", endpoint="notify.page", order=15))
    add_nav_entry(
        app,
        NavEntry(
            "Pengiriman notifikasi",
            "Notification deliveries",
            endpoint="notify.admin_page",
            section="admin",
            order=77,
            description_id="Pengiriman yang gagal atau ditolak, dan media yang dinonaktifkan",
            description_en="Failed or refused deliveries, and media turned off for people",
        ),
    )
    add_nav_entry(
        app,
        NavEntry(
            "Pelaksana (Plh./Plt.)",
            "Acting officials",
            endpoint="delegations.page",
            permission="user.manage",
            section="admin",
            order=15,
            description_id="Siapa bertindak untuk pejabat yang berhalangan",
            description_en="Who acts for an official who is away",
        ),
    )
    from hub.notify.views import turned_off

    app.jinja_env.globals.update(notify_turned_off=turned_off)
    pm = plugins(app).pm
    for module in (events, cli):
        if not pm.is_registered(module):
            pm.register(module, name=module.__name__)
