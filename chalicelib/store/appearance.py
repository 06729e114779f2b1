"""The instance's appearance item (AP1-AP3) and the player settings items (PS1-PS2) in
docs/data-model.md."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.constants import UPDATED_OLD

from chalicelib.store import keys
from chalicelib.store.models import Actor, CustomConfig, InstanceAppearance, PlayerSetting, TableItem
from chalicelib.store.models.appearance import LOGO_ATTRIBUTES

if TYPE_CHECKING:
    from chalicelib.store.models.actor import ActorImage


def get_appearance() -> InstanceAppearance | None:
    """AP1: one consistent GetItem (an administrator's change shows at once)."""
    try:
        return InstanceAppearance.get(keys.APPEARANCE_PK, keys.ENTITY_SK, consistent_read=True)
    except InstanceAppearance.DoesNotExist:
        return None


def read_with_config(actor_id: int | None) -> tuple[CustomConfig | None, InstanceAppearance | None, Actor | None]:
    """I2 with AP1 and the instance actor (A1) in one consistent BatchGetItem: what
    `/config` and `/config/about` show."""
    wanted = [(keys.CUSTOM_CONFIG_PK, keys.ENTITY_SK), (keys.APPEARANCE_PK, keys.ENTITY_SK)]
    if actor_id is not None:
        wanted.append((keys.actor_pk(actor_id), keys.ENTITY_SK))
    config = appearance = actor = None
    for item in TableItem.batch_get(wanted, consistent_read=True):
        if isinstance(item, CustomConfig):
            config = item
        elif isinstance(item, InstanceAppearance):
            appearance = item
        elif isinstance(item, Actor):
            actor = item
    return config, appearance, actor


def replace_logo(logo_type: str, images: list[ActorImage], now: datetime) -> list[str]:
    """AP2: point a logo type at new images (the item is made if missing); the paths of the
    images it pointed at just before, as the table held them."""
    attribute = getattr(InstanceAppearance, LOGO_ATTRIBUTES[logo_type])
    response = InstanceAppearance._get_connection().update_item(
        keys.APPEARANCE_PK,
        keys.ENTITY_SK,
        actions=[attribute.set(images), InstanceAppearance.updated_at.set(now), _kind_action()],
        return_values=UPDATED_OLD,
    )
    old = response.get("Attributes", {}).get(LOGO_ATTRIBUTES[logo_type])
    if not old:
        return []
    return [str(entry["M"]["path"]["S"]) for entry in old["L"]]


def set_homepage(content: str, now: datetime) -> None:
    """AP3: only the homepage changes; the logos stay as they are."""
    InstanceAppearance._get_connection().update_item(
        keys.APPEARANCE_PK,
        keys.ENTITY_SK,
        actions=[InstanceAppearance.homepage.set(content), InstanceAppearance.updated_at.set(now), _kind_action()],
    )


def _kind_action() -> Any:
    # An item made by UpdateItem needs its discriminator, as one made by PutItem has.
    return InstanceAppearance.kind.set(InstanceAppearance)


def get_player_settings(target_ids: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """PS1: the themes set for (kind, id) pairs, in one BatchGetItem."""
    wanted = [(keys.player_settings_pk(k, i), keys.ENTITY_SK) for k, i in target_ids]
    found: dict[str, str] = {str(item.pk): str(item.theme) for item in PlayerSetting.batch_get(wanted)}
    return {
        (k, i): found[keys.player_settings_pk(k, i)] for k, i in target_ids if keys.player_settings_pk(k, i) in found
    }


def save_player_setting(kind: str, target_id: int, theme: str, now: datetime) -> None:
    """PS2: one PutItem (the whole setting is replaced, as PeerTube's upsert)."""
    PlayerSetting(keys.player_settings_pk(kind, target_id), keys.ENTITY_SK, theme=theme, updated_at=now).save()
