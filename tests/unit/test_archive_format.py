"""The account archive format (domain/archives): what the writer streams, the reader reads
back, and every hostile archive the reader refuses before anything is restored."""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

import pytest

from chalicelib.domain.archives import layout
from chalicelib.domain.archives.reader import Archive, ArchiveRefused, RangeFile, safe_member_name
from chalicelib.domain.archives.restore import check_documents
from chalicelib.domain.archives.writer import ArchiveWriter


class Unseekable(io.RawIOBase):
    """Like the S3 multipart writer: append only, no seek."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: Any) -> int:
        self.data += data
        return len(data)

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return len(self.data)


def zipped(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def account_zip(**extra: bytes) -> bytes:
    return zipped({layout.ACCOUNT: b'{"name": "alice"}', **extra})


def refused(data: bytes, **kwargs: Any) -> str:
    with pytest.raises(ArchiveRefused) as caught:
        Archive(io.BytesIO(data), **kwargs)
    return str(caught.value)


def test_what_the_writer_streams_the_reader_reads_back() -> None:
    sink = Unseekable()
    writer = ArchiveWriter(sink)  # type: ignore[arg-type]
    writer.add_document(layout.ACCOUNT, {"name": "alice", "displayName": "Älice ☂"})
    video = bytes(range(256)) * 40_000  # 10 MB that do not compress
    size = writer.add_stream(
        layout.video_file_name("u-1", ".mp4"), (video[i : i + 65536] for i in range(0, len(video), 65536))
    )
    writer.close()
    assert size == len(video)
    archive = Archive(io.BytesIO(bytes(sink.data)))
    assert archive.names == {layout.ACCOUNT, "files/videos/video-files/u-1.mp4"}
    assert archive.document(layout.ACCOUNT) == {"name": "alice", "displayName": "Älice ☂"}
    copied = bytearray()
    assert archive.copy("files/videos/video-files/u-1.mp4", copied.extend) == len(video)
    assert bytes(copied) == video
    assert archive.document(layout.VIDEOS) is None  # absent documents are None, not errors


def test_the_writer_refuses_names_that_climb_out() -> None:
    writer = ArchiveWriter(Unseekable())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        writer.add_document("../peertube/account.json", {})


@pytest.mark.parametrize(
    "name",
    [
        "../evil.json",
        "/etc/passwd",
        "peertube/../../evil",
        "peertube\\..\\evil",
        "C:evil",
        "peertube/./x",
        "a//b",
    ],
)
def test_names_that_climb_out_of_the_archive_are_refused(name: str) -> None:
    assert not safe_member_name(name)
    assert "forbidden name" in refused(account_zip(**{name: b"x"}))


def test_names_with_a_nul_are_not_safe() -> None:
    # zipfile cuts a stored name at its NUL when reading; the check holds for writers.
    assert not safe_member_name("peertube/x\x00.json")


def test_documents_name_files_relative_to_their_folder_and_never_outside() -> None:
    assert layout.relative_to_documents("files/videos/video-files/u.mp4") == "../files/videos/video-files/u.mp4"
    assert layout.resolve(layout.VIDEOS, "../files/videos/video-files/u.mp4") == "files/videos/video-files/u.mp4"
    assert layout.resolve(layout.VIDEOS, "./thumbs/a.jpg") == "peertube/thumbs/a.jpg"
    for hostile in ("../../etc/passwd", "/etc/passwd", "..\\..\\x", "../files/../../x", "", "a\x00b"):
        assert layout.resolve(layout.VIDEOS, hostile) is None, hostile


def test_ordinary_names_are_accepted() -> None:
    assert safe_member_name("peertube/account.json")
    assert safe_member_name("files/videos/video-files/8b1f.mp4")
    assert safe_member_name("activity-pub/")


def test_a_zip_bomb_is_refused_before_it_is_expanded() -> None:
    bomb = zipped({layout.ACCOUNT: b"{}", "files/videos/video-files/bomb.mp4": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert "zip bomb" in refused(bomb)


def test_an_archive_larger_than_the_instance_allows_is_refused() -> None:
    data = account_zip(**{"files/videos/video-files/a.mp4": os.urandom(1_000_000)})
    assert "instance's limit" in refused(data, max_total_bytes=500_000)
    Archive(io.BytesIO(data), max_total_bytes=2_000_000)  # the same one, within the limit


def test_an_oversized_json_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "MAX_JSON_BYTES", 1000)
    archive = Archive(io.BytesIO(account_zip(**{layout.VIDEOS: json.dumps({"videos": ["x" * 50] * 100}).encode()})))
    with pytest.raises(ArchiveRefused, match="larger than 1000 bytes"):
        archive.document(layout.VIDEOS)


def test_json_that_is_not_json_or_nests_without_end_is_refused() -> None:
    entries = {layout.ACCOUNT: b"{}", layout.VIDEOS: b"{nope", layout.LIKES: b"[" * 200_000 + b"]" * 200_000}
    archive = Archive(io.BytesIO(zipped(entries, compression=zipfile.ZIP_STORED)))
    with pytest.raises(ArchiveRefused, match="not valid JSON"):
        archive.document(layout.VIDEOS)
    with pytest.raises(ArchiveRefused, match="not valid JSON"):
        archive.document(layout.LIKES)


def test_documents_of_the_wrong_shape_refuse_the_whole_archive() -> None:
    wrong = account_zip(**{layout.VIDEOS: b'[{"name": "a list, not an object"}]'})
    with pytest.raises(ArchiveRefused, match="should hold a JSON object"):
        check_documents(Archive(io.BytesIO(wrong)))
    wrong = account_zip(**{layout.CHANNELS: b'{"channels": "not a list"}'})
    with pytest.raises(ArchiveRefused, match="should hold a list"):
        check_documents(Archive(io.BytesIO(wrong)))


def test_links_duplicates_and_foreign_archives_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(layout.ACCOUNT, b"{}")
        link = zipfile.ZipInfo("peertube/link.json")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, b"/etc/passwd")
    assert "symbolic link" in refused(buffer.getvalue())

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning):
        archive.writestr(layout.ACCOUNT, b"{}")
        archive.writestr(layout.ACCOUNT, b'{"name": "other"}')
    assert "twice" in refused(buffer.getvalue())

    assert "no peertube/ folder" in refused(zipped({"readme.txt": b"hello"}))
    assert "Not a readable zip" in refused(b"PK\x03\x04 this is not a zip at all")


def test_an_entry_whose_bytes_do_not_match_its_crc_is_refused_on_read() -> None:
    archive_bytes = zipped(
        {layout.ACCOUNT: b"{}", "files/videos/video-files/a.mp4": b"A" * 1000}, compression=zipfile.ZIP_STORED
    )
    corrupt = bytearray(archive_bytes)
    at = corrupt.index(b"A" * 1000)
    corrupt[at + 500] = ord("B")
    archive = Archive(io.BytesIO(bytes(corrupt)))
    with pytest.raises(ArchiveRefused, match="corrupt"):
        archive.copy("files/videos/video-files/a.mp4", lambda chunk: None)


def test_a_range_file_reads_an_archive_in_few_requests() -> None:
    video = os.urandom(3_000_000)
    data = account_zip(**{"files/videos/video-files/a.mp4": video})
    calls: list[tuple[int, int]] = []

    def read_range(first: int, last: int) -> bytes:
        calls.append((first, last))
        return data[first : last + 1]

    archive = Archive(RangeFile(len(data), read_range, window=256 * 1024))  # type: ignore[arg-type]
    copied = bytearray()
    archive.copy("files/videos/video-files/a.mp4", copied.extend)
    assert bytes(copied) == video
    assert archive.document(layout.ACCOUNT) == {"name": "alice"}
    assert len(calls) < 40
