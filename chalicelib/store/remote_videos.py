"""Access patterns of remote videos (RV1-RV4 in docs/data-model.md): Video items with their
origin's URL, claimed by URL (and by UUID, like local ones), with their files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.store import catalog, claims, keys, videos
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Claim, Video, VideoFile
from chalicelib.store.writes import NewClaim, connection, create_items, is_condition_failure, set_actions

PRIVACY_PUBLIC = 1


def find_by_url(url: str) -> Video | None:
    """RV1: the URL claim, then the video (two GetItems)."""
    return claims.resolve(keys.VIDEO_URL, url, lambda target: videos.get_video(int(target)))


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


def replace(
    video: Video,
    old_files: Sequence[VideoFile],
    new_files: Sequence[VideoFile],
    was_public: bool,
    fields: Iterable[str],
) -> None:
    """RV3: new metadata (the named attributes alone: local likes, comments and views
    counted meanwhile stay) and files."""
    delta = (int(video.privacy) == PRIVACY_PUBLIC) - was_public
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(
            video,
            actions=set_actions(video, fields),
            condition=Video.pk.exists() & (Video.is_local == False),  # noqa: E712
        )
        kept = {f.sk for f in new_files}
        for file in old_files:
            if file.sk not in kept:
                transaction.delete(file)
        for file in new_files:
            transaction.save(file)
        if delta:
            add_stats(transaction, {"videos": delta})


def set_images(video: Video, image_name: str) -> bool:
    """RV5: the name its images were copied under; False if the video is gone or already
    has images (a concurrent update copied its own)."""
    try:
        video.update(
            actions=[Video.has_images.set(True), Video.image_name.set(image_name)],
            condition=Video.pk.exists() & Video.image_name.does_not_exist(),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete(video: Video, files: Sequence[VideoFile]) -> None:
    """RV4: the video, its files and the claims it holds; a tombstone for the catalogue.

    A claim is given up only if it names this video: a remote document may have carried
    the URL or UUID of another (a local video's, whose claim must survive)."""
    owned = _owned_claims(video)
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(video, condition=Video.is_local == False)  # noqa: E712 - a DynamoDB condition
        for claim in owned:
            transaction.delete(claim, condition=Claim.target == str(video.id))
        transaction.save(catalog.tombstone("Video", int(video.id)))
        for file in files:
            transaction.delete(file)
        if int(video.privacy) == PRIVACY_PUBLIC:
            add_stats(transaction, {"videos": -1})


def _owned_claims(video: Video) -> list[Claim]:
    pks = [keys.claim_pk(keys.VIDEO_URL, str(video.url)), keys.claim_pk(keys.VIDEO_UUID, str(video.uuid))]
    found = Claim.batch_get([(pk, keys.CLAIM_SK) for pk in pks])
    return [claim for claim in found if isinstance(claim, Claim) and str(claim.target) == str(video.id)]
