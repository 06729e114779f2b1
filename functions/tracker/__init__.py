"""The WebTorrent websocket tracker (PeerTube's /tracker/socket): its own websocket server in the
container (server.py), an ASGI endpoint for the local gateway (app.py)."""
