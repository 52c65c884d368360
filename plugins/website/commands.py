"""``hub website …``: add and test WordPress sites, export the DIP."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from hub_website import dip, export
from hub_website.sites import CHANNELS, SiteError, add_site, check_connection, sites

from hub.sdk import db, record_audit


@click.group("website", help="Situs WordPress dan DIP / WordPress sites and the public information list.")
def website() -> None:
    pass


@website.command("add-site", help="Tambah situs WordPress / Add a WordPress site (tested before it is saved).")
@click.option("--channel", type=click.Choice(CHANNELS), default="website", show_default=True)
@click.option("--name", required=True, help="Nama situs / Site name.")
@click.option("--url", required=True, help="Alamat situs / Site address, e.g. https://ppid.example.go.id")
@click.option("--user", "username", required=True, help="Nama pengguna WordPress / WordPress user name.")
@click.option(
    "--app-password",
    prompt="Application Password",
    hide_input=True,
    envvar="HUB_WEBSITE_APP_PASSWORD",
    help="Asked for when not given (never put it on the command line); or HUB_WEBSITE_APP_PASSWORD.",
)
@click.option("--category", "categories", multiple=True, help="Kategori bawaan / Default category (repeatable).")
@click.option("--dip-category", default="", help="Kategori DIP (situs PPID) / DIP category (PPID sites).")
@click.option("--max-upload-mb", type=float, default=None, help="Batas unggah situs / The site's upload limit.")
@click.option("--no-test", is_flag=True, help="Simpan tanpa uji koneksi / Save without testing the connection.")
def add_site_cmd(channel, name, url, username, app_password, categories, dip_category, max_upload_mb, no_test):
    config: dict = {"default_categories": list(categories)}
    if dip_category:
        config["dip_category"] = dip_category
    if max_upload_mb:
        config["max_upload_mb"] = max_upload_mb
    try:
        site = add_site(channel, name, url, username, app_password, config=config)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from exc
    if not no_test:
        check = check_connection(site)
        if not check.ok:
            db.session.rollback()
            click.echo(f"{check.message_id}\n{check.message_en}", err=True)
            click.echo("Situs tidak disimpan / the site was not saved.", err=True)
            sys.exit(1)
        click.echo(f"{check.message_id} / {check.message_en}")
    db.session.flush()
    record_audit(
        "website.site_added",
        actor=None,
        target_type="channel_account",
        target_id=site.id,
        details={"channel": channel, "name": site.name, "url": site.base_url, "tested": not no_test},
    )
    db.session.commit()
    click.echo(f"Situs {site.id} ditambahkan / site {site.id} added: {site.name} ({site.channel}, {site.base_url})")


@website.command("sites", help="Daftar situs / List the WordPress sites.")
def sites_cmd() -> None:
    for site in sites():
        flags = ("default " if (site.config or {}).get("default") else "") + ("" if site.is_active else "disabled")
        click.echo(f"{site.id:>4}  {site.channel:<8} {site.name:<30} {site.base_url}  {flags.strip()}")


@website.command("test-site", help="Uji koneksi situs / Test a site's connection (users/me).")
@click.argument("site_id", type=int)
def test_site_cmd(site_id: int) -> None:
    site = next((s for s in sites() if s.id == site_id), None)
    if site is None:
        raise click.ClickException(f"Situs {site_id} tidak ada / no site {site_id}")
    check = check_connection(site)
    click.echo(f"{check.message_id}\n{check.message_en}")
    if not check.ok:
        sys.exit(1)


@website.command("export-dip", help="Ekspor DIP ke XLSX / Export the public information list to XLSX.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_dip_cmd(path: Path) -> None:
    entries = dip.search()
    path.write_bytes(export.workbook_bytes(entries))
    click.echo(f"{len(entries)} dokumen / documents -> {path}")


@website.command(
    "ppid-erase",
    help="Hapus data pribadi pemohon setelah masa simpan / Erase requesters' personal data after the retention period.",
)
@click.option(
    "--days",
    type=int,
    default=None,
    help="Masa simpan (hari) / Retention in days (default: the setting ppid_retention_days).",
)
def ppid_erase_cmd(days):
    from hub_website.ppid_requests import erase_expired

    from hub.sdk import plugin_config

    keep = days if days is not None else int(plugin_config("website", "ppid_retention_days"))
    erased = erase_expired(keep)
    db.session.commit()
    click.echo(f"{erased} permohonan dihapus data pribadinya / requests erased (kept {keep} days)")


@website.command(
    "ppid-mail", help="Kirim ulang e-mail pemohon yang tertunda / Queue requesters' pending e-mails again."
)
def ppid_mail_cmd():
    from hub_website.ppid_mail import queue_pending

    click.echo(f"{queue_pending()} e-mail diantrekan / e-mails queued")
