"""Commands: ``hub user create|disable|enable|reset-2fa|reset-password|list|roles`` and ``hub audit verify``.

Changes made here are audited with the system as actor (``actor_name="system"``).
"""

from __future__ import annotations

import sys

import click

from hub.extensions import db


@click.group("audit", help="Jejak audit / The audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Periksa rantai hash / Check the hash chain; exit 1 at the first bad entry.")
@click.option("--head", default=None, help="ID:HASH of an entry noted earlier (detects entries cut off the end).")
def audit_verify(head: str | None) -> None:
    from hub.audit import verify

    expect = None
    if head:
        head_id, _, head_hash = head.partition(":")
        if not head_id.isdigit() or len(head_hash) != 64:
            raise click.BadParameter("expected ID:HASH (the values `hub audit verify` printed)", param_hint="--head")
        expect = (int(head_id), head_hash)
    result = verify(expect_head=expect)
    if not result.ok:
        click.echo(f"GAGAL / FAILED: {result.problem} (after {result.count} good entries)")
        sys.exit(1)
    click.echo(f"OK: {result.count} entries verified")
    if result.head_id:
        click.echo(f"head: {result.head_id}:{result.head_hash}")
    db.session.rollback()


# --- users ---------------------------------------------------------------------------------------


@click.group("user", help="Pengguna / User accounts.")
def user_group() -> None:
    pass


def _user(username: str):
    from hub.models import User

    user = db.session.scalar(db.select(User).where(db.func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"pengguna tidak ada / no such user: {username}")
    return user


def _fail(exc) -> None:
    raise click.ClickException(str(exc))


@user_group.command("create", help="Buat pengguna / Create a user (--admin: a system administrator).")
@click.argument("username")
@click.option("--org", "org_name", required=True, help="Office name or short name (created with --admin if missing).")
@click.option("--role", "roles", multiple=True, help="Role code (repeat); see `hub user roles`.")
@click.option("--admin", is_flag=True, help="Give the system administrator role (manages users and settings).")
@click.option("--full-name", default="")
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one.")
def user_create(username, org_name, roles, admin, full_name, email, password_stdin) -> None:
    from hub.auth import service
    from hub.models import Organisation

    org = db.session.scalar(
        db.select(Organisation).where(db.or_(Organisation.name == org_name, Organisation.short_name == org_name))
    )
    if org is None:
        if not admin:
            names = ", ".join(db.session.scalars(db.select(Organisation.name))) or "-"
            raise click.ClickException(f"kantor tidak ada / no such office: {org_name} (known: {names})")
        org = Organisation(name=org_name, short_name=org_name[:50], kind="operator")
        db.session.add(org)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user, password = service.create_user(
            username=username,
            organisation=org,
            roles=[*roles, *(["system_admin"] if admin else [])],
            full_name=full_name,
            email=email,
            password=password,
            actor=None,
        )
    except service.AccountError as exc:
        db.session.rollback()
        _fail(exc)
    db.session.commit()
    click.echo(f"Pengguna dibuat / user created: {user.username} ({', '.join(sorted(user.role_codes))})")
    if not password_stdin:
        click.echo(f"Kata sandi sementara / temporary password: {password}")
        click.echo("Wajib diganti saat masuk pertama / it must be changed at the first login.")
    click.echo("Autentikasi dua faktor disiapkan saat masuk pertama / two-factor is set up at the first login.")


@user_group.command("disable", help="Nonaktifkan / Disable a user: sessions end, API tokens stop working.")
@click.argument("username")
def user_disable(username: str) -> None:
    from hub.auth import service

    service.set_active(_user(username), False)
    db.session.commit()
    click.echo(f"Dinonaktifkan / disabled: {username}")


@user_group.command("enable", help="Aktifkan kembali / Enable a disabled user.")
@click.argument("username")
def user_enable(username: str) -> None:
    from hub.auth import service

    service.set_active(_user(username), True)
    db.session.commit()
    click.echo(f"Diaktifkan / enabled: {username}")


@user_group.command("reset-2fa", help="Atur ulang 2FA / Reset two-factor: the user enrols again at next login.")
@click.argument("username")
def user_reset_2fa(username: str) -> None:
    from hub.auth import service

    service.reset_two_factor(_user(username))
    db.session.commit()
    click.echo(f"2FA diatur ulang / two-factor reset: {username}")


@user_group.command("reset-password", help="Kata sandi sementara baru / A new temporary password (shown once).")
@click.argument("username")
def user_reset_password(username: str) -> None:
    from hub.auth import service

    password = service.reset_password(_user(username))
    db.session.commit()
    click.echo(f"Kata sandi sementara / temporary password: {password}")


@user_group.command("totp-code", help="Kode TOTP sekarang, akun demo saja / The current TOTP code of a demo account.")
@click.argument("username")
def user_totp_code(username: str) -> None:
    import pyotp

    from hub.auth import totp
    from hub.auth.demo import is_demo

    user = _user(username)
    tf = totp.state(user)
    if not is_demo(user):
        raise click.ClickException(
            "Hanya untuk akun demo; akun sungguhan memakai aplikasi autentikatornya. / "
            "Demo accounts only; a real account uses its own authenticator app."
        )
    if tf is None or tf.enrolled_at is None:
        raise click.ClickException("Akun ini belum memakai 2FA. / This account has no two-factor yet.")
    click.echo(pyotp.TOTP(totp.secret_of(tf)).now())


@user_group.command("list", help="Daftar pengguna / List users.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def user_list(as_json: bool) -> None:
    from hub.models import User

    users = list(db.session.scalars(db.select(User).order_by(User.username)))
    if as_json:
        import json

        rows = [
            {
                "username": u.username,
                "full_name": u.full_name,
                "email": u.email,
                "active": bool(u.is_active),
                "roles": sorted(u.role_codes),
                "organisation_id": u.organisation_id,
            }
            for u in users
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for user in users:
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.username:<20} {state:<9} {','.join(sorted(user.role_codes)) or '-'}")


@user_group.command("roles", help="Kode peran / The role codes.")
def user_roles() -> None:
    from hub.roles import ROLES

    for code, info in ROLES.items():
        click.echo(f"{code:<22} {info.label_id} / {info.label_en}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(audit_group)
    cli.add_command(user_group)
