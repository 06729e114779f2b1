"""PeerTube's server hook names (packages/models/src/plugins/server/server-hook.model.ts),
the ones a Cirrus plugin may register. A name outside this set is a typo or a hook Cirrus
does not run: registration logs and counts it at start-up and ignores it, so a plugin
written for a newer PeerTube still loads."""

from __future__ import annotations

FILTER = "filter"
ACTION = "action"

SERVER_HOOKS: frozenset[str] = frozenset(
    {
        # Video lists and reads.
        "filter:api.videos.list.params",
        "filter:api.videos.list.result",
        "filter:api.video.get.result",
        "filter:api.accounts.videos.list.params",
        "filter:api.accounts.videos.list.result",
        "filter:api.video-channels.videos.list.params",
        "filter:api.video-channels.videos.list.result",
        "filter:api.user.me.videos.list.params",
        "filter:api.user.me.videos.list.result",
        "filter:api.overviews.videos.list.params",
        "filter:api.overviews.videos.list.result",
        "filter:api.search.videos.local.list.params",
        "filter:api.search.videos.local.list.result",
        "filter:api.search.video-channels.local.list.params",
        "filter:api.search.video-channels.local.list.result",
        "filter:api.search.video-playlists.local.list.params",
        "filter:api.search.video-playlists.local.list.result",
        "filter:api.video-playlist.videos.list.params",
        "filter:api.video-playlist.videos.list.result",
        "filter:api.user.me.subscription-videos.list.params",
        "filter:api.user.me.subscription-videos.list.result",
        # What a user may create.
        "filter:api.video.upload.accept.result",
        "filter:api.live-video.create.accept.result",
        "filter:api.video.pre-import-url.accept.result",
        "filter:api.video.pre-import-torrent.accept.result",
        "filter:api.video.post-import-url.accept.result",
        "filter:api.video.post-import-torrent.accept.result",
        "filter:api.video.user-import.accept.result",
        "filter:api.video.update-file.accept.result",
        "filter:api.video-thread.create.accept.result",
        "filter:api.video-comment-reply.create.accept.result",
        "filter:api.video-threads.list.params",
        "filter:api.video-threads.list.result",
        "filter:api.video-thread-comments.list.params",
        "filter:api.video-thread-comments.list.result",
        "filter:api.user.signup.allowed.result",
        "filter:api.user.request-signup.allowed.result",
        "filter:api.download.video.allowed.result",
        "filter:api.download.torrent.allowed.result",
        "filter:api.download.generated-video.allowed.result",
        "filter:html.embed.video.allowed.result",
        "filter:html.embed.video-playlist.allowed.result",
        "filter:api.login.params",
        # Moderation and federation.
        "filter:video.auto-blacklist.result",
        "filter:activity-pub.remote-video-comment.create.accept.result",
        "filter:activity-pub.activity.context.build.result",
        # Jobs and transcoding.
        "filter:job-queue.process.params",
        "filter:job-queue.process.result",
        "filter:transcoding.manual.resolutions-to-transcode.result",
        "filter:transcoding.auto.resolutions-to-transcode.result",
        "filter:api.server.stats.get.result",
        "filter:feed.podcast.channel.create-custom-tags.result",
        "filter:feed.podcast.video.create-custom-tags.result",
        "filter:feed.podcast.rss.create-custom-xmlns.result",
        # Actions: told after the change is stored.
        "action:application.listening",
        "action:notifier.notification.created",
        "action:api.video.updated",
        "action:api.video.deleted",
        "action:api.video.uploaded",
        "action:api.video.viewed",
        "action:api.video.file-updated",
        "action:api.video-channel.created",
        "action:api.video-channel.updated",
        "action:api.video-channel.deleted",
        "action:api.live-video.created",
        "action:live.video.state.updated",
        "action:api.video-thread.created",
        "action:api.video-comment-reply.created",
        "action:api.video-comment.deleted",
        "action:api.video-caption.created",
        "action:api.video-caption.deleted",
        "action:api.user.blocked",
        "action:api.user.unblocked",
        "action:api.user.registered",
        "action:api.user.requested-registration",
        "action:api.user.created",
        "action:api.user.deleted",
        "action:api.user.updated",
        "action:api.user.oauth2-got-token",
        "action:api.video-playlist-element.created",
        "action:activity-pub.remote-video.created",
        "action:activity-pub.remote-video.updated",
    }
)


def kind_of(name: str) -> str:
    """`filter` or `action`: the part before the first colon."""
    return name.split(":", 1)[0]
