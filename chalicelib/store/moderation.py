"""Access patterns of moderation (MO1-MO6 in docs/data-model.md): an account's watched-word
lists and automatic tag policy, read together by one Query of the account's partition, and
the comment log the moderation lists are read from.

A list's name is unique for its account (PeerTube's unique index, case-sensitive as there):
a claim written in the same transaction as the list holds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import Claim, CommentEntry, TableItem, TagPolicy, VideoComment, WatchedWordsList
from chalicelib.store.writes import connection, is_condition_failure

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from chalicelib.store.models import Video

LIST_NAME_CLAIM = "WATCHEDLISTNAME"


@dataclass
class AccountModeration:
    """An account's watched-word lists (oldest first) and the tags it holds comments for."""

    lists: list[WatchedWordsList] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def read_account(account_id: int, *, consistent: bool = False) -> AccountModeration:
    """MO1: an account's lists and policy, one Query (they share a key prefix)."""
    found = AccountModeration()
    items = TableItem.query(
        keys.actor_pk(account_id),
        TableItem.sk.startswith(keys.MODERATION_SK_PREFIX),
        consistent_read=consistent,
    )
    for item in items:
        if isinstance(item, WatchedWordsList):
            found.lists.append(item)
        elif isinstance(item, TagPolicy):
            found.review = list(item.review or [])
    return found


def get_list(account_id: int, list_id: int) -> WatchedWordsList | None:
    """MO2: one GetItem."""
    try:
        return WatchedWordsList.get(keys.actor_pk(account_id), keys.watched_words_sk(list_id), consistent_read=True)
    except WatchedWordsList.DoesNotExist:
        return None


def new_list(account_id: int, list_id: int, name: str, words: list[str], now: datetime) -> WatchedWordsList:
    return WatchedWordsList(
        keys.actor_pk(account_id),
        keys.watched_words_sk(list_id),
        id=list_id,
        account_id=account_id,
        list_name=name,
        words=words,
        created_at=now,
        updated_at=now,
    )


def add_list(item: WatchedWordsList) -> bool:
    """MO3: the list and its name's claim in one transaction; False if the name is taken."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(item, condition=WatchedWordsList.pk.does_not_exist())
            transaction.save(_name_claim(item), condition=Claim.pk.does_not_exist())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def update_list(item: WatchedWordsList, name: str | None, words: list[str] | None, now: datetime) -> bool:
    """MO3: a new name (its claim moved in the same transaction) and/or new words; False if
    the new name is taken (or the list is gone)."""
    old_claim = _name_claim(item)
    actions: list[Any] = [WatchedWordsList.updated_at.set(now)]
    if words is not None:
        actions.append(WatchedWordsList.words.set(words))
    renamed = name is not None and name != item.list_name
    if name is not None and renamed:
        actions.append(WatchedWordsList.list_name.set(name))
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(item, actions=actions, condition=WatchedWordsList.pk.exists())
            if renamed:
                transaction.delete(old_claim)
                claim = _name_claim(item, name)
                transaction.save(claim, condition=Claim.pk.does_not_exist())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def remove_list(item: WatchedWordsList) -> None:
    """MO3: the list and its name's claim."""
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(item)
        transaction.delete(_name_claim(item))


def set_review_policy(account_id: int, tags: list[str]) -> None:
    """MO4: one PutItem (the whole policy is replaced, as PeerTube's update replaces it)."""
    TagPolicy(keys.actor_pk(account_id), keys.TAG_POLICY_SK, account_id=account_id, review=tags).save()


def _name_claim(item: WatchedWordsList, name: str | None = None) -> Claim:
    value = f"{int(item.account_id)}#{name if name is not None else item.list_name}"
    # Not keys.claim_pk: PeerTube's list names are case-sensitive.
    return Claim(f"{LIST_NAME_CLAIM}#{value}", keys.CLAIM_SK, target=str(int(item.id)))


# The comment log


def log_entry(
    comment: VideoComment,
    video: Video,
    *,
    is_local: bool,
    server_tags: list[str],
    owner_tags: list[str],
) -> CommentEntry:
    """A comment's entry in the log (MO5), written with it (store.comments.add_comment)."""
    created = comment.created_at.isoformat()
    entry = CommentEntry(
        keys.COMMENT_LOG_PK,
        keys.created_sort_key(created, int(comment.id)),
        comment_id=int(comment.id),
        video_id=int(video.id),
        thread_id=int(comment.thread_id),
        in_reply_to_id=comment.in_reply_to_id,
        account_id=int(comment.account_id),
        owner_account_id=int(video.account_id) if video.is_local else None,
        channel_id=int(video.channel_id),
        is_local=is_local,
        on_local_video=bool(video.is_local),
        text=comment.text,
        url=comment.url,
        held_for_review=bool(comment.held_for_review),
        server_tags=server_tags,
        owner_tags=owner_tags,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )
    if video.is_local:
        entry.gsi1pk = keys.comments_on_videos_of_gsi1pk(int(video.account_id))
        entry.gsi1sk = entry.sk
    return entry


def entry_key_of(comment: VideoComment) -> CommentEntry:
    """The log entry of a stored comment, by key only (for an update or a delete)."""
    return CommentEntry(keys.COMMENT_LOG_PK, keys.created_sort_key(comment.created_at.isoformat(), int(comment.id)))


def read_log(*, owner_account_id: int | None, limit: int) -> list[CommentEntry]:
    """MO6: the newest `limit` entries of the instance's log, or of the comments on an
    account's videos: one Query per MB."""
    items: Iterable[TableItem]
    if owner_account_id is None:
        items = CommentEntry.query(keys.COMMENT_LOG_PK, scan_index_forward=False, limit=limit, page_size=limit)
    else:
        items = CommentEntry.by_gsi1.query(
            keys.comments_on_videos_of_gsi1pk(owner_account_id), scan_index_forward=False, limit=limit, page_size=limit
        )
    return [item for item in items if isinstance(item, CommentEntry)]
