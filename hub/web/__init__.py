"""The web shell: navigation, the dashboard, and the other cross-cutting pages' registration.

:func:`init_app` registers the blueprints of ``hub.web`` (dashboard), ``hub.calendar``,
``hub.reports`` and ``hub.admin``, and puts the navigation in every template.
"""

from __future__ import annotations

from flask import Blueprint, Flask, g

bp = Blueprint("web", __name__)


def init_app(app: Flask) -> None:
    from hub.admin import bp as admin_bp
    from hub.calendar import bp as calendar_bp
    from hub.reports import bp as reports_bp
    from hub.reports import init_app as init_reports
    from hub.web import dashboard  # noqa: F401 - registers the views
    from hub.web.nav import visible_entries

    app.register_blueprint(bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp)
    from hub.admin.api import bp as organisations_api
    from hub.admin.catalog_api import bp as catalog_api
    from hub.api import register as api_register

    for api_bp in (organisations_api, catalog_api):
        api_register(app, api_bp)  # also into the OpenAPI document
    init_reports(app)

    from hub.web.labels import template_globals

    app.jinja_env.globals.update(template_globals())

    @app.context_processor
    def _navigation():
        return {
            "nav_entries": lambda section="main": visible_entries(g.get("user"), section),
            "config_view_functions": lambda: app.view_functions,
        }
