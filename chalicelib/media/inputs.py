"""What ffprobe and ffmpeg may open when they read a file: protocols and demuxers.

An upload is whatever bytes the uploader sent, and ffmpeg chooses its demuxer from those
bytes, not from the name or the declared type. Some demuxers open further URLs named inside
the file (hls, concat, the playlist and image-sequence demuxers...), which from a Lambda in
the account's network would be server-side request forgery. So every input gets:

- a protocol whitelist made from the input's own scheme (a presigned https URL may use
  https and what it rides on; a local path, files only), inherited by anything it opens;
- a demuxer whitelist: the containers of the extensions PeerTube accepts, none of which
  opens another URL (mov's external data references stay off, as by default).
"""

from __future__ import annotations

from urllib.parse import urlsplit

# The demuxers of PeerTube's accepted extensions (chalicelib/domain/videos.py), by ffmpeg's
# short names (a demuxer is allowed when any of its names is listed):
#   mov       .mp4 .mov .qt .mqv .m4v .f4v .3gp .3gpp .3g2 .3gpp2 .m4a
#   matroska  .mkv .webm            avi  .avi          flv   .flv
#   asf       .wmv .wma             mpegts .ts .mts .m2ts
#   mpeg      .mpg .mpe .mpeg .vob  mpegvideo .mpv .m2v .m1v
#   ogg       .ogv .ogg             mxf  .mxf          nut   .nut
#   mp3 wav flac aac ac3            the audio files
UPLOAD_DEMUXERS = (
    "mov",
    "matroska",
    "avi",
    "flv",
    "asf",
    "mpegts",
    "mpeg",
    "mpegvideo",
    "ogg",
    "mxf",
    "nut",
    "mp3",
    "wav",
    "flac",
    "aac",
    "ac3",
)
# What the transcoder itself wrote (chunks, audio): MP4 only.
WORK_DEMUXERS = ("mov",)
# The packaging step's list of chunks, written by the transcoder; its entries are work files.
CONCAT_DEMUXERS = ("concat", *WORK_DEMUXERS)
# A live session's segments (the ingest's MPEG-TS), joined into its replay's source.
LIVE_CONCAT_DEMUXERS = ("concat", "mpegts")

REFUSED_MARK = "not on whitelist"
REFUSED_REASON = "it is not a video or audio file Cirrus accepts (playlists, lists of files and images are refused)"

_PROTOCOLS = {"https": "https,tls,tcp", "http": "http,tcp", "file": "file"}


def protocols_for(source: str) -> str:
    """The protocols reading `source` needs, and nothing else."""
    scheme = urlsplit(source).scheme.lower() if "://" in source else "file"
    try:
        return _PROTOCOLS[scheme]
    except KeyError:
        raise ValueError(f"no input is read over {scheme!r}") from None


def input_options(source: str, demuxers: tuple[str, ...] = UPLOAD_DEMUXERS) -> list[str]:
    """Options to put before `source` (ffmpeg's `-i`, or ffprobe's input)."""
    return ["-protocol_whitelist", protocols_for(source), "-format_whitelist", ",".join(demuxers)]


def user_input(source: str) -> list[str]:
    """`-i source` for an uploaded file, with its whitelists."""
    return [*input_options(source), "-i", source]


def work_input(source: str, demuxers: tuple[str, ...] = WORK_DEMUXERS) -> list[str]:
    """`-i source` for a file the transcoder wrote (defence in depth: nothing else reads it)."""
    return [*input_options(source, demuxers), "-i", source]


def refused(stderr: str) -> bool:
    """Whether ffmpeg stopped because the input's demuxer or a protocol is not allowed."""
    return REFUSED_MARK in stderr or "Protocol not allowed" in stderr or "not in whitelist" in stderr
