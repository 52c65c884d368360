"""Content checks (``validate_item``) for the ``website`` and ``ppid`` channels.

* every channel: a *dikecualikan* PPID document is refused (it is never published anywhere);
* ``website``: title and body present; the featured image is an image; images, video and
  documents within WordPress's upload limit (a video is not uploaded, nor checked, when the
  channel option ``video_url`` gives a link to embed instead; ``max_upload_mb``, 2 MB by default: PHP's
  default ``upload_max_filesize``) and of a type WordPress accepts;
* ``ppid``: a ``ppid_document`` with title, summary, class, responsible unit and year, and
  a PDF that really is a PDF (read from the file, not from its name), within the limit.
  At submission a missing PDF is only a warning: in SOP 002 the memo goes round first and
  the divisions' PDFs are attached at the "receive" step, before the operator's approval.
"""

from __future__ import annotations

from dataclasses import replace

from hub_website import assets, ppid
from hub_website.sites import default_sites, limits, sites

from hub.sdk import Asset, Channel, Item, Problem


def _p(channel: str, field: str, rule: str, message_id: str, message_en: str) -> Problem:
    return Problem(channel, field, rule, message_id, message_en)


def check(item: Item, channel: Channel, phase: str = "approve") -> list[Problem]:
    problems: list[Problem] = []
    if ppid.is_excluded(item):
        problems.append(
            _p(
                channel.name,
                "ppid_class",
                "ppid.excluded",
                "Dokumen ini berklasifikasi 'dikecualikan' (UU 14/2008) dan tidak boleh diterbitkan di kanal mana pun.",
                "This document is classed 'dikecualikan' (excluded, UU 14/2008) and may not be published on any "
                "channel.",
            )
        )
    if channel.name == "website":
        problems += check_sites(item, channel.name)
        problems += check_website(item, channel.name)
    elif channel.name == "ppid":
        problems += check_ppid(item, channel.name, phase)
    return problems


def _limit_mb(channel: str) -> float:
    chosen = default_sites(channel)
    return limits(chosen[0] if chosen else None).max_upload_mb


def _size_problem(channel: str, asset: Asset, limit_mb: float) -> Problem | None:
    if asset.size and asset.size > limit_mb * 1024 * 1024:
        size = asset.size / 1024 / 1024
        return _p(
            channel,
            "media",
            "wordpress.upload_size",
            f"{asset.original_name}: {size:.1f} MB, melebihi batas unggah WordPress {limit_mb:g} MB; perkecil atau "
            "kompres berkasnya.",
            f"{asset.original_name}: {size:.1f} MB, over WordPress's {limit_mb:g} MB upload limit; resize or "
            "compress it.",
        )
    return None


def check_sites(item: Item, channel: str) -> list[Problem]:
    """An error at submission as at approval: with no WordPress site to go to, the item would only
    fail after its final approval."""
    target = item.target(channel)
    wanted = [str(w) for w in (((target.options if target else None) or {}).get("sites") or [])]
    active = sites(channel, active_only=True)
    if not active:
        return [
            _p(
                channel,
                "options.sites",
                "wordpress.no_site",
                f"Belum ada situs WordPress aktif untuk kanal {channel}; minta admin menambahkannya di Administrasi → "
                "Situs WordPress sebelum konten diajukan.",
                f"There is no active WordPress site for channel {channel} yet; ask an admin to add one under "
                "Administration → WordPress sites before the item is submitted.",
            )
        ]
    missing = [w for w in wanted if not any(w in (str(s.id), s.name) for s in active)]
    if missing:
        listed = ", ".join(missing)
        return [
            _p(
                channel,
                "options.sites",
                "wordpress.site_unknown",
                f"Situs WordPress {listed} untuk kanal {channel} tidak ada atau nonaktif; pilih situs lain.",
                f"WordPress site {listed} of channel {channel} does not exist or is disabled; choose another site.",
            )
        ]
    return []


def check_website(item: Item, channel: str) -> list[Problem]:
    problems: list[Problem] = []
    target = item.target(channel)
    if not ((target.title if target else "") or item.title or "").strip():
        problems.append(_p(channel, "title", "website.title", "Judul berita wajib diisi.", "A title is required."))
    if not (item.text_for(channel) or "").strip():
        problems.append(_p(channel, "body", "website.body", "Isi berita wajib diisi.", "A body is required."))
    for featured in item.media("featured"):
        if assets.mime_of(featured) not in assets.IMAGE_TYPES:
            problems.append(
                _p(
                    channel,
                    "media",
                    "website.featured_image",
                    f"Gambar utama {featured.original_name!r} bukan gambar JPEG/PNG/GIF/WebP.",
                    f"The featured image {featured.original_name!r} is not a JPEG/PNG/GIF/WebP image.",
                )
            )
    limit = _limit_mb(channel)
    video_url = ((target.options if target else None) or {}).get("video_url")
    for asset in item.media():
        mime = assets.mime_of(asset)
        if video_url and mime.startswith("video/"):
            continue  # not uploaded: the post embeds options["video_url"] instead
        if mime not in assets.EXTENSIONS:
            problems.append(
                _p(
                    channel,
                    "media",
                    "wordpress.file_type",
                    f"{asset.original_name}: jenis berkas {mime} tidak diterima WordPress (gambar, MP4/WebM, PDF).",
                    f"{asset.original_name}: WordPress does not take {mime} files (images, MP4/WebM, PDF).",
                )
            )
        problem = _size_problem(channel, asset, limit)
        if problem is not None and mime.startswith("video/"):
            problem = replace(
                problem,
                message_id=problem.message_id + " Atau unggah videonya ke YouTube dan isi “Tautan video (YouTube)” "
                "pada kanal Website (video_url): situs menyematkan tautannya.",
                message_en=problem.message_en + " Or put the video on YouTube and fill in “Video link (YouTube)” of "
                "the Website channel (video_url): the site embeds the link.",
            )
        if problem is not None:
            problems.append(problem)
    return problems


def check_ppid(item: Item, channel: str, phase: str = "approve") -> list[Problem]:
    problems: list[Problem] = []
    info = ppid.info(item)
    if item.kind != ppid.KIND:
        problems.append(
            _p(
                channel,
                "kind",
                "ppid.kind",
                "Kanal PPID hanya menerima dokumen PPID.",
                "The PPID channel takes PPID documents only.",
            )
        )
    if not (item.title or "").strip():
        problems.append(_p(channel, "title", "ppid.title", "Judul informasi wajib diisi.", "A title is required."))
    if not info.summary:
        problems.append(
            _p(
                channel,
                "ppid_summary",
                "ppid.summary",
                "Ringkasan informasi wajib diisi: isi konten, atau “Ringkasan isi informasi” pada kanal PPID.",
                "A summary is required: the item's body, or “Summary” of the PPID channel.",
            )
        )
    if info.info_class not in ppid.CLASSES:
        problems.append(
            _p(
                channel,
                "ppid_class",
                "ppid.class",
                "Pilih “Klasifikasi informasi” pada kanal PPID (class): berkala, serta-merta, setiap saat atau "
                "dikecualikan.",
                "Choose the “Information class” of the PPID channel (class): berkala, serta-merta, setiap saat or "
                "dikecualikan.",
            )
        )
    if not info.unit:
        problems.append(
            _p(
                channel,
                "ppid_unit",
                "ppid.unit",
                "Isi “Unit penanggung jawab” pada kanal PPID (unit).",
                "Fill in the “Responsible unit” of the PPID channel (unit).",
            )
        )
    if not ppid.valid_year(info.year):
        problems.append(
            _p(
                channel,
                "ppid_year",
                "ppid.year",
                "Isi “Tahun informasi” pada kanal PPID (year), mis. 2025.",
                "Fill in the “Year of the information” of the PPID channel (year), e.g. 2025.",
            )
        )
    problems += _check_pdf(item, channel, phase)
    return problems


def _check_pdf(item: Item, channel: str, phase: str) -> list[Problem]:
    doc = ppid.document_asset(item)
    if doc is None:
        missing = _p(channel, "document", "ppid.pdf_missing", "Lampirkan dokumen PDF.", "Attach the PDF document.")
        if phase == "submit":  # attached when the divisions send it (SOP 002 "receive" step)
            missing = replace(missing, severity="warning")
        return [missing]
    try:
        head, tail = assets.head_and_tail(doc)
        real = ppid.is_real_pdf(head, tail)
    except assets.FILE_ERRORS:
        real = False
    if not real:
        return [
            _p(
                channel,
                "document",
                "ppid.pdf_invalid",
                f"{doc.original_name}: isi berkas bukan PDF yang utuh; ekspor ulang dokumennya sebagai PDF.",
                f"{doc.original_name}: the file's content is not a complete PDF; export the document as PDF again.",
            )
        ]
    problem = _size_problem(channel, doc, _limit_mb(channel))
    return [problem] if problem else []
