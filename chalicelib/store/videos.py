"""Access patterns of videos and their transcoding (V1-V7 in docs/data-model.md).

Transcoding advances by conditional writes: every change of stage goes through
`transition`, which refuses a move the stage table (models/video_stages.py) does not declare
and writes it on condition that the video is still in the stage it leaves; each step is
counted only once (its name joins a set in the same write that bumps the counter), so
duplicated S3 events and SQS messages change nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.store import activity_days, catalog, import_quota, infohashes, keys, quotas
from chalicelib.store.counters import add_stats
from chalicelib.store.models import (
    Claim,
    LiveVideo,
    LiveViewers,
    TableItem,
    User,
    Video,
    VideoFile,
    VideoRedundancy,
    WebVideoFile,
)
from chalicelib.store.models.video import (
    PRIVACY_PUBLIC,
    STATE_PUBLISHED,
    STATE_TO_TRANSCODE,
    STATE_TRANSCODING_FAILED,
    published_upload,
)
from chalicelib.store.models.video_stages import (
    LIVE_STAGES,
    PENDING_STAGES,
    SETTLED_STAGES,
    STAGE_DONE,
    STAGE_EDITING,
    STAGE_ENCODING,
    STAGE_FAILED,
    STAGE_PACKAGING,
    STAGE_UPLOADED,
    STAGES,
)
from chalicelib.store.writes import NewClaim, connection, create_items, is_condition_failure

UUID_TAKEN = "A video with this UUID already exists."
# A video in one of PENDING_STAGES is on the pending list (V10) that the sweeper watches.


def create_video(
    video: Video,
    extra: Sequence[TableItem] = (),
    reservation: quotas.Reservation | None = None,
    claims: Sequence[NewClaim] = (),
) -> None:
    """W1 for a video: the item and its UUID claim, with items of its partition created with
    it (the passwords of a password-protected video, a live's settings) and other `claims` (a
    live's stream key) in the same transaction. A local video
    waiting for its file joins the pending list (V10) that the sweeper watches. With a
    `reservation`, its owner's quota is reserved in the same transaction (U6): QuotaChanged
    if the owner's figures moved since they were read."""
    if video.is_local and (video.stage in PENDING_STAGES or video.stage == STAGE_EDITING):
        video.gsi1pk = keys.pending_videos_gsi1pk()
        video.gsi1sk = _progress_key(video.created_at, int(video.id))
    claim = NewClaim(keys.VIDEO_UUID, video.uuid, str(video.id), UUID_TAKEN)
    if reservation is None:
        create_items([video, *extra], [claim, *claims])
        return
    if claims:
        raise ValueError("a video reserving quota takes no other claim")
    reservation.tag(video)
    owner = User(keys.user_pk(int(reservation.user.id)), keys.ENTITY_SK)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(claim.to_item(), condition=Claim.pk.does_not_exist())
            for item in (video, *extra):
                transaction.save(item, condition=TableItem.pk.does_not_exist())
            transaction.update(owner, actions=reservation.actions(), condition=reservation.condition())
    except TransactWriteError as exc:
        # PynamoDB sends the puts, then the update: the owner's is the last.
        reasons = exc.cancellation_reasons or []
        if reasons and reasons[-1] is not None and reasons[-1].code == "ConditionalCheckFailed":
            raise quotas.QuotaChanged from exc
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons):
            raise ConflictError(UUID_TAKEN) from exc
        raise


def _progress_key(when: datetime, video_id: int) -> str:
    return keys.created_sort_key(when.astimezone(UTC).isoformat(), video_id)


def _progressed(video: Video) -> Any:
    """The action that records progress now: the video moves to the end of the pending list."""
    return Video.gsi1sk.set(_progress_key(datetime.now(UTC), int(video.id)))


def _no_longer_pending() -> list[Any]:
    return [Video.gsi1pk.remove(), Video.gsi1sk.remove()]


def _pending_list_actions(video: Video, sources: Sequence[str], to: str) -> list[Any]:
    """What a move does to the video's place on the pending list (V10)."""
    if to in SETTLED_STAGES:
        return _no_longer_pending()
    if to == STAGE_EDITING:
        # An edit is on the list too: one stuck there (its hand-over gave up) is given up by
        # the sweeper (functions/transcoder/sweeper.py).
        return [Video.gsi1pk.set(keys.pending_videos_gsi1pk()), _progressed(video)]
    if to in LIVE_STAGES:
        return []
    if all(source not in PENDING_STAGES for source in sources):  # a live's replay, an import
        return [Video.gsi1pk.set(keys.pending_videos_gsi1pk()), _progressed(video)]
    return [_progressed(video)]


def list_stalled(no_progress_since: datetime, limit: int = 100) -> list[Video]:
    """V10: local videos still on their way to publication that have not progressed since
    the given time, oldest first (a sparse index: published and failed videos leave it)."""
    before = _progress_key(no_progress_since, 0)
    query = Video.by_gsi1.query(keys.pending_videos_gsi1pk(), Video.gsi1sk < before, limit=limit)
    stalled = [item for item in query if isinstance(item, Video)]
    # The index may lag a moment behind the table: read each from the table itself.
    found = get_videos([int(video.id) for video in stalled])
    return [found[int(video.id)] for video in stalled if int(video.id) in found]


def mark_resumed(video: Video) -> bool:
    """Count one resumption by the sweeper, as progress; False if the video left its stage."""
    try:
        video.update(actions=[Video.resumes.add(1), _progressed(video)], condition=Video.stage == video.stage)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def get_video(video_id: int) -> Video | None:
    """V1."""
    try:
        return Video.get(keys.video_pk(video_id), keys.ENTITY_SK)
    except Video.DoesNotExist:
        return None


def get_videos(video_ids: list[int]) -> dict[int, Video]:
    """V1 for many: one BatchGetItem per 100 ids."""
    found = Video.batch_get([(keys.video_pk(i), keys.ENTITY_SK) for i in set(video_ids)])
    return {int(video.id): video for video in found if isinstance(video, Video)}


@dataclass(frozen=True)
class TopFiles:
    """A video's files at one resolution, and its original while it is listed."""

    hls: VideoFile | None = None
    web: WebVideoFile | None = None
    original: WebVideoFile | None = None


def get_top_files(wanted: Sequence[tuple[int, int]]) -> dict[int, TopFiles]:
    """V14: for each (video id, resolution), its HLS file and MP4 web video at that resolution
    and its original web video, where they exist: one BatchGetItem per 33 videos (feeds'
    enclosures)."""
    requested = []
    for video_id, resolution in set(wanted):
        pk = keys.video_pk(video_id)
        requested += [(pk, keys.video_file_sk(resolution)), (pk, keys.web_video_file_sk(resolution))]
        requested.append((pk, keys.ORIGINAL_FILE_SK))
    resolutions = dict(wanted)
    found: dict[int, dict[str, Any]] = {video_id: {} for video_id in resolutions}
    for item in TableItem.batch_get(requested):
        if isinstance(item, VideoFile) and int(item.resolution) == resolutions.get(int(item.video_id)):
            found[int(item.video_id)]["hls"] = item
        elif isinstance(item, WebVideoFile) and int(item.video_id) in found:
            found[int(item.video_id)]["original" if item.original else "web"] = item
    return {video_id: TopFiles(**files) for video_id, files in found.items()}


def find_video_by_uuid(uuid: str) -> Video | None:
    """V2: claim, then video."""
    try:
        claim = Claim.get(keys.claim_pk(keys.VIDEO_UUID, uuid), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return None
    return get_video(int(claim.target))


def start_encoding(video: Video, plan: dict[str, Any], steps_total: int, hls_prefix: str) -> bool:
    """uploaded → encoding, with the plan; False if another delivery got there first."""
    return transition(
        video,
        STAGE_UPLOADED,
        STAGE_ENCODING,
        [
            Video.plan.set(plan),
            Video.steps_total.set(steps_total),
            Video.steps_done.set(0),
            Video.hls_prefix.set(hls_prefix),
            Video.duration.set(round(float(plan["source"].get("duration") or 0))),
            *_aspect_ratio_action(plan["source"]),
        ],
    )


def _aspect_ratio_action(source: dict[str, Any]) -> list[Any]:
    """PeerTube's aspectRatio: width / height to 4 decimals, none without a picture."""
    width, height = source.get("width"), source.get("height")
    return [Video.aspect_ratio.set(round(width / height, 4))] if width and height else []


def start_packaging(video: Video, renditions: int) -> bool:
    """encoding → packaging; the step counter starts again for the renditions."""
    return transition(
        video,
        STAGE_ENCODING,
        STAGE_PACKAGING,
        [Video.steps_total.set(renditions), Video.steps_done.set(0), Video.done_steps.remove()],
    )


def record_step(video: Video, stage: str, step: str, *, within: str | None = None) -> tuple[int, int] | None:
    """Count `step` done (once); (done, total) afterwards, or None if already counted or the
    video has left `stage` (failed, deleted), or, `within` given, the counted set no longer
    holds that marker (a studio edit's: the set was started again for another edit)."""
    condition = (Video.stage == stage) & ~Video.done_steps.contains(step)
    if within is not None:
        condition = condition & Video.done_steps.contains(within)
    try:
        video.update(
            actions=[Video.done_steps.add({step}), Video.steps_done.add(1), _progressed(video)], condition=condition
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return int(video.steps_done), int(video.steps_total)


def start_counting(video: Video, stage: str, marker: str, total: int) -> bool:
    """The step counter started again, for `total` steps, its set holding only `marker` (a
    chunked studio edit's, docs/studio.md): False if the video has left `stage`."""
    try:
        video.update(
            actions=[
                Video.done_steps.set({marker}),
                Video.steps_done.set(0),
                Video.steps_total.set(total),
                _progressed(video),
            ],
            condition=Video.stage == stage,
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def fail(video: Video, reason: str) -> bool:
    """Mark transcoding failed (unless it is over); the owner sees `reason`. Its quota
    reservation, and its place in the owner's daily window, are given back with it."""
    actions = [Video.state.set(STATE_TRANSCODING_FAILED), Video.failure.set(reason[:500])]
    release = quotas.release_actions(video, forget_daily=True) if video.user_id is not None else []
    if not release:
        return transition(video, PENDING_STAGES, STAGE_FAILED, actions)
    # Conditioned on the reservation and its holder as read: given back once, to its holder
    # (an ownership change moves it to the new owner).
    held = Video.quota_reserved == int(video.quota_reserved) if video.quota_reserved else None
    if held is not None and video.user_id is not None:
        held &= Video.user_id == int(video.user_id)
    failed = transition(
        video,
        PENDING_STAGES,
        STAGE_FAILED,
        [*actions, Video.quota_reserved.remove()],
        condition=held,
        also=lambda transaction: transaction.update(_owner(video), actions=release),
    )
    if failed:
        video.quota_reserved = None
    return failed


def _owner(video: Video) -> User:
    return User(keys.user_pk(int(video.user_id or 0)), keys.ENTITY_SK)


def set_upload_id(video: Video, upload_id: str | None) -> None:
    action = Video.upload_id.set(upload_id) if upload_id else Video.upload_id.remove()
    video.update(actions=[action])


def mark_images(video: Video, image_name: str | None = None) -> None:
    """Thumbnail and preview made (under `image_name`, else under the video's UUID)."""
    actions: list[Any] = [Video.has_images.set(True)]
    if image_name:
        actions.append(Video.image_name.set(image_name))
    video.update(actions=actions)


def set_storyboard(video: Video, facts: dict[str, Any], image_name: str) -> bool:
    """Its storyboard was written under `image_name`: record its facts, unless the video is
    gone or its images were renamed meanwhile (False: the caller writes it again)."""
    named = Video.image_name == image_name
    if image_name == video.uuid:  # images under its UUID: no name stored, or the UUID itself
        named = Video.image_name.does_not_exist() | named
    condition = Video.pk.exists() & named
    try:
        video.update(actions=[Video.storyboard.set(facts)], condition=condition)
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def save_file(file: VideoFile) -> None:
    """A packaged resolution (a repeated packaging overwrites it with the same facts)."""
    file.save()


def get_video_with_files(video_id: int) -> tuple[Video | None, list[VideoFile]]:
    """V1 and V3 together: the video and its packaged resolutions, in one Query."""
    video, files, _ = get_video_with_all_files(video_id)
    return video, files


def get_video_with_all_files(
    video_id: int, consistent: bool = False
) -> tuple[Video | None, list[VideoFile], list[WebVideoFile]]:
    """V1, V3 and V3b together: the video, its packaged resolutions and its web videos, in
    one Query (the sort keys ENTITY, FILE#<resolution> and FILE#WEB#... are adjacent;
    comments and view buckets sort outside them). `consistent`: every write before it seen
    (publication: the renditions packaged so far)."""
    items = list(
        TableItem.query(
            keys.video_pk(video_id),
            TableItem.sk.between(keys.ENTITY_SK, keys.FILE_SK_PREFIX + "\uffff"),
            consistent_read=consistent,
        )
    )
    video = next((item for item in items if isinstance(item, Video)), None)
    files = [item for item in items if isinstance(item, VideoFile)]
    return video, files, [item for item in items if isinstance(item, WebVideoFile)]


@dataclass(frozen=True)
class StoredVideo:
    """A video with every item of its partition up to its live settings."""

    video: Video | None
    files: list[VideoFile]
    web_files: list[WebVideoFile]
    live: LiveVideo | None
    live_viewers: list[LiveViewers] = field(default_factory=list)
    redundancies: list[VideoRedundancy] = field(default_factory=list)


def get_video_whole(video_id: int) -> StoredVideo:
    """V8 to `LIVE#VIEWERS#`: the video, its HLS files, its web videos, a live's settings and
    its viewer counters, with its mirrors, in one Query (`ENTITY`, `FILE#<resolution>`,
    `FILE#MIRROR#...`, `FILE#WEB#...`, `LIVE` and `LIVE#VIEWERS#<slot>` sort together)."""
    items = list(
        TableItem.query(keys.video_pk(video_id), TableItem.sk.between(keys.ENTITY_SK, keys.LIVE_VIEWERS_LAST_SK))
    )
    return StoredVideo(
        video=next((item for item in items if isinstance(item, Video)), None),
        files=[item for item in items if isinstance(item, VideoFile)],
        web_files=[item for item in items if isinstance(item, WebVideoFile)],
        live=next((item for item in items if isinstance(item, LiveVideo)), None),
        live_viewers=[item for item in items if isinstance(item, LiveViewers)],
        redundancies=[item for item in items if isinstance(item, VideoRedundancy)],
    )


def list_files(video_id: int) -> list[VideoFile]:
    """V3: the packaged resolutions of a video, in one Query."""
    items = VideoFile.query(keys.video_pk(video_id), VideoFile.sk.startswith(keys.FILE_SK_PREFIX))
    return [item for item in items if isinstance(item, VideoFile)]


def list_web_files(video_id: int) -> list[WebVideoFile]:
    """V3b: the web videos of a video (its original, its MP4 renditions), in one Query."""
    items = WebVideoFile.query(keys.video_pk(video_id), WebVideoFile.sk.startswith(keys.WEB_FILE_SK_PREFIX))
    return [item for item in items if isinstance(item, WebVideoFile)]


def save_web_file(file: WebVideoFile) -> None:
    """A web video, whole (a repeated step overwrites it with the same facts)."""
    file.save()


def set_torrent(file: VideoFile | WebVideoFile, torrent_name: str, info_hash: str) -> bool:
    """The file's torrent, made or remade; False if the file is gone (its video was deleted,
    or transcoding replaced it)."""
    attributes = type(file).get_attributes()
    try:
        file.update(
            actions=[attributes["torrent_name"].set(torrent_name), attributes["info_hash"].set(info_hash)],
            condition=attributes["pk"].exists(),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete_web_files(files: Sequence[WebVideoFile]) -> None:
    """One DeleteItem each (a video has a handful; the transcoder may not BatchWriteItem)."""
    for file in files:
        file.delete()


def publish(
    video: Video,
    when: datetime,
    size: int,
    quota_size: int,
    info_hashes: Sequence[str] = (),
    from_: str = STAGE_PACKAGING,
) -> bool:
    """packaging (or, published progressively, encoding) → done, PUBLISHED; counted in the
    instance statistics if public (unless its first publication counted it already); its P2P
    info hashes become swarms the tracker accepts (P1)."""
    already = int(video.state or 0) == STATE_PUBLISHED
    video.stage = STAGE_DONE
    video.state = STATE_PUBLISHED
    video.published_at = video.published_at or when
    public = int(video.privacy) == PRIVACY_PUBLIC

    def counted(transaction: TransactWrite) -> None:
        for item in infohashes.claims(info_hashes, int(video.id)):
            transaction.save(item)
        stats = {"local_video_files_size": size}
        if public and not already:
            stats.update({"local_videos": 1, "videos": 1})
        add_stats(transaction, stats)
        if video.user_id is not None:
            # PeerTube counts a video's largest file against its owner's quota; the
            # upload's reservation ends in the same write.
            transaction.update(
                _owner(video), actions=quotas.publish_actions(video, quota_size), condition=User.pk.exists()
            )

    # Its files changed: a new `updated` (and so a new Update activity id: remotes take each
    # id once, so Updates sharing one would be dropped as already seen).
    video.updated_at = when
    actions = [
        Video.state.set(STATE_PUBLISHED),
        Video.published_at.set(video.published_at),
        Video.updated_at.set(when),
        Video.files_size.set(size),
        *([Video.info_hashes.set(set(info_hashes))] if info_hashes else []),
        *([Video.quota_reserved.remove()] if video.quota_reserved else []),
    ]
    # Counted once: conditioned on the state read (a first publication in between fails it),
    # and on the owner read (an ownership change in between moved its reservation).
    state = Video.state == STATE_PUBLISHED if already else Video.state != STATE_PUBLISHED
    if video.user_id is not None:
        state &= Video.user_id == int(video.user_id)
    try:
        if not transition(video, from_, STAGE_DONE, actions, condition=state, also=counted):
            return False
    except TransactWriteError:
        return False
    video.info_hashes = set(info_hashes) or None
    video.quota_reserved = None
    activity_days.mark_active("channels", int(video.channel_id), when)
    return True


def publish_first(video: Video, when: datetime, info_hashes: Sequence[str]) -> bool:
    """A video still encoding became playable (its first rendition is packaged): PUBLISHED,
    counted in the instance statistics if public, its swarms claimed; False if it was
    published already (or left the encoding stage). Its stage, files size and quota wait
    for the last rendition (`publish`)."""
    public = int(video.privacy) == PRIVACY_PUBLIC
    published_at = video.published_at or when
    actions: list[Any] = [
        Video.state.set(STATE_PUBLISHED),
        Video.published_at.set(published_at),
        Video.updated_at.set(when),  # as in `publish`
        *([Video.info_hashes.add(set(info_hashes))] if info_hashes else []),
    ]
    try:
        with TransactWrite(connection=connection()) as transaction:
            condition = (Video.stage == STAGE_ENCODING) & (Video.state != STATE_PUBLISHED)
            transaction.update(video, actions=actions, condition=condition)
            for item in infohashes.claims(info_hashes, int(video.id)):
                transaction.save(item)
            if public:
                add_stats(transaction, {"local_videos": 1, "videos": 1})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    video.state = STATE_PUBLISHED
    video.published_at = published_at
    video.updated_at = when
    activity_days.mark_active("channels", int(video.channel_id), when)
    return True


def add_rendition(video: Video, info_hashes: Sequence[str], when: datetime) -> None:
    """A rendition added to a video published progressively: its swarms (claims and the
    video's set; both repeat harmlessly) and a new `updated`, as in `publish`."""
    if info_hashes:
        infohashes.add(info_hashes, int(video.id))
    video.update(
        actions=[Video.updated_at.set(when), *([Video.info_hashes.add(set(info_hashes))] if info_hashes else [])]
    )


def replace_source(
    video: Video,
    files: Sequence[VideoFile],
    web_files: Sequence[WebVideoFile],
    source: tuple[str, str, int],
    when: datetime,
    reservation: quotas.Reservation,
) -> bool:
    """done or failed → uploaded with a new source (`source`: key, client's file name, size):
    its files' items and info hashes go, what its publication counted (instance statistics,
    its largest file on its owner's quota) is taken back, and the new file is reserved on the
    quota, all in one transaction conditioned on the stage read and the owner's quota figures.
    The old files' objects are the caller's to delete. False if the video moved meanwhile."""
    key, filename, size = source
    published = video.stage == STAGE_DONE
    counted: list[VideoFile | WebVideoFile] = [*files, *(w for w in web_files if not w.original)]
    window = {
        entry: value
        for entry, value in quotas.recent_entries(reservation.user, when).items()
        if entry != str(video.quota_key or "")
    }
    window[reservation.key] = size
    owner: list[Any] = [
        User.video_quota_reserved.add(size),
        User.daily_uploads.set(window),
        User.quota_version.add(1),
    ]
    if published:
        owner.append(User.video_quota_used.add(-max((int(f.size) for f in counted), default=0)))
    actions = [
        Video.source_key.set(key),
        Video.input_filename.set(filename),
        Video.source_size.set(size),
        Video.input_file_updated_at.set(when),
        Video.studio_edits.set(0),  # its next publication is a replacement's, not an edit's
        Video.state.set(STATE_TO_TRANSCODE),
        Video.quota_reserved.set(size),
        Video.quota_key.set(reservation.key),
        Video.files_size.set(0),
        Video.steps_total.set(0),
        Video.steps_done.set(0),
        Video.resumes.set(0),
        Video.plan.remove(),
        Video.done_steps.remove(),
        Video.failure.remove(),
        Video.info_hashes.remove(),
        Video.storyboard.remove(),  # drawn again from the new renditions
    ]

    def released(transaction: TransactWrite) -> None:
        for file in [*files, *web_files]:
            transaction.delete(file)
        for item in infohashes.claims(video.info_hashes or (), int(video.id)):
            transaction.delete(item)
        if published:
            stats = {"local_video_files_size": -sum(int(f.size) for f in counted)}
            if int(video.privacy) == PRIVACY_PUBLIC:
                stats.update({"local_videos": -1, "videos": -1})
            add_stats(transaction, stats)
        if video.user_id is not None:
            transaction.update(_owner(video), actions=owner, condition=reservation.condition())

    try:
        if not transition(video, (STAGE_DONE, STAGE_FAILED), STAGE_UPLOADED, actions, also=released):
            return False
    except TransactWriteError:
        return False
    for name, value in (
        ("stage", STAGE_UPLOADED),
        ("source_key", key),
        ("input_filename", filename),
        ("source_size", size),
        ("input_file_updated_at", when),
        ("state", STATE_TO_TRANSCODE),
        ("quota_reserved", size),
        ("quota_key", reservation.key),
        ("plan", None),
        ("done_steps", None),
        ("failure", None),
        ("info_hashes", None),
    ):
        setattr(video, name, value)
    return True


def set_media_names(video: Video, info_hashes: Sequence[str], image_name: str | None) -> None:
    """After its files moved to or from the private directory: the info hashes of its new
    playlist URL replace the old ones (claims included, so the tracker follows), and its
    images' new name."""
    new = set(info_hashes)
    old = set(video.info_hashes or ())
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(
            video,
            actions=[
                Video.info_hashes.set(new) if new else Video.info_hashes.remove(),
                Video.image_name.set(image_name) if image_name else Video.image_name.remove(),
            ],
            condition=Video.pk.exists(),
        )
        for item in infohashes.claims(old - new, int(video.id)):
            transaction.delete(item)
        for item in infohashes.claims(new - old, int(video.id)):
            transaction.save(item)
    video.info_hashes = new or None
    video.image_name = image_name


def update_metadata(video: Video, changes: dict[str, Any], public_delta: int) -> bool:
    """Set (or, for None, remove) attributes of an existing video, moving the public video
    counters by `public_delta` in the same transaction; False if the video is gone."""
    attributes = Video.get_attributes()
    actions: list[Any] = [
        attributes[name].remove() if value is None else attributes[name].set(value) for name, value in changes.items()
    ]
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(video, actions=actions, condition=Video.pk.exists())
            if public_delta:
                add_stats(transaction, {"local_videos": public_delta, "videos": public_delta})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    for name, value in changes.items():
        setattr(video, name, value)
    return True


def transition(
    video: Video,
    from_: str | Collection[str],
    to: str,
    actions: Sequence[Any] = (),
    *,
    condition: Any = None,
    also: Callable[[TransactWrite], None] | None = None,
) -> bool:
    """Move the video from stage `from_` (or any of several) to `to`, with `actions`, in one
    write conditioned on its stage (and on `condition`); with `also`, that callback's writes
    join it in one transaction. False if the video is no longer in `from_` (another delivery
    moved it, or it was deleted).

    Raises UndeclaredMove, before writing anything, for a move the stage table does not
    declare. A move to a terminal stage takes the video off the pending list (V10); any
    other is progress, which puts it at the list's end (a live's replay joins the list as
    it enters the pipeline; a live's own moves leave the list alone: it waits for an encoder).
    """
    sources = (from_,) if isinstance(from_, str) else tuple(from_)
    STAGES.check_move(sources, to)
    where = Video.stage == sources[0] if len(sources) == 1 else Video.stage.is_in(*sources)
    if condition is not None:
        where = where & condition
    changes = [Video.stage.set(to), *actions, *_pending_list_actions(video, sources, to)]
    if also is None:
        try:
            video.update(actions=changes, condition=where)
        except UpdateError as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(video, actions=changes, condition=where)
            also(transaction)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def replace_published(
    video: Video,
    files: Sequence[VideoFile],
    web_files: Sequence[WebVideoFile],
    source_key: str,
    source_size: int,
    edition: int,
    state: int,
) -> bool:
    """A studio edit's result becomes the video's source (editing → uploaded, on the
    pending list): in one transaction, the published renditions' items and info hash claims
    go, and what their publication counted is given back (the instance's statistics, the
    owner's quota: publication counts the new renditions). False if the video left the
    editing stage (deleted, or handed over by another delivery)."""
    counted: list[VideoFile | WebVideoFile] = [*files, *(w for w in web_files if not w.original)]
    size = sum(int(f.size) for f in counted)
    largest = max((int(f.size) for f in counted), default=0)

    def released(transaction: TransactWrite) -> None:
        for item in infohashes.claims(video.info_hashes or (), int(video.id)):
            transaction.delete(item)
        for file in [*files, *web_files]:
            transaction.delete(file)
        if not counted:
            return  # never published (a saveAsNewVideo copy): nothing was counted
        stats = {"local_video_files_size": -size}
        if int(video.privacy) == PRIVACY_PUBLIC:
            stats.update({"local_videos": -1, "videos": -1})
        add_stats(transaction, stats)
        if video.user_id is not None:
            transaction.update(
                _owner(video),
                actions=[User.video_quota_used.add(-largest), User.quota_version.add(1)],
                condition=User.pk.exists(),
            )

    actions = [
        Video.state.set(state),
        Video.source_key.set(source_key),
        Video.source_size.set(source_size),
        Video.studio_edits.set(edition),
        Video.files_size.set(0),
        Video.steps_total.set(0),
        Video.steps_done.set(0),
        Video.resumes.set(0),
        Video.plan.remove(),
        Video.done_steps.remove(),
        Video.info_hashes.remove(),
        Video.renditions_info.remove(),
        Video.failure.remove(),
    ]
    try:
        return transition(video, STAGE_EDITING, STAGE_UPLOADED, actions, also=released)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise


def _quota_given_back(video: Video, counted: Sequence[VideoFile | WebVideoFile], published: bool) -> list[Any]:
    """What a deleted video gives back to its owner: its largest file once published (done),
    its reservation before."""
    if not published:
        return quotas.release_actions(video, forget_daily=True)
    largest = max((int(f.size) for f in counted), default=0)
    owner = [User.video_quota_used.add(-largest), User.quota_version.add(1)]
    if video.quota_key:
        owner.append(User.daily_uploads[str(video.quota_key)].remove())
    return owner


def delete_video(
    video: Video,
    files: list[VideoFile],
    claims: Sequence[Claim] = (),
    web_files: Sequence[WebVideoFile] = (),
) -> bool:
    """Remove a video, its files (HLS and web videos), its UUID claim (and `claims`: a live's
    stream key) and its info hashes (P2); give back its
    quota (what it used once published, what it reserved before) and counts. `video` must
    be the item as read (the catalogue's copy lacks its info hashes and its reservation).
    Conditioned on the stage read, which says what it holds: False if it moved meanwhile
    (read it again) or if the video is gone."""
    published = video.stage == STAGE_DONE
    # In the instance's count of videos from its first publication on (published progressively,
    # before its files' size and its quota, which its last rendition counts).
    listed = published_upload(video)
    # What publication counted: its HLS files and MP4 renditions (not an original left over).
    counted: list[VideoFile | WebVideoFile] = [*files, *(w for w in web_files if not w.original)]
    owner = _quota_given_back(video, counted, published) if video.user_id is not None else []
    try:
        with TransactWrite(connection=connection()) as transaction:
            # On what it holds as read: its first publication moves its state only, and before
            # publication an import's download may move its reservation (store/import_quota.py).
            unmoved = Video.stage == str(video.stage)
            if video.stage == STAGE_ENCODING:
                unmoved &= Video.state == int(video.state)
            transaction.delete(video, condition=unmoved if published else unmoved & import_quota.held_condition(video))
            transaction.delete(Claim(keys.claim_pk(keys.VIDEO_UUID, video.uuid), keys.CLAIM_SK))
            for claim in claims:
                transaction.delete(claim)
            for item in infohashes.claims(video.info_hashes or (), int(video.id)):
                transaction.delete(item)
            transaction.save(catalog.tombstone("Video", int(video.id)))
            for file in [*files, *web_files]:
                transaction.delete(file)
            stats = {"local_video_files_size": -sum(int(f.size) for f in counted)} if published else {}
            if listed and int(video.privacy) == PRIVACY_PUBLIC:
                stats.update({"local_videos": -1, "videos": -1})
            if stats:
                add_stats(transaction, stats)
            if owner:
                transaction.update(_owner(video), actions=owner)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete_leftovers(video_id: int) -> int:
    """What stays in a deleted video's partition (comments, their id claims and their entries
    in the moderation lists, view buckets): removed in batches after the video itself; how
    many items went."""
    from chalicelib.store import moderation
    from chalicelib.store.models import TableItem, VideoComment

    items = list(TableItem.query(keys.video_pk(video_id)))
    comments = [item for item in items if isinstance(item, VideoComment)]
    claims = [Claim(keys.claim_pk(keys.COMMENT_ID, str(int(c.id))), keys.CLAIM_SK) for c in comments]
    # Remote comments are also claimed by URL (a missing claim is simply not deleted).
    claims += [Claim(keys.claim_pk(keys.COMMENT_URL, str(c.url)), keys.CLAIM_SK) for c in comments if c.url]
    # And the moderation lists' entries of the comments not deleted (store/moderation.py).
    entries = [moderation.entry_key_of(c) for c in comments if c.deleted_at is None]
    with TableItem.batch_write() as batch:
        for item in [*items, *claims, *entries]:
            batch.delete(item)
    return len(items) + len(claims) + len(entries)


def claim_transcription(video: Video, marker: str, replacing: str | None) -> bool:
    """VT1: note the transcription under way, conditional on the one noted before
    (`replacing`, None for none): two requests never both start one. False if it changed."""
    condition = Video.transcription_job.does_not_exist() if replacing is None else Video.transcription_job == replacing
    try:
        video.update(actions=[Video.transcription_job.set(marker)], condition=Video.pk.exists() & condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def release_transcription(video: Video, marker: str) -> bool:
    """VT1: forget the transcription `marker` once it ended (only if it is still the one
    noted: a forced transcription replaced it meanwhile); whether it was."""
    try:
        video.update(actions=[Video.transcription_job.remove()], condition=Video.transcription_job == marker)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
