"""The social plugin's checks at submission: X's weighted count, threads, media, accounts."""

from __future__ import annotations

import pytest
from hub_social.textcount import split_thread, x_length

from hub.extensions import db
from hub.plugins import plugins

#: the fixtures (x_stub, graph_stub, x_account, fb_account, make_social_item…)
pytest_plugins = ["tests.social_fixtures"]


def problems(item, channel="x", phase="submit"):
    registry = plugins()
    results = registry.hook.validate_item(item=item, channel=registry.channels[channel], phase=phase)
    return [p for result in results for p in result]


def errors(item, channel="x", phase="submit"):
    return sorted(p.rule for p in problems(item, channel, phase) if p.severity == "error")


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("a" * 280, 280),
        ("Kunjungi https://diskominfo.sumbarprov.go.id/berita/2026/11/festival-budaya-minangkabau", 32),
        ("www.sumbarprov.go.id dan @diskominfo #Sumbar", 47),
        ("日本語", 6),  # CJK weighs 2
        ("👍🏽 👨‍👩‍👧", 5),  # an emoji sequence counts as one emoji: 2
        ("e\u0301", 1),  # NFC: e + combining acute is one character
        ("Rp1.000.000 — “hemat” • ok", 27),  # the bullet is outside the weight-1 ranges
    ],
)
def test_x_counts_like_x(text, weight):
    assert x_length(text) == weight


def test_a_281_weighted_character_x_variant_is_refused_at_submission_with_the_count(app, make_social_item, x_account):
    # 258 Latin characters + 1 link (23) = 281: one too many, though the raw text is far longer
    text = "a" * 257 + " https://diskominfo.sumbarprov.go.id/berita/sangat/panjang/sekali/" + "x" * 40
    item = make_social_item(text="badan tidak dipakai")
    item.channels[0].text = text
    db.session.commit()
    assert x_length(text) == 281 and len(text) > 281
    found = [p for p in problems(item) if p.rule == "x.length"]
    assert len(found) == 1
    p = found[0]
    assert p.severity == "error" and p.field == "variant_text" and p.channel == "x"
    assert "281/280" in p.message_id and "281/280" in p.message_en
    assert "Persingkat 1 karakter" in p.message_id and "Shorten it by 1" in p.message_en

    item.channels[0].text = text[1:]  # one "a" less: 280, accepted (a shorter link would change nothing)
    db.session.commit()
    assert errors(item) == []


def test_a_long_text_is_accepted_when_the_item_opts_into_a_thread(app, make_social_item, x_account):
    long = " ".join(f"Kalimat nomor {i} tentang festival budaya." for i in range(30))
    refused = make_social_item(text=long)
    assert errors(refused) == ["x.length"]
    threaded = make_social_item(text=long, channels={"x": {"thread": True}})
    assert errors(threaded) == []
    parts = split_thread(long)
    assert len(parts) > 1 and all(x_length(p) <= 280 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})") and parts[-1].endswith(f"({len(parts)}/{len(parts)})")
    # nothing lost, nothing cut inside a word
    rebuilt = " ".join(p.rsplit(" (", 1)[0] for p in parts)
    assert rebuilt == long


def test_an_unbroken_run_longer_than_a_post_is_cut_between_characters():
    parts = split_thread("字" * 300)  # 600 weighted, no spaces
    assert len(parts) == 3 and all(x_length(p) <= 280 for p in parts)
    assert "".join(p.rsplit(" (", 1)[0] for p in parts) == "字" * 300


def test_media_rules_and_the_split_warning(app, make_social_item, x_account, fb_account):
    item = make_social_item(channels={"x": {}, "facebook": {}}, image=True, video=True)
    x_problems = {p.rule: p for p in problems(item, "x")}
    assert x_problems["x.media_split"].severity == "warning"
    assert problems(item, "facebook")[0].rule == "facebook.media_split"
    assert errors(item, "x") == [] and errors(item, "facebook") == []

    video = item.media("main")[0]
    video.duration = 141.0
    db.session.commit()
    assert errors(item, "x") == ["x.video_duration"]
    assert errors(item, "facebook") == []  # Facebook takes up to 240 minutes
    video.mime = "video/x-matroska"
    db.session.commit()
    assert "x.media_type" in errors(item, "x") and errors(item, "facebook") == ["facebook.media_type"]


def test_accounts_chosen_by_the_item_must_exist_and_be_active(app, make_social_item, x_account):
    assert errors(make_social_item(channels={"x": {"accounts": [x_account.id]}})) == []
    assert errors(make_social_item(channels={"x": {"accounts": [x_account.id + 100]}})) == ["social.account_unknown"]
    x_account.is_active = False
    db.session.commit()
    item = make_social_item(channels={"x": {}})
    # no active account: a warning for the creator, an error before final approval
    assert [p.severity for p in problems(item) if p.rule == "social.no_account"] == ["warning"]
    assert errors(item, phase="approve") == ["social.no_account"]


def test_one_publication_per_chosen_account(app, make_social_item, x_stub):
    from hub_social.accounts import add_account

    from tests.social_support import X_SECRETS

    first = add_account("x", "Diskominfo", dict(X_SECRETS), base_url=x_stub.url)
    second = add_account("x", "Program Gubernur", dict(X_SECRETS), base_url=x_stub.url)
    retired = add_account("x", "Lama", dict(X_SECRETS), base_url=x_stub.url)
    retired.is_active = False
    db.session.commit()
    registry = plugins()
    channel = registry.channels["x"]
    every = make_social_item()
    assert registry.hook.publication_targets(item=every, channel=channel) == [str(first.id), str(second.id)]
    chosen = make_social_item(channels={"x": {"accounts": [second.id]}})
    assert registry.hook.publication_targets(item=chosen, channel=channel) == [str(second.id)]
    website = registry.channels.get("website")
    if website is not None:  # another channel's item is not ours to split
        assert registry.hook.publication_targets(item=every, channel=website) != [str(first.id), str(second.id)]


def test_submitting_through_the_api_refuses_281_weighted_characters_and_shows_the_count(
    app, client, api_headers, make_user, x_account
):
    creator = make_user("kreator5", roles=["pembuat_konten"])
    headers = api_headers(creator)
    text = "Berita " * 36 + "https://diskominfo.sumbarprov.go.id/berita/festival"  # 252 + 23 = 275 ... then 6 more
    text = text + " 12345"
    assert x_length(text) == 281
    body = {
        "title": "Festival",
        "body": "Festival budaya",
        "kind": "post",
        "channels": [{"channel": "x", "text": text}],
    }
    created = client.post("/api/v1/items", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    item_id = created.get_json()["id"]

    refused = client.post(f"/api/v1/items/{item_id}/submit", headers=headers)
    assert refused.status_code == 422
    [problem] = [p for p in refused.get_json()["problems"] if p["rule"] == "x.length"]
    assert problem["field"] == "variant_text" and problem["channel"] == "x"
    assert "281/280" in problem["message"]["id"] and "281/280" in problem["message"]["en"]

    fixed = client.patch(
        f"/api/v1/items/{item_id}", json={"channels": [{"channel": "x", "text": text[:-1]}]}, headers=headers
    )
    assert fixed.status_code == 200, fixed.get_json()
    submitted = client.post(f"/api/v1/items/{item_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.get_json()


def test_the_item_page_previews_the_x_thread_and_the_facebook_posts(
    app, client, make_social_item, make_user, login, x_account, fb_account
):
    long = " ".join(f"Kalimat nomor {i} tentang festival budaya." for i in range(30))
    channels = {"x": {"thread": True}, "facebook": {"link": "https://sumbarprov.go.id/"}}
    item = make_social_item(text=long, channels=channels, image=2)
    parts = split_thread(long)
    login(client, make_user("kabid", roles=["kepala_bidang"]))
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    x = page.split('data-channel="x"')[1].split("</article>")[0]
    assert x.count('class="preview-part"') == len(parts) > 1
    assert f"{x_length(parts[0])}/280 karakter · kiriman 1/{len(parts)}" in x
    assert "Akun: Diskominfo Sumbar" in x
    assert x.count('class="preview-thumb"') == 2  # both images go with the first post
    fb = page.split('data-channel="facebook"')[1].split("</article>")[0]
    assert "Album foto" in fb and "Akun: Halaman Diskominfo" in fb and fb.count('class="preview-thumb"') == 2
    assert f"{long}\n\nhttps://sumbarprov.go.id/" in fb  # the whole text in one caption, the link under it
