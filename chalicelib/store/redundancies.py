"""Access patterns of video mirrors (RD1-RD5 in docs/data-model.md): one VideoRedundancy item
per video and mirroring server, in the video's partition; a list of ours and a list of the
others' (gsi1); its id (gsi2), for the API's DELETE."""

from __future__ import annotations

from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.counters import next_id
from chalicelib.store.models import VideoRedundancy


def get(video_id: int, actor_id: int) -> VideoRedundancy | None:
    """RD1: one GetItem."""
    try:
        return VideoRedundancy.get(keys.video_pk(video_id), keys.redundancy_sk(actor_id), consistent_read=True)
    except VideoRedundancy.DoesNotExist:
        return None


def of_video(video_id: int) -> list[VideoRedundancy]:
    """RD2: a video's mirrors (one Query; V8 reads them with the video already)."""
    items = VideoRedundancy.query(keys.video_pk(video_id), VideoRedundancy.sk.startswith(keys.REDUNDANCY_SK_PREFIX))
    return [item for item in items if isinstance(item, VideoRedundancy)]


def save(
    video_id: int,
    actor_id: int,
    ours: bool,
    *,
    url: str,
    file_url: str,
    expires_at: datetime | None,
    now: datetime,
    strategy: str | None = None,
    size: int = 0,
) -> VideoRedundancy:
    """RD3: create or refresh the mirror `actor_id` holds of `video_id` (its id and creation
    date are kept on a refresh)."""
    existing = get(video_id, actor_id)
    redundancy_id = int(existing.id) if existing else next_id("redundancy")
    created = existing.created_at if existing else now
    item = VideoRedundancy(
        keys.video_pk(video_id),
        keys.redundancy_sk(actor_id),
        id=redundancy_id,
        video_id=video_id,
        actor_id=actor_id,
        url=url,
        file_url=file_url,
        expires_at=expires_at,
        strategy=strategy,
        size=size,
        created_at=created,
        updated_at=now,
        gsi1pk=keys.redundancies_gsi1pk(ours),
        gsi1sk=keys.created_sort_key(created.isoformat(), redundancy_id),
        gsi2pk=keys.redundancy_gsi2pk(redundancy_id),
        gsi2sk=keys.ENTITY_SK,
    )
    item.save()
    return item


def delete(redundancy: VideoRedundancy) -> None:
    """RD4."""
    redundancy.delete()


def by_id(redundancy_id: int) -> VideoRedundancy | None:
    """RD5: one Query of gsi2."""
    for item in VideoRedundancy.by_gsi2.query(keys.redundancy_gsi2pk(redundancy_id)):
        if isinstance(item, VideoRedundancy):
            return item
    return None


def listed(ours: bool, limit: int) -> list[VideoRedundancy]:
    """RD6: the first `limit` mirrors of one list, oldest first (one Query; the API bounds
    `limit` with its page size)."""
    found: list[VideoRedundancy] = []
    for item in VideoRedundancy.by_gsi1.query(keys.redundancies_gsi1pk(ours), page_size=min(limit, 1000)):
        if isinstance(item, VideoRedundancy):
            found.append(item)
        if len(found) >= limit:
            break
    return found


def count(ours: bool) -> int:
    """RD6's total, counted by DynamoDB (Select COUNT)."""
    return int(VideoRedundancy.by_gsi1.count(keys.redundancies_gsi1pk(ours)))
