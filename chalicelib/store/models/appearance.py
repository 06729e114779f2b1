"""The instance's appearance (its logos and homepage) and the player settings of videos and
channels (docs/appearance.md)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.actor import ActorImage
from chalicelib.store.models.base import TableItem

# PeerTube's logo types (its LogoType) and the attribute each one's images are kept in.
LOGO_ATTRIBUTES = {
    "favicon": "favicon",
    "header-wide": "header_wide",
    "header-square": "header_square",
    "opengraph": "opengraph",
}


class InstanceAppearance(TableItem, discriminator="InstanceAppearance"):
    favicon = ListAttribute(of=ActorImage, default=list)
    header_wide = ListAttribute(of=ActorImage, default=list)
    header_square = ListAttribute(of=ActorImage, default=list)
    opengraph = ListAttribute(of=ActorImage, default=list)
    # The homepage's Markdown (PeerTube's instance custom page); None or "" when unset.
    homepage = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class PlayerSetting(TableItem, discriminator="PlayerSetting"):
    theme = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
