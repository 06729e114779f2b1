"""Access patterns of video playlists and their elements (PL1-PL9 in docs/data-model.md).

A playlist and its elements share the partition `PLAYLIST#<id>`: the playlist is `ENTITY`,
each element sits in the slot of its position, `POSITION#<n>` (positions are dense, 1..n).
A page of elements is therefore one strongly consistent Query over a key range, and a move
rewrites only the slots whose content changes. Every element change is one transaction
conditioned on the playlist's `revision`, which it bumps: concurrent changes serialize.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import claims, counters, keys
from chalicelib.store.models import Claim, Playlist, PlaylistElement
from chalicelib.store.models.playlist import PLAYLIST_PRIVATE, PLAYLIST_PUBLIC, TYPE_WATCH_LATER
from chalicelib.store.writes import NewClaim, connection, create_items, is_condition_failure

UUID_TAKEN = "A video playlist with this UUID already exists."
WATCH_LATER_EXISTS = "This account already has a watch later playlist."
WATCH_LATER_NAME = "Watch later"
# DynamoDB transactions take at most 100 items: the playlist and 99 slots.
SLOTS_PER_TRANSACTION = 99


def new_playlist(
    instance_url: str,
    owner_account_id: int,
    name: str,
    now: datetime,
    *,
    description: str | None = None,
    privacy: int = PLAYLIST_PRIVATE,
    playlist_type: int = 1,
    channel_id: int | None = None,
    channel_position: int | None = None,
) -> Playlist:
    playlist_id = counters.next_id("playlist")
    playlist_uuid = str(uuid_module.uuid4())
    playlist = Playlist(
        keys.playlist_pk(playlist_id),
        keys.ENTITY_SK,
        id=playlist_id,
        uuid=playlist_uuid,
        name=name,
        description=description,
        privacy=privacy,
        playlist_type=playlist_type,
        owner_account_id=owner_account_id,
        channel_id=channel_id,
        channel_position=channel_position,
        url=f"{instance_url}/video-playlists/{playlist_uuid}",
        videos_length=0,
        revision=0,
        created_at=now,
        updated_at=now,
        gsi1pk=keys.account_playlists_gsi1pk(owner_account_id),
        gsi1sk=keys.created_sort_key(now.isoformat(), playlist_id),
    )
    if privacy == PLAYLIST_PUBLIC:
        playlist.gsi2pk, playlist.gsi2sk = keys.public_playlists_gsi2pk(), playlist.gsi1sk
    return playlist


def claims_of(playlist: Playlist) -> list[NewClaim]:
    """The unique values a new playlist takes: its UUID, and its owner's Watch later slot."""
    claims = [NewClaim(keys.PLAYLIST_UUID, playlist.uuid, str(playlist.id), UUID_TAKEN)]
    if int(playlist.playlist_type) == TYPE_WATCH_LATER:
        claims.append(NewClaim(keys.WATCH_LATER, str(playlist.owner_account_id), str(playlist.id), WATCH_LATER_EXISTS))
    return claims


def new_watch_later(instance_url: str, account_id: int, now: datetime) -> tuple[Playlist, list[NewClaim]]:
    """A user's Watch later playlist and its claims, to write with the user (or lazily)."""
    playlist = new_playlist(instance_url, account_id, WATCH_LATER_NAME, now, playlist_type=TYPE_WATCH_LATER)
    return playlist, claims_of(playlist)


def create_playlist(playlist: Playlist) -> None:
    """W1 for a playlist: the item and its claims."""
    create_items([playlist], claims_of(playlist))


def get_playlist(playlist_id: int) -> Playlist | None:
    """PL1: one consistent GetItem (its counters guard the element writes)."""
    try:
        return Playlist.get(keys.playlist_pk(playlist_id), keys.ENTITY_SK, consistent_read=True)
    except Playlist.DoesNotExist:
        return None


def find_playlist_by_uuid(playlist_uuid: str) -> Playlist | None:
    """PL2: the UUID claim, then PL1."""
    return claims.resolve(keys.PLAYLIST_UUID, playlist_uuid, lambda target: get_playlist(int(target)))


def find_watch_later(account_id: int) -> Playlist | None:
    """PL3: the account's Watch later claim, then PL1."""
    return claims.resolve(keys.WATCH_LATER, str(account_id), lambda target: get_playlist(int(target)))


def forget_watch_later(account_id: int) -> None:
    """Remove the claim naming an account's Watch later playlist."""
    Claim(keys.claim_pk(keys.WATCH_LATER, str(account_id)), keys.CLAIM_SK).delete()


def list_account_playlists(account_id: int) -> list[Playlist]:
    """PL4: every playlist of an account, oldest first (one Query per MB)."""
    items = Playlist.by_gsi1.query(keys.account_playlists_gsi1pk(account_id))
    return [item for item in items if isinstance(item, Playlist)]


def list_public_playlists(limit: int) -> list[Playlist]:
    """PL5: the newest `limit` public playlists, oldest first (one Query per MB, at most
    `limit` items read: the list's cost stays bounded however many there are)."""
    items = Playlist.by_gsi2.query(keys.public_playlists_gsi2pk(), scan_index_forward=False, limit=limit)
    found = [item for item in items if isinstance(item, Playlist)]
    return found[::-1]


def privacy_actions(playlist: Playlist, privacy: int) -> list[Any]:
    """Set the privacy, and enter or leave the public list with it."""
    actions: list[Any] = [Playlist.privacy.set(privacy)]
    if privacy == PLAYLIST_PUBLIC:
        actions += [Playlist.gsi2pk.set(keys.public_playlists_gsi2pk()), Playlist.gsi2sk.set(playlist.gsi1sk)]
    else:
        actions += [Playlist.gsi2pk.remove(), Playlist.gsi2sk.remove()]
    return actions


def update_playlist(playlist: Playlist, actions: Sequence[Any]) -> None:
    """Change some attributes (never a whole-item put: element writes move the counters)."""
    playlist.update(actions=list(actions), condition=Playlist.pk.exists())


def set_channel_positions(moves: Sequence[tuple[Playlist, int]]) -> None:
    """Give other playlists of a channel their new position (compaction after a removal)."""
    for playlist, position in moves:
        try:
            playlist.update(actions=[Playlist.channel_position.set(position)], condition=Playlist.pk.exists())
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise


def delete_playlist(playlist: Playlist) -> None:
    """The playlist, its UUID claim and every element slot (one Query, batched deletes)."""
    slots = list(
        PlaylistElement.query(
            keys.playlist_pk(int(playlist.id)), PlaylistElement.sk.startswith(keys.PLAYLIST_ELEMENT_SK_PREFIX)
        )
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(playlist, condition=Playlist.pk.exists())
        transaction.delete(Claim(keys.claim_pk(keys.PLAYLIST_UUID, playlist.uuid), keys.CLAIM_SK))
    with PlaylistElement.batch_write() as batch:
        for slot in slots:
            batch.delete(slot)


# Elements


def new_element(
    instance_url: str,
    playlist: Playlist,
    position: int,
    video_id: int,
    start: int | None,
    stop: int | None,
    now: datetime,
) -> PlaylistElement:
    element_id = counters.next_id("playlist_element")
    element = PlaylistElement(
        id=element_id,
        playlist_id=int(playlist.id),
        video_id=video_id,
        start_timestamp=start,
        stop_timestamp=stop,
        url=f"{instance_url}/video-playlists/{playlist.uuid}/videos/{element_id}",
        created_at=now,
        updated_at=now,
    )
    return place(element, playlist, position)


def place(element: PlaylistElement, playlist: Playlist, position: int) -> PlaylistElement:
    """The same element in the slot of `position` (a new item: slots are keyed by position)."""
    moved = PlaylistElement(
        keys.playlist_pk(int(playlist.id)),
        keys.playlist_element_sk(position),
        id=int(element.id),
        playlist_id=int(playlist.id),
        position=position,
        video_id=int(element.video_id),
        start_timestamp=element.start_timestamp,
        stop_timestamp=element.stop_timestamp,
        url=element.url,
        created_at=element.created_at,
        updated_at=element.updated_at,
        gsi1pk=keys.playlist_element_gsi1pk(int(element.id)),
        gsi1sk=keys.ENTITY_SK,
        gsi2pk=keys.account_playlist_videos_gsi2pk(int(playlist.owner_account_id)),
        gsi2sk=keys.playlist_video_sort_key(int(element.video_id), int(element.id)),
    )
    return moved


def read_elements(playlist_id: int, first: int, last: int) -> list[PlaylistElement]:
    """PL6: the elements at positions first..last, in order: one consistent Query."""
    if last < first:
        return []
    condition = PlaylistElement.sk.between(keys.playlist_element_sk(first), keys.playlist_element_sk(last))
    items = PlaylistElement.query(keys.playlist_pk(playlist_id), condition, consistent_read=True)
    return [item for item in items if isinstance(item, PlaylistElement)]


def find_element(element_id: int) -> PlaylistElement | None:
    """PL7: where an element is now (its playlist and position): one Query on gsi1. The
    index lags writes slightly, so writers re-check the slot in their condition."""
    for item in PlaylistElement.by_gsi1.query(keys.playlist_element_gsi1pk(element_id), limit=1):
        if isinstance(item, PlaylistElement):
            return item
    return None


def write_elements(
    playlist: Playlist,
    puts: Sequence[PlaylistElement],
    deletes: Sequence[PlaylistElement],
    playlist_actions: Sequence[Any],
) -> bool:
    """PL8: apply a change of the slots, with the playlist's new counters, if nobody changed
    the elements since `playlist` was read (False: read again and retry).

    Up to 99 slots this is one transaction. A longer change (a move across more than 99
    positions, a removal near the head of a long playlist) is split: the first transaction
    carries the revision check, the others follow it.
    """
    operations: list[tuple[str, PlaylistElement]] = [("put", s) for s in puts] + [("delete", s) for s in deletes]
    chunks = [
        operations[start : start + SLOTS_PER_TRANSACTION] for start in range(0, len(operations), SLOTS_PER_TRANSACTION)
    ] or [[]]
    actions = [*playlist_actions, Playlist.revision.add(1)]
    for number, chunk in enumerate(chunks):
        try:
            with TransactWrite(connection=connection()) as transaction:
                if number == 0:
                    transaction.update(playlist, actions=actions, condition=Playlist.revision == int(playlist.revision))
                for operation, slot in chunk:
                    if operation == "put":
                        transaction.save(slot)
                    else:
                        transaction.delete(slot)
        except TransactWriteError as exc:
            if number == 0 and is_condition_failure(exc):
                return False
            if number == 0 and _cancelled_on_condition(exc):
                return False
            raise
    return True


def update_element(element: PlaylistElement, actions: Sequence[Any]) -> bool:
    """Change an element in place, if its slot still holds it (False: it moved)."""
    try:
        element.update(actions=list(actions), condition=PlaylistElement.id == int(element.id))
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def elements_of_videos(account_id: int, video_ids: Sequence[int]) -> list[PlaylistElement]:
    """PL9: the elements, in the playlists of an account, of some videos: one Query on gsi2
    over the range of the asked ids, the others in that range filtered out (one Query per
    100 ids: DynamoDB's IN takes at most 100 values)."""
    wanted = sorted(set(video_ids))
    found: list[PlaylistElement] = []
    for start in range(0, len(wanted), 100):
        group = wanted[start : start + 100]
        items = PlaylistElement.by_gsi2.query(
            keys.account_playlist_videos_gsi2pk(account_id),
            PlaylistElement.gsi2sk.between(
                keys.playlist_video_sort_key(group[0], 0), keys.playlist_video_sort_key(group[-1], 10**12 - 1)
            ),
            filter_condition=PlaylistElement.video_id.is_in(*group),
        )
        found += [item for item in items if isinstance(item, PlaylistElement)]
    return found


def _cancelled_on_condition(exc: TransactWriteError) -> bool:
    reasons = exc.cancellation_reasons or []
    return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)
