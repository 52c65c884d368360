"""Publishing and unpublishing one publication, without losing or doubling a post.

``publication.state`` (committed at every step, so a crash loses nothing learnt)::

    {"accounts": {"<account id>": {
        "name": "...",
        "plan": [{"text", "media", ...}, ...],      # fixed at the first attempt
        "media": {"<asset id>": {"id", "at"}},      # uploaded media, reused by retries
        "posts": [{"id", "url", ...}, ...],         # one per plan entry, as soon as known
        "pending": {"index", "at"},                 # a create call whose answer is not in yet
        "deleted": ["<post id>", ...]}},
     "remote_id": "...", "remote_url": "..."}

Before a post is created, ``pending`` is committed; it is cleared when the platform
answers (yes or a definite no: a 429, a 4xx with a body). Only a later attempt that finds
``pending`` first looks through the account's recent posts for the earlier copy; after a
definite no nothing was posted and the retry posts directly. If that look-up cannot be made, the publication is marked
for a person (:class:`~hub.exceptions.PublishOutcomeUnknown`) instead of posting again.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging

from hub_social import content, errors
from hub_social.accounts import AccountError, accounts_for
from hub_social.drivers import driver_for
from hub_social.health import notify_expiring

from hub.sdk import ChannelAccount, PermanentPublishError, PublishError, PublishResult, db, utcnow

log = logging.getLogger(__name__)

#: how far before the publication to look for an earlier copy (clock skew), when no attempt time is known
LOOK_BACK = dt.timedelta(minutes=10)
#: clock skew allowed before the lost attempt began: a post made earlier is not ours (another hub's,
#: a person's), so it is never adopted
ATTEMPT_SKEW = dt.timedelta(minutes=1)


class _State:
    """A working copy of ``publication.state``, written back and committed by :meth:`save`."""

    def __init__(self, publication):
        self.publication = publication
        self.data = copy.deepcopy(publication.state or {})
        self.data.setdefault("accounts", {})

    def account(self, account: ChannelAccount) -> dict:
        return self.data["accounts"].setdefault(str(account.id), {"name": account.name})

    def save(self) -> None:
        self.publication.state = copy.deepcopy(self.data)
        db.session.commit()


def publish(publication, item, channel: str) -> PublishResult:
    try:
        accounts = accounts_for(channel, content.options_of(item, channel), publication.target or "")
    except AccountError as exc:
        raise PermanentPublishError(str(exc)) from exc
    if not accounts:
        raise PermanentPublishError(
            "Tidak ada akun aktif untuk kanal ini; tambahkan akun lalu terbitkan ulang."
            " / There is no active account for this channel; add one, then publish again."
        )
    state = _State(publication)
    if state.data.pop("confirmed_absent", False):
        # a channel admin checked the accounts: nothing from a lost answer is there ("Post anyway")
        for st in state.data["accounts"].values():
            st.pop("pending", None)
            st.pop("upload", None)  # a YouTube session Google no longer knows: start a new one
        state.save()
    media = {m.asset_id: m for m in content.item_media(item)}
    done = []
    notes: list[str] = []
    try:
        for account in accounts:
            if not account.is_active:
                raise PermanentPublishError(
                    f"Akun \u201c{account.name}\u201d tidak aktif; aktifkan atau pilih akun lain."
                    f" / The account \u201c{account.name}\u201d is not active; activate it or choose another."
                )
            driver = driver_for(account, media)
            done.append((account, _publish_account(publication, item, account, driver, state)))
            notes += [_alt_note(account, said) for said in getattr(driver.client, "alt_refused", [])]
            notes += getattr(driver.client, "notes", [])
    finally:
        _warn_admins(accounts, state)
    first = done[0][1][0]
    state.data.update(remote_id=first["id"], remote_url=first["url"])
    state.save()
    _forced_private(done)
    details = {"posts": [{"account": a.name, **p} for a, posts in done for p in posts]}
    if notes:
        details["note"] = " ".join(notes)  # shown on the item page (docs/plugins.md)
    return PublishResult(remote_id=first["id"], remote_url=first["url"], details=details)


def _forced_private(done: list) -> None:
    """A video YouTube locked to private (an unaudited API project) is not published: say so.

    The upload is kept in the state, so a retry never uploads it again.
    """
    locked = [(a, p) for a, posts in done for p in posts if p.get("forced_private")]
    if not locked:
        return
    account, post = locked[0]
    raise PermanentPublishError(
        f"YouTube mengunci video ini sebagai privat ({post['url']}, akun \u201c{account.name}\u201d): proyek API "
        "belum diaudit Google, jadi unggahan lewat API selalu privat. Ajukan audit proyek di Google Cloud, atau "
        "ubah visibilitasnya di YouTube Studio."
        f" / YouTube locked this video to private ({post['url']}, account \u201c{account.name}\u201d): the API "
        "project is not audited by Google, so API uploads are always private. Request the project's audit in "
        "Google Cloud, or change the visibility in YouTube Studio.",
        details={"rule": "forced_private", "remote_url": post["url"], "remote_id": post["id"]},
    )


def _alt_note(account: ChannelAccount, said: str) -> str:
    return (
        f"X menolak teks alternatif gambar untuk akun \u201c{account.name}\u201d ({said}); gambar diterbitkan "
        f"tanpa teks alternatif. / X refused the image's alt text for the account \u201c{account.name}\u201d "
        f"({said}); the image was posted without alt text."
    )


def _publish_account(publication, item, account: ChannelAccount, driver, state: _State) -> list[dict]:
    st = state.account(account)
    if "plan" not in st:
        st["plan"] = driver.plan(item)
        state.save()
    posts: list[dict] = st.setdefault("posts", [])
    # only a create call whose answer was lost ("pending") may have posted; a definite no
    # (429, a 4xx with a body) cleared it: nothing was posted, so the retry posts directly
    check = bool(st.get("pending"))
    try:
        for index, spec in enumerate(st["plan"]):
            if index < len(posts):
                continue
            if check:
                since = _since(publication, st.get("pending"))
                try:
                    found = driver.find(spec, posts, since, st)
                except PermanentPublishError as exc:
                    raise errors.outcome_unknown(account.channel, account.name, str(exc)) from exc
                check = False
                if found is not None:
                    posts.append(found)
                    st.pop("pending", None)
                    state.save()
                    continue
            refs = driver.prepare(spec, st, state.save)
            st["pending"] = {"index": index, "at": utcnow().isoformat()}
            state.save()
            try:
                post = driver.create(spec, refs, posts)
            except errors.MaybeSent as exc:
                raise exc.error from exc  # keep "pending": the next attempt looks before posting
            except PublishError:
                st.pop("pending", None)
                raise
            posts.append(post)
            st.pop("pending", None)
            state.save()
        if len(posts) == len(st["plan"]) and hasattr(driver, "revise"):
            driver.revise(item, st, state.save)  # an approved revision: update what can be changed in place
    except PublishError as exc:
        if exc.details.get("reconnect"):
            account.config = {**(account.config or {}), "needs_reconnect": True}
        state.save()
        raise
    return posts


def _warn_admins(accounts: list[ChannelAccount], state: _State) -> None:
    """An account used now whose token expires soon, or was refused: tell the admins in the hub (once)."""
    try:
        if notify_expiring(accounts):
            state.save()
    except Exception:  # a notification must never change the publication's outcome
        log.exception("could not notify about expiring social accounts")
        db.session.rollback()


def _since(publication, pending: dict | None) -> dt.datetime:
    """Only a post made after the lost attempt began can be its copy (proof by time; X also by media ids)."""
    if pending:
        return dt.datetime.fromisoformat(pending["at"]) - ATTEMPT_SKEW
    return (publication.created_at or utcnow()) - LOOK_BACK


def unpublish(publication, item, channel: str) -> bool:
    """Delete every post the publication made (replies first). True when all are gone."""
    state = _State(publication)
    media = {m.asset_id: m for m in content.item_media(item)}
    for account_id, st in state.data["accounts"].items():
        posts = [p for p in st.get("posts", []) if p["id"] not in st.get("deleted", [])]
        if not posts:
            continue
        account = db.session.get(ChannelAccount, int(account_id))
        if account is None:
            urls = ", ".join(p["url"] for p in posts)
            raise PermanentPublishError(
                f"Akun {st.get('name')} sudah dihapus dari hub; hapus kiriman ini secara manual: {urls}"
                f" / The account {st.get('name')} was removed from the hub; delete these posts by hand: {urls}"
            )
        driver = driver_for(account, media)
        for post in reversed(posts):
            if not driver.delete(post):
                raise PermanentPublishError(
                    f"Platform tidak menghapus kiriman {post['url']}; hapus secara manual."
                    f" / The platform did not delete the post {post['url']}; delete it by hand."
                )
            st.setdefault("deleted", []).append(post["id"])
            state.save()
    return True
