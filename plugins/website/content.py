"""The HTML of a WordPress post, in block-editor markup (also fine in the classic editor).

The item's body is plain text: it is escaped, blank lines separate paragraphs and single
line breaks stay line breaks. No HTML from the hub's users reaches the agency's site: the
title, the excerpt and the attachments' titles are escaped too (:func:`text`), because
WordPress keeps the raw HTML its administrators and editors send (``unfiltered_html``),
and block attributes are JSON with ``< > &`` escaped, as WordPress writes them, so a
link cannot close the block comment.
"""

from __future__ import annotations

import json
import re
from html import escape

from hub_website import ppid


def text(value: str | None) -> str:
    """Plain text as WordPress HTML: the title, the excerpt, an attachment's title."""
    return escape((value or "").strip())


def block_attrs(attrs: dict) -> str:
    """A block's attributes, as WordPress serialises them (no ``<``, ``>``, ``&`` or ``--`` in the comment)."""
    out = json.dumps(attrs)
    for raw, coded in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("--", "\\u002d\\u002d")):
        out = out.replace(raw, coded)
    return out


def marker(installation: str) -> str:
    """The comment every post of this hub carries (``content.raw``): posts without it are never taken over."""
    return f"<!-- hub-installation:{installation} -->"


def paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    return "\n\n".join(
        f"<!-- wp:paragraph -->\n<p>{'<br>'.join(escape(line) for line in b.splitlines())}</p>\n<!-- /wp:paragraph -->"
        for b in blocks
    )


def excerpt_of(text: str, words: int = 40) -> str:
    """The first ``words`` words of plain text, escaped (WordPress keeps raw HTML in an excerpt)."""
    parts = (text or "").split()
    return escape(" ".join(parts[:words]) + (" …" if len(parts) > words else ""))


def _image(media: dict, alt: str) -> str:
    attrs = block_attrs({"id": media["id"], "sizeSlug": "large", "linkDestination": "none"})
    return (
        f"<!-- wp:image {attrs} -->\n"
        f'<figure class="wp-block-image size-large"><img src="{escape(media.get("url") or "")}" '
        f'alt="{escape(alt)}" class="wp-image-{int(media["id"])}"/></figure>\n<!-- /wp:image -->'
    )


def gallery(images: list[tuple[dict, str]]) -> str:
    if not images:
        return ""
    inner = "\n".join(_image(m, alt) for m, alt in images)
    return (
        '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images columns-default '
        f'is-cropped">\n{inner}\n</figure>\n<!-- /wp:gallery -->'
    )


def video(media: dict | None, url: str | None) -> str:
    if media is not None:
        return (
            f'<!-- wp:video {{"id":{int(media["id"])}}} -->\n<figure class="wp-block-video"><video controls '
            f'src="{escape(media.get("url") or "")}"></video></figure>\n<!-- /wp:video -->'
        )
    if url:
        attrs = block_attrs({"url": url, "type": "video", "responsive": True})
        return (
            f'<!-- wp:embed {attrs} -->\n<figure class="wp-block-embed is-type-video"><div '
            f'class="wp-block-embed__wrapper">\n{escape(url)}\n</div></figure>\n<!-- /wp:embed -->'
        )
    return ""


def file_link(media: dict, label: str) -> str:
    attrs = block_attrs({"id": media["id"], "href": media.get("url") or ""})
    url = escape(media.get("url") or "")
    return (
        f'<!-- wp:file {attrs} -->\n<div class="wp-block-file"><a href="{url}">{escape(label)}</a>'
        f'<a href="{url}" class="wp-block-file__button" download>Unduh / Download</a></div>\n<!-- /wp:file -->'
    )


def article(
    body: str,
    images: list[tuple[dict, str]],
    video_media: dict | None,
    video_url: str | None,
    documents: list[tuple[dict, str]],
) -> str:
    parts = [paragraphs(body), video(video_media, video_url), gallery(images)]
    parts += [file_link(m, label) for m, label in documents]
    return "\n\n".join(p for p in parts if p)


def ppid_document(info: ppid.PpidInfo, pdf: dict, title: str) -> str:
    rows = [
        ("Klasifikasi / Class", f"{ppid.class_label(info.info_class)} / {ppid.class_label(info.info_class, 'en')}"),
        ("Penanggung jawab / Responsible unit", info.unit),
        ("Dibuat atau diterbitkan oleh / Made or issued by", info.responsible or info.unit),
        ("Tahun / Year", str(info.year or "")),
        ("Tempat pembuatan / Place made", info.place or "-"),
        ("Retensi / Retention", info.retention or "-"),
        ("Format", "PDF"),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return "\n\n".join(
        [
            paragraphs(info.summary),
            f'<!-- wp:table -->\n<figure class="wp-block-table"><table><tbody>{table}</tbody></table></figure>\n'
            "<!-- /wp:table -->",
            file_link(pdf, title),
        ]
    )
