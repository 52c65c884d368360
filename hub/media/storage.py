"""Files on disk: where an asset's bytes are, and how incoming bytes are received.

Everything lives under ``MEDIA_DIR`` (outside any static folder), under generated names:
``<MEDIA_DIR>/2026/11/<random>.<ext>`` for originals, ``….poster.jpg`` and the like for
derivatives, ``<MEDIA_DIR>/.incoming/<id>.part`` while bytes arrive.

**Other areas read files only through** :func:`asset_path` and :func:`open_asset` (and
:func:`derivative_path` for posters, previews and renditions).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from hub.media.errors import MediaError, disk_error, too_large
from hub.media.names import new_stored_name
from hub.media.settings import limit_for, media_dir
from hub.media.sniff import HEAD_BYTES, Detected, detect
from hub.metrics import count_upload
from hub.models.media import Asset

INCOMING = ".incoming"
BLOCK = 1024 * 1024


class FileGone(MediaError):
    """The asset's file is not on disk (deleted by retention, or never stored)."""


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise FileGone("file_gone", "Berkas tidak valid.", "Invalid file path.", status=404)
    return path


def asset_path(asset: Asset) -> Path:
    """The path of an asset's original file. Raises :class:`FileGone` when there is none."""
    if not asset.stored_name or asset.status in ("deleted", "rejected"):
        raise FileGone(
            "file_gone",
            "Berkas media ini sudah tidak tersimpan (dihapus setelah masa simpan).",
            "This media file is no longer kept (deleted after its retention period).",
            status=410,
        )
    return _inside(media_dir(), asset.stored_name)


@contextmanager
def open_asset(asset: Asset) -> Iterator[IO[bytes]]:
    """``with open_asset(asset) as fh:`` - the original file, opened for binary reading."""
    with asset_path(asset).open("rb") as fh:
        yield fh


def derivative_path(asset: Asset, label: str) -> Path | None:
    """The file of a derivative (``poster``, ``thumbnail``, ``preview`` or a rendition key) when it is
    ready; None for a deleted or rejected asset (whatever the row or the disk still says).
    Pages and the API answer 410 for those (:func:`hub.media.serve.serve`)."""
    if asset.status in ("deleted", "rejected"):
        return None
    entry = (asset.derivatives or {}).get(label) or (asset.derivatives or {}).get("renditions", {}).get(label)
    if not entry or entry.get("status", "ready") != "ready" or not entry.get("path"):
        return None
    path = _inside(media_dir(), entry["path"])
    return path if path.is_file() else None


def incoming_path(token: str) -> Path:
    folder = media_dir() / INCOMING
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_error(exc) from exc
    return folder / f"{token}.part"


def store(incoming: Path, detected: Detected) -> str:
    """Move a verified incoming file to a fresh generated name; returns the name relative to ``MEDIA_DIR``."""
    name = new_stored_name(detected.ext)
    target = media_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(incoming, 0o600)
    os.replace(incoming, target)
    return name


def remove_files(asset: Asset) -> int:
    """Delete the original and every derivative of ``asset``; returns the bytes freed."""
    root = media_dir()
    names = [asset.stored_name] if asset.stored_name else []
    derivatives = dict(asset.derivatives or {})
    for key, entry in derivatives.items():
        if key == "renditions":
            names += [e.get("path") for e in entry.values() if e.get("path")]
        elif isinstance(entry, dict) and entry.get("path"):
            names.append(entry["path"])
    freed = 0
    for name in names:
        path = _inside(root, name)
        try:
            freed += path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            pass
    return freed


class Receiver:
    """Receives bytes into an incoming file: counts, hashes, sniffs the type from the first
    :data:`~hub.media.sniff.HEAD_BYTES` and refuses as soon as the kind's size limit is passed.

    ``offset`` and ``hasher`` continue an earlier part (a resumable upload); ``expected``
    is the size announced beforehand (checked against the limit as soon as the kind is known).
    """

    def __init__(self, path: Path, *, offset: int = 0, hasher=None, expected: int | None = None):
        self.path, self.size, self.expected = path, offset, expected
        self.hasher = hasher if hasher is not None else (hashlib.sha256() if offset == 0 else None)
        self.detected: Detected | None = None
        self._head = b""
        if offset:
            with open(path, "rb") as fh:
                self._head = fh.read(HEAD_BYTES)
            if len(self._head) >= HEAD_BYTES:
                self.detected = detect(self._head)
        try:
            self._fh = open(path, "ab")
        except OSError as exc:
            raise disk_error(exc) from exc

    def limit(self) -> int:
        return limit_for(self.detected.kind if self.detected else None)

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self.detected is None:
            self._head += data[: HEAD_BYTES - len(self._head)]
            if len(self._head) >= HEAD_BYTES:
                self._sniff()
        if self.size + len(data) > self.limit():
            raise too_large(max(self.size + len(data), self.expected or 0), self.limit(), self._kind())
        try:
            self._fh.write(data)
        except OSError as exc:  # a full disk: 507 storage_full, and the caller discards the file
            raise disk_error(exc) from exc
        if self.hasher is not None:
            self.hasher.update(data)
        self.size += len(data)
        count_upload(len(data))

    def _kind(self) -> str | None:
        return self.detected.kind if self.detected else None

    def _sniff(self) -> None:
        self.detected = detect(self._head)
        if self.expected is not None and self.expected > self.limit():
            raise too_large(self.expected, self.limit(), self.detected.kind)

    def copy_from(self, stream, remaining: int | None = None, progress=None) -> None:
        """Copy a file-like ``stream`` (at most ``remaining`` bytes when given) in 1 MiB blocks."""
        while remaining is None or remaining > 0:
            block = stream.read(BLOCK if remaining is None else min(BLOCK, remaining))
            if not block:
                break
            self.write(block)
            if remaining is not None:
                remaining -= len(block)
            if progress is not None:
                progress(self.size)

    def finish(self) -> tuple[Detected, str]:
        """Close the file; the detected type and the SHA-256 (read back from disk when it was not
        followed from the first byte)."""
        self.close()
        if self.detected is None:
            self._sniff()
        if self.hasher is None:
            self.hasher = hashlib.sha256()
            with open(self.path, "rb") as fh:
                while block := fh.read(BLOCK):
                    self.hasher.update(block)
        return self.detected, self.hasher.hexdigest()

    def close(self) -> None:
        """Flush and close; the handle is closed even when the flush fails (a full disk raises
        :func:`~hub.media.errors.storage_full`)."""
        if self._fh.closed:
            return
        try:
            self._fh.flush()
        except OSError as exc:
            try:
                self._fh.close()  # closes the descriptor even though the buffer cannot be written
            except OSError:
                pass
            raise disk_error(exc) from exc
        self._fh.close()

    def discard(self) -> None:
        """Close (ignoring a failed flush) and delete the incoming file."""
        try:
            self.close()
        except (OSError, MediaError):
            pass
        finally:
            self.path.unlink(missing_ok=True)


def lock_asset(asset: Asset) -> str | None:
    """Lock the asset's row until the end of the transaction and return its status as stored now.

    A job that made files checks this before recording them, and a deletion takes the same lock
    before removing the recorded files: whichever comes second sees what the first did, so no
    file outlives a deletion (``FOR UPDATE`` on PostgreSQL; SQLite's single write lock, taken by
    a write that changes nothing)."""
    from hub.extensions import db

    table = Asset.__table__
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        query = db.select(table.c.status).where(table.c.id == asset.id).with_for_update()
        return conn.execute(query).scalar()
    conn.execute(table.update().where(table.c.id == asset.id).values(id=table.c.id))
    return conn.execute(db.select(table.c.status).where(table.c.id == asset.id)).scalar()
