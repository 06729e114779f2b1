"""The transcoder function: ingest of uploads and every transcoding step (needs ffmpeg)."""
