"""Writing an account archive as a stream: entries go out one after the other into any
writable file (an S3 multipart upload in production), never seeking back, so neither the
archive nor a video file in it is ever held whole in memory or on disk."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from chalicelib.domain.archives.reader import safe_member_name


class ArchiveWriter:
    """JSON documents deflated, media stored (it does not compress), each under its name."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        self._names: set[str] = set()

    def add_document(self, name: str, document: Any) -> None:
        data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        self._zip.writestr(self._info(name, zipfile.ZIP_DEFLATED), data)

    def add_stream(self, name: str, chunks: Iterable[bytes]) -> int:
        """A file from its chunks (a video's source read from S3); its size."""
        size = 0
        with self._zip.open(self._info(name, zipfile.ZIP_STORED), "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)
                size += len(chunk)
        return size

    def close(self) -> None:
        self._zip.close()

    def _info(self, name: str, compression: int) -> zipfile.ZipInfo:
        if not safe_member_name(name) or name in self._names:
            raise ValueError(f"cannot write an entry named {name!r}")
        self._names.add(name)
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = compression
        info.external_attr = 0o644 << 16
        return info
