"""Inbound federation: POSTs to the inboxes are checked here, then processed from a queue."""
