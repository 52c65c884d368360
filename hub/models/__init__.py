"""The hub's core models. Importing this package registers them all on ``Base.metadata``."""

from hub.models.audit import AuditEntry
from hub.models.base import Base, UTCDateTime, utcnow
from hub.models.item import Item, ItemAsset, ItemChannel, ItemStatus
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
    "ItemStatus",
    "Organisation",
    "Publication",
    "PublicationStatus",
    "Setting",
    "User",
    "UserRole",
    "UTCDateTime",
    "utcnow",
]
