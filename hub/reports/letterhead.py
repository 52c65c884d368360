"""What makes a report PDF an office document: the letterhead, who printed it, and who signs.

:func:`office_document` gathers it for the person printing: their office's name, address, city
and logo (``/admin/organisations``); "Disusun oleh" is that person (position, name, NIP from
``/admin/users``); "Mengetahui" is the head of the office (the active holder of
:data:`ACKNOWLEDGING_ROLE`, with the office's own title for the role) unless the person printing
is the head. A missing name or NIP is printed as a dotted line to be filled in by hand, as
offices do on paper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: the role whose holder signs "Mengetahui" (acknowledged) under an office's reports
ACKNOWLEDGING_ROLE = "kepala_dinas"


@dataclass(frozen=True)
class Signer:
    #: "Disusun oleh" / "Mengetahui"
    caption: str
    position: str
    name: str
    nip: str


@dataclass(frozen=True)
class OfficeDocument:
    office_name: str
    address: str = ""
    #: PNG bytes, or None
    logo: bytes | None = None
    #: "Dicetak oleh … pada …"
    printed: str = ""
    #: "Padang, 7 Desember 2026" above the signatures
    place_date: str = ""
    signers: tuple[Signer, ...] = ()
    #: "Halaman {page} dari {pages}" with the two placeholders
    page_label: str = "{page}/{pages}"


def office_document(user, now: dt.datetime | None = None) -> OfficeDocument:
    """The letterhead and signature blocks for a report ``user`` prints now, in the reader's language."""
    from flask_babel import gettext as _

    from hub.dates import current_lang, default_zone, format_day, format_moment
    from hub.extensions import db
    from hub.models import Organisation, User, UserRole

    now = now or dt.datetime.now(dt.UTC)
    lang = current_lang()
    org = db.session.get(Organisation, user.organisation_id)
    logo = org.logo if org is not None else None
    today = now.astimezone(default_zone()).date()
    place_date = ", ".join(part for part in (org.city if org else "", format_day(today, lang, "letter")) if part)
    signers = [
        Signer(
            _("Compiled by"),
            user.position or _role_title(org, user, lang),
            user.display_name,
            user.nip_display,
        )
    ]
    if not user.has_role(ACKNOWLEDGING_ROLE):
        head = db.session.scalar(
            db.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == user.organisation_id,
                User.is_active.is_(True),
                UserRole.role == ACKNOWLEDGING_ROLE,
            )
            .order_by(User.id)
            .limit(1)
        )
        title = org.role_title(ACKNOWLEDGING_ROLE, lang) if org is not None else ""
        signers.append(
            Signer(
                _("Acknowledged by"),
                (head.position if head is not None and head.position else title),
                head.display_name if head is not None else "",
                head.nip_display if head is not None else "",
            )
        )
    return OfficeDocument(
        office_name=org.name if org is not None else "",
        address=org.address if org is not None else "",
        logo=logo,
        printed=_("Printed by %(name)s on %(when)s", name=user.display_name, when=format_moment(now, form="long")),
        place_date=place_date,
        signers=tuple(signers),
        page_label=_("Page %(page)s of %(pages)s", page="{page}", pages="{pages}"),
    )


def _role_title(org, user, lang: str) -> str:
    if org is None or not user.role_codes:
        return ""
    return org.role_title(sorted(user.role_codes)[0], lang)
