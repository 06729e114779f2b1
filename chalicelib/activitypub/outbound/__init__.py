"""Activities Cirrus sends, built as PeerTube builds them (ids, audiences, contexts)."""
