"""``/api/v1/roles``, ``/api/v1/permissions`` and ``/api/v1/channels``: what this hub's core and
plugins declare — the roles with what they grant (:data:`hub.permissions.ROLE_PERMISSIONS`), the
permissions, and the channels (:class:`hub.channels.Channel`) with, per office, whether an account
is configured (never a credential). Read-only: roles and channels are declared in code, and
channel accounts are managed on the plugins' settings pages."""

from __future__ import annotations

from flask import g

from hub.api import ApiBlueprint
from hub.api.schemas import IdEn, Page, PageArgs, fields, ma
from hub.extensions import db
from hub.models import ChannelAccount
from hub.models.base import utcnow
from hub.permissions import PERMISSIONS, ROLE_PERMISSIONS, permissions_of, require
from hub.plugins import plugins
from hub.roles import ROLES
from hub.workflow.errors import NotFound

bp = ApiBlueprint("catalog_api", __name__, url_prefix="/api/v1", description="Roles, permissions and channels")


class RoleInfoSchema(ma.Schema):
    code = fields.String(required=True, metadata={"description": "stable; what user accounts and workflows store"})
    label = fields.Nested(IdEn, required=True)
    office_title = fields.String(
        required=True, allow_none=True, metadata={"description": "your office's own title for the role, if it gave one"}
    )
    description = fields.String(required=True)
    plugin = fields.String(required=True, metadata={"description": "the plugin that declared it; empty: the core"})
    permissions = fields.List(fields.String(), required=True)


class RoleInfoPage(Page):
    roles = fields.List(fields.Nested(RoleInfoSchema), required=True)


class PermissionInfoSchema(ma.Schema):
    code = fields.String(required=True)
    label = fields.Nested(IdEn, required=True)
    roles = fields.List(fields.String(), required=True, metadata={"description": "the roles that grant it"})


class PermissionInfoPage(Page):
    permissions = fields.List(fields.Nested(PermissionInfoSchema), required=True)


class OptionChoice(ma.Schema):
    value = fields.String(required=True)
    label = fields.Nested(IdEn, required=True)


class ChannelOptionFieldSchema(ma.Schema):
    name = fields.String(required=True, metadata={"description": "the key in the item channel's options"})
    label = fields.Nested(IdEn, required=True)
    kind = fields.String(required=True, metadata={"description": "text, list, bool, choice or choices"})
    input = fields.String(required=True, metadata={"description": "the HTML input type of a text field"})
    help = fields.Nested(IdEn, required=True)
    choices = fields.List(fields.Nested(OptionChoice), required=True)


class ChannelAccountsSchema(ma.Schema):
    organisation_id = fields.Integer(required=True, allow_none=True, metadata={"description": "null: no office"})
    active = fields.Integer(required=True, metadata={"description": "active, unexpired accounts"})


class ChannelInfoSchema(ma.Schema):
    name = fields.String(required=True)
    label = fields.Nested(IdEn, required=True)
    plugin = fields.String(required=True)
    accepts = fields.List(fields.String(), required=True, metadata={"description": "media kinds it takes"})
    item_kinds = fields.List(fields.String(), required=True, metadata={"description": "item kinds it publishes"})
    admin_role = fields.String(required=True, metadata={"description": "the role that decides its admin step"})
    requirements = fields.Nested(IdEn, required=True)
    text_limit = fields.Integer(required=True, allow_none=True, metadata={"description": "null: unlimited"})
    approval_per_occurrence = fields.Boolean(required=True)
    options_json = fields.Boolean(required=True, metadata={"description": "options beyond the fields are accepted"})
    option_fields = fields.List(fields.Nested(ChannelOptionFieldSchema), required=True)
    accounts = fields.List(
        fields.Nested(ChannelAccountsSchema),
        required=True,
        metadata={"description": "per office, its configured accounts (settings.manage: every office; else yours)"},
    )


class ChannelInfoPage(Page):
    channels = fields.List(fields.Nested(ChannelInfoSchema), required=True)


def _page(entries: list, args: dict) -> tuple[list, dict]:
    limit, offset = args["limit"], args["offset"]
    rows = entries[offset : offset + limit]
    total = len(entries)
    next_offset = offset + len(rows) if offset + len(rows) < total else None
    return rows, {"total": total, "limit": limit, "offset": offset, "next_offset": next_offset}


def _label(pair: tuple[str, str]) -> dict:
    return {"id": pair[0], "en": pair[1]}


@bp.get("/roles")
@require()
@bp.arguments(PageArgs, location="query")
@bp.response(200, RoleInfoPage)
def list_roles(args):
    """The roles, with their names and the permissions each grants (the core's and the plugins')."""
    titles = (g.user.organisation.role_titles if g.user.organisation else None) or {}
    entries = [
        {
            "code": r.code,
            "label": _label((r.label_id, r.label_en)),
            "office_title": titles.get(r.code) or None,
            "description": r.description,
            "plugin": r.plugin,
            "permissions": sorted(ROLE_PERMISSIONS.get(r.code, set())),
        }
        for r in ROLES.values()
    ]
    rows, page = _page(entries, args)
    return {"roles": rows, **page}


@bp.get("/permissions")
@require()
@bp.arguments(PageArgs, location="query")
@bp.response(200, PermissionInfoPage)
def list_permissions(args):
    """The permissions, with their descriptions and the roles that grant each."""
    entries = [
        {
            "code": code,
            "label": _label(words),
            "roles": sorted(r for r, perms in ROLE_PERMISSIONS.items() if code in perms),
        }
        for code, words in sorted(PERMISSIONS.items())
    ]
    rows, page = _page(entries, args)
    return {"permissions": rows, **page}


def _accounts() -> dict[str, list[dict]]:
    """Channel -> per office, the number of active accounts (one query; only the caller's office and
    the office-less accounts unless the caller holds ``settings.manage``)."""
    now = utcnow()
    query = (
        db.select(ChannelAccount.channel, ChannelAccount.organisation_id, db.func.count(ChannelAccount.id))
        .where(
            ChannelAccount.is_active.is_(True),
            db.or_(ChannelAccount.expires_at.is_(None), ChannelAccount.expires_at > now),
        )
        .group_by(ChannelAccount.channel, ChannelAccount.organisation_id)
    )
    if "settings.manage" not in permissions_of(g.user):
        query = query.where(
            db.or_(ChannelAccount.organisation_id.is_(None), ChannelAccount.organisation_id == g.user.organisation_id)
        )
    found: dict[str, list[dict]] = {}
    for channel, org_id, count in db.session.execute(query).all():
        found.setdefault(channel, []).append({"organisation_id": org_id, "active": count})
    for entries in found.values():
        entries.sort(key=lambda e: (e["organisation_id"] is not None, e["organisation_id"] or 0))
    return found


def channel_json(channel, accounts: list[dict]) -> dict:
    return {
        "name": channel.name,
        "label": _label((channel.label_id, channel.label_en)),
        "plugin": channel.plugin,
        "accepts": list(channel.accepts),
        "item_kinds": list(channel.item_kinds),
        "admin_role": channel.admin_role,
        "requirements": _label((channel.requirements_id, channel.requirements_en)),
        "text_limit": channel.text_limit,
        "approval_per_occurrence": channel.approval_per_occurrence,
        "options_json": channel.options_json,
        "option_fields": [
            {
                "name": f.name,
                "label": _label((f.label_id, f.label_en)),
                "kind": f.kind,
                "input": f.input,
                "help": _label((f.help_id, f.help_en)),
                "choices": [{"value": v, "label": _label((li, le))} for v, li, le in f.choice_list()],
            }
            for f in channel.option_fields
        ],
        "accounts": accounts,
    }


@bp.get("/channels")
@require()
@bp.arguments(PageArgs, location="query")
@bp.response(200, ChannelInfoPage)
def list_channels(args):
    """The channels the installed plugins declare, by name: what they take, their option fields and
    limits, and where an account is configured (never credentials). Read-only."""
    channels = sorted(plugins().channels.values(), key=lambda c: c.name)
    rows, page = _page(channels, args)
    accounts = _accounts() if rows else {}
    return {"channels": [channel_json(c, accounts.get(c.name, [])) for c in rows], **page}


@bp.get("/channels/<string:name>")
@require()
@bp.response(200, ChannelInfoSchema)
def get_channel(name: str):
    """One channel (see the list)."""
    channel = plugins().channels.get(name)
    if channel is None:
        raise NotFound("Kanal tidak dikenal.", "Unknown channel.")
    return channel_json(channel, _accounts().get(channel.name, []))
