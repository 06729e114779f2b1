"""Access patterns of remote videos (RV1-RV4 in docs/data-model.md): Video items with their
origin's URL, claimed by URL (and by UUID, like local ones), with their files."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.store import catalog, keys, videos
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Claim, Video, VideoFile
from chalicelib.store.writes import NewClaim, connection, create_items

PRIVACY_PUBLIC = 1


def find_by_url(url: str) -> Video | None:
    """RV1: the URL claim, then the video (two GetItems)."""
    try:
        claim = Claim.get(keys.claim_pk(keys.VIDEO_URL, url), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return None
    return videos.get_video(int(claim.target))


def create(video: Video, files: Sequence[VideoFile]) -> bool:
    """RV2: the video, its files and its claims, atomically; False if its URL or UUID is
    taken (another delivery created it first, or the UUID belongs to another video)."""
    claims = [
        NewClaim(keys.VIDEO_URL, str(video.url), str(video.id), "This video already exists."),
        NewClaim(keys.VIDEO_UUID, str(video.uuid), str(video.id), "This video already exists."),
    ]
    stats = {"videos": 1} if int(video.privacy) == PRIVACY_PUBLIC else {}
    try:
        create_items([video, *files], claims, stats)
    except ConflictError:
        return False
    return True


def replace(video: Video, old_files: Sequence[VideoFile], new_files: Sequence[VideoFile], was_public: bool) -> None:
    """RV3: new metadata and files, conditioned on the item's `updated_at` not moving meanwhile."""
    delta = (int(video.privacy) == PRIVACY_PUBLIC) - was_public
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(video, condition=Video.pk.exists())
        kept = {f.sk for f in new_files}
        for file in old_files:
            if file.sk not in kept:
                transaction.delete(file)
        for file in new_files:
            transaction.save(file)
        if delta:
            add_stats(transaction, {"videos": delta})


def delete(video: Video, files: Sequence[VideoFile]) -> None:
    """RV4: the video, its files and claims; a tombstone for the catalogue."""
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(video)
        transaction.delete(Claim(keys.claim_pk(keys.VIDEO_URL, str(video.url)), keys.CLAIM_SK))
        transaction.delete(Claim(keys.claim_pk(keys.VIDEO_UUID, str(video.uuid)), keys.CLAIM_SK))
        transaction.save(catalog.tombstone("Video", int(video.id)))
        for file in files:
            transaction.delete(file)
        if int(video.privacy) == PRIVACY_PUBLIC:
            add_stats(transaction, {"videos": -1})
