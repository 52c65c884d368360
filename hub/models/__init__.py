"""The hub's core models. Importing this package registers them all on ``Base.metadata``."""

from hub.models.audit import AuditEntry
from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.item import Item, ItemAsset, ItemChannel, ItemOccurrence, ItemStatus, OccurrenceStatus
from hub.models.media import Asset, AssetStatus
from hub.models.org import Organisation, User, UserRole
from hub.models.publication import Publication, PublicationStatus
from hub.models.settings import ChannelAccount, Setting

__all__ = [
    "Asset",
    "AuditEntry",
    "AssetStatus",
    "Base",
    "ChannelAccount",
    "Item",
    "ItemAsset",
    "ItemChannel",
    "ItemOccurrence",
    "ItemStatus",
    "OccurrenceStatus",
    "Organisation",
    "Publication",
    "PublicationStatus",
    "Setting",
    "User",
    "UserRole",
    "UTCDateTime",
    "utcnow",
]

# Areas keep their models in their packages; they are registered on the same metadata here,
# so every table exists for migrations, tests and scripts that import hub.models.
import hub.notify.models  # noqa: E402, F401 - workflow area: in-app notifications
import hub.workflow.delegation_models  # noqa: E402, F401 - workflow area: acting officials (Plh./Plt.)
import hub.workflow.models  # noqa: E402, F401 - workflow area: workflows, steps, decisions, calendars
