"""A remote runner for Cirrus (and the PeerTube runner protocol): `python -m tools.runner`."""
