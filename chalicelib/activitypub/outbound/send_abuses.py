"""A local user's report of a remote video, comment or account, told to its origin as a Flag
(PeerTube sends it from the reporter's account to the reported account's shared inbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound.build import flags
from chalicelib.config import get_settings

if TYPE_CHECKING:
    from chalicelib.domain.events import AbuseReported


def on_reported(event: AbuseReported) -> None:
    abuse, reporter, flagged = event.abuse, event.reporter, event.flagged
    if flagged.is_local or not reporter.is_local:
        return
    activity = flags.flag(
        activity_id=flags.abuse_url(get_settings().instance_url, int(abuse.id)),
        reporter_url=str(reporter.url),
        flagged_account_url=str(flagged.url),
        object_url=event.object_url,
        reason=str(abuse.reason),
        reasons=event.reasons,
        start_at=None if abuse.start_at is None else int(abuse.start_at),
        end_at=None if abuse.end_at is None else int(abuse.end_at),
    )
    inbox = str(flagged.shared_inbox_url or flagged.inbox_url)
    outbox.broadcast(activity, int(reporter.id), inboxes=[inbox])
