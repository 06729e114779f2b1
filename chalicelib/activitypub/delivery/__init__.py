"""Outbound federation: activities fanned out to inboxes through SQS, signed, and retried."""
