"""Notifications (PeerTube's user notifications): types and settings, the JSON, making them
from domain events through the work queue, and pushing them live. See docs/notifications.md."""
