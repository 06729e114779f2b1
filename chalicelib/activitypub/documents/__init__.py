"""Cirrus' objects as ActivityPub JSON, in PeerTube's vocabulary and key order."""
