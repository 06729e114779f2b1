"""Access patterns of a video's statistics (S1-S5 in docs/data-model.md, docs/stats.md).

A video's statistics live in its own partition, as counters added to with ADD:

- `STATS#HOUR#<YYYY-MM-DDTHH>`: per minute `MM` of the hour, `aMM` the viewers present
  during that minute, `sMM` those whose window began in it, `wMM` the watch time of those
  whose window ended in it so far and `eMM` their number; the hour's `started`, `carried`
  (present at its first minute, begun before), `wt` and `ended`.
- `STATS#DAY#<YYYY-MM-DD>`: the same totals for the day, its busiest minute (`peak`,
  `peak_at`), and the viewers who began that day by country (`c#`), subdivision (`r#`),
  client (`uc#`), device (`ud#`) and operating system (`uo#`); playback metrics (`q_*`).
- `STATS#TOTAL`: the same for the video's whole life, and its retention points (`p<second>`).

The views queue's consumer applies a viewer window's state (S1): the window's own item
(`StatsViewer`) remembers what it already added, and one transaction writes the new state
and adds the difference to every counter it moves, conditioned on the state it read. A
redelivered or out-of-order message is older than what was applied, and adds nothing.
Readers Query one partition's range of hours or days (S3, S4), or read one item (S2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from chalicelib.store import keys
from chalicelib.store.models import TableItem

VIEWER_LIFETIME = timedelta(days=5)  # longer than SQS may hold a message (4 days by default)
MAX_NEW_MINUTES = 180  # a window's pings are at most an hour apart; a longer jump is not trusted
PLAYBACK_RECEIPT_LIFETIME = timedelta(minutes=10)
TOTAL_SK = "STATS#TOTAL"
_ATTEMPTS = 5

Counters = dict[str, Any]


def hour_sk(hour: str) -> str:
    return f"STATS#HOUR#{hour}"


def day_sk(day: str) -> str:
    return f"STATS#DAY#{day}"


def minute_of(moment: datetime) -> int:
    """Unix minutes."""
    return int(moment.timestamp() // 60)


def minute_start(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def hour_label(minute: int) -> str:
    return minute_start(minute).strftime("%Y-%m-%dT%H")


def day_label(minute: int) -> str:
    return minute_start(minute).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class ViewerState:
    """One viewer window as its latest ping left it (domain/video_stats.py builds it)."""

    video_id: int
    viewer: str
    window: datetime  # the window's first ping
    seq: int  # the ping's number in the window; a later state has a larger one
    end: datetime  # this ping
    watch_time: int
    points: frozenset[int]  # the retention points its sections cover
    country: str | None = None
    subdivision: str | None = None
    client: str | None = None
    device: str | None = None
    operating_system: str | None = None


@dataclass
class _Changes:
    """What one state adds, item by item: numbers to ADD and values to SET."""

    adds: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, sk: str, name: str, delta: int) -> None:
        if delta:
            counters = self.adds.setdefault(sk, {})
            counters[name] = counters.get(name, 0) + delta


def apply_viewer(state: ViewerState, now: datetime) -> bool:
    """S1: add what `state` changes to its video's statistics; False when a state at least
    as recent was applied already (a redelivery) or there is nothing to count yet."""
    pk = _viewer_pk(state)
    for _ in range(_ATTEMPTS):
        stored = _get(pk, keys.ENTITY_SK, consistent=True)
        if stored is not None and int(stored["seq"]) >= state.seq:
            # Applied before: the peaks it raised may not have been (a crash in between).
            end = int(stored["end_minute"])
            _raise_peaks(state.video_id, max(int(stored["start_minute"]), end - MAX_NEW_MINUTES + 1), end)
            return False
        if stored is None and state.watch_time <= 0:
            return False  # PeerTube keeps no viewer who watched nothing
        changes, first_new, end_minute = _changes(state, stored)
        start_minute = int(stored["start_minute"]) if stored else minute_of(state.window)
        viewer_item = _viewer_item(pk, state, start_minute, end_minute, now)
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if stored is None
            else {"ConditionExpression": "seq = :seq", "ExpressionAttributeValues": {":seq": {"N": str(stored["seq"])}}}
        )
        operations = [{"Put": {"TableName": _table(), "Item": viewer_item, **condition}}]
        operations += [_update(state.video_id, sk, adds) for sk, adds in changes.adds.items()]
        try:
            _client().transact_write_items(TransactItems=operations)
        except ClientError as exc:
            if not _cancelled_by_condition(exc):
                raise
            continue  # another state of this window got there first: read it again
        _raise_peaks(state.video_id, first_new, end_minute)
        return True
    raise RuntimeError(f"viewer window {pk} kept changing")


def _changes(state: ViewerState, stored: Counters | None) -> tuple[_Changes, int, int]:
    changes = _Changes()
    start = minute_of(state.window)
    end = minute_of(state.end)
    if stored is None:
        first_new = start
        _count_start(changes, state, start)
        old_watch, old_points = 0, frozenset[int]()
    else:
        start = int(stored["start_minute"])
        old_end = int(stored["end_minute"])
        end = max(end, old_end)
        first_new = max(old_end + 1, end - MAX_NEW_MINUTES + 1)
        old_watch = int(stored["watch_time"])
        old_points = frozenset(int(point) for point in stored.get("points") or [])
        _count_end(changes, old_end, -old_watch, -1)
    for minute in range(first_new, end + 1):
        _count_presence(changes, minute, start)
    _count_end(changes, end, state.watch_time, 1)
    changes.add(TOTAL_SK, "wt", state.watch_time - old_watch)
    for point in state.points - old_points:
        changes.add(TOTAL_SK, f"p{point}", 1)
    return changes, first_new, end


def _count_start(changes: _Changes, state: ViewerState, start: int) -> None:
    hour, day = hour_sk(hour_label(start)), day_sk(day_label(start))
    changes.add(hour, f"s{start % 60:02d}", 1)
    changes.add(hour, "started", 1)
    changes.add(day, "started", 1)
    changes.add(TOTAL_SK, "viewers", 1)
    for prefix, value in (
        ("c#", state.country),
        ("r#", state.subdivision),
        ("uc#", state.client),
        ("ud#", state.device),
        ("uo#", state.operating_system),
    ):
        if value:
            changes.add(day, prefix + value, 1)
            changes.add(TOTAL_SK, prefix + value, 1)


def _count_presence(changes: _Changes, minute: int, start: int) -> None:
    hour = hour_sk(hour_label(minute))
    changes.add(hour, f"a{minute % 60:02d}", 1)
    if minute > start and minute % 60 == 0:
        changes.add(hour, "carried", 1)
    if minute > start and minute % 1440 == 0:
        changes.add(day_sk(day_label(minute)), "carried", 1)


def _count_end(changes: _Changes, minute: int, watch_time: int, viewers: int) -> None:
    hour, day = hour_sk(hour_label(minute)), day_sk(day_label(minute))
    changes.add(hour, f"w{minute % 60:02d}", watch_time)
    changes.add(hour, f"e{minute % 60:02d}", viewers)
    for sk in (hour, day):
        changes.add(sk, "wt", watch_time)
        changes.add(sk, "ended", viewers)


def _raise_peaks(video_id: int, first: int, last: int) -> None:
    """Keep each day's and the video's busiest minute: the minutes of `first`..`last` have
    their final or a growing count, so raising the peaks to them is safe to repeat."""
    best: dict[str, tuple[int, int]] = {}  # day (or the total's key) -> (viewers, minute)
    for hour_first in range(first - first % 60, last + 1, 60):
        minutes = list(range(max(first, hour_first), min(last, hour_first + 59) + 1))
        names = {f"#a{minute % 60:02d}": f"a{minute % 60:02d}" for minute in minutes}
        item = _get(keys.video_pk(video_id), hour_sk(hour_label(hour_first)), projection=", ".join(names), names=names)
        for minute in minutes:
            viewers = int((item or {}).get(f"a{minute % 60:02d}", 0))
            for sk in (day_sk(day_label(minute)), TOTAL_SK):
                if viewers and (sk not in best or viewers > best[sk][0]):
                    best[sk] = (viewers, minute)
    for sk, (viewers, minute) in best.items():
        _raise_peak(video_id, sk, viewers, minute_start(minute).isoformat().replace("+00:00", ".000Z"))


def _raise_peak(video_id: int, sk: str, viewers: int, at: str) -> None:
    try:
        _client().update_item(
            TableName=_table(),
            Key=_key(keys.video_pk(video_id), sk),
            UpdateExpression="SET #peak = :v, #at = :t, #kind = :kind, #video = :video",
            ConditionExpression="attribute_not_exists(#peak) OR #peak < :v OR (#peak = :v AND #at > :t)",
            ExpressionAttributeNames={"#peak": "peak", "#at": "peak_at", "#kind": "kind", "#video": "video_id"},
            ExpressionAttributeValues={
                ":v": {"N": str(viewers)},
                ":t": {"S": at},
                ":kind": {"S": "VideoStats"},
                ":video": {"N": str(video_id)},
            },
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise


def record_playback(video_id: int, receipt: str, day: str, adds: dict[str, int], now: datetime) -> bool:
    """S5: add one playback report to the day's and the video's quality figures, unless a
    report with the same receipt (one viewer, one window) was counted; False then."""
    pk = f"PLAYBACK#{video_id}#{receipt}"
    item = {
        "pk": {"S": pk},
        "sk": {"S": keys.ENTITY_SK},
        "kind": {"S": "StatsViewer"},
        "video_id": {"N": str(video_id)},
        "seq": {"N": "0"},
        "start_minute": {"N": str(minute_of(now))},
        "end_minute": {"N": str(minute_of(now))},
        "watch_time": {"N": "0"},
        "expires_at": {"N": str(int((now + PLAYBACK_RECEIPT_LIFETIME).timestamp()))},
    }
    operations = [{"Put": {"TableName": _table(), "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}]
    operations += [_update(video_id, sk, adds) for sk in (day_sk(day), TOTAL_SK)]
    try:
        _client().transact_write_items(TransactItems=operations)
    except ClientError as exc:
        if _cancelled_by_condition(exc):
            return False
        raise
    return True


def record_download(video_id: int, now: datetime) -> None:
    """S6: one download of a local video, by minute, hour, day and in total, and on the
    instance's counters (PeerTube's totalLocalVideoDownloads); one transaction."""
    minute = minute_of(now)
    changes = _Changes()
    hour = hour_sk(hour_label(minute))
    changes.add(hour, f"d{minute % 60:02d}", 1)
    for sk in (hour, day_sk(day_label(minute)), TOTAL_SK):
        changes.add(sk, "downloads", 1)
    operations = [_update(video_id, sk, adds) for sk, adds in changes.adds.items()]
    operations.append(
        {
            "Update": {
                "TableName": _table(),
                "Key": _key(keys.STATS_PK, keys.COUNTER_SK),
                "UpdateExpression": "SET #kind = :kind ADD #downloads :one",
                "ExpressionAttributeNames": {"#kind": "kind", "#downloads": "local_video_downloads"},
                "ExpressionAttributeValues": {":kind": {"S": "InstanceStats"}, ":one": {"N": "1"}},
            }
        }
    )
    _client().transact_write_items(TransactItems=operations)


def read_total(video_id: int) -> Counters:
    """S2: the video's whole-life statistics in one GetItem ({} before any viewer)."""
    return _get(keys.video_pk(video_id), TOTAL_SK) or {}


def read_hours(video_id: int, first: str, last: str) -> dict[str, Counters]:
    """S3: the hours `first`..`last` (YYYY-MM-DDTHH) that have statistics, by hour."""
    return _read_range(video_id, hour_sk(first), hour_sk(last))


def read_days(video_id: int, first: str, last: str) -> dict[str, Counters]:
    """S4: the days `first`..`last` (YYYY-MM-DD) that have statistics, by day."""
    return _read_range(video_id, day_sk(first), day_sk(last))


def _read_range(video_id: int, first_sk: str, last_sk: str) -> dict[str, Counters]:
    found: dict[str, Counters] = {}
    arguments: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.video_pk(video_id)},
            ":first": {"S": first_sk},
            ":last": {"S": last_sk},
        },
    }
    while True:
        page = _client().query(**arguments)
        for raw in page.get("Items", []):
            item = _plain(raw)
            found[str(item["sk"]).rsplit("#", 1)[1]] = item
        if "LastEvaluatedKey" not in page:
            return found
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _viewer_pk(state: ViewerState) -> str:
    return f"STATSVIEWER#{state.video_id}#{state.viewer}#{int(state.window.timestamp())}"


def _viewer_item(pk: str, state: ViewerState, start: int, end: int, now: datetime) -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "sk": {"S": keys.ENTITY_SK},
        "kind": {"S": "StatsViewer"},
        "video_id": {"N": str(state.video_id)},
        "seq": {"N": str(state.seq)},
        "start_minute": {"N": str(start)},
        "end_minute": {"N": str(end)},
        "watch_time": {"N": str(state.watch_time)},
        "points": {"L": [{"N": str(point)} for point in sorted(state.points)]},
        "expires_at": {"N": str(int((now + VIEWER_LIFETIME).timestamp()))},
    }


def _update(video_id: int, sk: str, adds: dict[str, int]) -> dict[str, Any]:
    names = {"#kind": "kind", "#video": "video_id"}
    values: dict[str, Any] = {":kind": {"S": "VideoStats"}, ":video": {"N": str(video_id)}}
    parts = []
    for index, (name, delta) in enumerate(sorted(adds.items())):
        names[f"#n{index}"] = name
        values[f":v{index}"] = {"N": str(delta)}
        parts.append(f"#n{index} :v{index}")
    expression = "SET #kind = :kind, #video = :video"
    if parts:
        expression += " ADD " + ", ".join(parts)
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(keys.video_pk(video_id), sk),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _get(
    pk: str, sk: str, *, consistent: bool = False, projection: str = "", names: dict[str, str] | None = None
) -> Counters | None:
    arguments: dict[str, Any] = {"TableName": _table(), "Key": _key(pk, sk), "ConsistentRead": consistent}
    if projection:
        arguments["ProjectionExpression"] = projection
        arguments["ExpressionAttributeNames"] = names or {}
    item = _client().get_item(**arguments).get("Item")
    return _plain(item) if item else None


def _plain(item: dict[str, Any]) -> Counters:
    """A raw item's attributes as Python values (numbers as int where whole)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    plain: Counters = {}
    for name, value in item.items():
        plain[name] = _number(deserializer.deserialize(value))
    return plain


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_number(element) for element in value]
    return value


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _cancelled_by_condition(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    if error.get("Code") == "ConditionalCheckFailedException":
        return True
    if error.get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    if reasons:
        return any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons)
    return "ConditionalCheckFailed" in str(error.get("Message", ""))


def _client() -> Any:
    return TableItem._get_connection().connection.client


def _table() -> str:
    return str(TableItem.Meta.table_name)
