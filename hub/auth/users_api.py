"""``/api/v1/users…``: user administration for scripts, with the rules of the ``/admin/users``
pages (:mod:`hub.auth.users`): permission ``user.manage``, every person of every office (the
pages scope nothing further), and every change through :mod:`hub.auth.service` (its rules,
its audit entries). Password hashes, TOTP secrets and recovery codes are never answered; a
temporary password is, once, to the administrator who made or reset it."""

from __future__ import annotations

from flask import g
from sqlalchemy.orm import selectinload

from hub.api import ApiBlueprint
from hub.api.problems import caller_language
from hub.api.schemas import Id, Page, PageArgs, Ref, fields, ma, page_of, validate
from hub.auth import service
from hub.auth.models import ApiToken, TwoFactor
from hub.auth.tokens_api import ApiTokenPage, revoke, tokens_of
from hub.extensions import db
from hub.inputs import MAX_ID, BadInput
from hub.models import Organisation, User, UserRole
from hub.permissions import require
from hub.workflow.errors import NotFound

bp = ApiBlueprint("users_api", __name__, url_prefix="/api/v1", description="People (user administration)")


class UserAccountSchema(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    email = fields.String(required=True)
    language = fields.String(required=True, metadata={"description": "id or en"})
    nip = fields.String(required=True, metadata={"description": "18 digits, or empty"})
    position = fields.String(required=True)
    organisation = fields.Nested(Ref, required=True)
    roles = fields.List(fields.String(), required=True, metadata={"description": "role codes (GET /api/v1/roles)"})
    is_active = fields.Boolean(required=True)
    must_change_password = fields.Boolean(required=True)
    two_factor_enrolled = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    password_changed_at = fields.DateTime(required=True, allow_none=True)


class UserAccountPage(Page):
    users = fields.List(fields.Nested(UserAccountSchema), required=True)


class UserAccountWithPassword(UserAccountSchema):
    temporary_password = fields.String(
        required=True, metadata={"description": "shown this once; the person must change it at first login"}
    )


class UserAccountListArgs(PageArgs):
    organisation_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "people of this office"}
    )
    role = fields.String(validate=validate.Length(max=50), metadata={"description": "people holding this role"})
    active = fields.Boolean(metadata={"description": "true: active accounts; false: disabled ones"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "in the user name or full name"})


class UserAccountFields(ma.Schema):
    full_name = fields.String(validate=validate.Length(max=200))
    email = fields.String(validate=validate.Length(max=254))
    language = fields.String(validate=validate.OneOf(["id", "en"]))
    nip = fields.String(validate=validate.Length(max=40), metadata={"description": "18 digits; spaces and dots ok"})
    position = fields.String(validate=validate.Length(max=200))
    organisation_id = Id()
    roles = fields.List(fields.String(validate=validate.Length(max=50)), validate=validate.Length(max=50))


class UserAccountCreate(UserAccountFields):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    organisation_id = Id(required=True)
    roles = fields.List(
        fields.String(validate=validate.Length(max=50)), required=True, validate=validate.Length(max=50)
    )


def _refused(exc: service.AccountError):
    """A rule of :mod:`hub.auth.service` (``account_rule``, 422) in the caller's language."""
    return BadInput("account_rule", exc.message_id, exc.message_en, status=422)


def _invalid(field: str, message_id: str, message_en: str):
    message = message_id if caller_language() == "id" else message_en
    return BadInput(
        "invalid",
        "Isian tidak valid; lihat errors.",
        "The input is not valid; see errors.",
        status=422,
        field=field,
        errors={"json": {field: [message]}},
    )


def _organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise _invalid("organisation_id", "Pilih kantor pengguna.", "Choose the user's office.")
    return org


def user_or_404(user_id: int) -> User:
    user = db.session.scalar(db.select(User).where(User.id == user_id).options(selectinload(User.organisation)))
    if user is None:
        raise NotFound("Pengguna tidak ditemukan.", "User not found.")
    return user


def users_json(users: list[User]) -> list[dict]:
    """The answer for ``users``, whose offices and roles are loaded (two-factor: one query for all)."""
    ids = [u.id for u in users]
    enrolled: set[int] = set()
    if ids:
        query = db.select(TwoFactor.user_id).where(TwoFactor.user_id.in_(ids), TwoFactor.enrolled_at.isnot(None))
        enrolled = set(db.session.scalars(query))
    return [
        {
            "id": u.id,
            "username": u.username,
            "full_name": u.full_name,
            "email": u.email,
            "language": u.language,
            "nip": u.nip or "",
            "position": u.position or "",
            "organisation": {"id": u.organisation.id, "name": u.organisation.name},
            "roles": sorted(u.role_codes),
            "is_active": u.is_active,
            "must_change_password": bool(u.must_change_password),
            "two_factor_enrolled": u.id in enrolled,
            "created_at": u.created_at,
            "password_changed_at": u.password_changed_at,
        }
        for u in users
    ]


def _one(user: User) -> dict:
    return users_json([user])[0]


@bp.get("/users")
@require("user.manage")
@bp.arguments(UserAccountListArgs, location="query")
@bp.response(200, UserAccountPage)
def list_users(args):
    """People of every office, by user name (the /admin/users list), filtered and paged."""
    query = db.select(User).options(selectinload(User.organisation), selectinload(User.roles)).order_by(User.username)
    if args.get("organisation_id"):
        query = query.where(User.organisation_id == args["organisation_id"])
    if args.get("role"):
        query = query.where(User.roles.any(UserRole.role == args["role"]))
    if "active" in args:
        query = query.where(User.is_active.is_(args["active"]))
    q = (args.get("q") or "").strip().lower()
    if q:
        like = f"%{q}%"
        query = query.where(db.or_(db.func.lower(User.username).like(like), db.func.lower(User.full_name).like(like)))
    rows, page = page_of(query, args, db.session)
    return {"users": users_json(rows), **page}


@bp.get("/users/<int:user_id>")
@require("user.manage")
@bp.response(200, UserAccountSchema)
def get_user(user_id: int):
    """One person's account (never a password hash, a TOTP secret or recovery codes)."""
    return _one(user_or_404(user_id))


@bp.post("/users")
@require("user.manage")
@bp.arguments(UserAccountCreate)
@bp.response(201, UserAccountWithPassword)
def create_user(body):
    """Make an account with a temporary password, answered once; the person changes it and sets up
    two-factor at first login. Audited as ``user.created``."""
    org = _organisation(body["organisation_id"])
    try:
        user, password = service.create_user(
            username=body["username"],
            organisation=org,
            roles=body["roles"],
            full_name=body.get("full_name", ""),
            email=body.get("email", ""),
            language=body.get("language", "id"),
            nip=body.get("nip", ""),
            position=body.get("position", ""),
            actor=g.user,
        )
    except service.AccountError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return {**_one(user), "temporary_password": password}


@bp.patch("/users/<int:user_id>")
@require("user.manage")
@bp.arguments(UserAccountFields)
@bp.response(200, UserAccountSchema)
def update_user(body, user_id: int):
    """Change a person's name, e-mail, language, NIP, position, office or roles (only the fields
    sent). Your own roles cannot be changed. Audited as ``user.updated`` / ``user.roles_changed``."""
    user = user_or_404(user_id)
    org = _organisation(body["organisation_id"]) if "organisation_id" in body else user.organisation
    try:
        service.update_profile(
            user,
            full_name=body.get("full_name", user.full_name),
            email=body.get("email", user.email),
            organisation=org,
            language=body.get("language", user.language),
            nip=body.get("nip"),
            position=body.get("position"),
            actor=g.user,
        )
        if "roles" in body and (user.id != g.user.id or sorted(set(body["roles"])) != sorted(user.role_codes)):
            service.set_roles(user, body["roles"], actor=g.user)
    except service.AccountError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return _one(user)


def _set_active(user_id: int, active: bool) -> dict:
    user = user_or_404(user_id)
    try:
        service.set_active(user, active, actor=g.user)
    except service.AccountError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return _one(user)


@bp.post("/users/<int:user_id>/activate")
@require("user.manage")
@bp.response(200, UserAccountSchema)
def activate_user(user_id: int):
    """Let a disabled account log in again. Audited as ``user.enabled``."""
    return _set_active(user_id, True)


@bp.post("/users/<int:user_id>/deactivate")
@require("user.manage")
@bp.response(200, UserAccountSchema)
def deactivate_user(user_id: int):
    """Disable an account: its sessions end and its API tokens stop working at once; not your own.
    Audited as ``user.disabled``."""
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reset-password")
@require("user.manage")
@bp.response(200, UserAccountWithPassword)
def reset_password(user_id: int):
    """A new temporary password, answered once; the person's sessions end and API tokens are
    revoked. Audited as ``user.password_reset``."""
    user = user_or_404(user_id)
    password = service.reset_password(user, actor=g.user)
    db.session.commit()
    return {**_one(user), "temporary_password": password}


@bp.post("/users/<int:user_id>/reset-2fa")
@require("user.manage")
@bp.response(200, UserAccountSchema)
def reset_two_factor(user_id: int):
    """Forget the person's authenticator and recovery codes (they enrol again at next login); their
    sessions end, API tokens are revoked and a new password is asked for. Audited as ``user.2fa_reset``."""
    user = user_or_404(user_id)
    service.reset_two_factor(user, actor=g.user)
    db.session.commit()
    return _one(user)


@bp.get("/users/<int:user_id>/tokens")
@require("user.manage")
@bp.arguments(PageArgs, location="query")
@bp.response(200, ApiTokenPage)
def list_user_tokens(args, user_id: int):
    """A person's API tokens, newest first (never their secrets)."""
    return tokens_of(user_or_404(user_id), args)


@bp.delete("/users/<int:user_id>/tokens/<int:token_id>")
@require("user.manage")
@bp.response(204)
def revoke_user_token(user_id: int, token_id: int):
    """Revoke one of a person's API tokens. Audited as ``auth.token_revoked``."""
    user = user_or_404(user_id)
    revoke(db.session.get(ApiToken, token_id), user)
    return "", 204
