"""Real-time connections (socket.io over API Gateway WebSocket) and the rooms they joined.

A connection is one item; each room it joined (a live video's, a user's notifications, the
runners') is one more item in that room's partition, so that publishing to a room is one
Query. Both expire when API Gateway would have closed the connection anyway (two hours), in
case $disconnect never ran.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class RealtimeConnection(TableItem, discriminator="RealtimeConnection"):
    connection_id = UnicodeAttribute()
    sid = UnicodeAttribute()  # the Engine.IO session id sent in the open packet
    connected_at = UTCDateTimeAttribute()
    # The handshake's `accessToken` query parameter (PeerTube's web client puts it there),
    # resolved once at $connect: the user, or PeerTube's message for a refused token.
    user_id = NumberAttribute(null=True)
    token_error = UnicodeAttribute(null=True)
    namespaces = UnicodeSetAttribute(null=True)  # the namespaces it connected to
    rooms = UnicodeSetAttribute(null=True)  # the rooms it joined: their items go with it


class RealtimeMember(TableItem, discriminator="RealtimeMember"):
    """A connection in a room: `RTROOM#<room>` / `<connection id>`."""

    connection_id = UnicodeAttribute()
