"""From WordPress's answer to the hub's publish errors, in WordPress's own words plus what to do.

* 401/403 (``incorrect_password``, ``invalid_username``, ``rest_cannot_create``…): permanent;
  check the user, its Application Password, its role;
* 413 or ``rest_upload_*`` (even when WordPress answers 500): permanent; the file is too
  big or of a type the site refuses;
* 429: transient, with ``retry_after`` from ``Retry-After``;
* 5xx, timeouts, dropped connections: transient;
* any other 4xx: permanent.
"""

from __future__ import annotations

from hub_website.wordpress import WordPressError

from hub.sdk import PermanentPublishError, PublishError, TransientPublishError

_AUTH_CODES = {
    "incorrect_password",
    "invalid_username",
    "invalid_email",
    "rest_not_logged_in",
    "application_passwords_disabled",
    "application_passwords_disabled_for_user",
}


#: a parameter refused because nobody is logged in (WordPress 6.1 treats a wrong Application
#: Password as no login at all, so ``status=any`` comes back as ``rest_invalid_param``)
_NOT_LOGGED_IN_PARAMS = {"rest_forbidden_status", "rest_forbidden_context"}


def is_auth_problem(err: WordPressError) -> bool:
    return err.code in _AUTH_CODES or err.status == 401 or bool(err.nested_codes & _NOT_LOGGED_IN_PARAMS)


def advice(err: WordPressError, max_upload_mb: float | None = None) -> tuple[str, str]:
    """What the admin should do about ``err``: (Bahasa Indonesia, English)."""
    if is_auth_problem(err):
        return (
            "Periksa nama pengguna WordPress dan Application Password situs ini (WordPress: Pengguna → Profil → "
            "Application Passwords), lalu perbarui di Administrasi → Situs WordPress.",
            "Check the WordPress user name and Application Password of this site (WordPress: Users → Profile → "
            "Application Passwords), then update them under Administration → WordPress sites.",
        )
    if err.status == 403:
        return (
            "Pengguna WordPress ini tidak berwenang; beri peran Editor (atau Author) di WordPress.",
            "This WordPress user is not allowed to do this; give it the Editor (or Author) role in WordPress.",
        )
    if err.status == 413 or err.code == "rest_upload_file_too_big":
        limit_id = limit_en = ""
        if max_upload_mb:
            limit_id = f" Batas yang dicatat hub untuk situs ini: {max_upload_mb:g} MB."
            limit_en = f" The limit the hub knows for this site: {max_upload_mb:g} MB."
        return (
            "Berkas melebihi batas unggah WordPress; perkecil atau kompres berkasnya, atau minta pengelola situs "
            "menaikkan upload_max_filesize." + limit_id,
            "The file is over WordPress's upload limit; resize or compress it, or ask the site's administrator to "
            "raise upload_max_filesize." + limit_en,
        )
    if err.code.startswith("rest_upload"):
        return (
            "WordPress menolak berkas ini; unggah gambar JPEG/PNG/GIF/WebP, video MP4 atau dokumen PDF yang asli.",
            "WordPress refused this file; upload a genuine JPEG/PNG/GIF/WebP image, MP4 video or PDF document.",
        )
    if err.status == 429:
        return ("Situs membatasi permintaan; hub akan mencoba lagi.", "The site is rate-limiting; the hub will retry.")
    if err.status is None or err.status >= 500:
        return (
            "Situs WordPress tidak menjawab dengan benar; hub akan mencoba lagi. Bila terus gagal, periksa situsnya.",
            "The WordPress site did not answer properly; the hub will retry. If it keeps failing, check the site.",
        )
    if err.status == 404:
        return (
            "Alamat REST API tidak ditemukan; periksa alamat situs dan bahwa REST API WordPress aktif.",
            "The REST API address was not found; check the site address and that WordPress's REST API is enabled.",
        )
    return ("Perbaiki yang disebut WordPress, lalu terbitkan ulang.", "Fix what WordPress names, then publish again.")


def is_transient(err: WordPressError) -> bool:
    if err.code.startswith("rest_upload") or err.status == 413:
        return False
    return err.status is None or err.status == 429 or err.status >= 500


def describe_parts(err: WordPressError, site: str, max_upload_mb: float | None = None) -> tuple[str, str]:
    """(Bahasa Indonesia, English): WordPress's own words (the same in both) and what to do."""
    todo_id, todo_en = advice(err, max_upload_mb)
    said = f"“{err.message}” [{err.code}" + (f", HTTP {err.status}]" if err.status else "]")
    return f"WordPress ({site}) menjawab {said}. {todo_id}", f"WordPress ({site}) answered {said}. {todo_en}"


def to_publish_error(err: WordPressError, site: str, max_upload_mb: float | None = None) -> PublishError:
    """The failure in each language apart (``message`` Indonesian, ``message_en`` English)."""
    details = {"site": site, "code": err.code, "status": err.status, "wordpress_message": err.message}
    message, message_en = describe_parts(err, site, max_upload_mb)
    if is_transient(err):
        return TransientPublishError(message, message_en=message_en, retry_after=err.retry_after, details=details)
    return PermanentPublishError(message, message_en=message_en, details=details)
