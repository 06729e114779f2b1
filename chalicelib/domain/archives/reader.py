"""Reading an account archive, whoever made it (Cirrus or PeerTube: the same layout).

Every archive is hostile until checked. Opening one checks its whole directory before a
byte is restored: no entry may climb out of the archive (absolute names, `..`, backslashes,
drive letters), be a link, be encrypted, use a compression other than stored or deflate,
expand more than MAX_RATIO times, or make the whole larger than the instance allows; JSON
documents have their own cap. Reads never trust the directory alone: a stream stops at the
declared size and its CRC is checked, so a lying entry fails instead of expanding.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable
from typing import IO, Any

from chalicelib.domain.archives import layout


class ArchiveRefused(Exception):
    """The archive cannot be imported; the message says why, for the user."""


class Archive:
    """A checked archive: its entries' names, their JSON documents and file streams."""

    def __init__(self, source: IO[bytes], max_total_bytes: int = layout.DEFAULT_MAX_TOTAL_BYTES) -> None:
        try:
            self._zip = zipfile.ZipFile(source)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise ArchiveRefused(f"Not a readable zip archive: {exc}") from None
        if len(infos) > layout.MAX_ENTRIES:
            raise ArchiveRefused(f"The archive has more than {layout.MAX_ENTRIES} entries.")
        self._entries: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            _check_entry(info)
            if info.filename in self._entries:
                raise ArchiveRefused(f"The archive holds {info.filename!r} twice.")
            self._entries[info.filename] = info
            total += info.file_size
            if total > max_total_bytes:
                raise ArchiveRefused(f"The archive expands beyond {max_total_bytes} bytes, this instance's limit.")
        if not any(name.startswith(layout.PEERTUBE_DIR) for name in self._entries):
            raise ArchiveRefused("This is not an account archive: it has no peertube/ folder.")

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, info in self._entries.items() if not info.is_dir())

    def size(self, name: str) -> int:
        return int(self._entries[name].file_size)

    def document(self, name: str) -> Any:
        """The JSON document `name`, or None when the archive does not have it."""
        info = self._entries.get(name)
        if info is None or info.is_dir():
            return None
        if info.file_size > layout.MAX_JSON_BYTES:
            raise ArchiveRefused(f"{name} is larger than {layout.MAX_JSON_BYTES} bytes.")
        with self.open(name) as stream:
            data = stream.read(layout.MAX_JSON_BYTES + 1)
        if len(data) > layout.MAX_JSON_BYTES:
            raise ArchiveRefused(f"{name} is larger than {layout.MAX_JSON_BYTES} bytes.")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ArchiveRefused(f"{name} is not valid JSON.") from None

    def open(self, name: str) -> IO[bytes]:
        """A stream of the entry's bytes (at most its declared size; CRC checked at the end)."""
        info = self._entries.get(name)
        if info is None or info.is_dir():
            raise ArchiveRefused(f"The archive has no file {name!r}.")
        try:
            return self._zip.open(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise ArchiveRefused(f"{name} cannot be read: {exc}") from None

    def copy(self, name: str, write: Callable[[bytes], Any], chunk_bytes: int = 1024 * 1024) -> int:
        """Stream the entry into `write`; its size. A corrupt entry is refused (CRC, length)."""
        written = 0
        try:
            with self.open(name) as stream:
                while chunk := stream.read(chunk_bytes):
                    written += len(chunk)
                    write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveRefused(f"{name} is corrupt: {exc}") from None
        return written

    def close(self) -> None:
        self._zip.close()


def safe_member_name(name: str) -> bool:
    """Whether an entry's name stays inside the archive, on any system that unpacks it."""
    if not name or len(name) > layout.MAX_NAME_LENGTH or "\x00" in name or "\\" in name:
        return False
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    parts = name.rstrip("/").split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if not safe_member_name(name):
        raise ArchiveRefused(f"The archive holds an entry with a forbidden name: {name[:200]!r}.")
    if info.flag_bits & 0x1:
        raise ArchiveRefused(f"{name} is encrypted.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ArchiveRefused(f"{name} is a symbolic link.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveRefused(f"{name} uses a compression this instance does not read.")
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise ArchiveRefused(f"{name} declares sizes that do not agree.")
    if info.file_size > layout.RATIO_FLOOR_BYTES and info.file_size > layout.MAX_RATIO * max(info.compress_size, 1):
        raise ArchiveRefused(f"{name} expands more than {layout.MAX_RATIO} times: a zip bomb?")


class RangeFile(io.RawIOBase):
    """A seekable, read-only file over ranged reads (an archive in S3), with a read-ahead
    window so that zipfile's small reads do not each become a request."""

    def __init__(self, size: int, read_range: Callable[[int, int], bytes], window: int = 1024 * 1024) -> None:
        super().__init__()
        self._size = size
        self._read_range = read_range
        self._window = window
        self._position = 0
        self._cache_start = 0
        self._cache = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self._size - self._position)
        if wanted <= 0:
            return 0
        offset = self._position - self._cache_start
        if not (offset >= 0 and offset + wanted <= len(self._cache)):
            last = min(self._size, self._position + max(wanted, self._window)) - 1
            self._cache = self._read_range(self._position, last)
            self._cache_start, offset = self._position, 0
            wanted = min(wanted, len(self._cache))
        view[:wanted] = self._cache[offset : offset + wanted]
        self._position += wanted
        return wanted
