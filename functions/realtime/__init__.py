"""The real-time channel's Lambda functions (API Gateway WebSocket routes and the pinger)."""
