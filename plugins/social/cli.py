"""``hub social …``: add, list and test the X and Facebook accounts from the command line.

Secrets not given as options are asked for without echo, so they stay out of the
shell history; they can also come from the environment (``--consumer-secret`` reads
``HUB_SOCIAL_CONSUMER_SECRET`` and so on).
"""

from __future__ import annotations

import datetime as dt

import click
from hub_social.accounts import SECRET_FIELDS, AccountError, add_account, social_accounts

from hub.sdk import ChannelAccount, db


@click.group("social", help="Akun X dan Facebook / X and Facebook accounts.")
def social() -> None:
    pass


def _secret_option(name: str, help_: str):
    return click.option(
        f"--{name.replace('_', '-')}",
        name,
        envvar=f"HUB_SOCIAL_{name.upper()}",
        default=None,
        help=help_ + " (asked for when not given)",
    )


@social.command("add-account", help="Tambah akun / Add an account (credentials are stored encrypted).")
@click.option("--channel", type=click.Choice(["x", "facebook", "instagram"]), required=True)
@click.option("--name", required=True, help="A name people recognise, e.g. 'Diskominfo Sumbar'.")
@click.option("--page-id", default="", help="Facebook: the page's numeric id.")
@click.option("--ig-user-id", default="", help="Instagram: the professional account's numeric id.")
@click.option("--base-url", default="", help="API base URL (default: the real one).")
@click.option("--expires", "expires", default="", help="Token expiry, YYYY-MM-DD (UTC), for the warning.")
@_secret_option("consumer_key", "X: API key")
@_secret_option("consumer_secret", "X: API key secret")
@_secret_option("access_token", "X: access token")
@_secret_option("access_token_secret", "X: access token secret")
@_secret_option("page_token", "Facebook, Instagram: page access token")
@click.option("--test/--no-test", default=True, help="Test the connection after adding.")
def add_account_cmd(channel, name, page_id, ig_user_id, base_url, expires, test, **given) -> None:
    secrets = {}
    for field in SECRET_FIELDS[channel]:
        secrets[field] = given.get(field) or click.prompt(field.replace("_", " "), hide_input=True)
    expires_at = None
    if expires:
        try:
            expires_at = dt.datetime.fromisoformat(expires).replace(tzinfo=dt.UTC)
        except ValueError:
            raise click.BadParameter("YYYY-MM-DD", param_hint="--expires") from None
    try:
        account = add_account(
            channel, name, secrets, base_url=base_url, page_id=page_id, ig_user_id=ig_user_id, expires_at=expires_at
        )
        db.session.flush()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Akun ditambahkan / account added: {account.id} {account.channel} {account.name}")
    if test:
        _test(account)


@social.command("accounts", help="Daftar akun / List the accounts.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON (never the credentials).")
def list_cmd(as_json: bool) -> None:
    accounts = social_accounts()
    if as_json:
        import json

        rows = [
            {
                "id": a.id,
                "channel": a.channel,
                "name": a.name,
                "active": bool(a.is_active),
                "expires_at": a.expires_at.isoformat(timespec="seconds") if a.expires_at else None,
                "base_url": a.base_url or None,
                **{key: (a.config or {}).get(key) for key in ("page_id", "ig_user_id", "username")},
                "needs_reconnect": bool((a.config or {}).get("needs_reconnect")),
            }
            for a in accounts
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for a in accounts:
        state = "aktif/active" if a.is_active else "nonaktif/inactive"
        expires = a.expires_at.strftime("%Y-%m-%d") if a.expires_at else "-"
        click.echo(f"{a.id:>4} {a.channel:<9} {a.name:<30} {state:<18} expires {expires}  {a.base_url or 'default'}")


@social.command("test-account", help="Uji koneksi / Test an account's connection.")
@click.argument("account_id", type=int)
def test_cmd(account_id: int) -> None:
    account = db.session.get(ChannelAccount, account_id)
    if account is None or account.channel not in SECRET_FIELDS:
        raise click.ClickException(f"akun {account_id} tidak ada / no account {account_id}")
    if not _test(account):
        raise SystemExit(1)


def _test(account: ChannelAccount) -> bool:
    from hub_social.drivers import test_connection

    ok, message = test_connection(account)
    db.session.commit()
    click.echo(("OK: " if ok else "GAGAL: ") + message)
    return ok


@social.command("check-tokens", help="Peringatan token / Warn the admins about expiring or refused tokens (cron).")
def check_tokens_cmd() -> None:
    from hub_social.health import notify_expiring, warnings

    for w in warnings():
        click.echo(f"{w.severity.upper():<8} {w.message_id} / {w.message_en}")
    sent = notify_expiring()
    db.session.commit()
    click.echo(f"notifikasi terkirim / notifications sent: {sent}")
