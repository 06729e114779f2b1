"""The info hashes the tracker accepts (P1-P3 in docs/data-model.md).

One `INFOHASH#<hex>` claim per hash, pointing at its video: written in the transaction that
publishes the video, deleted in the one that deletes it, read by the tracker with one
GetItem per hash it does not know yet (it caches the answer).
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store import keys
from chalicelib.store.models import Claim


def claim(info_hash: str, video_id: int) -> Claim:
    """The item that makes `info_hash` a known swarm of video `video_id`."""
    return Claim(keys.claim_pk(keys.INFO_HASH, info_hash), keys.CLAIM_SK, target=str(video_id))


def claims(info_hashes: Iterable[str], video_id: int) -> list[Claim]:
    return [claim(info_hash, video_id) for info_hash in info_hashes]


def add(info_hashes: Iterable[str], video_id: int) -> None:
    """P1 outside a transaction: a live's swarms, claimed when it goes on air (one PutItem each,
    repeated harmlessly)."""
    for item in claims(info_hashes, video_id):
        item.save()


def remove(info_hashes: Iterable[str]) -> None:
    """A live's swarms given up when it ends (its replay has swarms of its own)."""
    for info_hash in info_hashes:
        Claim(keys.claim_pk(keys.INFO_HASH, info_hash), keys.CLAIM_SK).delete()


def is_known(info_hash: str) -> bool:
    """P3: whether a video of this instance has this info hash (one GetItem)."""
    try:
        Claim.get(keys.claim_pk(keys.INFO_HASH, info_hash), keys.CLAIM_SK, attributes_to_get=["pk"])
    except Claim.DoesNotExist:
        return False
    return True
