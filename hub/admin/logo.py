"""An office's letterhead logo: checked and re-encoded when uploaded, shown back as a data URI.

The logo is printed on report PDFs. Whatever was uploaded (PNG, JPEG, GIF, WebP) is opened with
Pillow, shrunk to fit :data:`MAX_SIDE` pixels and stored as a fresh PNG, so nothing of the
original file (metadata, a polyglot tail) is kept or served.
"""

from __future__ import annotations

import base64
import io

MAX_BYTES = 512 * 1024
MAX_SIDE = 600


class LogoError(ValueError):
    """The upload is not a usable logo; the message says why (in the reader's language)."""


def clean_logo(data: bytes) -> bytes:
    """A PNG of the uploaded image, at most :data:`MAX_SIDE` pixels a side, or :class:`LogoError`."""
    from flask_babel import gettext as _
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise LogoError(_("The logo is larger than 512 KB; upload a smaller PNG or JPEG."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LogoError(_("The logo is not an image the hub can read; upload a PNG or JPEG.")) from exc
    image = image.convert("RGBA")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""
