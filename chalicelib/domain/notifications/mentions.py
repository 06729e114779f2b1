"""The local users a comment mentions (PeerTube's VideoCommentModel.extractMentions, read for
its rules): `@name@<this host>` anywhere, and a bare `@name` in a comment written here; a
mention stands alone, between spaces or at the start or end of the text."""

from __future__ import annotations

import re

# PeerTube's actor name alphabet.
NAME = r"[a-zA-Z0-9\-_.:]+"
MAX_MENTIONS = 20  # users looked up per comment, at most


def mentioned_names(text: str, instance_host: str, *, local_comment: bool) -> list[str]:
    """The usernames mentioned, lower-cased, first mention first, each once."""
    found: list[str] = []
    host = instance_host.lower()
    for word in re.split(r"\s+", text.strip()):
        match = re.fullmatch(rf"@({NAME}?)(?:@([A-Za-z0-9.:\-]+))?", word)
        if match is None:
            continue
        name, at_host = match.group(1), match.group(2)
        if at_host is not None and at_host.lower() != host:
            continue
        if at_host is None and not local_comment:
            continue
        name = name.rstrip(".:").lower()
        if name and name not in found:
            found.append(name)
    return found[:MAX_MENTIONS]
