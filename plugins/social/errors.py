"""How platform answers become the hub's publish errors, in both languages.

Every message is given in Bahasa Indonesia (the error's text) and in English
(``message_en``), each read alone, and carries the platform's own words so the admin
sees what X or Facebook said.
"""

from __future__ import annotations

from hub.sdk import PermanentPublishError, PublishOutcomeUnknown, TransientPublishError

PLATFORM = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube"}


def reconnect(channel: str, account_name: str, said: str) -> PermanentPublishError:
    """Credentials refused (X 401, Graph code 190): nothing will work until an admin reconnects."""
    p = PLATFORM[channel]
    return PermanentPublishError(
        f"{p} menolak kredensial akun \u201c{account_name}\u201d ({said}). Hubungkan ulang akun ini: "
        f"Pengaturan \u2192 Akun media sosial, masukkan token baru, lalu terbitkan ulang.",
        message_en=f"{p} refused the credentials of the account \u201c{account_name}\u201d ({said}). "
        f"Reconnect the account: Settings \u2192 Social media accounts, enter a new token, then publish again.",
        details={"reconnect": True, "platform_message": said},
    )


def refused(channel: str, account_name: str, said: str, *, rule: str = "refused") -> PermanentPublishError:
    """The platform refused the post for good (duplicate content, rejected media, bad request)."""
    p = PLATFORM[channel]
    hints = {
        "duplicate": (
            "Konten yang sama sudah pernah dikirim; ubah teksnya bila memang perlu diterbitkan lagi.",
            "The same content was posted before; change the text if it really must go out again.",
        ),
        "media": ("Periksa format, ukuran dan durasi media.", "Check the media's format, size and duration."),
    }
    hint_id, hint_en = hints.get(rule, ("", ""))
    return PermanentPublishError(
        f"{p} menolak kiriman untuk akun \u201c{account_name}\u201d: {said}. {hint_id}".rstrip(),
        message_en=f"{p} refused the post for the account \u201c{account_name}\u201d: {said}. {hint_en}".rstrip(),
        details={"rule": rule, "platform_message": said},
    )


def rate_limited(channel: str, account_name: str, retry_after: float | None) -> TransientPublishError:
    p = PLATFORM[channel]
    wait = f"{int(retry_after)} s" if retry_after is not None else "?"
    return TransientPublishError(
        f"Batas permintaan {p} tercapai untuk akun \u201c{account_name}\u201d; dicoba lagi setelah {wait}.",
        message_en=f"{p} rate limit reached for the account \u201c{account_name}\u201d; retrying after {wait}.",
        retry_after=retry_after,
        details={"rule": "rate_limit"},
    )


def publishing_limit(account_name: str, used: int, allowed: int, window: int) -> TransientPublishError:
    """The Instagram account's rolling publishing limit is reached: wait (an hour, then look again)."""
    hours = max(1, round(window / 3600))
    return TransientPublishError(
        f"Batas penerbitan Instagram untuk akun \u201c{account_name}\u201d tercapai ({used}/{allowed} kiriman "
        f"dalam {hours} jam); dicoba lagi setelah 3600 s.",
        message_en=f"The Instagram publishing limit of the account \u201c{account_name}\u201d is reached "
        f"({used}/{allowed} posts in {hours} h); retrying after 3600 s.",
        retry_after=3600.0,
        details={"rule": "publishing_limit", "used": used, "allowed": allowed},
    )


def quota_exceeded(account_name: str, said: str) -> TransientPublishError:
    """YouTube's daily quota of the API project is used up: it resets at midnight Pacific time."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    now = dt.datetime.now(ZoneInfo("America/Los_Angeles"))
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=5, second=0, microsecond=0)
    wait = (midnight - now).total_seconds()
    return TransientPublishError(
        f"Kuota harian YouTube API untuk akun \u201c{account_name}\u201d habis ({said}); diunggah lagi setelah "
        f"kuota diatur ulang (tengah malam waktu Pasifik, {int(wait)} s lagi).",
        message_en=f"The daily YouTube API quota for the account \u201c{account_name}\u201d is used up ({said}); "
        f"the upload is retried after the quota resets (midnight Pacific time, in {int(wait)} s).",
        retry_after=wait,
        details={"rule": "quota_exceeded", "platform_message": said},
    )


def unavailable(channel: str, account_name: str, said: str) -> TransientPublishError:
    """Server errors, timeouts and dropped connections: worth another try later."""
    p = PLATFORM[channel]
    return TransientPublishError(
        f"{p} tidak dapat dihubungi atau gagal sementara untuk akun \u201c{account_name}\u201d ({said}); dicoba lagi.",
        message_en=f"{p} could not be reached or failed temporarily for the account "
        f"\u201c{account_name}\u201d ({said}); will retry.",
        details={"rule": "unavailable", "platform_message": said},
    )


def outcome_unknown(channel: str, account_name: str, said: str) -> PublishOutcomeUnknown:
    p = PLATFORM[channel]
    return PublishOutcomeUnknown(
        f"Tidak dapat dipastikan apakah {p} sudah memuat kiriman untuk akun \u201c{account_name}\u201d ({said}). "
        "Periksa akun tersebut. Bila kiriman sudah ada, catat tautannya (“Catat kiriman” di halaman konten); "
        "bila belum ada, pilih “Kirim saja”.",
        message_en=f"Cannot tell whether {p} already has the post for the account \u201c{account_name}\u201d ({said}). "
        "Check the account. If the post is there, record its link (“Record the post” on the item page); "
        "if it is not, choose “Post anyway”.",
        details={"rule": "outcome_unknown", "platform_message": said},
    )


class MaybeSent(Exception):  # noqa: N818 - a signal between the clients and the publisher, never shown
    """A create call whose answer was lost (connection dropped, timeout, 5xx): the post may exist.

    ``error`` is the transient error to raise once the publisher has kept its marker.
    """

    def __init__(self, error: TransientPublishError):
        self.error = error
        super().__init__(str(error))
