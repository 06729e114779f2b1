"""Where an import's download runs (docs/imports.md, "Where a download runs"), over moto and
a loopback HTTP server: a download that fits in the work function's time runs there; one
whose announced size does not, and every torrent, goes to the import task, started with
ECS RunTask (moto's ECS) and run here through its entry point, whose result the work
function checks and hands over; a deployment without the task fails a torrent import with a
clear error. Also PeerTube's import.videos.concurrency (a slot per running import) and
import.videos.timeout (a download past it fails the import)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from tests import torrents
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.local_http import allow_loopback, serving
from tests.queue_runner import drain

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
IMPORTS = "/api/v1/videos/imports"
MINE = "/api/v1/users/me/videos/imports"
CLUSTER, FAMILY = "cirrus-imports", "cirrus-import"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("served")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=500",
         "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-pix_fmt", "yuv420p",
         str(directory / "clip.mp4")],
        check=True,
    )  # fmt: skip
    return directory


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/slow.mp4":  # announces 10 MB, sends a KB every 0.2 s
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(10 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"\x00" * 1024)
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        super().do_GET()

    def guess_type(self, path: Any) -> str:
        return "video/mp4"


@pytest.fixture
def server(files: Path) -> Iterator[str]:
    with serving(_Handler, files) as url:
        yield url


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


def _with_ecs(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """The deployment's import task: a cluster and a task definition (moto's ECS), named in
    the work function's settings as template.yaml names them."""
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    # moto 5.2's RunTask of an awsvpc task reads an attribute its ENIs lack (a moto bug).
    if not hasattr(NetworkInterface, "private_dns_name"):
        monkeypatch.setattr(NetworkInterface, "private_dns_name", "ip-10-82-0-10.ec2.internal", raising=False)
    ec2 = aws.botocore_session().create_client(
        "ec2", region_name=get_settings().aws_region, endpoint_url=get_settings().aws_endpoint_url
    )
    vpc = ec2.create_vpc(CidrBlock="10.82.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.82.{16 * i}.0/20")["Subnet"]["SubnetId"] for i in (0, 1)]
    group = ec2.create_security_group(GroupName="import", Description="import tasks", VpcId=vpc)["GroupId"]
    ecs = aws.ecs()
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family=FAMILY,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
        # moto counts each container's memory (Fargate does not need it).
        containerDefinitions=[{"name": "import", "image": "cirrus-import:test", "essential": True, "memory": 1024}],
    )
    for name, value in {
        "CIRRUS_IMPORT_TASK_CLUSTER": CLUSTER,
        "CIRRUS_IMPORT_TASK_DEFINITION": FAMILY,
        "CIRRUS_IMPORT_TASK_SUBNETS": ",".join(subnets),
        "CIRRUS_IMPORT_TASK_SECURITY_GROUP": group,
        **env,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def _started_tasks() -> list[dict[str, Any]]:
    ecs = aws.ecs()
    arns = ecs.list_tasks(cluster=CLUSTER)["taskArns"]
    return list(ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"]) if arns else []


def _enable(api: ApiClient, *, torrent: bool = False, concurrency: int | None = None) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["import"]["videos"]["http"]["enabled"] = True
    custom["import"]["videos"]["torrent"]["enabled"] = torrent
    if concurrency is not None:
        custom["import"]["videos"]["concurrency"] = concurrency
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200


def _import(api: ApiClient, member: Any, **fields: Any) -> int:
    response = api.post_json(IMPORTS, {"channelId": member.channel_id, "privacy": 1, **fields}, member.token)
    assert response.status == 200, response.body
    return int(response.json()["id"])


def _state(api: ApiClient, member: Any, import_id: int) -> dict[str, Any]:
    found = api.get_as(MINE, member.token).json()["data"]
    return dict(next(item for item in found if item["id"] == import_id))


@pytest.fixture
def stack_api(monkeypatch: pytest.MonkeyPatch, loopback: None) -> Iterator[tuple[dict[str, Any], ApiClient]]:
    from chalicelib.domain import events
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from tests.local_endpoint import endpoint_with_resources

    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
    with endpoint_with_resources(monkeypatch) as stack, events.isolated():
        instance = ensure_instance(get_settings(), utcnow())
        yield stack, ApiClient(instance.client.client_id, instance.client.client_secret)


# --- The choice ---------------------------------------------------------------------------------


def test_the_announced_size_decides_whether_the_work_function_can_download_it() -> None:
    from chalicelib.domain.video_imports import fits_in_lambda

    rate = 8 * 1024 * 1024
    assert fits_in_lambda(None, None, 240, rate)  # nothing announced: tried, the clock hands it on
    assert fits_in_lambda(1024**3, None, 240, rate)  # 1 GiB in 240 s at 8 MiB/s: 128 s
    assert not fits_in_lambda(3 * 1024**3, None, 240, rate)
    assert fits_in_lambda(None, 120, 240, rate)  # 2 minutes of video
    assert not fits_in_lambda(None, 3 * 3600, 240, rate)  # a 3-hour film
    assert fits_in_lambda(10, 3 * 3600, 240, rate)  # a size wins over a duration


@needs_ffmpeg
def test_a_download_that_fits_runs_in_the_work_function(
    stack_api: tuple[dict[str, Any], ApiClient], server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.members import standard_people

    _, api = stack_api
    _with_ecs(monkeypatch)
    _enable(api)
    alice = standard_people(api)["alice"]
    import_id = _import(api, alice, targetUrl=f"{server}/clip.mp4")
    assert drain("work") == 1
    assert _state(api, alice, import_id)["state"] == {"id": 2, "label": "Success"}
    assert _started_tasks() == []


@needs_ffmpeg
def test_a_download_too_long_for_the_work_function_goes_to_the_import_task(
    stack_api: tuple[dict[str, Any], ApiClient], server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import import_slots, videos
    from functions.imports import task
    from tests.members import standard_people

    _, api = stack_api
    # The clip's 170 KB at 1 KB/s: longer than the work function's time.
    _with_ecs(monkeypatch, CIRRUS_IMPORT_LAMBDA_BYTES_PER_SECOND="1024")
    _enable(api)
    alice = standard_people(api)["alice"]
    import_id = _import(api, alice, targetUrl=f"{server}/clip.mp4")
    assert drain("work") == 1
    started = _started_tasks()
    assert len(started) == 1
    assert started[0]["overrides"]["containerOverrides"] == [
        {"name": "import", "command": ["python", "-m", "functions.imports.task", str(import_id)]}
    ]
    assert started[0]["launchType"] == "FARGATE"
    assert _state(api, alice, import_id)["state"] == {"id": 6, "label": "Processing"}
    assert import_slots.holders() == {str(import_id)}  # the task keeps the slot
    # The same message again: the import is with the task, nothing more starts.
    from chalicelib.store import queues

    queues.send_work([{"task": "video-import", "import": import_id}])
    assert drain("work") == 1
    assert len(_started_tasks()) == 1

    # The task's command (here in-process), then its result checked by the work function.
    task.main([str(import_id)])
    assert _state(api, alice, import_id)["state"]["id"] == 6
    assert drain("work") == 1
    body = _state(api, alice, import_id)
    assert body["state"] == {"id": 2, "label": "Success"}, body
    video = videos.get_video(int(body["video"]["id"]))
    assert video is not None and video.stage == "uploaded" and int(video.state) == 2
    assert import_slots.holders() == set()
    # The task run again (ECS may start a task twice) finds nothing to do.
    task.main([str(import_id)])
    assert drain("work") == 0


def _post_torrent(api: ApiClient, member: Any) -> int:
    torrent = torrents.single_file("clip.mp4", b"x" * 1000)
    boundary = "cirrus-torrent-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="channelId"\r\n\r\n{member.channel_id}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="torrentfile"; filename="v.torrent"\r\n'
            "Content-Type: application/x-bittorrent\r\n\r\n"
        ).encode()
        + torrent
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {member.token}"}
    response = api.request("POST", IMPORTS, body=body, headers=headers)
    assert response.status == 200, response.body
    return int(response.json()["id"])


def test_a_torrent_import_fails_clearly_where_no_import_task_is_deployed(api: ApiClient, people: Any) -> None:
    from chalicelib.store import import_slots

    _enable(api, torrent=True)
    alice = people["alice"]
    import_id = _post_torrent(api, alice)
    assert drain("work") == 1
    found = _state(api, alice, import_id)
    assert found["state"] == {"id": 3, "label": "Failed"}
    assert found["error"] == "Torrent and long imports cannot run on this instance (no import task is deployed)"
    assert import_slots.holders() == set()


def test_a_download_past_the_import_timeout_fails_the_import(
    api: ApiClient, people: Any, server: str, loopback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRRUS_IMPORT_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    _enable(api)
    alice = people["alice"]
    import_id = _import(api, alice, targetUrl=f"{server}/slow.mp4")
    began = time.monotonic()
    assert drain("work") == 1
    assert time.monotonic() - began < 10
    found = _state(api, alice, import_id)
    assert found["state"] == {"id": 3, "label": "Failed"}
    assert found["error"] == "The download took too long"
    assert found["video"]["state"]["id"] == 12  # TO_IMPORT_FAILED, as PeerTube leaves it


def test_an_import_whose_task_died_is_failed_once_by_the_hourly_sweep(
    api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import import_slots
    from functions.channel_sync import handler as schedule

    alice = people["alice"]
    import_id, context = _dead_import(api, alice, monkeypatch)
    assert schedule.handle_schedule({}, context) == {
        "queued": 0,
        "relisted": 0,
        "abandoned": 0,
    }  # still within its time
    # PeerTube's import timeout (2 hours) and the hand-over's margins later, the sweep fails it.
    _two_hours_later(monkeypatch)
    assert schedule.handle_schedule({}, context) == {"queued": 0, "relisted": 0, "abandoned": 1}
    assert drain("work") == 1
    found = _state(api, alice, import_id)
    assert found["state"] == {"id": 3, "label": "Failed"}
    assert found["error"] == "The download took too long"
    assert found["video"]["state"]["id"] == 12  # TO_IMPORT_FAILED: a retry may follow
    assert import_slots.holders() == set()
    # Off the processing list: the next sweep finds nothing; a repeated message does nothing.
    assert schedule.handle_schedule({}, context) == {"queued": 0, "relisted": 0, "abandoned": 0}
    from chalicelib.store import queues

    queues.send_work([{"task": "video-import", "import": import_id, "abandon": "2020-01-01T00:00:00+00:00"}])
    assert drain("work") == 1
    notifications = api.get_as("/api/v1/users/me/notifications", alice.token).json()["data"]
    assert [n["type"] for n in notifications] == [8]  # MY_VIDEO_IMPORT_ERROR, once
    assert notifications[0]["videoImport"]["id"] == import_id
    # A retry starts a new download, which the sweep leaves alone until it too outlives its time.
    assert api.post_json(f"{IMPORTS}/{import_id}/retry", {}, alice.token).status == 204
    assert drain("work") == 1
    assert _state(api, alice, import_id)["state"] == {"id": 6, "label": "Processing"}


def test_an_import_processing_from_before_the_processing_list_is_backfilled_then_swept(
    api: ApiClient, people: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import video_imports
    from chalicelib.store.models import VideoImport
    from functions.channel_sync import handler as schedule

    alice = people["alice"]
    import_id, context = _dead_import(api, alice, monkeypatch)
    # As an import written before the list existed: processing, with neither list entry
    # nor download start.
    item = video_imports.get_import(import_id, consistent=True)
    assert item is not None
    legacy = [VideoImport.gsi2pk.remove(), VideoImport.gsi2sk.remove(), VideoImport.started_at.remove()]
    item.update(actions=legacy)
    _two_hours_later(monkeypatch)
    # One run: the backfill puts it on the list (under its last write's time), the sweep finds it.
    assert schedule.handle_schedule({}, context) == {"queued": 0, "relisted": 1, "abandoned": 1}
    assert drain("work") == 1
    found = _state(api, alice, import_id)
    assert found["state"] == {"id": 3, "label": "Failed"}
    assert found["error"] == "The download took too long"
    # Done (every user seen): it marks itself so and does nothing more.
    backfill = video_imports.get_backfill()
    assert backfill is not None and backfill.done_at is not None and int(backfill.relisted) == 1
    assert schedule.handle_schedule({}, context) == {"queued": 0, "relisted": 0, "abandoned": 0}


def _dead_import(api: ApiClient, member: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Any]:
    """A torrent import whose task never runs, and the context the hourly schedule runs in."""
    from local.lambda_runtime import LocalLambdaContext

    _with_ecs(monkeypatch)
    _enable(api, torrent=True)
    import_id = _import_handed_to_a_task_that_never_runs(api, member)
    return import_id, LocalLambdaContext("channelsync", 256, 60, "us-east-1")


def _two_hours_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schedule's and the work function's clocks past PeerTube's import timeout (2 hours)
    and the hand-over's margins."""
    from datetime import timedelta

    from chalicelib.domain import oauth
    from functions.channel_sync import handler as schedule
    from functions.work import handler as work

    later = oauth.utcnow() + timedelta(hours=2, minutes=3)
    monkeypatch.setattr(schedule, "utcnow", lambda: later)
    monkeypatch.setattr(work, "utcnow", lambda: later)


def _import_handed_to_a_task_that_never_runs(api: ApiClient, member: Any) -> int:
    """A torrent import, handed to the import task (moto's ECS starts nothing): processing."""
    from chalicelib.store import import_slots

    import_id = _post_torrent(api, member)
    assert drain("work") == 1
    assert len(_started_tasks()) == 1
    assert _state(api, member, import_id)["state"] == {"id": 6, "label": "Processing"}
    assert import_slots.holders() == {str(import_id)}
    return import_id


# --- Concurrency ----------------------------------------------------------------------------------


def test_imports_wait_for_a_slot_and_take_an_ended_holders(api: ApiClient, people: Any) -> None:
    from chalicelib.domain.oauth import utcnow
    from chalicelib.store import import_slots, video_imports
    from chalicelib.store.models.video_import import IMPORT_FAILED, IMPORT_PENDING, IMPORT_PROCESSING

    _enable(api, concurrency=1)
    alice = people["alice"]
    first = _import(api, alice, targetUrl="http://first.invalid/first.mp4")
    second = _import(api, alice, targetUrl="http://second.invalid/second.mp4")
    work_queue = aws.sqs().get_queue_url(QueueName=get_settings().queues.work)["QueueUrl"]
    aws.sqs().purge_queue(QueueUrl=work_queue)
    # The first is downloading (as the work function claims it) and holds the only slot.
    held = video_imports.get_import(first, consistent=True)
    assert held is not None
    assert video_imports.move(held, (IMPORT_PENDING,), IMPORT_PROCESSING, utcnow())
    assert import_slots.acquire(first, 1, lambda _: True)
    # The second's message: no slot, back to pending, asked again a minute later.
    from chalicelib.domain import video_imports as cases

    cases.run({"task": "video-import", "import": second}, utcnow(), 300)
    waiting = video_imports.get_import(second, consistent=True)
    assert waiting is not None and int(waiting.state) == IMPORT_PENDING and int(waiting.attempts) == 0
    assert aws.sqs().receive_message(QueueUrl=work_queue).get("Messages", []) == []  # delayed: not visible yet
    delayed = aws.sqs().get_queue_attributes(QueueUrl=work_queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert delayed["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    # The first ends without releasing (a crash): its slot is taken back when the second asks.
    assert video_imports.move(held, (IMPORT_PROCESSING,), IMPORT_FAILED, utcnow())
    cases.run({"task": "video-import", "import": second}, utcnow(), 300)
    ran = video_imports.get_import(second, consistent=True)
    assert ran is not None and int(ran.state) == IMPORT_FAILED  # it ran: the name does not resolve
    assert "Bad Gateway" in str(ran.error)  # the proxy could not resolve it
    assert import_slots.holders() == set()
