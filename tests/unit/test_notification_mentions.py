"""Which users a comment mentions (PeerTube's extractMentions rules)."""

from __future__ import annotations

import pytest

from chalicelib.domain.notifications.mentions import MAX_MENTIONS, mentioned_names

HOST = "video.example:9000"


@pytest.mark.parametrize(
    ("text", "local", "names"),
    [
        ("@alice look", True, ["alice"]),
        ("look @alice", True, ["alice"]),
        ("hi @alice and @bob!", True, ["alice"]),  # "@bob!" does not stand alone
        ("@Alice@video.example:9000 hi", False, ["alice"]),  # from another server: full handle only
        ("@alice hi", False, []),
        ("@alice@elsewhere.example hi", True, []),
        ("mail me: alice@video.example:9000", True, []),
        ("@alice. @alice", True, ["alice"]),
        ("no mention", True, []),
    ],
)
def test_mentions(text: str, local: bool, names: list[str]) -> None:
    assert mentioned_names(text, HOST, local_comment=local) == names


def test_a_comment_names_a_bounded_number_of_users() -> None:
    text = " ".join(f"@user{n}" for n in range(100))
    assert len(mentioned_names(text, HOST, local_comment=True)) == MAX_MENTIONS
