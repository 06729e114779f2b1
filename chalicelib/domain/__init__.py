"""Use cases and rules of a PeerTube-compatible instance, free of HTTP and AWS details."""
