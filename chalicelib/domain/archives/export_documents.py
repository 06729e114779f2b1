"""What a user's export holds, shaped as PeerTube's `peertube/*.json` documents: the
account and its settings, channels, videos (and which files go with them), playlists,
likes and dislikes, subscriptions and followers, blocklists and the watch history.

Objects are named the way another instance can find them again: actors by handle
(`name@host`), videos and playlists by URL, channels of this user by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from chalicelib.domain.archives import layout
from chalicelib.domain.notifications import settings as notification_settings
from chalicelib.store import actors, blocklists, catalog, follows, history, moderation, playlists, ratings, videos
from chalicelib.store.models.follow import STATE_ACCEPTED
from chalicelib.store.models.playlist import TYPE_WATCH_LATER

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, User, Video


@dataclass
class ExportContents:
    documents: dict[str, Any] = field(default_factory=dict)
    # (name in the archive, key of the file in the uploads bucket)
    files: list[tuple[str, str]] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)


def build(settings: Settings, user: User, account: Actor, with_files: bool) -> ExportContents:
    contents = ExportContents()
    channels = [c for c in actors.list_account_channels(int(account.id), 0, 100) if c.deleting_at is None]
    own_videos = _own_videos(int(account.id))
    contents.videos = own_videos
    docs = contents.documents
    docs[layout.ACCOUNT] = _actor_json(account, settings)
    docs[layout.USER_SETTINGS] = _settings_json(user)
    docs[layout.CHANNELS] = {"channels": [_actor_json(c, settings) for c in channels]}
    channel_names = {int(c.id): str(c.preferred_username) for c in channels}
    video_docs = []
    for video in own_videos:
        archived = None
        if with_files and video.source_key and not video.upload_id:
            extension = _extension(str(video.input_filename or video.source_key))
            archived = layout.video_file_name(str(video.uuid), extension)
            contents.files.append((archived, str(video.source_key)))
        relative = layout.relative_to_documents(archived) if archived else None
        video_docs.append(_video_json(video, channel_names.get(int(video.channel_id)), relative))
    docs[layout.VIDEOS] = {"videos": video_docs}
    docs[layout.PLAYLISTS] = {"videoPlaylists": _playlists_json(int(account.id), channel_names)}
    docs[layout.LIKES] = {"likes": _rates_json(int(account.id), "like")}
    docs[layout.DISLIKES] = {"dislikes": _rates_json(int(account.id), "dislike")}
    docs[layout.FOLLOWING] = {"following": _following_json(int(account.id), settings)}
    docs[layout.FOLLOWERS] = {"followers": _followers_json([account, *channels], settings)}
    docs[layout.BLOCKLIST] = _blocklist_json(int(account.id), settings)
    docs[layout.HISTORY] = {"watchedVideos": _history_json(int(user.id))}
    watched = moderation.read_account(int(account.id))
    lists = sorted(watched.lists, key=lambda item: (item.created_at, int(item.id)))[: layout.MAX_ITEMS]
    docs[layout.WATCHED_WORDS] = {
        "watchedWordLists": [
            {"listName": item.list_name, "words": list(item.words or []), "createdAt": iso(item.created_at),
             "updatedAt": iso(item.updated_at)}
            for item in lists
        ]
    }  # fmt: skip
    docs[layout.AUTO_TAG_POLICIES] = {"reviewComments": [{"name": name} for name in watched.review]}
    return contents


def handle_of(actor: Actor, settings: Settings) -> str:
    return f"{actor.preferred_username}@{actor.host or settings.instance_host}"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z") if moment else None


def _own_videos(account_id: int) -> list[Video]:
    state = catalog.current()
    ids = sorted(
        int(v.id)
        for v in chain(state.videos.values(), state.withheld.values())
        if int(v.account_id) == account_id and v.is_local
    )[: layout.MAX_ITEMS]
    found = videos.get_videos(ids)
    return [found[i] for i in ids if i in found]


def _actor_json(actor: Actor, settings: Settings) -> dict[str, Any]:
    return {
        "url": actor.url,
        "name": actor.preferred_username,
        "handle": handle_of(actor, settings),
        "displayName": actor.display_name,
        "description": actor.description,
        "support": actor.support,
        "createdAt": iso(actor.created_at),
        "updatedAt": iso(actor.updated_at),
    }


def _settings_json(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "emailPublic": bool(user.email_public),
        "nsfwPolicy": user.nsfw_policy,
        "p2pEnabled": bool(user.p2p_enabled),
        "autoPlayVideo": bool(user.auto_play_video),
        "autoPlayNextVideo": bool(user.auto_play_next_video),
        "autoPlayNextVideoPlaylist": bool(user.auto_play_next_video_playlist),
        "videosHistoryEnabled": bool(user.videos_history_enabled),
        "videoLanguages": list(user.video_languages) if user.video_languages else None,
        "language": user.language,
        "theme": user.theme,
        "notificationSettings": notification_settings.settings_of(user),
    }


def _video_json(video: Video, channel_name: str | None, archived: str | None) -> dict[str, Any]:
    return {
        "uuid": video.uuid,
        "url": video.url,
        "name": video.name,
        "description": video.description,
        "support": video.support,
        "category": video.category,
        "licence": video.licence,
        "language": video.language,
        "tags": sorted(video.tags or []),
        "privacy": int(video.privacy),
        "nsfw": bool(video.nsfw),
        "commentsPolicy": int(video.comments_policy) if video.comments_policy is not None else None,
        "downloadEnabled": bool(video.download_enabled),
        "waitTranscoding": bool(video.wait_transcoding),
        "duration": int(video.duration or 0),
        "state": int(video.state),
        "createdAt": iso(video.created_at),
        "publishedAt": iso(video.published_at),
        "originallyPublishedAt": iso(video.originally_published_at),
        "channel": {"name": channel_name},
        "source": {"inputFilename": video.input_filename},
        "archiveFiles": {"videoFile": archived},
    }


def _playlists_json(account_id: int, channel_names: dict[int, str]) -> list[dict[str, Any]]:
    found = []
    for playlist in playlists.list_account_playlists(account_id)[: layout.MAX_ITEMS]:
        elements = playlists.read_elements(int(playlist.id), 1, min(int(playlist.videos_length), layout.MAX_ITEMS))
        linked = videos.get_videos(sorted({int(e.video_id) for e in elements}))
        found.append(
            {
                "uuid": playlist.uuid,
                "url": playlist.url,
                "displayName": playlist.name,
                "description": playlist.description,
                "privacy": int(playlist.privacy),
                "type": int(playlist.playlist_type),
                "channel": {"name": channel_names.get(int(playlist.channel_id))} if playlist.channel_id else None,
                "elements": [
                    {
                        "videoUrl": linked[int(e.video_id)].url,
                        "startTimestamp": e.start_timestamp,
                        "stopTimestamp": e.stop_timestamp,
                    }
                    for e in elements
                    if int(e.video_id) in linked
                ],
                "createdAt": iso(playlist.created_at),
            }
        )
    return found


def _rates_json(account_id: int, rating: str) -> list[dict[str, Any]]:
    rates = ratings.list_account_rates(account_id, rating, newest_first=False, limit=layout.MAX_ITEMS)
    linked = videos.get_videos(sorted({int(r.video_id) for r in rates}))
    return [
        {"videoUrl": linked[int(r.video_id)].url, "createdAt": iso(r.created_at)}
        for r in rates
        if int(r.video_id) in linked
    ]


def _following_json(account_id: int, settings: Settings) -> list[dict[str, Any]]:
    rows = [f for f in follows.list_following(account_id) if f.state == STATE_ACCEPTED][: layout.MAX_ITEMS]
    targets = actors.get_actors({int(f.target_id) for f in rows})
    return [
        {"targetHandle": handle_of(targets[int(f.target_id)], settings), "createdAt": iso(f.created_at)}
        for f in rows
        if int(f.target_id) in targets
    ]


def _followers_json(followed: list[Actor], settings: Settings) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for target in followed:
        rows = [f for f in follows.list_followers(int(target.id)) if f.state == STATE_ACCEPTED]
        people = actors.get_actors({int(f.follower_id) for f in rows})
        found += [
            {
                "handle": handle_of(people[int(f.follower_id)], settings),
                "targetHandle": handle_of(target, settings),
                "createdAt": iso(f.created_at),
            }
            for f in rows
            if int(f.follower_id) in people
        ]
    return found[: layout.MAX_ITEMS]


def _blocklist_json(account_id: int, settings: Settings) -> dict[str, Any]:
    blocks = blocklists.list_blocks(account_id, consistent=True)[: layout.MAX_ITEMS]
    blocked = actors.get_actors({int(b.target_account_id) for b in blocks if b.target_account_id is not None})
    return {
        "instances": [{"host": b.host} for b in blocks if b.host],
        "actors": [
            {"handle": handle_of(blocked[int(b.target_account_id)], settings)}
            for b in blocks
            if b.target_account_id is not None and int(b.target_account_id) in blocked
        ],
    }


def _history_json(user_id: int) -> list[dict[str, Any]]:
    entries = history.list_entries(user_id)[: layout.MAX_ITEMS]
    linked = videos.get_videos(sorted({int(e.video_id) for e in entries}))
    return [
        {"videoUrl": linked[int(e.video_id)].url, "lastTimecode": int(e.current_time), "createdAt": iso(e.updated_at)}
        for e in entries
        if int(e.video_id) in linked
    ]


def _extension(name: str) -> str:
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > name.rfind("/") and dot >= 0 else ""
    return suffix if 1 < len(suffix) <= 6 and suffix[1:].isalnum() else ".mp4"


__all__ = ["TYPE_WATCH_LATER", "ExportContents", "build", "handle_of", "iso"]
