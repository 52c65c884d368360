"""``/api/v1/tokens…``: your own API tokens — list (never a secret), make one (the secret is
answered once; it needs your current password AND a current two-factor code, so a stolen token
or password alone cannot mint more), revoke one. The rules are the account page's
(:mod:`hub.auth.tokens`)."""

from __future__ import annotations

from flask import current_app, g

from hub.api import ApiBlueprint
from hub.api.problems import PROBLEM_MIME, caller_language
from hub.api.schemas import Page, PageArgs, ProblemSchema, fields, ma, page_of, validate
from hub.auth import tokens
from hub.auth.models import ApiToken
from hub.extensions import db
from hub.inputs import BadInput
from hub.models.base import utcnow
from hub.permissions import require
from hub.workflow.errors import NotFound

bp = ApiBlueprint("tokens_api", __name__, url_prefix="/api/v1", description="Your API tokens")


class ApiTokenSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "the token's first characters, to tell it apart"})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(required=True, allow_none=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    active = fields.Boolean(required=True, metadata={"description": "neither revoked nor expired"})


class ApiTokenPage(Page):
    tokens = fields.List(fields.Nested(ApiTokenSchema), required=True)


class NewApiToken(ApiTokenSchema):
    token = fields.String(required=True, metadata={"description": "the secret: shown this once, never again"})


class ApiTokenCreate(ma.Schema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "what script or system uses it"},
    )
    days = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "how long it lives (default API_TOKEN_DAYS, at most API_TOKEN_MAX_DAYS)"},
    )
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=1000), metadata={"description": "your password"}
    )
    code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(max=20),
        metadata={"description": "a current code of your authenticator app (TOTP)"},
    )


def token_json(token: ApiToken, now=None) -> dict:
    now = now or utcnow()
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "active": token.revoked_at is None and token.expires_at > now,
    }


def tokens_of(user, args: dict) -> dict:
    """A page of ``user``'s tokens, newest first (one COUNT, one SELECT)."""
    query = (
        db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    rows, page = page_of(query, args, db.session)
    now = utcnow()
    return {"tokens": [token_json(t, now) for t in rows], **page}


def revoke(token: ApiToken | None, owner) -> None:
    """Revoke ``owner``'s ``token`` (404 when it is not theirs) and commit."""
    if token is None or token.user_id != owner.id:
        raise NotFound("Token tidak ditemukan.", "Token not found.")
    if tokens.revoke(token, actor=g.user):
        db.session.commit()


def _invalid(problems: dict[str, tuple[str, str]]):
    lang = caller_language()
    return BadInput(
        "invalid",
        "Isian tidak valid; lihat errors.",
        "The input is not valid; see errors.",
        status=422,
        errors={"json": {f: [m[0] if lang == "id" else m[1]] for f, m in problems.items()}},
    )


@bp.get("/tokens")
@require("account.self")
@bp.arguments(PageArgs, location="query")
@bp.response(200, ApiTokenPage)
def list_tokens(args):
    """Your API tokens, newest first: name, prefix, dates (never the secret)."""
    return tokens_of(g.user, args)


@bp.post("/tokens")
@require("account.self")
@bp.arguments(ApiTokenCreate)
@bp.response(201, NewApiToken)
@bp.alt_response(429, schema=ProblemSchema, content_type=PROBLEM_MIME, description="Too many failed attempts: wait")
def create_token(body):
    """Make an API token; the answer holds its secret, this once. Needs your current password AND a
    current two-factor code: a wrong one is 403 ``reauth_failed`` and counts against the login
    throttle (429 ``too_many_attempts`` above it). Audited as ``auth.token_created``."""
    days = body.get("days", current_app.config["API_TOKEN_DAYS"])
    problems = tokens.check_request(body["name"], days)
    if problems:
        raise _invalid(problems)
    user = g.user
    ok, wait = tokens.reauthenticate(user, body["password"], body["code"], "api_token")
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise BadInput(
            "too_many_attempts",
            f"Terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit.",
            f"Too many failed attempts. Try again in {minutes} minutes.",
            status=429,
            retry_after=wait,
        )
    if not ok:
        raise BadInput(
            "reauth_failed",
            "Kata sandi atau kode dua langkah salah; token tidak dibuat.",
            "The password or the two-factor code is not correct; no token was made.",
            status=403,
        )
    token, value = tokens.issue(user, body["name"], days, actor=user)
    db.session.commit()
    return {**token_json(token), "token": value}


@bp.delete("/tokens/<int:token_id>")
@require("account.self")
@bp.response(204)
def revoke_token(token_id: int):
    """Revoke one of your API tokens (it stops working at once; this one too, if it is the one you
    call with). Audited as ``auth.token_revoked``."""
    revoke(db.session.get(ApiToken, token_id), g.user)
    return "", 204
