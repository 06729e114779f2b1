"""Simulcast: a live's stream pushed on, as the encoder sent it, to the other RTMP endpoints
its owner listed (another platform's ingest, another PeerTube). Beyond PeerTube, where it
takes a plugin or an OBS add-on.

Each target gets, for each encoder connection, one ffmpeg copying the FLV stream
(`-c copy -f flv`). A relay never holds the live back: bytes are queued without waiting,
and a relay that falls more than `MAX_BEHIND` bytes behind (a slow or dead target) is
stopped with its reason in the logs; the live and the other targets go on.

Targets are hostile input (the owner names any host), so ffmpeg never resolves or reaches
them itself: it pushes to a one-connection proxy on loopback, and the proxy connects to an
address that passed the federation's address policy (public unicast only,
chalicelib/address_policy.py), resolved once, so that the name cannot point
elsewhere in between. For `rtmps://` the proxy speaks TLS to the target, with the target's
name for SNI and certificate verification; ffmpeg is given the target's own URL as the
RTMP `tcUrl`, so the receiving server sees the URL the owner typed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.address_policy import address_refusal

log = logging.getLogger("cirrus.live")

SCHEMES = {"rtmp": 1935, "rtmps": 443}
MAX_BEHIND = 8 * 1024 * 1024  # bytes queued for a target before it is given up
CONNECT_TIMEOUT_SECONDS = 10.0
FINISH_TIMEOUT_SECONDS = 10.0
STDERR_KEPT = 2000

Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(ValueError):
    """A target URL that may not be pushed to, with the reason."""


@dataclass(frozen=True)
class TargetUrl:
    scheme: str
    host: str
    port: int
    app_and_key: str  # the path after the host, without the leading slash

    @property
    def tc_url(self) -> str:
        """What the receiving server is told it was called as (RTMP's tcUrl): the app only."""
        app = self.app_and_key.split("/", 1)[0]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}/{app}"


def parse_target(url: str) -> TargetUrl:
    """A simulcast URL's parts; TargetRefused when it is not an RTMP(S) URL with a host and a
    path (the domain checked this when it was saved; the ingest checks again)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname or parts.username or parts.password:
        raise TargetRefused("not an rtmp:// or rtmps:// URL with a host")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise TargetRefused("bad port") from exc
    path = parts.path.lstrip("/")
    if parts.query:
        path = f"{path}?{parts.query}"
    if not path:
        raise TargetRefused("no application or stream key")
    return TargetUrl(parts.scheme, parts.hostname, port, path)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_address(target: TargetUrl, resolve: Resolver, *, allow_loopback: bool) -> str:
    """The address to connect to: every address of the host must be allowed, as for a
    federation request (a name with one private address among public ones is refused)."""
    try:
        addresses = await asyncio.wait_for(resolve(target.host, target.port), CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise TargetRefused(f"{target.host} does not resolve") from exc
    if not addresses:
        raise TargetRefused(f"{target.host} does not resolve")
    for address in addresses:
        refusal = address_refusal(address, allow_loopback=allow_loopback)
        if refusal is not None:
            raise TargetRefused(f"{target.host} resolves to a {refusal} address")
    return addresses[0]


class Relay:
    """One target for one encoder connection: proxy, ffmpeg, and the bytes between."""

    def __init__(
        self,
        url: str,
        *,
        video_id: str,
        ffmpeg: str = "ffmpeg",
        allow_loopback: bool = False,
        resolve: Resolver = system_resolver,
    ) -> None:
        self.url = url
        self.video_id = video_id
        self.ffmpeg = ffmpeg
        self.allow_loopback = allow_loopback
        self.resolve = resolve
        self.failure: str | None = None
        self.sent = 0  # bytes the proxy passed on to the target
        self._pending = bytearray()  # fed before ffmpeg started
        self._process: asyncio.subprocess.Process | None = None
        self._proxy: asyncio.Server | None = None
        self._pumps: set[asyncio.Task[None]] = set()
        self._stderr = b""
        self._starting: asyncio.Task[None] | None = None

    @property
    def label(self) -> str:
        """The target without its key, for logs."""
        try:
            target = parse_target(self.url)
        except TargetRefused:
            return "a bad URL"
        return target.tc_url

    def start(self) -> None:
        self._starting = asyncio.get_running_loop().create_task(self._start())

    def feed(self, data: bytes) -> None:
        """The encoder's next FLV bytes; never waits."""
        if self.failure is not None:
            return
        process = self._process
        if process is None:
            self._pending += data
            if len(self._pending) > MAX_BEHIND:
                self._fail("the target did not answer in time")
            return
        stdin = process.stdin
        if stdin is None or stdin.is_closing() or process.returncode is not None:
            self._fail(self._reason("ffmpeg stopped"))
            return
        if stdin.transport.get_write_buffer_size() > MAX_BEHIND:
            self._fail("the target takes the stream slower than it comes")
            return
        stdin.write(data)

    async def finish(self) -> None:
        """The encoder connection ended: ffmpeg sends what it has and closes the stream."""
        if self._starting is not None:
            with contextlib.suppress(Exception):
                await self._starting
        process = self._process
        if process is not None:
            if process.stdin is not None and not process.stdin.is_closing():
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), FINISH_TIMEOUT_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
        self._close_proxy()
        for pump in list(self._pumps):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pump, FINISH_TIMEOUT_SECONDS)
        if self.failure is None and process is not None and process.returncode not in (0, None):
            self.failure = self._reason(f"ffmpeg exited with {process.returncode}")
        if self.failure is not None:
            log.warning("live %s: simulcast to %s stopped: %s", self.video_id, self.label, self.failure)
        else:
            log.info("live %s: simulcast to %s ended, %d bytes sent", self.video_id, self.label, self.sent)

    async def _start(self) -> None:
        try:
            target = parse_target(self.url)
            address = await checked_address(target, self.resolve, allow_loopback=self.allow_loopback)
        except TargetRefused as exc:
            self._fail(str(exc))
            return
        self._proxy = await asyncio.start_server(
            lambda reader, writer: self._connected(reader, writer, target, address), "127.0.0.1", 0
        )
        local_port = self._proxy.sockets[0].getsockname()[1]
        argv = [
            self.ffmpeg, "-hide_banner", "-loglevel", "error",
            "-protocol_whitelist", "pipe", "-format_whitelist", "flv",
            "-f", "flv", "-i", "pipe:0",
            "-map", "0", "-c", "copy",
            "-rtmp_tcurl", target.tc_url,
            "-f", "flv", f"rtmp://127.0.0.1:{local_port}/{target.app_and_key}",
        ]  # fmt: skip
        self._process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        self._spawn(self._read_stderr())
        log.info("live %s: simulcast to %s (%s)", self.video_id, self.label, address)
        pending, self._pending = bytes(self._pending), bytearray()
        if pending:
            self.feed(pending)

    async def _connected(
        self, local_reader: asyncio.StreamReader, local_writer: asyncio.StreamWriter, target: TargetUrl, address: str
    ) -> None:
        self._close_proxy()  # one connection: ffmpeg's
        context = ssl.create_default_context() if target.scheme == "rtmps" else None
        try:
            remote_reader, remote_writer = await asyncio.wait_for(
                asyncio.open_connection(
                    address, target.port, ssl=context, server_hostname=target.host if context else None
                ),
                CONNECT_TIMEOUT_SECONDS,
            )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            self._fail(f"connecting to {target.host}:{target.port} failed: {exc}")
            local_writer.close()
            return
        self._spawn(self._pump(local_reader, remote_writer, count=True))
        self._spawn(self._pump(remote_reader, local_writer, count=False))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, count: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
                if count:
                    self.sent += len(chunk)
        except (OSError, ssl.SSLError) as exc:
            if count:
                self._fail(f"the target closed the connection: {exc}")
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
        self._pending = bytearray()
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()
        self._close_proxy()

    def _close_proxy(self) -> None:
        if self._proxy is not None:
            self._proxy.close()
            self._proxy = None

    def _reason(self, default: str) -> str:
        """ffmpeg's last words, without the stream key it may quote."""
        text = self._stderr.decode("utf-8", "replace").strip()
        line = text.splitlines()[-1] if text else default
        with contextlib.suppress(TargetRefused):
            line = line.replace(parse_target(self.url).app_and_key, "<key>")
        return line

    async def _read_stderr(self) -> None:
        process = self._process
        if process is None or process.stderr is None:
            return
        while chunk := await process.stderr.read(4096):
            self._stderr = (self._stderr + chunk)[-STDERR_KEPT:]

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._pumps.add(task)
        task.add_done_callback(self._pumps.discard)
