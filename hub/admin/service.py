"""Offices as functions, shared by the organisations pages and ``/api/v1/organisations``.

:func:`check_organisation` says what is wrong with the values (per field, in both languages);
:func:`save_organisation` applies them and records the change in the audit trail, leaving the
commit to the caller (so the change and its record commit together).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from hub.extensions import db
from hub.models import Organisation
from hub.roles import ROLES

KINDS = ("operator", "requester")
#: the longest title an office may give a role
ROLE_TITLE_MAX = 100
#: the zones an Indonesian office is in (WIB, WITA, WIT)
OFFICE_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
#: the longest values the columns keep
NAME_MAX, SHORT_NAME_MAX, ADDRESS_MAX, CITY_MAX = 200, 50, 300, 100

#: field -> (Bahasa Indonesia, English)
Problems = dict[str, tuple[str, str]]


def clean_role_titles(titles: dict[str, str]) -> dict[str, str]:
    """The office's own titles for roles (code -> title, spaces collapsed); an empty title keeps the
    standard name and unknown codes are dropped."""
    cleaned = {}
    for code in ROLES:
        title = " ".join(str(titles.get(code) or "").split())
        if title:
            cleaned[code] = title
    return cleaned


def check_organisation(values: dict, org: Organisation | None = None) -> Problems:
    """What is wrong with ``values`` (``name``, ``kind``, ``timezone``, ``role_titles``) for ``org``
    (None: a new office); empty when nothing is."""
    problems: Problems = {}
    name = (values.get("name") or "").strip()
    if not name:
        problems["name"] = ("Isi nama kantor.", "Enter the office's name.")
    elif len(name) > NAME_MAX:
        problems["name"] = (
            f"Nama kantor paling banyak {NAME_MAX} karakter.",
            f"The office's name has at most {NAME_MAX} characters.",
        )
    else:
        same_name = db.select(Organisation.id).where(Organisation.name == name)
        if org is not None and org.id is not None:
            same_name = same_name.where(Organisation.id != org.id)
        if db.session.scalar(same_name) is not None:
            problems["name"] = ("Nama ini sudah dipakai kantor lain.", "Another office already has this name.")
    if values.get("kind") not in KINDS:
        problems["kind"] = (
            "Pilih apakah kantor ini mengelola kanal atau hanya mengirim permohonan.",
            "Choose whether the office runs the channels or only sends requests.",
        )
    tz = (values.get("timezone") or "").strip()
    if tz and tz not in available_timezones():
        problems["timezone"] = (
            "Zona waktu tidak dikenal; pilih dari daftar.",
            "Unknown time zone; choose one from the list.",
        )
    titles = values.get("role_titles") or {}
    if any(len(" ".join(str(t or "").split())) > ROLE_TITLE_MAX for t in titles.values()):
        problems["role_titles"] = (
            f"Sebutan peran paling banyak {ROLE_TITLE_MAX} karakter.",
            f"A role title has at most {ROLE_TITLE_MAX} characters.",
        )
    return problems


def save_organisation(org: Organisation, values: dict, *, logo: bytes | None = None, remove_logo: bool = False) -> bool:
    """Apply checked ``values`` to ``org`` (a new one is added), flush, and audit
    ``organisation.created`` / ``organisation.updated``. Keys missing from ``values`` keep the
    office's current value. Not committed. Returns True when the office was created."""
    org.name = values["name"].strip() if "name" in values else org.name
    if "short_name" in values:
        org.short_name = (values["short_name"] or "").strip()[:SHORT_NAME_MAX]
    if "kind" in values:
        org.kind = values["kind"]
    if "timezone" in values:
        org.timezone = (values["timezone"] or "").strip() or None
        if org.timezone:
            ZoneInfo(org.timezone)
    if "role_titles" in values:
        org.role_titles = clean_role_titles(values["role_titles"] or {})
    if "address" in values:
        org.address = " ".join((values["address"] or "").split())[:ADDRESS_MAX]
    if "city" in values:
        org.city = " ".join((values["city"] or "").split())[:CITY_MAX]
    if remove_logo:
        org.logo = None
    elif logo is not None:
        org.logo = logo
    created = org.id is None
    if created:
        db.session.add(org)
    db.session.flush()
    _audit("organisation.created" if created else "organisation.updated", org)
    return created


def _audit(action: str, org: Organisation) -> None:
    """Add the change to the audit trail (``hub.audit``) in the same transaction."""
    from hub import audit

    audit.record(
        action,
        target_type="organisation",
        target_id=org.id,
        details={
            "name": org.name,
            "kind": org.kind,
            "timezone": org.timezone,
            "role_titles": org.role_titles or {},
            "address": org.address,
            "city": org.city,
            "logo_bytes": len(org.logo) if org.logo else 0,
        },
    )
