"""The shell: navigation by role, the dashboard, plugins' nav entries, panels and health notes."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint

from hub import hookimpl
from hub.permissions import require
from hub.web.nav import NavEntry
from hub.web.panels import HealthNote, Panel
from tests.web_support import make_item, make_publication, sign_in_factory


@pytest.fixture
def sign_in(request, app, client):
    return sign_in_factory(request, app, client)


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<ul class="navlinks">(.*?)</ul>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


def test_navigation_shows_each_person_only_what_their_roles_allow(client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    sign_in(creator)
    page = client.get("/")
    assert page.status_code == 200
    links = nav_links(page.get_data(as_text=True))
    assert "/" in links and "/calendar" in links
    assert "/reports" not in links and "/admin/" not in links
    assert client.get("/reports").status_code == 403
    assert client.get("/admin/").status_code == 403

    admin = make_user("sysadmin", roles=["system_admin"])
    sign_in(admin)
    links = nav_links(client.get("/").get_data(as_text=True))
    assert "/reports" in links and "/admin/" in links
    index = client.get("/admin/").get_data(as_text=True)
    assert "/admin/organisations" in index


def test_logged_out_person_never_sees_the_dashboard(client, make_user):
    make_user("citra", roles=["pembuat_konten"])
    resp = client.get("/")
    assert resp.status_code != 200
    assert 'id="my-tasks"' not in resp.get_data(as_text=True)


class NavPlugin:
    """A plugin with a page that needs screen.monitor and a nav entry for it."""

    bp = Blueprint("radio", __name__)

    @staticmethod
    @bp.get("/radio")
    @require("screen.monitor")
    def radio_page():
        return "radio"

    @hookimpl
    def register_blueprints(self, app):
        return [self.bp]

    @hookimpl
    def nav_entries(self):
        return [
            NavEntry("Radio Daerah", "Regional radio", endpoint="radio.radio_page", order=60),
            NavEntry("Radio admin", "Radio admin", path="/radio", section="admin"),
            NavEntry("Hilang", "Missing", path="/no-such-page"),
            NavEntry("Kalender lagi", "Calendar again", path="/calendar/", section="admin"),
            NavEntry("Indeks admin", "Admin index", path="/admin", section="admin"),
        ]


def test_plugin_nav_entries_follow_the_target_views_permission(make_app, make_user, request):
    app = make_app(EXTRA_PLUGINS=[NavPlugin()])
    client = app.test_client()
    sign_in = sign_in_factory(request, app, client)
    with app.app_context():
        tech = make_user("teddy", roles=["teknisi"])
        creator = make_user("citra", roles=["pembuat_konten"])
        sign_in(tech)
        html = client.get("/").get_data(as_text=True)
        assert "/radio" in nav_links(html) and "Radio Daerah" in html
        assert "/no-such-page" not in html
        admin_index = client.get("/admin/").get_data(as_text=True)
        assert "/radio" in admin_index
        assert "Kalender lagi" not in admin_index  # "/calendar/" is not a page of this app
        assert '<a href="/admin/"><strong>Indeks admin</strong></a>' in admin_index  # the app's redirect, followed
        client.post("/lang", data={"lang": "en", "next": "/"})
        assert "Regional radio" in client.get("/").get_data(as_text=True)
        sign_in(creator)
        assert "/radio" not in nav_links(client.get("/").get_data(as_text=True))


def test_dashboard_lists_my_items_with_their_publications(app, client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    other = make_user("dodi", roles=["pembuat_konten"])
    mine = make_item(creator, "Festival Siti Nurbaya", channels=("website", "x"), status="approved")
    make_publication(mine, "website", "published")
    make_publication(mine, "x", "failed", last_error="duplicate status")
    make_item(other, "Konten orang lain")
    sign_in(creator)
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="my-items"')[1].split("</section>")[0]
    assert "Festival Siti Nurbaya" in section and "Konten orang lain" not in section
    assert "Terbit" in section and "Gagal" in section  # Indonesian by default
    # a creator does not see the channel-health panel
    assert 'id="channel-health"' not in html


def test_channel_health_lists_failed_publications_for_channel_admins(app, client, make_user, sign_in):
    creator = make_user("citra", roles=["pembuat_konten"])
    item = make_item(creator, "Sosialisasi Pajak", channels=("x",), status="approved")
    make_publication(item, "x", "failed", last_error="403 Forbidden from X")
    ok = make_item(creator, "Berita Baik", channels=("website",), status="approved")
    make_publication(ok, "website", "published")
    admin = make_user("sosmed", roles=["admin_social"])
    sign_in(admin)
    html = client.get("/").get_data(as_text=True)
    health = html.split('id="channel-health"')[1].split("</section>")[0]
    assert "Sosialisasi Pajak" in health and "403 Forbidden from X" in health
    assert "Berita Baik" not in health


class PanelPlugin:
    def __init__(self):
        self.calls = []

    @hookimpl
    def dashboard_panels(self, user):
        self.calls.append(("panels", user.username))
        return [Panel("Pemesanan hari ini", "Today's bookings", "<p>2 &lt;ruang&gt;</p>", order=5)]

    @hookimpl
    def channel_health(self, user):
        self.calls.append(("health", user.username))
        return [HealthNote("videotron", "Layar 3 diam sejak 10:00", "Screen 3 silent since 10:00", "error")]


def test_plugins_add_dashboard_panels_and_health_notes(make_app, make_user, request):
    plugin = PanelPlugin()
    app = make_app(EXTRA_PLUGINS=[plugin])
    client = app.test_client()
    sign_in = sign_in_factory(request, app, client)
    with app.app_context():
        tech = make_user("teddy", roles=["teknisi"])
        sign_in(tech)
        html = client.get("/").get_data(as_text=True)
    assert ("panels", "teddy") in plugin.calls and ("health", "teddy") in plugin.calls
    assert "Pemesanan hari ini" in html and "<p>2 &lt;ruang&gt;</p>" in html
    assert "Layar 3 diam sejak 10:00" in html


def test_tasks_sort_overdue_first():
    import datetime as dt

    from hub.web.tasks import Task, sort_tasks

    now = dt.datetime.now(dt.UTC)
    tasks = [
        Task(1, "later", "verifikasi", now + dt.timedelta(hours=2), None),
        Task(2, "undated", "verifikasi", None, None),
        Task(3, "late a bit", "verifikasi", now - dt.timedelta(minutes=5), None),
        Task(4, "very late", "verifikasi", now - dt.timedelta(days=1), None),
        Task(5, "soon", "verifikasi", now + dt.timedelta(minutes=10), None),
    ]
    assert [t.title for t in sort_tasks(tasks)] == ["very late", "late a bit", "soon", "later", "undated"]
    assert [t.overdue for t in sort_tasks(tasks)] == [True, True, False, False, False]


def test_pages_are_usable_on_a_phone(client, make_user, sign_in):
    sign_in(make_user("citra", roles=["pembuat_konten"]))
    html = client.get("/").get_data(as_text=True)
    assert 'name="viewport"' in html and 'class="navtoggle"' in html
    css = client.get("/static/hub.css").get_data(as_text=True)
    assert "@media (max-width: 40rem)" in css and ".navtoggle:checked ~ .navlinks" in css
