"""Keep the embedded AWS endpoint's state on disk, so data survives restarts and crashes.

moto keeps DynamoDB tables, S3 buckets and SQS queues in plain Python objects. A snapshot
pickles those objects, per service, account and region, into `state.pickle`; S3 object
bodies are kept apart, one file per distinct content under `blobs/`, written once, so a
snapshot never rewrites gigabytes of video that did not change.

A snapshot is taken while the endpoint is quiet (no request in flight, new ones held back
for the few milliseconds the pickling takes), so it never shows half a transaction. It is
written to a temporary file, fsynced and renamed over the previous one: a crash leaves
either the old snapshot or the new one, never a torn file.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import moto
from moto.backends import get_backend
from moto.s3.models import FakeKey

SERVICES = ("dynamodb", "s3", "sqs")
FORMAT_VERSION = 1
STATE_FILE = "state.pickle"
BLOB_DIR = "blobs"
_COPY_CHUNK = 1024 * 1024

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class SnapshotError(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    blobs: frozenset[str]


class SnapshotStore:
    """Reads and writes snapshots of moto's backends under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.blob_dir = directory / BLOB_DIR

    @property
    def state_path(self) -> Path:
        return self.directory / STATE_FILE

    def exists(self) -> bool:
        return self.state_path.exists()

    def capture(self) -> Snapshot:
        """Pickle the current state; call only while the endpoint is quiet."""
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        state = {
            "format": FORMAT_VERSION,
            "moto": moto.__version__,
            "backends": {service: _backend_states(service) for service in SERVICES},
        }
        buffer = io.BytesIO()
        pickler = _StatePickler(buffer, self.blob_dir)
        pickler.dump(state)
        return Snapshot(buffer.getvalue(), frozenset(pickler.blobs))

    def write(self, snapshot: Snapshot) -> None:
        """Atomically replace the snapshot, then drop blobs it no longer references."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.state_path.with_suffix(".tmp")
        with open(temporary, "wb") as handle:
            handle.write(snapshot.data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.state_path)
        _fsync_directory(self.directory)
        self._collect_garbage(snapshot.blobs)

    def restore(self) -> None:
        """Load the snapshot into moto's (empty) backends."""
        with open(self.state_path, "rb") as handle:
            try:
                state = _StateUnpickler(handle, self.blob_dir).load()
            except Exception as exc:
                raise SnapshotError(
                    f"cannot read {self.state_path} ({exc}); it may come from a moto other than "
                    f"{moto.__version__}. Move the data directory aside to start empty."
                ) from exc
        if state.get("format") != FORMAT_VERSION:
            raise SnapshotError(f"{self.state_path} has format {state.get('format')}, expected {FORMAT_VERSION}")
        for service, regions in state["backends"].items():
            backend_dict = get_backend(service)
            for (account_id, region), attributes in regions.items():
                backend_dict[account_id][region].__dict__.update(attributes)

    def _collect_garbage(self, referenced: frozenset[str]) -> None:
        if not self.blob_dir.exists():
            return
        for blob in self.blob_dir.iterdir():
            if blob.name not in referenced and not blob.name.endswith(".tmp"):
                blob.unlink(missing_ok=True)


def _backend_states(service: str) -> dict[tuple[str, str], dict[str, Any]]:
    backend_dict = get_backend(service)
    states: dict[tuple[str, str], dict[str, Any]] = {}
    for account_id in list(backend_dict.keys()):
        for region, backend in list(backend_dict[account_id].items()):
            states[(account_id, region)] = dict(backend.__dict__)
    return states


class _StatePickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, blob_dir: Path) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._blob_dir = blob_dir
        self.blobs: set[str] = set()

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPES):
            return (_new_lock, (isinstance(obj, _LOCK_TYPES[1]),))
        if isinstance(obj, threading.Condition):
            return (threading.Condition, ())
        if isinstance(obj, threading.Event):
            return (_new_event, (obj.is_set(),))
        if isinstance(obj, FakeKey):
            if _is_disposed(obj):
                # moto closes the body of a key it has let go of (an overwritten or deleted
                # key, the parts of a completed multipart upload) while other objects may
                # still refer to it: it is kept as the empty, disposed key moto holds.
                return (_DisposedKeyRef, (_key_state(obj),))
            return (_BlobRef, (_key_state(obj), self._spill(obj)))
        return NotImplemented

    def _spill(self, key: FakeKey) -> str:
        """Write the key's body as a content-named blob, unless that content is stored already."""
        name = _blob_name(key)
        self.blobs.add(name)
        path = self._blob_dir / name
        if not path.exists():
            temporary = path.with_name(name + ".tmp")
            with key.lock, open(temporary, "wb") as handle:
                key._value_buffer.seek(0)
                shutil.copyfileobj(key._value_buffer, handle, _COPY_CHUNK)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(path)
        return name


class _BlobRef:
    """Marker type: unpickling one rebuilds a FakeKey from its state and blob."""

    def __new__(cls, state: dict[str, Any], blob: str) -> Any:  # pragma: no cover - replaced below
        raise SnapshotError("blob references are only resolved by the snapshot reader")


class _DisposedKeyRef:
    """Marker type: unpickling one rebuilds a disposed FakeKey, whose body is gone."""

    def __new__(cls, state: dict[str, Any]) -> Any:  # pragma: no cover - replaced below
        raise SnapshotError("disposed key references are only resolved by the snapshot reader")


class _StateUnpickler(pickle.Unpickler):
    def __init__(self, file: Any, blob_dir: Path) -> None:
        super().__init__(file)
        self._blob_dir = blob_dir

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_BlobRef":
            return self._rebuild_key
        if module == __name__ and name == "_DisposedKeyRef":
            return _rebuild_disposed_key
        return super().find_class(module, name)

    def _rebuild_key(self, state: dict[str, Any], blob: str) -> FakeKey:
        key = FakeKey.__new__(FakeKey)
        key.__setstate__({**state, "value": b""})
        path = self._blob_dir / blob
        if not path.exists():
            raise SnapshotError(f"missing blob {path} for s3://{state.get('bucket_name')}/{state.get('name')}")
        with open(path, "rb") as handle:
            shutil.copyfileobj(handle, key._value_buffer, _COPY_CHUNK)
        key.contentsize = path.stat().st_size
        return key


def _rebuild_disposed_key(state: dict[str, Any]) -> FakeKey:
    key = FakeKey.__new__(FakeKey)
    key.__setstate__({**state, "value": b""})
    key.dispose()
    return key


def _is_disposed(key: FakeKey) -> bool:
    return bool(getattr(key, "disposed", False)) or bool(key._value_buffer.closed)


def _key_state(key: FakeKey) -> dict[str, Any]:
    return {name: value for name, value in key.__dict__.items() if name not in ("_value_buffer", "lock")}


def _blob_name(key: FakeKey) -> str:
    # The ETag is the body's MD5 (or the multipart digest): together with the size it names
    # the content, so identical bodies share one blob and a body is written only once.
    digest = hashlib.sha256(f"{key.etag}:{key.contentsize}".encode()).hexdigest()
    return digest


def _new_lock(reentrant: bool) -> Any:
    return threading.RLock() if reentrant else threading.Lock()


def _new_event(is_set: bool) -> threading.Event:
    event = threading.Event()
    if is_set:
        event.set()
    return event


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Snapshotter:
    """Saves a snapshot shortly after every change, and once more at shutdown.

    `changes` returns a number that grows with every state-changing request; `quiet` is a
    context manager that holds requests back while the state is captured.
    """

    def __init__(
        self,
        store: SnapshotStore,
        changes: Callable[[], int],
        quiet: Callable[[], Any],
        interval: float = 1.0,
        on_error: Callable[[BaseException], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._changes = changes
        self._quiet = quiet
        self._interval = interval
        self._on_error = on_error
        self._on_recovered = on_recovered
        self.failing = False
        self._saved = -1  # the first check always saves: provisioning may have changed things
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="snapshotter", daemon=True)
        self._save_lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and save whatever changed since the last snapshot."""
        self._stop.set()
        self._thread.join()
        self.save_if_changed(force=True)

    def save_if_changed(self, force: bool = False) -> bool:
        with self._save_lock:
            current = self._changes()
            if current == self._saved and not force:
                return False
            with self._quiet():
                current = self._changes()
                snapshot = self._store.capture()
            self._store.write(snapshot)
            self._saved = current
            return True

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.save_reporting()

    def save_reporting(self) -> None:
        """Save if anything changed; a failure goes to `on_error` (and the next try goes on:
        a full disk may clear up), the first success after failures to `on_recovered`."""
        try:
            self.save_if_changed(force=self.failing)
        except Exception as exc:
            self.failing = True
            if self._on_error:
                self._on_error(exc)
            return
        if self.failing:
            self.failing = False
            if self._on_recovered:
                self._on_recovered()
