"""What a change of a local object sends, for videos and playlists alike (PeerTube's rule): an
Update while the object stays federated, a Create when it starts to be (a private one made
public), a Delete when it stops; nothing while it stays out of federation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Thing = TypeVar("Thing")
Send = Callable[[Thing], None]


def send_change(
    before: Thing,
    after: Thing,
    federates: Callable[[Thing], bool],
    *,
    create: Send[Thing],
    update: Send[Thing],
    delete: Send[Thing],
) -> None:
    """Send what the move from `before` to `after` calls for, about `after`."""
    was, now = federates(before), federates(after)
    if was and now:
        update(after)
    elif now:
        create(after)
    elif was:
        delete(after)
