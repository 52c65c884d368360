"""What went wrong with a Drive link, in both languages, with what to do."""

from __future__ import annotations

from hub.media.errors import MediaError

_SHARE_ID = (
    "Di Google Drive: Bagikan > Akses umum > 'Siapa saja yang memiliki link', lalu salin dan kirim tautannya lagi."
)
_SHARE_EN = "In Google Drive: Share > General access > 'Anyone with the link', then copy and send the link again."

MESSAGES: dict[str, tuple[str, str]] = {
    "bad_link": (
        "Ini bukan tautan berkas Google Drive. Di Drive klik kanan berkas > Bagikan > Salin link, lalu tempel "
        "tautan berbentuk https://drive.google.com/file/d/.../view.",
        "This is not a Google Drive file link. In Drive right-click the file > Share > Copy link, and paste a link "
        "like https://drive.google.com/file/d/.../view.",
    ),
    "folder_link": (
        "Tautan Google Drive ini menuju folder, bukan berkas. Buka foldernya, salin tautan berkas videonya "
        "sendiri, lalu kirim tautan itu.",
        "This Google Drive link points to a folder, not a file. Open the folder, copy the link of the video file "
        "itself, and send that link.",
    ),
    "private": (
        "Berkas di Google Drive tidak dibagikan untuk umum (Drive meminta masuk atau izin akses). " + _SHARE_ID,
        "The Google Drive file is not shared publicly (Drive asks to sign in or to request access). " + _SHARE_EN,
    ),
    "not_found": (
        "Berkas tidak ditemukan di Google Drive (mungkin sudah dihapus atau tautannya salah). Periksa tautannya "
        "lalu kirim lagi.",
        "The file was not found on Google Drive (it may have been deleted, or the link is wrong). Check the link and "
        "send it again.",
    ),
    "quota": (
        "Google Drive membatasi unduhan berkas ini untuk sementara (terlalu banyak unduhan). Coba lagi nanti, atau "
        "unggah berkasnya langsung.",
        "Google Drive is limiting downloads of this file for now (too many downloads). Try again later, or upload "
        "the file directly.",
    ),
    "unavailable": (
        "Google Drive tidak dapat dihubungi ({detail}). Coba lagi beberapa saat lagi, atau unggah berkasnya langsung.",
        "Google Drive cannot be reached ({detail}). Try again in a while, or upload the file directly.",
    ),
    "not_file": (
        "Google Drive tidak mengirim berkas (yang datang adalah halaman web). Pastikan tautan menuju satu berkas "
        "yang dibagikan untuk umum. " + _SHARE_ID,
        "Google Drive did not send a file (a web page came instead). Make sure the link points to a single, publicly "
        "shared file. " + _SHARE_EN,
    ),
    "bad_redirect": (
        "Google Drive mengalihkan ke alamat lain ({host}); unduhan dihentikan. Unggah berkasnya langsung.",
        "Google Drive redirected to another address ({host}); the download was stopped. Upload the file directly.",
    ),
    "wrong_kind": (
        "Berkas dari tautan ini adalah {found_id}, bukan {expected_id}. Kirim tautan ke berkas {expected_id}.",
        "The file behind this link is {found_en}, not {expected_en}. Send a link to {expected_en} instead.",
    ),
}

KIND_ID = {"video": "video", "image": "gambar", "document": "dokumen PDF"}
KIND_EN = {"video": "a video", "image": "an image", "document": "a PDF document"}


class DriveError(MediaError):
    """A Drive link that cannot be imported."""


def drive_error(code: str, **fmt) -> DriveError:
    message_id, message_en = MESSAGES[code]
    fmt.setdefault("detail", fmt.get("status", ""))
    return DriveError(
        f"drive_{code}",
        message_id.format(**fmt),
        message_en.format(**fmt),
        status=422,
    )


def wrong_kind(found: str, expected: str) -> DriveError:
    return drive_error(
        "wrong_kind",
        found_id=KIND_ID.get(found, found),
        found_en=KIND_EN.get(found, found),
        expected_id=KIND_ID.get(expected, expected),
        expected_en=KIND_EN.get(expected, expected),
    )
