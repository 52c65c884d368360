"""The application factory."""

from __future__ import annotations

from flask import Flask, g

from hub.config import load_config, validate_static
from hub.extensions import csrf, db
from hub.plugins import build_plugin_manager


def create_app(test_config: dict | None = None) -> Flask:
    """Build the hub: configuration, extensions, plugins, blueprints.

    ``test_config`` overrides any setting; its key ``EXTRA_PLUGINS`` (a list of
    modules or objects) registers plugins that are not installed, for tests.
    Raises :class:`hub.exceptions.ConfigError` when a setting is unusable.
    """
    app = Flask("hub", instance_relative_config=True)
    from hub.inputs import BoundedInt, refuse_nul

    app.url_map.converters["int"] = BoundedInt  # every <int:…> route: 0..2^31-1, larger ids are a 404
    app.before_request(refuse_nul)
    load_config(app, test_config)
    validate_static(app)

    import hub.models  # noqa: F401 - registers the core tables on the metadata

    db.init_app(app)
    csrf.init_app(app)

    registry = build_plugin_manager(app, extra_plugins=app.config.get("EXTRA_PLUGINS"))

    from hub import errors, health, i18n

    i18n.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)

    from hub import logging_setup, metrics

    logging_setup.init_app(app)  # X-Request-ID: taken or made, answered, logged, carried into jobs

    metrics.init_app(app)  # /metrics (Prometheus), request counts and latencies by route

    from hub import auth

    auth.init_app(app)  # g.user, sessions, tokens, CSRF, security headers, login and user pages

    from hub import web

    web.init_app(app)  # the shell: dashboard, calendar, reports, administration, navigation

    from hub import dispatch

    dispatch.init_app(app)  # publication API and admin forms (retry, cancel, unpublish)

    from hub import workflow

    workflow.init_app(app)  # items, workflows, inbox, decisions, notifications, /api/v1 base and OpenAPI

    from hub import media

    media.init_app(app)  # uploads (streaming, resumable), Drive imports, /media/<id>/<variant>

    from hub.api import register as api_register

    for blueprints in registry.hook.register_blueprints(app=app):
        for bp in blueprints or []:
            api_register(app, bp)  # an ApiBlueprint also goes into the OpenAPI document
    from hub.permissions import unknown_permissions

    unknown = unknown_permissions(app)
    if unknown:  # a plugin's view requires a permission nobody declared (register_permissions)
        from hub.exceptions import PluginError

        raise PluginError(f"views require unknown permissions: {'; '.join(unknown)}")

    from hub.config import warn_unknown_environment

    warn_unknown_environment(app)  # HUB_DATABSE_URL: "did you mean HUB_DATABASE_URL?"

    @app.before_request
    def _no_user_yet():
        g.setdefault("user", None)

    return app
