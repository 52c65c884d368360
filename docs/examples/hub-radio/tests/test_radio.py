"""The radio channel end to end: the administrator assigns it a workflow (as docs/plugins.md says),
an item for it is approved through the chain and its script reaches the station."""


def test_an_approved_item_reaches_the_station(
    client, login, make_user, make_item, approve_through, webhook_stub, monkeypatch
):
    monkeypatch.setenv("HUB_RADIO_STATION_URL", webhook_stub.url)

    # a new channel has no workflow: the administrator assigns one on /admin/workflows
    login(client, make_user("admin", roles=["system_admin"]))
    page = client.get("/admin/workflows").get_data(as_text=True)
    assert 'name="channel" value="radio"' in page
    client.post("/admin/workflows/channels", data={"channel": "radio", "workflow": "website_social"})
    assert 'name="channel" value="radio"' not in client.get("/admin/workflows").get_data(as_text=True)

    item = make_item(channels=["radio"], kind="post", body="Festival Siti Nurbaya, Sabtu di Padang.")
    approve_through(item)

    assert [(r["path"], r["json"]["script"]) for r in webhook_stub.requests] == [
        ("/scripts", "Festival Siti Nurbaya, Sabtu di Padang.")
    ]
