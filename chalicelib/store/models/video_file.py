"""A video's files: one packaged HLS resolution (a playlist and its fragmented MP4), or one
web video (a whole file: the uploaded original until transcoding replaces it, or an MP4
rendition). Each may have a .torrent (media/torrents.py)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.models.base import TableItem


class VideoFile(TableItem, discriminator="VideoFile"):
    video_id = NumberAttribute()
    resolution = NumberAttribute()  # 0 for audio only
    width = NumberAttribute()
    height = NumberAttribute()
    fps = NumberAttribute()
    size = NumberAttribute()
    duration = NumberAttribute()
    bandwidth = NumberAttribute()
    codecs = UnicodeAttribute()
    playlist_name = UnicodeAttribute()
    media_name = UnicodeAttribute()
    remote_url = UnicodeAttribute(null=True)  # a remote video's file, where its origin serves it
    torrent_name = UnicodeAttribute(null=True)  # its .torrent (layout.torrent_key)
    info_hash = UnicodeAttribute(null=True)  # of that torrent, 40 hex characters


class WebVideoFile(TableItem, discriminator="WebVideoFile"):
    video_id = NumberAttribute()
    original = BooleanAttribute(default=False)  # the uploaded file itself
    resolution = NumberAttribute()  # PeerTube's: the short side, 0 for audio only
    width = NumberAttribute()
    height = NumberAttribute()
    fps = NumberAttribute()
    size = NumberAttribute()
    extension = UnicodeAttribute()  # ".mp4", ".webm" ...: what PeerTube calls its extname
    file_name = UnicodeAttribute()  # layout.web_video_key
    content_type = UnicodeAttribute()
    has_audio = BooleanAttribute()
    has_video = BooleanAttribute()
    torrent_name = UnicodeAttribute(null=True)  # null until its torrent is made
    info_hash = UnicodeAttribute(null=True)
