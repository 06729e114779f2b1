"""The ffmpeg layer: static builds for x86_64 and arm64, within Lambda's size limit.

The x86_64 build runs Cirrus's whole encoding pipeline here. The arm64 build is checked as
an ELF file (aarch64, static: no interpreter to find on Lambda's image) and, where
qemu-user is installed (`apt-get install qemu-user-static`), run under emulation.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from chalicelib.media.probe import count_frames
from chalicelib.media.transcode import transcode_chunked
from layers.ffmpeg.build import BINARIES, LICENCE, build, check_size
from tests.infra.conftest import SIZE_BUDGETS, unzipped_size

ELF_MACHINES = {"x86_64": 62, "arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64
PT_INTERP = 3


def elf_facts(path: Path) -> tuple[int, bool]:
    """(e_machine, whether a program header asks for a dynamic loader) of a 64-bit ELF file."""
    with open(path, "rb") as binary:
        header = binary.read(64)
        assert header[:4] == b"\x7fELF" and header[4] == 2, f"{path.name} is not a 64-bit ELF file"
        machine = struct.unpack_from("<H", header, 18)[0]
        phoff, phentsize, phnum = (
            struct.unpack_from("<Q", header, 32)[0],
            *struct.unpack_from("<HH", header, 54),
        )
        binary.seek(phoff)
        table = binary.read(phentsize * phnum)
    types = [struct.unpack_from("<I", table, i * phentsize)[0] for i in range(phnum)]
    return machine, PT_INTERP in types


@pytest.fixture(scope="module")
def x86_64_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("x86_64") / "layer", "x86_64")


@pytest.fixture(scope="module")
def arm64_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm fetches the arm64 build")
    return build(tmp_path_factory.mktemp("arm64") / "layer", "arm64")


@pytest.mark.parametrize("architecture", ["x86_64", "arm64"])
def test_layer_is_static_for_its_architecture_and_within_budget(
    architecture: str, request: pytest.FixtureRequest
) -> None:
    bin_dir: Path = request.getfixturevalue(f"{architecture}_layer")

    assert sorted(path.name for path in bin_dir.iterdir()) == sorted((*BINARIES, LICENCE))
    assert "GNU GENERAL PUBLIC LICENSE" in (bin_dir / LICENCE).read_text()[:200]
    for name in BINARIES:
        assert os.access(bin_dir / name, os.X_OK)
        assert elf_facts(bin_dir / name) == (ELF_MACHINES[architecture], False), name
    assert unzipped_size(bin_dir.parent) <= SIZE_BUDGETS["ffmpeg"]
    assert check_size(bin_dir.parent) == unzipped_size(bin_dir.parent)


def test_size_check_refuses_a_function_past_lambdas_limit(x86_64_layer: Path, tmp_path: Path) -> None:
    bulky = tmp_path / "bulky"
    bulky.mkdir()
    with open(bulky / "blob", "wb") as blob:  # sparse: costs no disk
        blob.truncate(200 * 2**20)

    with pytest.raises(SystemExit, match="over Lambda's"):
        check_size(x86_64_layer.parent, bulky)


def test_the_layer_ffmpeg_transcodes_a_clip(
    x86_64_layer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = subprocess.run([str(x86_64_layer / "ffmpeg"), "-version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("ffmpeg version 6.0")
    monkeypatch.setenv("PATH", f"{x86_64_layer}{os.pathsep}{os.environ['PATH']}")  # as /opt/bin in Lambda
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-f", "lavfi", "-i", "sine", "-t", "8", "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)],
        check=True,
    )  # fmt: skip
    output = transcode_chunked(str(clip), tmp_path / "hls", "layer", seconds=4)
    assert [p.rendition.resolution for p in output.renditions] == [180, 144]
    assert all(count_frames(str(p.playlist)) == 200 for p in output.renditions)


def test_the_arm64_binaries_run_under_emulation(arm64_layer: Path, tmp_path: Path) -> None:
    qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
    if qemu is None:
        pytest.skip("qemu-user is not installed")
    for name in BINARIES:
        version = subprocess.run(
            [qemu, str(arm64_layer / name), "-version"], check=False, capture_output=True, text=True
        )
        assert version.returncode == 0 and version.stdout.startswith(f"{name} version"), version.stderr
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        [qemu, str(arm64_layer / "ffmpeg"), "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc2=size=160x90:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    probe = subprocess.run(
        [qemu, str(arm64_layer / "ffprobe"), "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", str(clip)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "h264,25"
