"""Restoring an archive into a user's account, section by section as PeerTube's importer
does: the account's profile and settings, channels, blocklists, likes and dislikes,
subscriptions, videos (each file through the normal upload pipeline), playlists, the
watch history, watched-word lists and the review policy of automatic tags.

Everything goes through the same domain cases as the API, as the importing user: an item
that names another user's channel, a video this user may not see, or holds wrong types is
refused alone and counted (`errors`), never applied. Documents of the wrong shape refuse
the whole archive before anything is restored (`check_documents`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from chalicelib.domain import (
    automatic_tags,
    blocklists,
    channels,
    playlist_elements,
    playlists,
    ratings,
    subscriptions,
    watched_words,
)
from chalicelib.domain import users as user_cases
from chalicelib.domain import videos as video_cases
from chalicelib.domain.archives import layout
from chalicelib.domain.archives.reader import Archive, ArchiveRefused
from chalicelib.domain.handles import is_handle, is_host
from chalicelib.domain.notifications import settings as notification_settings
from chalicelib.domain.playlist_forms import read_playlist_form
from chalicelib.errors import CirrusError, ConflictError
from chalicelib.observability import logger
from chalicelib.store import actors, catalog, history, moderation, remote_videos, user_archives, videos
from chalicelib.store import playlists as store_playlists
from chalicelib.store.models.playlist import TYPE_WATCH_LATER

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, OAuthToken, Playlist, User, Video

# A remote account or channel by handle, fetched when this instance does not know it yet
# (activitypub/archive_documents.py): the domain does not fetch remote actors itself.
ResolveAccount = Callable[[str], "Actor | None"]

SECTIONS = ("account", "userSettings", "channels", "blocklist", "likes", "dislikes", "following", "videos",
            "videoPlaylists", "userVideoHistory", "watchedWordsLists", "commentAutoTagPolicies")  # fmt: skip
PRIVACY_PASSWORD, PRIVACY_PRIVATE = 5, 3
SETTINGS = ("nsfwPolicy", "videoLanguages", *user_cases.ME_BOOLEANS)
VIDEO_FIELDS = ("name", "description", "support", "category", "licence", "language", "tags", "privacy", "nsfw",
                "commentsPolicy", "downloadEnabled", "waitTranscoding", "originallyPublishedAt")  # fmt: skip
# The documents' top-level shapes: each is an object holding one list of objects.
LISTS = {
    layout.CHANNELS: "channels",
    layout.VIDEOS: "videos",
    layout.PLAYLISTS: "videoPlaylists",
    layout.LIKES: "likes",
    layout.DISLIKES: "dislikes",
    layout.FOLLOWING: "following",
    layout.HISTORY: "watchedVideos",
    layout.WATCHED_WORDS: "watchedWordLists",
    layout.AUTO_TAG_POLICIES: "reviewComments",
}


@dataclass
class Summary:
    """PeerTube's resultSummary: per section, what was restored, already there, or refused."""

    stats: dict[str, dict[str, int]] = field(
        default_factory=lambda: {s: {"success": 0, "duplicates": 0, "errors": 0} for s in SECTIONS}
    )

    def count(self, section: str, outcome: str) -> None:
        self.stats[section][outcome] += 1


@dataclass
class Restorer:
    archive: Archive
    settings: Settings
    user: User
    account: Actor
    now: datetime
    resolve_account: ResolveAccount
    summary: Summary = field(default_factory=Summary)
    documents: dict[str, Any] = field(default_factory=dict)
    # The archive's video URLs -> the videos made from them here (playlists, history, rates).
    imported_videos: dict[str, Video] = field(default_factory=dict)

    def run(self) -> Summary:
        self.documents = check_documents(self.archive)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("account", self._account),
            ("userSettings", self._settings),
            ("channels", self._channels),
            ("blocklist", self._blocklist),
            ("videos", self._videos),
            ("likes", lambda: self._rates(layout.LIKES, "like")),
            ("dislikes", lambda: self._rates(layout.DISLIKES, "dislike")),
            ("following", self._following),
            ("videoPlaylists", self._playlists),
            ("userVideoHistory", self._history),
            ("watchedWordsLists", self._watched_words),
            ("commentAutoTagPolicies", self._review_policy),
        ]
        for section, step in steps:
            step()
            logger.info("user import section done", extra={"section": section, **self.summary.stats[section]})
        return self.summary

    # Sections ----------------------------------------------------------------------------

    def _account(self) -> None:
        doc = self.documents.get(layout.ACCOUNT)
        if not isinstance(doc, dict):
            return
        body = {k: doc[k] for k in ("displayName", "description") if isinstance(doc.get(k), str)}
        self._attempt("account", self._update_me, body)

    def _settings(self) -> None:
        doc = self.documents.get(layout.USER_SETTINGS)
        if not isinstance(doc, dict):
            return
        body = {k: doc[k] for k in SETTINGS if k in doc and doc[k] is not None}
        self._attempt("userSettings", self._update_me, body)
        if isinstance(doc.get("notificationSettings"), dict):
            self._attempt("userSettings", notification_settings.update, self.user, doc["notificationSettings"])

    def _update_me(self, body: dict[str, Any]) -> None:
        # No password nor email in `body`: the session argument is never used.
        user_cases.update_me(self.user, self.account, body, self.now, cast("OAuthToken", None))

    def _channels(self) -> None:
        for item in self._items(layout.CHANNELS, "channels"):
            name = item.get("name")
            if isinstance(name, str) and actors.find_local_actor(name) is not None:
                # A name taken here, by this user or another (PeerTube counts both as
                # duplicates): nothing of it changes; videos naming another's channel are refused.
                self.summary.count("channels", "duplicates")
                continue
            body = {k: item[k] for k in ("name", "displayName", "description", "support") if item.get(k) is not None}
            self._attempt("channels", channels.create_channel, self.settings, self.user, body, self.now)

    def _blocklist(self) -> None:
        doc = self.documents.get(layout.BLOCKLIST)
        if not isinstance(doc, dict):
            return
        owner = int(self.account.id)
        for item in _objects(doc.get("instances")):
            host = item.get("host")
            if not isinstance(host, str) or not is_host(host):
                self.summary.count("blocklist", "errors")
                continue
            self._attempt("blocklist", blocklists.block_server, owner, {"host": host}, self.settings, self.now)
        for item in _objects(doc.get("actors")):
            handle = item.get("handle")
            if not isinstance(handle, str) or not is_handle(handle) or self._account_by_handle(handle) is None:
                self.summary.count("blocklist", "errors")
                continue
            self._attempt(
                "blocklist",
                blocklists.block_account,
                owner,
                self.user,
                {"accountName": handle},
                self.settings,
                self.now,
            )

    def _following(self) -> None:
        for item in self._items(layout.FOLLOWING, "following"):
            handle = item.get("targetHandle")
            if not isinstance(handle, str) or not subscriptions.is_handle(handle):
                self.summary.count("following", "errors")
                continue
            self._attempt("following", subscriptions.subscribe, self.user, handle, self.settings, self.now)

    def _videos(self) -> None:
        for item in self._items(layout.VIDEOS, "videos"):
            self._attempt("videos", self._video, item)

    def _video(self, item: dict[str, Any]) -> None:
        archived = (
            (item.get("archiveFiles") or {}).get("videoFile") if isinstance(item.get("archiveFiles"), dict) else None
        )
        if not archived:
            # PeerTube imports a video only with its file.
            raise ArchiveItemRefused("no video file in the archive")
        entry = layout.resolve(layout.VIDEOS, archived) if isinstance(archived, str) else None
        if entry is None or entry not in self.archive.names:
            raise ArchiveItemRefused("the video file is not in the archive")
        channel_name = (item.get("channel") or {}).get("name") if isinstance(item.get("channel"), dict) else None
        channel = self._own_channel(channel_name) if isinstance(channel_name, str) else None
        if channel is None:
            raise ArchiveItemRefused("the video's channel is not one of this user's")
        if self._has_video(channel, item.get("name"), item.get("duration")):
            raise ConflictError("a video of that name and duration is in the channel already")
        fields = {k: item[k] for k in VIDEO_FIELDS if item.get(k) is not None}
        if fields.get("privacy") == PRIVACY_PASSWORD:
            fields["privacy"] = PRIVACY_PRIVATE  # the archive does not carry the passwords
        fields["channelId"] = int(channel.id)
        form = video_cases.read_form(fields)
        size = self.archive.size(entry)
        filename = entry.rsplit("/", 1)[-1]
        video, _ = video_cases.create_local_video(self.settings, self.user, form, size, filename, self.now)
        writer = user_archives.MultipartWriter(str(video.source_key), 8 * 1024 * 1024, "video/mp4")
        try:
            self.archive.copy(entry, writer.write)
            writer.close()  # ObjectCreated: the transcoder takes it from here, as any upload
        except Exception:
            writer.abort()
            video_cases.remove_video(video)
            raise
        if isinstance(item.get("url"), str):
            self.imported_videos[item["url"]] = video

    def _rates(self, name: str, rating: str) -> None:
        section = "likes" if rating == "like" else "dislikes"
        for item in self._items(name, section):
            video = self._video_by_url(item.get("videoUrl"))
            if video is None:
                self.summary.count(section, "errors")
                continue
            self._attempt(section, ratings.rate, video, self.user, rating, self.now)

    def _playlists(self) -> None:
        for item in self._items(layout.PLAYLISTS, "videoPlaylists"):
            self._attempt("videoPlaylists", self._playlist, item)

    def _playlist(self, item: dict[str, Any]) -> None:
        if item.get("type") == TYPE_WATCH_LATER:
            playlist = playlists.watch_later_of(self.settings, int(self.account.id), self.now)
        else:
            name = item.get("displayName")
            if any(p.name == name and int(p.playlist_type) != TYPE_WATCH_LATER for p in self._own_playlists()):
                raise ConflictError("a playlist of that name is in the account already")
            fields = {k: item[k] for k in ("displayName", "description", "privacy") if item.get(k) is not None}
            channel_name = (item.get("channel") or {}).get("name") if isinstance(item.get("channel"), dict) else None
            if channel_name is not None:
                channel = self._own_channel(channel_name) if isinstance(channel_name, str) else None
                if channel is None:
                    raise ArchiveItemRefused("the playlist's channel is not one of this user's")
                fields["videoChannelId"] = int(channel.id)
            playlist = playlists.create(
                self.settings, self.user, read_playlist_form(fields, creating=True), None, self.now
            )
        for element in _objects(item.get("elements"))[: layout.MAX_ITEMS]:
            video = self._video_by_url(element.get("videoUrl"))
            if video is None:
                continue
            times = playlist_elements.read_timestamps(
                {k: element[k] for k in ("startTimestamp", "stopTimestamp") if element.get(k) is not None}
            )
            playlist = playlists.find_playlist(str(playlist.id)).playlist  # its current length
            playlist_elements.add(self.settings.instance_url, playlist, video, times, self.now)

    def _history(self) -> None:
        if not self.user.videos_history_enabled:
            return  # as PeerTube: the user chose not to keep one (the archive's settings came first)
        for item in self._items(layout.HISTORY, "userVideoHistory"):
            video = self._video_by_url(item.get("videoUrl"))
            timecode = item.get("lastTimecode")
            if video is None or not isinstance(timecode, int) or isinstance(timecode, bool) or timecode < 0:
                self.summary.count("userVideoHistory", "errors")
                continue
            history.save_entry(int(self.user.id), int(video.id), timecode, self.now)
            self.summary.count("userVideoHistory", "success")

    # Helpers -----------------------------------------------------------------------------

    def _watched_words(self) -> None:
        """Each list as a new one (the same checks as the API); one whose name the account
        already uses is a duplicate."""
        account_id = int(self.account.id)
        taken = {str(item.list_name) for item in moderation.read_account(account_id, consistent=True).lists}
        for item in self._items(layout.WATCHED_WORDS, "watchedWordsLists"):
            name = item.get("listName")
            if isinstance(name, str) and name.strip() in taken:
                self.summary.count("watchedWordsLists", "duplicates")
                continue
            body = {"listName": name, "words": item.get("words")}
            self._attempt("watchedWordsLists", watched_words.create, account_id, body, self.now)
            if isinstance(name, str):
                taken.add(name.strip())

    def _review_policy(self) -> None:
        """The tags that hold comments for review, added to the account's: each must name one
        of its lists (restored just before) or a core tag."""
        account_id = int(self.account.id)
        found = moderation.read_account(account_id, consistent=True)
        usable = {str(item.list_name) for item in found.lists} | set(automatic_tags.CORE_TAGS)
        review = list(found.review)
        for item in self._items(layout.AUTO_TAG_POLICIES, "commentAutoTagPolicies"):
            name = item.get("name")
            if name in review:
                self.summary.count("commentAutoTagPolicies", "duplicates")
            elif isinstance(name, str) and name in usable:
                review.append(name)
                self.summary.count("commentAutoTagPolicies", "success")
            else:
                self.summary.count("commentAutoTagPolicies", "errors")
        if review != found.review:
            moderation.set_review_policy(account_id, review)

    def _items(self, name: str, section: str) -> list[dict[str, Any]]:
        doc = self.documents.get(name)
        if doc is None:
            return []
        items = doc[LISTS[name]]
        valid = _objects(items)
        for _ in range(len(items) - len(valid)):
            self.summary.count(section, "errors")
        return valid[: layout.MAX_ITEMS]

    def _attempt(self, section: str, action: Callable[..., Any], *args: Any) -> None:
        try:
            action(*args)
        except ConflictError:
            self.summary.count(section, "duplicates")
            return
        except (CirrusError, ArchiveItemRefused, ValueError, TypeError, KeyError) as exc:
            logger.info("user import item refused", extra={"section": section, "reason": str(exc)[:300]})
            self.summary.count(section, "errors")
            return
        self.summary.count(section, "success")

    def _own_playlists(self) -> list[Playlist]:
        return store_playlists.list_account_playlists(int(self.account.id))

    def _has_video(self, channel: Actor, name: object, duration: object) -> bool:
        """PeerTube's duplicate: a video of the same name in the channel, within a second (a
        video still waiting for its transcoding has no duration yet: the name decides)."""
        seconds = duration if isinstance(duration, int | float) and not isinstance(duration, bool) else None
        return any(
            v.name == name and (seconds is None or not v.duration or abs(int(v.duration) - seconds) <= 1)
            for v in catalog.current().videos.values()
            if int(v.channel_id) == int(channel.id)
        )

    def _own_channel(self, name: str) -> Actor | None:
        channel = actors.find_local_actor(name)
        if channel is None or channel.actor_type != "Group" or channel.deleting_at is not None:
            return None
        return channel if int(channel.account_id or 0) == int(self.account.id) else None

    def _account_by_handle(self, handle: str) -> Actor | None:
        return blocklists.find_account(self.settings, handle) or self.resolve_account(handle)

    def _video_by_url(self, url: object) -> Video | None:
        """A video the archive names by URL: one it brought, or one this instance knows and
        the user may see (never another user's private video)."""
        if not isinstance(url, str) or len(url) > 2000:
            return None
        local_prefix = f"{self.settings.instance_url}/videos/watch/"
        if url in self.imported_videos:
            video: Video | None = self.imported_videos[url]
        elif url.startswith(local_prefix):
            video = videos.find_video_by_uuid(url.removeprefix(local_prefix))
        else:
            video = remote_videos.find_by_url(url)
        if video is None:
            return None
        try:
            video_cases.check_can_see(video, self.user, by_uuid=True)
        except CirrusError:
            return None
        return videos.get_video(int(video.id))


class ArchiveItemRefused(Exception):
    """One item of the archive cannot be restored (counted as an error, the rest goes on)."""


def check_documents(archive: Archive) -> dict[str, Any]:
    """Every known document, read and checked for its shape, before anything is restored."""
    documents: dict[str, Any] = {}
    for name in (layout.ACCOUNT, layout.USER_SETTINGS, layout.BLOCKLIST, *LISTS):
        document = archive.document(name)
        if document is None:
            continue
        if not isinstance(document, dict):
            raise ArchiveRefused(f"{name} should hold a JSON object.")
        if name in LISTS and not isinstance(document.get(LISTS[name]), list):
            raise ArchiveRefused(f"{name} should hold a list named {LISTS[name]!r}.")
        if name == layout.BLOCKLIST and not all(
            isinstance(document.get(key, []), list) for key in ("instances", "actors")
        ):
            raise ArchiveRefused(f"{name} should hold the lists 'instances' and 'actors'.")
        documents[name] = document
    return documents


def _objects(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
