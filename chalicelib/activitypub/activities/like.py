"""Like: a remote account likes one of this instance's videos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.remote import rates

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    rates.apply(activity, context, "like")
