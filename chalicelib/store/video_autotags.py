"""Videos' automatic tags (AT1-AT3 in docs/data-model.md; models/video_autotags.py)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store import keys
from chalicelib.store.models import VideoAutoTag, VideoAutoTags


def tags_of(video_ids: Iterable[int]) -> dict[int, list[str]]:
    """AT1: the tags of these videos (one BatchGetItem per 100); untagged ones are absent."""
    wanted = sorted(set(video_ids))
    if not wanted:
        return {}
    found = VideoAutoTags.batch_get([(keys.video_pk(i), keys.VIDEO_AUTOTAGS_SK) for i in wanted])
    return {int(item.video_id): list(item.tags or []) for item in found if isinstance(item, VideoAutoTags)}


def tagged_with(tags: Iterable[str]) -> frozenset[int]:
    """AT2: the videos tagged with any of these (one Query per tag)."""
    ids: set[int] = set()
    for tag in set(tags):
        for item in VideoAutoTag.by_gsi1.query(keys.autotagged_gsi1pk(tag)):
            if isinstance(item, VideoAutoTag):
                ids.add(int(item.video_id))
    return frozenset(ids)


def replace(video_id: int, tags: list[str]) -> None:
    """AT3: the video's tags become `tags` (idempotent: run twice, the same items)."""
    pk = keys.video_pk(video_id)
    try:
        before = list(VideoAutoTags.get(pk, keys.VIDEO_AUTOTAGS_SK, consistent_read=True).tags or [])
    except VideoAutoTags.DoesNotExist:
        before = []
    if before == tags:
        return
    with VideoAutoTag.batch_write() as batch:
        for tag in tags:
            item = VideoAutoTag(pk, keys.video_autotag_sk(tag), video_id=video_id, tag=tag)
            item.gsi1pk = keys.autotagged_gsi1pk(tag)
            item.gsi1sk = f"{video_id:012d}"
            batch.save(item)
        for tag in set(before) - set(tags):
            batch.delete(VideoAutoTag(pk, keys.video_autotag_sk(tag)))
    if tags:
        VideoAutoTags(pk, keys.VIDEO_AUTOTAGS_SK, video_id=video_id, tags=tags).save()
    else:
        VideoAutoTags(pk, keys.VIDEO_AUTOTAGS_SK).delete()
