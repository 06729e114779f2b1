"""Load on the WebTorrent tracker over loopback: connected peers, announces, relay latency, memory.

    python bench/tracker.py [--peers 10000] [--per-swarm 10] [--offers 5] [--seconds 15]
    python bench/tracker.py --server peertube --node-path /tmp/x/node_modules   # PeerTube's tracker
    python bench/tracker.py --processes 1,2,4 --peers 2000      # shards: aggregate announces/s

Starts the tracker in a subprocess on a free loopback port (Cirrus's: the container's
server, functions/tracker/server.py, in public mode, on uvloop when it is installed; or
PeerTube's `@peertube/bittorrent-tracker-server` through bench/peertube_tracker.mjs, when
its package is installed where --node-path points), then from this process:

1. connects `--peers` websockets, in swarms of `--per-swarm` peers, each announcing
   `started`; prints the tracker's memory (RSS) per connected peer;
2. for `--seconds`, every peer announces `update` with `--offers` offers as soon as its
   previous announce was answered (closed loop: the tracker's throughput is the limit), and
   prints announces per second, the relay latency (offer sent → offer received by the
   other peer) at p50 and p99, and the CPU time each side spent per announce.

With `--processes 1,2,4`, each figure is made with that many tracker processes (shards), each
swarm pinned to its shard by the hash the API uses for videos (chalicelib/tracker_shards.py),
`--peers` peers per tracker process, and as many client processes as tracker processes (the
client is the limit of one process): it prints the aggregate announces per second and the
announces per tracker CPU-second (the per-core figure: 1 / CPU time per announce), for
Cirrus's tracker or PeerTube's.

Both processes share the machine: the client's own cost (websocket framing, building
announces) is part of what is measured, the same for either tracker; it is kept low (no JSON
parsing of what it receives) so that the tracker's own speed decides. On a machine busy
with other work, the tracker's CPU time per announce is the steadier figure.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import socket
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from chalicelib import tracker_shards  # noqa: E402  (pure: no settings, no AWS)

CONNECT_CONCURRENCY = 200
SDP_PADDING = "a=candidate:" + "x" * 400  # an offer of realistic size (browsers' are 0.5-2 KB)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def start_server(kind: str, port: int, node_path: str | None) -> subprocess.Popen[bytes]:
    if kind == "cirrus":
        env = {**os.environ, "CIRRUS_TRACKER_PUBLIC": "true", "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "functions.tracker.server", "--host", "127.0.0.1", "--port", str(port)]
    else:
        if not node_path:
            raise SystemExit("--server peertube needs --node-path (a node_modules with the tracker's package)")
        env = {**os.environ, "NODE_PATH": node_path}
        command = ["node", str(ROOT / "bench" / "peertube_tracker.mjs"), str(port)]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the tracker did not start")


def random_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=20))


class Peer:
    def __init__(self, swarm: str, peer_id: str, stats: Stats) -> None:
        self.swarm = swarm
        self.peer_id = peer_id
        self.stats = stats
        self.socket: ClientConnection | None = None
        self.replied = asyncio.Event()
        self.reader: asyncio.Task[None] | None = None

    async def open(self, url: str) -> None:
        self.socket = await connect(url, max_size=None, compression=None, ping_interval=None, open_timeout=60)
        self.reader = asyncio.create_task(self._read())

    async def announce(self, event: str, offers: int) -> None:
        assert self.socket is not None
        self.replied.clear()
        sent = time.perf_counter()
        # The document json.dumps would make (the ids are ASCII letters and digits), spliced
        # from parts: the client's own cost is kept low, leaving the machine to the tracker.
        offer_list = ",".join(
            f'{{"offer":{{"type":"offer","sdp":"t={sent}\\n{SDP_PADDING}"}},"offer_id":"{n:02d}{self.peer_id[2:]}"}}'
            for n in range(offers)
        )
        await self.socket.send(
            f'{{"action":"announce","info_hash":"{self.swarm}","peer_id":"{self.peer_id}",'
            f'"event":"{event}","numwant":{offers},"offers":[{offer_list}]}}'
        )
        async with asyncio.timeout(30):  # no task per announce, unlike asyncio.wait_for
            await self.replied.wait()

    async def _read(self) -> None:
        assert self.socket is not None
        try:
            async for raw in self.socket:
                received = time.perf_counter()
                assert isinstance(raw, str)
                # Only the fields the bench needs, found without parsing the whole message.
                at = raw.find('"sdp":"t=')
                if at >= 0:
                    sent = float(raw[at + 9 : raw.index("\\n", at)])
                    self.stats.latencies.append(received - sent)
                elif '"failure reason"' in raw:
                    self.stats.failures += 1
                    self.replied.set()
                elif '"interval"' in raw:
                    self.replied.set()
        except Exception:
            self.stats.dropped += 1


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures = 0
        self.dropped = 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def make_peers(peers_count: int, per_swarm: int, shards: list[str], rng: random.Random) -> list[tuple[str, str, int]]:
    """(swarm, peer id, shard index) of every peer: swarms of `per_swarm`, each on the shard
    the API's hash picks for it (a swarm stands for a video)."""
    swarms = [random_id(rng) for _ in range(max(1, peers_count // per_swarm))]
    shard_of = {swarm: shards.index(tracker_shards.choose(swarm, shards)) for swarm in swarms}
    return [(swarms[i % len(swarms)], random_id(rng), shard_of[swarms[i % len(swarms)]]) for i in range(peers_count)]


async def drive(
    urls: list[str], specs: list[tuple[str, str, int]], offers: int, seconds: float, sync: ClientSync | None
) -> dict[str, float]:
    """One client process: connect its peers, wait for the others, announce for `seconds`."""
    stats = Stats()
    peers = [Peer(swarm, peer_id, stats) for swarm, peer_id, _ in specs]
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def join(peer: Peer, url: str) -> None:
        async with gate:
            await peer.open(url)
            await peer.announce("started", 0)

    await asyncio.gather(*(join(peer, urls[spec[2]]) for peer, spec in zip(peers, specs, strict=True)))
    if sync is not None:
        await asyncio.to_thread(sync.ready.wait)  # every client connected
        await asyncio.to_thread(sync.go.wait)
    stats.latencies.clear()
    announces = 0
    deadline = time.perf_counter() + seconds

    async def keep_announcing(peer: Peer) -> None:
        nonlocal announces
        while time.perf_counter() < deadline:
            try:
                await peer.announce("update", offers)
            except (TimeoutError, Exception):
                stats.dropped += 1
                return
            announces += 1

    started = time.perf_counter()
    cpu = cpu_seconds(os.getpid())
    await asyncio.gather(*(keep_announcing(peer) for peer in peers))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(os.getpid()) - cpu
    for peer in peers:
        if peer.socket is not None:
            await peer.socket.close()
    return {
        "announces": announces,
        "elapsed": elapsed,
        "client_cpu": cpu,
        "failures": stats.failures,
        "dropped": stats.dropped,
        "latencies": stats.latencies,  # type: ignore[dict-item]
    }


class ClientSync:
    def __init__(self, clients: int) -> None:
        self.ready = multiprocessing.Barrier(clients + 1)
        self.go = multiprocessing.Event()


def client_process(
    urls: list[str], specs: list[tuple[str, str, int]], offers: int, seconds: float, sync: ClientSync, results: Any
) -> None:
    raise_fd_limit(len(specs) + 512)
    results.put(asyncio.run(drive(urls, specs, offers, seconds, sync)))


def run(
    urls: list[str], pids: list[int], peers_count: int, per_swarm: int, offers: int, seconds: float, clients: int
) -> dict[str, float]:
    rng = random.Random(7)
    shards = [f"shard-{k}" for k in range(len(urls))]  # the names hashed, as the API hashes its URLs
    specs = make_peers(peers_count, per_swarm, shards, rng)
    rss_before = sum(rss_bytes(pid) for pid in pids)
    sync = ClientSync(clients)
    results: Any = multiprocessing.Queue()
    # Whole swarms per client process, so a client's peers are not all on one shard.
    by_swarm: dict[str, list[tuple[str, str, int]]] = {}
    for spec in specs:
        by_swarm.setdefault(spec[0], []).append(spec)
    parts: list[list[tuple[str, str, int]]] = [[] for _ in range(clients)]
    for n, swarm_specs in enumerate(by_swarm.values()):
        parts[n % clients].extend(swarm_specs)
    started = time.perf_counter()
    workers = [
        multiprocessing.Process(target=client_process, args=(urls, part, offers, seconds, sync, results))
        for part in parts
    ]
    for worker in workers:
        worker.start()
    sync.ready.wait()
    joined_seconds = time.perf_counter() - started
    time.sleep(1)
    rss_after = sum(rss_bytes(pid) for pid in pids)
    per_shard = [sum(1 for spec in specs if spec[2] == k) for k in range(len(urls))]
    print(
        f"{peers_count} peers in {len(by_swarm)} swarms on {len(urls)} tracker process(es) {per_shard}, "
        f"{clients} client process(es): connected and announced in {joined_seconds:.1f} s",
        flush=True,
    )
    server_cpu = sum(cpu_seconds(pid) for pid in pids)
    load_started = time.perf_counter()
    sync.go.set()
    done = [results.get() for _ in workers]
    elapsed = time.perf_counter() - load_started
    server_cpu = sum(cpu_seconds(pid) for pid in pids) - server_cpu
    for worker in workers:
        worker.join(30)
    announces = sum(d["announces"] for d in done)
    latencies = [value for d in done for value in d["latencies"]]
    return {
        "tracker_processes": len(urls),
        "peers": peers_count,
        "swarms": len(by_swarm),
        "rss_before_mib": rss_before / 2**20,
        "rss_after_mib": rss_after / 2**20,
        "bytes_per_peer": (rss_after - rss_before) / peers_count,
        "announces_per_second": announces / elapsed,
        # CPU time per announce (its reply and 5 relayed offers): what the load costs each
        # side, whatever else the machine is running meanwhile; its inverse is the per-core rate.
        "server_cpu_us_per_announce": server_cpu / max(1, announces) * 1e6,
        "announces_per_cpu_second": announces / max(server_cpu, 1e-9),
        "server_cpu_share": server_cpu / elapsed,
        "client_cpu_share": sum(d["client_cpu"] for d in done) / elapsed,
        "relays": len(latencies),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "failures": sum(d["failures"] for d in done),
        "dropped": sum(d["dropped"] for d in done),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peers", type=int, default=10_000)
    parser.add_argument("--per-swarm", type=int, default=10)
    parser.add_argument("--offers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--server", choices=["cirrus", "peertube"], default="cirrus")
    parser.add_argument("--node-path", default=None)
    parser.add_argument("--connect", metavar="PORT:PID", help="a tracker already running (e.g. under a profiler)")
    parser.add_argument("--processes", default="1", help="tracker processes (shards), e.g. 1,2,4: one run each")
    parser.add_argument("--clients", type=int, default=0, help="client processes (default: one per tracker process)")
    options = parser.parse_args()

    rows = []
    for count in [int(part) for part in options.processes.split(",")]:
        total = options.peers * count  # --peers per tracker process
        # Each peer is a socket in a client and one in a tracker: --peers per process of each.
        limit = raise_fd_limit(options.peers + 512)
        if limit < options.peers + 64:
            print(f"the file descriptor limit is {limit}: {limit - 64} peers per process instead of {options.peers}")
            total = (limit - 64) * count
        servers: list[subprocess.Popen[bytes]] = []
        if options.connect:
            port, pid = (int(part) for part in options.connect.split(":"))
            urls, pids = [f"ws://127.0.0.1:{port}/tracker/socket"], [pid]
        else:
            ports = [free_port() for _ in range(count)]
            servers = [start_server(options.server, port, options.node_path) for port in ports]
            # Shard k's own path, as behind the load balancer (PeerTube's tracker: its one path).
            urls = [
                f"ws://127.0.0.1:{port}/tracker/{k}/socket"
                if options.server == "cirrus" and count > 1
                else f"ws://127.0.0.1:{port}/tracker/socket"
                for k, port in enumerate(ports)
            ]
            pids = [server.pid for server in servers]
        try:
            result = run(
                urls, pids, total, options.per_swarm, options.offers, options.seconds, options.clients or len(urls)
            )
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
        rows.append(result)
        print(f"tracker: {options.server}")
        for name, value in result.items():
            print(f"  {name:26} {value:,.1f}" if isinstance(value, float) else f"  {name:26} {value:,}", flush=True)
    if len(rows) > 1:
        first = rows[0]["announces_per_second"]
        print(f"{options.server}: aggregate announces/s by tracker processes (scaling against 1 process)")
        for row in rows:
            rate = row["announces_per_second"]
            print(
                f"  {row['tracker_processes']:>2}: {rate:10,.0f}/s  x{rate / first:.2f}  "
                f"({row['announces_per_cpu_second']:,.0f} per tracker CPU-second)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
