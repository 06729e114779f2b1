"""Watched words (PeerTube's watched-words lists): an account's, or the instance's, named
lists of words whose presence in a comment (or, for the instance's, a video's name or
description) tags it with the list's name (domain/automatic_tags.py).

Limits, checks and messages are PeerTube's (CONSTRAINTS_FIELDS.WATCHED_WORDS and the
watched-words validators). A word matches as PeerTube's wordsToRegExp has it: anywhere a
letter does not touch it on either side, ignoring case; the words are literal text, so
`a.b` or `(x|y)` match only themselves.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.store import counters, moderation

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Actor, User, WatchedWordsList

LIST_NAME_LENGTH = (1, 100)  # CONSTRAINTS_FIELDS.WATCHED_WORDS.LIST_NAME
WORDS_COUNT = (1, 500)  # .WORDS: words in one list
WORD_LENGTH = (1, 100)  # .WORD
SORTS = ("createdAt", "updatedAt", "listName")  # PeerTube's SORTABLE_COLUMNS.WATCHED_WORDS_LISTS
DEFAULT_SORT = "-createdAt"

LIST_NAME_ERROR = f"Should have a list name between {LIST_NAME_LENGTH[0]} and {LIST_NAME_LENGTH[1]} characters long"
WORDS_ERROR = (
    f"Should have an array of up to {WORDS_COUNT[1]} words between "
    f"{WORD_LENGTH[0]} and {WORD_LENGTH[1]} characters each"
)
UNKNOWN_LIST = "Unknown watched words list id for this account"


# Who may


def check_manages_account(user: User, account: Actor | None) -> Actor:
    """PeerTube's doesAccountHandleExist with checkCanManage and checkIsLocal, in its order."""
    if account is None or account.actor_type != "Person":
        raise NotFoundError("Account not found")
    if int(account.id) != int(user.account_id) and not has_right(Role(int(user.role)), Right.MANAGE_USERS):
        raise ForbiddenError("Only a user with sufficient right can access this account resource.")
    if account.host is not None:
        raise ForbiddenError("This account is not owned by the platform")
    return account


# Input


def read_body(body: dict[str, Any], *, partial: bool) -> tuple[str | None, list[str] | None]:
    """`listName` (trimmed, as PeerTube's validator does) and `words`; both required to create,
    each optional to update. Every failing field at once, as express-validator lists them."""
    invalid: dict[str, str] = {}
    name: str | None = None
    words: list[str] | None = None
    if "listName" in body or not partial:
        raw = body.get("listName")
        name = raw.strip() if isinstance(raw, str) else None
        if name is None or not LIST_NAME_LENGTH[0] <= len(name) <= LIST_NAME_LENGTH[1]:
            invalid["listName"] = LIST_NAME_ERROR
    if "words" in body or not partial:
        raw_words = body.get("words")
        if (
            isinstance(raw_words, list)
            and WORDS_COUNT[0] <= len(raw_words) <= WORDS_COUNT[1]
            and all(isinstance(w, str) and WORD_LENGTH[0] <= len(w) <= WORD_LENGTH[1] for w in raw_words)
        ):
            words = list(raw_words)
        else:
            invalid["words"] = WORDS_ERROR
    if invalid:
        raise ValidationError(invalid)
    return name, words


def list_id_error(raw: str) -> str | None:
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    return None if digits.isdigit() else "Invalid value"


# Use cases


def page(account_id: int, *, start: int, count: int, sort: str) -> tuple[int, list[WatchedWordsList]]:
    """The account's lists, sorted and paged as PeerTube's listForAPI (few per account: read whole)."""
    lists = moderation.read_account(account_id).lists
    field = sort.removeprefix("-")
    attribute = {"createdAt": "created_at", "updatedAt": "updated_at", "listName": "list_name"}[field]
    lists.sort(key=lambda item: (getattr(item, attribute), int(item.id)), reverse=sort.startswith("-"))
    return len(lists), lists[start : start + count]


def create(account_id: int, body: dict[str, Any], now: datetime) -> WatchedWordsList:
    name, words = read_body(body, partial=False)
    assert name is not None and words is not None
    item = moderation.new_list(account_id, counters.next_id("watched-words-list"), name, words, now)
    if not moderation.add_list(item):
        raise BadRequestError(f"Watched words list with name {name} already exists")
    return item


def update(account_id: int, list_id: str, body: dict[str, Any], now: datetime) -> None:
    item = _find(account_id, list_id)
    name, words = read_body(body, partial=True)
    if not moderation.update_list(item, name, words, now):
        raise BadRequestError(f"Watched words list with name {name} already exists")


def delete(account_id: int, list_id: str) -> None:
    moderation.remove_list(_find(account_id, list_id))


def _find(account_id: int, raw_id: str) -> WatchedWordsList:
    if list_id_error(raw_id):
        raise ValidationError({"listId": "Invalid value"}, location="params")
    item = moderation.get_list(account_id, int(raw_id))
    if item is None:
        raise NotFoundError(UNKNOWN_LIST)
    return item


# Matching


@lru_cache(maxsize=1024)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """PeerTube's wordsToRegExp: the words, trimmed and taken literally, where no letter
    touches them on either side, case ignored."""
    alternatives = "|".join(re.escape(word.strip()) for word in words)
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)


def matches(words: list[str], text: str | None) -> bool:
    """Whether any of the list's words is in `text`."""
    return bool(text) and bool(words) and _pattern(tuple(words)).search(text or "") is not None
