"""Hook implementations of the website plugin: WordPress agency site and PPID (SOP 001, 002, 004)."""

from __future__ import annotations

from hub import hookimpl
from hub.channels import Channel

WEBSITE = Channel(
    name="website",
    label_id="Website Dinas",
    label_en="Agency website",
    accepts=("text", "image", "video"),
    item_kinds=("article",),
    admin_role="admin_website",
    requirements_id="Judul dan isi berita wajib; gambar utama disarankan.",
    requirements_en="Title and body required; a featured image is recommended.",
)
PPID = Channel(
    name="ppid",
    label_id="PPID (Daftar Informasi Publik)",
    label_en="PPID (public information list)",
    accepts=("document",),
    item_kinds=("ppid_document",),
    admin_role="admin_website",
    requirements_id="Dokumen PDF dengan klasifikasi informasi; dokumen dikecualikan tidak diterbitkan.",
    requirements_en="A PDF document with its information class; excluded documents are never published.",
)


@hookimpl
def register_channels():
    return [WEBSITE, PPID]
