"""WordPress site accounts: the CLI, the admin page, the connection test, encrypted credentials."""

from __future__ import annotations

from hub_website.sites import check_connection, normalise_app_password

from hub.extensions import db
from hub.models import ChannelAccount
from tests.website_support import APP_PASSWORD, add_site, wordpress_stub  # noqa: F401 - wp is a fixture


def _accounts() -> list[ChannelAccount]:
    db.session.expire_all()
    return list(db.session.execute(db.select(ChannelAccount).order_by(ChannelAccount.id)).scalars())


def test_cli_adds_a_tested_site_with_the_password_asked_for_and_stored_encrypted(runner, wp):
    result = runner.invoke(
        args=[
            "website",
            "add-site",
            "--channel",
            "ppid",
            "--name",
            "PPID Sumbar",
            "--url",
            wp.url + "/",
            "--user",
            "editor",
            "--dip-category",
            "DIP",
        ],
        input=APP_PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert "Connected as Editor (editor)." in result.output
    [site] = _accounts()
    assert (site.channel, site.name, site.base_url) == ("ppid", "PPID Sumbar", wp.url)
    assert site.config == {"default": True, "default_categories": [], "dip_category": "DIP"}
    assert normalise_app_password(APP_PASSWORD).encode() not in site.secret and b"editor" not in site.secret
    assert wp.calls("GET", "/users/me")[0]["query"] == {"context": "edit"}

    listing = runner.invoke(args=["website", "sites"])
    assert "PPID Sumbar" in listing.output and "default" in listing.output
    assert runner.invoke(args=["website", "test-site", str(site.id)]).exit_code == 0


def test_cli_refuses_a_site_whose_password_wordpress_rejects(runner, wp):
    result = runner.invoke(
        args=["website", "add-site", "--name", "Web", "--url", wp.url, "--user", "editor"],
        input="wxyz wxyz wxyz wxyz wxyz wxyz\n",
    )

    assert result.exit_code == 1
    assert "The provided password is an invalid application password." in result.output
    assert "Application Password" in result.output and "not saved" in result.output
    assert _accounts() == []


def test_cli_refuses_what_is_not_an_application_password(runner, wp):
    result = runner.invoke(
        args=["website", "add-site", "--name", "Web", "--url", wp.url, "--user", "editor"], input="secret\n"
    )
    assert result.exit_code != 0 and "24" in result.output and _accounts() == []


def test_connection_test_names_a_user_who_may_not_publish(app, wp):
    wp.add_user("penulis", "qwer tyui opas dfgh jklz xcvb", role="contributor")
    from hub_website.sites import add_site as add

    site = add("website", "Web", wp.url, "penulis", "qwer tyui opas dfgh jklz xcvb")
    check = check_connection(site)
    assert not check.ok and "publish_posts" in check.message_en and "Editor" in check.message_id


def test_admin_page_adds_tests_and_disables_a_site(app, client, make_user, login, wp):
    admin = make_user("sysadmin", roles=["system_admin"])
    login(client, admin)

    page = client.get("/admin/websites")
    assert page.status_code == 200 and "Situs WordPress" in page.get_data(as_text=True)

    bad = client.post(
        "/admin/websites",
        data={
            "channel": "website",
            "name": "Web Dinas",
            "url": wp.url,
            "username": "editor",
            "app_password": "wxyz wxyz wxyz wxyz wxyz wxyz",
            "categories": "Berita",
        },
    )
    assert bad.status_code == 400
    assert "The provided password is an invalid application password." in bad.get_data(as_text=True)
    assert _accounts() == []

    good = client.post(
        "/admin/websites",
        data={
            "channel": "website",
            "name": "Web Dinas",
            "url": wp.url,
            "username": "editor",
            "app_password": APP_PASSWORD,
            "categories": "Berita, Pengumuman",
        },
    )
    assert good.status_code == 302
    [site] = _accounts()
    assert site.config["default_categories"] == ["Berita", "Pengumuman"] and site.config["default"] is True
    shown = client.get("/admin/websites").get_data(as_text=True)
    assert "Tersambung sebagai Editor (editor)." in shown and APP_PASSWORD not in shown

    wp.state.users["editor"]["password"] = "changedonwordpressside00"
    client.post(f"/admin/websites/{site.id}/test")
    assert "invalid application password" in client.get("/admin/websites").get_data(as_text=True)

    client.post(f"/admin/websites/{site.id}/active", data={"active": "0"})
    assert _accounts()[0].is_active is False

    from hub.models.audit import AuditEntry

    actions = [e.action for e in db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars()]
    assert {"website.site_added", "website.site_tested", "website.site_disabled"} <= set(actions)


def test_admin_page_needs_settings_manage(app, client, make_user, login):
    editor = make_user("wina", roles=["admin_website"])
    login(client, editor)
    assert client.get("/admin/websites").status_code == 403
    assert client.post("/admin/websites", data={}).status_code == 403


def test_items_go_to_the_sites_they_name_else_the_default(app, wp, make_user):
    from hub.plugins import plugins
    from tests.website_support import make_item

    first = add_site(wp)
    second = add_site(wp)
    registry = plugins()
    channel = registry.channels["website"]
    user = make_user("wina", roles=["admin_website"])
    plain = make_item(user)
    both = make_item(user, channels=[("website", {"sites": [first.id, second.id]})])
    ghost = make_item(user, channels=[("website", {"sites": ["Situs Lama"]})])

    assert registry.hook.publication_targets(item=plain, channel=channel) == [str(first.id)]
    assert registry.hook.publication_targets(item=both, channel=channel) == [str(first.id), str(second.id)]
    assert registry.hook.publication_targets(item=ghost, channel=channel) == ["Situs Lama"]


def test_the_dashboard_says_when_the_website_has_no_site(app, wp, make_user):
    from hub.plugins import plugins

    admin = make_user("wina", roles=["admin_website"])
    creator = make_user("citra", roles=["pembuat_konten"])

    def notes(user):
        return [n for result in plugins().hook.channel_health(user=user) for n in result if n.channel == "website"]

    assert [n.url for n in notes(admin)] == ["/admin/websites"] and notes(creator) == []
    add_site(wp)
    assert notes(admin) == []
