"""A video's automatic tags (PeerTube's VideoAutomaticTag, by the instance's watched-word
lists and the core tags), kept beside the video in its partition, so deleting the video
removes them, and out of the catalogue's projection (whose attributes a deployed index
cannot change):
- `VIDEO#<id>` / `AUTOTAGS`: every tag of the video, read for a page with one BatchGetItem;
- `VIDEO#<id>` / `AUTOTAG#<tag>`: one per tag, listed by `gsi1pk = AUTOTAGGED#<tag>`, what
  the staff's `autoTagOneOf` filter reads."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.models.base import TableItem


class VideoAutoTags(TableItem, discriminator="VideoAutoTags"):
    video_id = NumberAttribute()
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]


class VideoAutoTag(TableItem, discriminator="VideoAutoTag"):
    video_id = NumberAttribute()
    tag = UnicodeAttribute()
