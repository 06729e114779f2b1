"""A local user's report of a remote video, comment or account, told to its origin as a Flag
(PeerTube sends it from the reporter's account to the reported account's shared inbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import flags
from chalicelib.config import get_settings
from chalicelib.observability import logger

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.store.models import Abuse, Actor


def flag(abuse: Abuse, reporter: Actor, flagged: Actor, object_url: str, reasons: Sequence[str]) -> None:
    if flagged.is_local or not reporter.is_local:
        return
    activity = flags.flag(
        activity_id=flags.abuse_url(get_settings().instance_url, int(abuse.id)),
        reporter_url=str(reporter.url),
        flagged_account_url=str(flagged.url),
        object_url=object_url,
        reason=str(abuse.reason),
        reasons=reasons,
        start_at=None if abuse.start_at is None else int(abuse.start_at),
        end_at=None if abuse.end_at is None else int(abuse.end_at),
    )
    inbox = str(flagged.shared_inbox_url or flagged.inbox_url)
    outbox.broadcast(activity, int(reporter.id), inboxes=[inbox])


def safely(action: Callable[[], None]) -> None:
    try:
        action()
    except Exception:
        logger.exception("abuse report not federated")
