"""Lambda entry points of PeerTube's remote runner protocol's background work."""
