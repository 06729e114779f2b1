"""The live ingest: an RTMP endpoint for encoders (OBS, ffmpeg), their streams transcoded to
the live ladder as HLS with segments-sha256.json, the video's state moved, sessions that
survive a dropped connection (docs/live.md)."""
