"""``/api/v1/organisations…``: the offices, for scripts, with the rules of the organisations pages
(permission ``user.manage``; the checks and the audit entries of :mod:`hub.admin.service`).
The letterhead logo is uploaded on the page only; the API says whether an office has one."""

from __future__ import annotations

from hub.admin import service
from hub.api import ApiBlueprint
from hub.api.problems import caller_language
from hub.api.schemas import Page, PageArgs, fields, ma, page_of, validate
from hub.extensions import db
from hub.inputs import BadInput
from hub.models import Organisation, User
from hub.permissions import require
from hub.workflow.errors import NotFound

bp = ApiBlueprint("organisations_api", __name__, url_prefix="/api/v1", description="Offices")


class OrganisationSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "operator (runs the channels) or requester"})
    timezone = fields.String(required=True, allow_none=True, metadata={"description": "null: the hub's default"})
    role_titles = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata={"description": "role code -> title"}
    )
    address = fields.String(required=True)
    city = fields.String(required=True)
    has_logo = fields.Boolean(required=True)
    users = fields.Integer(required=True, metadata={"description": "accounts of the office"})
    created_at = fields.DateTime(required=True)


class OrganisationPage(Page):
    organisations = fields.List(fields.Nested(OrganisationSchema), required=True)


class OrganisationListArgs(PageArgs):
    kind = fields.String(validate=validate.OneOf(service.KINDS))
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "in the name or short name"})


class OrganisationFields(ma.Schema):
    name = fields.String(validate=validate.Length(max=service.NAME_MAX))
    short_name = fields.String(validate=validate.Length(max=service.SHORT_NAME_MAX))
    kind = fields.String(validate=validate.OneOf(service.KINDS))
    timezone = fields.String(
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "an IANA zone (Asia/Jakarta, Asia/Makassar, Asia/Jayapura…); null or empty: none"},
    )
    role_titles = fields.Dict(
        keys=fields.String(validate=validate.Length(max=50)),
        values=fields.String(),
        metadata={"description": "role code -> the office's title; replaces every title; an empty one is dropped"},
    )
    address = fields.String(validate=validate.Length(max=service.ADDRESS_MAX))
    city = fields.String(validate=validate.Length(max=service.CITY_MAX))


class OrganisationCreate(OrganisationFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=service.NAME_MAX))
    kind = fields.String(required=True, validate=validate.OneOf(service.KINDS))


def organisations_json(orgs: list[Organisation]) -> list[dict]:
    """The answer for ``orgs``: two queries whatever their number (user counts, which have a logo)."""
    ids = [o.id for o in orgs]
    counts, with_logo = {}, set()
    if ids:
        counts = dict(
            db.session.execute(
                db.select(User.organisation_id, db.func.count(User.id))
                .where(User.organisation_id.in_(ids))
                .group_by(User.organisation_id)
            ).all()
        )
        logo_query = db.select(Organisation.id).where(Organisation.id.in_(ids), Organisation.logo.isnot(None))
        with_logo = set(db.session.scalars(logo_query))
    return [
        {
            "id": o.id,
            "name": o.name,
            "short_name": o.short_name or "",
            "kind": o.kind,
            "timezone": o.timezone,
            "role_titles": dict(o.role_titles or {}),
            "address": o.address or "",
            "city": o.city or "",
            "has_logo": o.id in with_logo,
            "users": counts.get(o.id, 0),
            "created_at": o.created_at,
        }
        for o in orgs
    ]


def _organisation_or_404(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound("Kantor tidak ditemukan.", "Office not found.")
    return org


def _save(org: Organisation, body: dict) -> dict:
    values = {
        "name": org.name,
        "kind": org.kind,
        "timezone": org.timezone or "",
        "role_titles": org.role_titles or {},
        **body,
    }
    problems = service.check_organisation(values, org)
    if problems:
        lang = caller_language()
        field = next(iter(problems))
        raise BadInput(
            "invalid",
            "Isian tidak valid; lihat errors.",
            "The input is not valid; see errors.",
            status=422,
            field=field,
            errors={"json": {f: [m[0] if lang == "id" else m[1]] for f, m in problems.items()}},
        )
    service.save_organisation(org, body)
    db.session.commit()
    return organisations_json([org])[0]


@bp.get("/organisations")
@require("user.manage")
@bp.arguments(OrganisationListArgs, location="query")
@bp.response(200, OrganisationPage)
def list_organisations(args):
    """The offices, operators first, by name (the /admin/organisations list), with their number of accounts."""
    query = db.select(Organisation).order_by(Organisation.kind, Organisation.name, Organisation.id)
    if args.get("kind"):
        query = query.where(Organisation.kind == args["kind"])
    q = (args.get("q") or "").strip().lower()
    if q:
        like = f"%{q}%"
        query = query.where(
            db.or_(db.func.lower(Organisation.name).like(like), db.func.lower(Organisation.short_name).like(like))
        )
    rows, page = page_of(query, args, db.session)
    return {"organisations": organisations_json(rows), **page}


@bp.get("/organisations/<int:org_id>")
@require("user.manage")
@bp.response(200, OrganisationSchema)
def get_organisation(org_id: int):
    """One office."""
    return organisations_json([_organisation_or_404(org_id)])[0]


@bp.post("/organisations")
@require("user.manage")
@bp.arguments(OrganisationCreate)
@bp.response(201, OrganisationSchema)
def create_organisation(body):
    """Add an office (its name unique). Audited as ``organisation.created``."""
    return _save(Organisation(kind=body["kind"]), body)


@bp.patch("/organisations/<int:org_id>")
@require("user.manage")
@bp.arguments(OrganisationFields)
@bp.response(200, OrganisationSchema)
def update_organisation(body, org_id: int):
    """Change an office (only the fields sent). Audited as ``organisation.updated``."""
    return _save(_organisation_or_404(org_id), body)
