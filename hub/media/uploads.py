"""Resumable uploads: the session lives in Redis, the bytes in ``MEDIA_DIR/.incoming``.

A session is created with the file's name and size; chunks are appended at the offset the
server has (the size of the incoming file, so nothing is lost when a connection drops);
the chunk that completes the file triggers the checks of :func:`hub.media.ingest.ingest`.
Sessions expire after ``MEDIA_UPLOAD_EXPIRY_HOURS`` idle; the retention run deletes their
bytes. The SHA-256 is followed while chunks arrive in the same process; when a chunk
lands on another web process the hash is recomputed from disk at the end.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from flask import current_app

from hub.media.errors import MediaError, disk_error, too_large
from hub.media.settings import limit_for, setting
from hub.media.storage import Receiver, incoming_path
from hub.queue import redis_connection

#: upload id -> (offset the hash has reached, hashlib object); per process, most recent last
_HASHERS: OrderedDict[str, tuple[int, object]] = OrderedDict()
_HASHERS_MAX = 64


@dataclass
class UploadSession:
    id: str
    user_id: int
    organisation_id: int | None
    name: str
    size: int
    created: float

    @property
    def path(self):
        return incoming_path(self.id)

    def offset(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0


def _key(upload_id: str) -> str:
    return f"hub:{current_app.config['QUEUE_NAME']}:media:upload:{upload_id}"


def _ttl() -> int:
    return int(float(setting("MEDIA_UPLOAD_EXPIRY_HOURS")) * 3600)


def not_found() -> MediaError:
    return MediaError(
        "upload_not_found",
        "Unggahan ini tidak ada atau sudah kedaluwarsa. Mulai unggahan baru.",
        "This upload does not exist or has expired. Start a new upload.",
        status=404,
    )


def create_session(user, name: str, size: int) -> UploadSession:
    """Start an upload of ``size`` bytes; refused at once when no kind of file may be that large."""
    if size <= 0:
        raise MediaError(
            "empty_file",
            "Berkas kosong (0 byte). Periksa berkasnya lalu unggah lagi.",
            "The file is empty (0 bytes). Check the file and upload it again.",
        )
    if size > limit_for(None):
        raise too_large(size, limit_for(None), None)
    session = UploadSession(
        id=secrets.token_urlsafe(18),
        user_id=user.id,
        organisation_id=user.organisation_id,
        name=name,
        size=size,
        created=time.time(),
    )
    try:
        session.path.touch()
    except OSError as exc:
        raise disk_error(exc) from exc
    conn = redis_connection()
    conn.hset(_key(session.id), mapping={k: "" if v is None else str(v) for k, v in asdict(session).items()})
    conn.expire(_key(session.id), _ttl())
    return session


def get_session(upload_id: str, user) -> UploadSession:
    """The session ``upload_id`` of ``user``; 404 for anyone else's or an expired one."""
    raw = redis_connection().hgetall(_key(upload_id)) if upload_id else {}
    data = {k.decode(): v.decode() for k, v in raw.items()}
    if not data or str(user.id) != data.get("user_id"):
        raise not_found()
    return UploadSession(
        id=data["id"],
        user_id=int(data["user_id"]),
        organisation_id=int(data["organisation_id"]) if data.get("organisation_id") else None,
        name=data["name"],
        size=int(data["size"]),
        created=float(data["created"]),
    )


def end_session(session: UploadSession, *, delete_file: bool = True) -> None:
    redis_connection().delete(_key(session.id))
    _HASHERS.pop(session.id, None)
    if delete_file:
        session.path.unlink(missing_ok=True)


@contextmanager
def locked(session: UploadSession):
    """One request at a time appends to an upload (a second one gets 409)."""
    conn = redis_connection()
    lock = _key(session.id) + ":lock"
    token = secrets.token_hex(8)
    if not conn.set(lock, token, nx=True, px=15 * 60 * 1000):
        raise MediaError(
            "upload_busy",
            "Bagian lain dari unggahan ini sedang dikirim. Tunggu sebentar lalu lanjutkan.",
            "Another part of this upload is being sent. Wait a moment and resume.",
            status=409,
        )
    try:
        yield
    finally:
        if conn.get(lock) == token.encode():
            conn.delete(lock)


def append(session: UploadSession, stream, offset: int, length: int | None) -> Receiver:
    """Append a chunk read from ``stream`` at ``offset``; returns the receiver (still open on error).

    The caller finishes the upload when ``receiver.size == session.size``.
    """
    current = session.offset()
    if offset != current:
        raise MediaError(
            "offset_mismatch",
            f"Posisi bagian ({offset}) tidak sama dengan yang sudah diterima ({current}). Lanjutkan dari {current}.",
            f"The chunk's offset ({offset}) does not match what was received ({current}). Resume from {current}.",
            status=409,
            offset=current,
        )
    if length is not None and offset + length > session.size:
        raise MediaError(
            "too_much_data",
            f"Bagian ini melewati ukuran berkas yang diumumkan ({session.size} byte).",
            f"This chunk goes past the file size announced ({session.size} bytes).",
            status=400,
        )
    cached = _HASHERS.pop(session.id, None)
    hasher = cached[1] if cached and cached[0] == offset else (hashlib.sha256() if offset == 0 else None)
    receiver = Receiver(session.path, offset=offset, hasher=hasher, expected=session.size)
    remaining = session.size - offset if length is None else length
    try:
        receiver.copy_from(stream, remaining)
    finally:
        receiver.close()
        if receiver.hasher is not None and receiver.size < session.size:
            _HASHERS[session.id] = (receiver.size, receiver.hasher)
            while len(_HASHERS) > _HASHERS_MAX:
                _HASHERS.popitem(last=False)
        redis_connection().expire(_key(session.id), _ttl())
    return receiver
