"""Cirrus: the API function (a Chalice app) and its event handlers.

The inbox POSTs are not here: API Gateway routes them to a function of their own
(functions/federation/inbox_post.py, infra/rest_api.py), the only HTTP one to carry JSON-LD.

This file only wires things together: blueprints, middleware, and the Lambda entry point
`handler` that API Gateway invokes (see chalicelib/api/entry.py for why it wraps the app).
"""

from __future__ import annotations

# isort: off
# Before any other import: the garbage collector waits until they are done (chalicelib/import_gc.py).
from chalicelib import import_gc

# isort: on
from chalice.app import Chalice

from chalicelib import subscribers
from chalicelib.api.abuses import abuses_api
from chalicelib.api.account_moves import account_moves_api
from chalicelib.api.accounts import accounts_api
from chalicelib.api.activitypub_actors import activitypub_actors_api
from chalicelib.api.activitypub_playlists import activitypub_playlists_api
from chalicelib.api.activitypub_videos import activitypub_videos_api
from chalicelib.api.actor_images import actor_images_api
from chalicelib.api.appearance import appearance_api
from chalicelib.api.blocklists import blocklists_api
from chalicelib.api.channel_collaborators import channel_collaborators_api
from chalicelib.api.channel_syncs import channel_syncs_api
from chalicelib.api.channels import channels_api
from chalicelib.api.comment_moderation import comment_moderation_api
from chalicelib.api.comments import comments_api
from chalicelib.api.config import config_api
from chalicelib.api.email_flows import email_flows_api
from chalicelib.api.embed_hooks import embed_hooks_api
from chalicelib.api.entry import make_api_handler, problem_middleware
from chalicelib.api.feeds import feeds_api
from chalicelib.api.history import history_api
from chalicelib.api.jobs import jobs_api
from chalicelib.api.lives import lives_api
from chalicelib.api.notifications import notifications_api
from chalicelib.api.oauth import oauth_api
from chalicelib.api.oembed import oembed_api
from chalicelib.api.ownership import ownership_api
from chalicelib.api.player_settings import player_settings_api
from chalicelib.api.playlist_elements import playlist_elements_api
from chalicelib.api.playlists import playlists_api
from chalicelib.api.plugin_files import plugin_files_api
from chalicelib.api.plugin_routes import plugin_routes_api
from chalicelib.api.plugins import plugins_api
from chalicelib.api.push_subscriptions import push_subscriptions_api
from chalicelib.api.ratings import ratings_api
from chalicelib.api.redundancy import redundancy_api
from chalicelib.api.registrations import registrations_api
from chalicelib.api.runners import runners_api
from chalicelib.api.scoped_tokens import scoped_tokens_api
from chalicelib.api.search import search_api
from chalicelib.api.server import server_api
from chalicelib.api.server_follows import server_follows_api
from chalicelib.api.server_logs import server_logs_api
from chalicelib.api.studio import studio_api
from chalicelib.api.subscriptions import subscriptions_api
from chalicelib.api.token_sessions import token_sessions_api
from chalicelib.api.two_factor import two_factor_api
from chalicelib.api.uploads import uploads_api
from chalicelib.api.user_archives import user_archives_api
from chalicelib.api.users import users_api
from chalicelib.api.video_blacklist import video_blacklist_api
from chalicelib.api.video_captions import video_captions_api
from chalicelib.api.video_downloads import video_downloads_api
from chalicelib.api.video_file_management import video_file_management_api
from chalicelib.api.video_file_metadata import video_file_metadata_api
from chalicelib.api.video_files import video_files_api
from chalicelib.api.video_imports import video_imports_api
from chalicelib.api.video_lists import video_lists_api
from chalicelib.api.video_passwords import video_passwords_api
from chalicelib.api.video_reference import video_reference_api
from chalicelib.api.video_sources import video_sources_api
from chalicelib.api.video_stats import video_stats_api
from chalicelib.api.videos import videos_api
from chalicelib.api.views import views_api
from chalicelib.api.watched_words import watched_words_api
from chalicelib.api.well_known import well_known_api
from chalicelib.config import get_settings
from chalicelib.store import table

table.bind(get_settings())
subscribers.register()  # domain events reach federation (domain/events.py)

app = Chalice(app_name="cirrus")
# Uploads (avatars, banners) arrive base64-encoded from API Gateway, like other binaries.
app.api.binary_types.append("multipart/form-data")
for blueprint in (
    abuses_api,
    account_moves_api,
    accounts_api,
    activitypub_actors_api,
    activitypub_playlists_api,
    activitypub_videos_api,
    actor_images_api,
    blocklists_api,
    channels_api,
    channel_collaborators_api,
    comment_moderation_api,
    comments_api,
    config_api,
    email_flows_api,
    feeds_api,
    history_api,
    jobs_api,
    lives_api,
    notifications_api,
    oembed_api,
    oauth_api,
    playlist_elements_api,
    playlists_api,
    plugin_routes_api,
    plugins_api,
    plugin_files_api,
    embed_hooks_api,
    push_subscriptions_api,
    ratings_api,
    scoped_tokens_api,
    registrations_api,
    runners_api,
    search_api,
    server_api,
    server_follows_api,
    server_logs_api,
    redundancy_api,
    subscriptions_api,
    token_sessions_api,
    user_archives_api,
    two_factor_api,
    uploads_api,
    users_api,
    video_lists_api,
    video_blacklist_api,
    video_downloads_api,
    video_file_management_api,
    studio_api,
    ownership_api,
    video_file_metadata_api,
    video_files_api,
    video_imports_api,
    channel_syncs_api,
    video_captions_api,
    video_passwords_api,
    video_reference_api,
    video_sources_api,
    video_stats_api,
    videos_api,
    views_api,
    watched_words_api,
    well_known_api,
    appearance_api,
    player_settings_api,
):
    app.register_blueprint(blueprint)
app.register_middleware(problem_middleware, "http")


def _bootstrap() -> None:
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow

    ensure_instance(get_settings(), utcnow())


handler = make_api_handler(app, startup=_bootstrap)
import_gc.settle()
