"""Deny by default: every route declares its permission; object-level rules; separation of duties."""

from __future__ import annotations

from auth_support import ProbePlugin, UndeclaredPlugin

from hub.extensions import db
from hub.models import Item
from hub.permissions import can_view_item, has_permission, undeclared_views, visible_items_clause


def test_every_route_of_the_fully_built_app_declares_a_permission(app):
    # the app is built with every installed plugin and area, so their blueprints are walked too
    assert len(list(app.url_map.iter_rules())) > 20
    assert undeclared_views(app) == []


def test_a_route_without_a_declaration_is_caught(make_app):
    app = make_app(EXTRA_PLUGINS=[UndeclaredPlugin()])
    assert undeclared_views(app) == ["/careless -> careless.careless"]


def _item(org, creator, title):
    item = Item(organisation_id=org.id, created_by_id=creator.id, title=title)
    db.session.add(item)
    db.session.commit()
    return item


def test_a_requester_sees_only_its_own_office_items(app, make_org, make_user):
    dispar = make_org("Dinas Pariwisata", kind="requester")
    dinkes = make_org("Dinas Kesehatan", kind="requester")
    budi = make_user("budi", roles=["pemohon"], org=dispar)
    rina = make_user("rina", roles=["pemohon"], org=dispar)
    sari = make_user("sari", roles=["pemohon"], org=dinkes)
    verifier = make_user("vera", roles=["verifikator"])
    own = _item(dispar, rina, "Festival Pesona Minang")
    other = _item(dinkes, sari, "Vaksinasi")
    assert can_view_item(budi, own) and not can_view_item(budi, other)
    assert can_view_item(verifier, own) and can_view_item(verifier, other)
    seen = db.session.scalars(db.select(Item.title).where(visible_items_clause(budi))).all()
    assert seen == ["Festival Pesona Minang"]
    assert len(db.session.scalars(db.select(Item).where(visible_items_clause(verifier))).all()) == 2
    budi.is_active = False
    assert not can_view_item(budi, own)


def test_a_content_creator_of_another_office_is_limited_the_same_way(app, make_org, make_user):
    dinkes = make_org("Dinas Kesehatan", kind="requester")
    creator = make_user("kreator", roles=["pembuat_konten"], org=dinkes)
    other = _item(make_org(), make_user("op", roles=["pembuat_konten"]), "Rilis Diskominfo")
    assert not can_view_item(creator, other)
    assert db.session.scalars(db.select(Item).where(visible_items_clause(creator))).all() == []


def test_a_system_administrator_cannot_approve(make_app, make_user, login):
    app = make_app(EXTRA_PLUGINS=[ProbePlugin()])
    with app.app_context():
        admin = make_user("sysadmin", roles=["system_admin"])
        assert has_permission(admin, "user.manage")
        assert not has_permission(admin, "item.decide") and not has_permission(admin, "publication.manage")
        client = app.test_client()
        login(client, admin)
        assert client.post("/probe/decide").status_code == 403
        verifier = make_user("vera", roles=["verifikator"])
        other = app.test_client()
        login(other, verifier)
        assert other.post("/probe/decide").json == {"decided": True}


def test_logged_out_requests_are_sent_to_login_or_get_401(make_app):
    app = make_app(EXTRA_PLUGINS=[ProbePlugin()])
    client = app.test_client()
    resp = client.post("/probe/decide")
    assert resp.status_code == 302 and "/login?next=" in resp.headers["Location"]
    assert client.get("/api/probe").status_code == 401
