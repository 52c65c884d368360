"""Read a ``multipart/form-data`` body straight from the request stream, one block at a time.

Werkzeug's form parser (``request.files``) would first copy the file into a spooled
temporary file; here the one file part is handed to a callback block by block, so it goes
straight to its place in ``MEDIA_DIR`` (and is sniffed, hashed and size-checked on the way).
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from hub.media.errors import bad_request

BLOCK = 64 * 1024
MAX_FIELDS_BYTES = 64 * 1024


def _malformed(detail: str):
    return bad_request(
        "bad_multipart",
        f"Isi formulir unggahan tidak valid ({detail}). Kirim satu berkas di kolom 'file'.",
        f"The upload form is not valid ({detail}). Send one file in the 'file' field.",
    )


def stream_multipart(stream, boundary: bytes, on_file: Callable[[str], Callable[[bytes], None]]) -> dict[str, str]:
    """Parse the body; ``on_file(filename)`` is called at the start of the ``file`` part and returns
    the writer its data goes to. Returns the small text fields. Exactly one file is required."""
    decoder = MultipartDecoder(boundary, max_form_memory_size=16 * BLOCK)
    fields: dict[str, str] = {}
    writer: Callable[[bytes], None] | None = None
    field_name, field_value, files_seen, field_bytes = None, bytearray(), 0, 0
    ended = False
    while not ended:
        block = stream.read(BLOCK)
        try:
            decoder.receive_data(block or None)
            event = decoder.next_event()
            while not isinstance(event, NeedData):
                if isinstance(event, Epilogue):
                    ended = True
                    break
                if isinstance(event, File):
                    files_seen += 1
                    if event.name != "file" or files_seen > 1:
                        raise _malformed("hanya satu berkas di kolom 'file' / only one file, in field 'file'")
                    writer, field_name = on_file(event.filename), None
                elif isinstance(event, Field):
                    writer, field_name, field_value = None, event.name, bytearray()
                elif isinstance(event, Data):
                    if writer is not None:
                        writer(event.data)
                    elif field_name is not None:
                        field_bytes += len(event.data)
                        if field_bytes > MAX_FIELDS_BYTES:
                            raise _malformed("kolom teks terlalu besar / text fields too large")
                        field_value += event.data
                        if not event.more_data:
                            fields[field_name] = field_value.decode("utf-8", "replace")
                event = decoder.next_event()
        except ValueError as exc:
            raise _malformed(str(exc)) from exc
        if not block and not ended:
            raise _malformed("isi terpotong / body cut short")
    if files_seen == 0:
        raise _malformed("tidak ada berkas / no file")
    return fields
