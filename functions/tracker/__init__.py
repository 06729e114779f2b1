"""The WebTorrent websocket tracker (PeerTube's /tracker/socket), a FastAPI app run by uvicorn."""
