"""Activities Cirrus sends: the senders (`send_*.py`, PeerTube's lib/activitypub/send), which
`subscriptions.py` subscribes to the domain's events and which queue what `build/` builds."""
