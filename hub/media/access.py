"""Who may see or use an asset: one place, the same rules as the items it belongs to.

An asset attached to items is visible to whoever may see one of those items (through
``hub.permissions.can_view_item`` once the accounts area provides it, else the fallback
below). An asset not attached to anything is visible to its uploader, to people of the
same office who may see that office's items, and to those who see every office's items.
"""

from __future__ import annotations

from hub.extensions import db
from hub.models import Asset, Item, ItemAsset
from hub.permissions import has_permission


def _can_view_item(user, item: Item) -> bool:
    from hub import permissions

    shared = getattr(permissions, "can_view_item", None)
    if shared is not None:
        return bool(shared(user, item))
    if user is None or not user.is_active:
        return False
    if has_permission(user, "item.view_all") or item.created_by_id == user.id:
        return True
    return has_permission(user, "item.view_own_org") and item.organisation_id == user.organisation_id


def items_using(asset: Asset) -> list[Item]:
    query = db.select(Item).join(ItemAsset, ItemAsset.item_id == Item.id).where(ItemAsset.asset_id == asset.id)
    return list(db.session.execute(query).scalars().unique())


def can_view_asset(user, asset: Asset) -> bool:
    """May ``user`` see (download, play) ``asset``?"""
    if user is None or not getattr(user, "is_active", False):
        return False
    items = items_using(asset)
    if items:
        return any(_can_view_item(user, item) for item in items) or asset.uploaded_by_id == user.id
    if asset.uploaded_by_id == user.id or has_permission(user, "item.view_all"):
        return True
    return (
        asset.organisation_id is not None
        and asset.organisation_id == user.organisation_id
        and (has_permission(user, "item.view_own_org") or has_permission(user, "media.upload"))
    )


def can_attach(user, item: Item) -> bool:
    """May ``user`` add media to ``item``: its creator or a colleague who creates items, while it is editable."""
    if user is None or item.status not in ("draft", "returned"):
        return False
    if item.created_by_id == user.id:
        return True
    return has_permission(user, "item.create") and item.organisation_id == user.organisation_id


def can_delete_asset(user, asset: Asset) -> bool:
    """Its uploader may delete an asset nothing uses yet."""
    return user is not None and asset.uploaded_by_id == user.id and not items_using(asset)
