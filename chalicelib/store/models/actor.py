"""An ActivityPub actor: a local or remote account (Person), channel (Group) or the
instance actor (Application). Local actors keep their RSA key pair here."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.catalogued import Catalogued


class ActorImage(MapAttribute[str, object]):
    """One size of an avatar or banner, stored in the media bucket at `path` (no leading /)."""

    width = NumberAttribute()
    height = NumberAttribute()
    path = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Remote actors: when their document was last fetched (refreshed after two days, as
    # PeerTube), and their avatar where it lives.
    fetched_at = UTCDateTimeAttribute(null=True)
    remote_avatar_url = UnicodeAttribute(null=True)


def new_actor_image(width: int, height: int, path: str, now: datetime) -> ActorImage:
    return ActorImage(width=width, height=height, path=path, created_at=now, updated_at=now)


class Actor(Catalogued, discriminator="Actor"):
    id = NumberAttribute()
    actor_type = UnicodeAttribute()  # Person | Group | Application | Organization | Service
    preferred_username = UnicodeAttribute()
    host = UnicodeAttribute(null=True)  # None for local actors
    url = UnicodeAttribute()
    inbox_url = UnicodeAttribute()
    shared_inbox_url = UnicodeAttribute(null=True)
    outbox_url = UnicodeAttribute(null=True)
    followers_url = UnicodeAttribute(null=True)
    following_url = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    support = UnicodeAttribute(null=True)
    public_key_pem = UnicodeAttribute()
    private_key_pem = UnicodeAttribute(null=True)  # local actors only
    user_id = NumberAttribute(null=True)  # accounts of local users
    account_id = NumberAttribute(null=True)  # channels: the owning account
    avatars = ListAttribute(of=ActorImage, default=list)
    banners = ListAttribute(of=ActorImage, default=list)
    followers_count = NumberAttribute(default=0)
    following_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Remote actors: when their document was last fetched (refreshed after two days, as
    # PeerTube), and their avatar where it lives.
    fetched_at = UTCDateTimeAttribute(null=True)
    remote_avatar_url = UnicodeAttribute(null=True)
    # Set when its deletion is asked for (a local account or channel): from then on it is
    # gone for every reader, while the work queue removes its videos and then the actor.
    deleting_at = UTCDateTimeAttribute(null=True)
    # Moving house (docs/federation.md, "Moving an account"): the other actors this one says it
    # also is (`alsoKnownAs`), and the actor it moved to (`movedTo`), once it has.
    also_known_as: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    moved_to = UnicodeAttribute(null=True)

    @property
    def is_local(self) -> bool:
        return self.host is None
