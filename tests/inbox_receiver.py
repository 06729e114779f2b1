"""Shared inboxes of several remote hosts on loopback (one port each), for delivery tests and
bench/federation.py: every POST's HTTP signature and digest are checked with Cirrus's own
verifier, and the receiver counts requests, verified ones, connections opened, and the order
in which answers were given. A host can be made slow: it answers after a delay, or only once
a test opens its gate.

In a test: `InboxReceiver(public_key_pem, hosts=3)`. As a process (the bench, so that the
receiver's work is not the sender's): `python -m tests.inbox_receiver --hosts 10
[--slow-hosts 1 --slow-seconds 5]` prints `{"ports": [...], "control": port}`, then serves;
`POST /reset` on the control port (the signer's public key PEM as body) empties the counts,
`GET /stats` reads them.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.signatures import InboundRequest, check_digest, parse_signature, verify_signature


@dataclass
class Answered:
    port: int
    path: str
    verified: bool
    activity_id: str = ""


@dataclass
class InboxReceiver:
    public_key_pem: str
    hosts: int = 1
    slow_seconds: dict[int, float] = field(default_factory=dict)  # host index -> delay
    gates: dict[int, threading.Event] = field(default_factory=dict)  # host index -> answer once set
    answered: list[Answered] = field(default_factory=list)
    connections: dict[int, int] = field(default_factory=dict)  # port -> connections opened

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._servers = [self._serve(index) for index in range(self.hosts)]

    @property
    def ports(self) -> list[int]:
        return [int(server.server_address[1]) for server in self._servers]

    def base(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def reset(self, public_key_pem: str | None = None) -> None:
        with self._lock:
            self.answered.clear()
            self.connections.clear()
            if public_key_pem is not None:
                self.public_key_pem = public_key_pem

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "answered": len(self.answered),
                "verified": sum(a.verified for a in self.answered),
                "connections": sum(self.connections.values()),
                "by_port": {str(port): sum(a.port == port for a in self.answered) for port in self.ports},
            }

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _verified(self, path: str, headers: dict[str, str], body: bytes) -> bool:
        request = InboundRequest("POST", path, headers, body, "http")
        try:
            check_digest(request)
            return verify_signature(parse_signature(request), self.public_key_pem)
        except SignatureError:
            return False

    def _serve(self, index: int) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as servers answer deliveries

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                port = int(self.server.server_address[1])
                with receiver._lock:
                    receiver.connections[port] = receiver.connections.get(port, 0) + 1

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                verified = receiver._verified(self.path, dict(self.headers.items()), body)
                if index in receiver.gates:
                    receiver.gates[index].wait(30)
                elif index in receiver.slow_seconds:
                    time.sleep(receiver.slow_seconds[index])
                try:
                    activity_id = str(json.loads(body).get("id", ""))
                except (ValueError, AttributeError):
                    activity_id = ""
                with receiver._lock:
                    receiver.answered.append(
                        Answered(int(self.server.server_address[1]), self.path, verified, activity_id)
                    )
                self.send_response(202 if verified else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.request_queue_size = 128
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def _control(receiver: InboxReceiver) -> ThreadingHTTPServer:
    class Control(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, data: Any) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._json(receiver.stats())

        def do_POST(self) -> None:
            pem = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            receiver.reset(pem or None)
            self._json({"reset": True})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Control)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--slow-hosts", type=int, default=0, help="how many of the hosts answer late")
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    options = parser.parse_args()
    slow = dict.fromkeys(range(options.slow_hosts), options.slow_seconds)
    receiver = InboxReceiver("", hosts=options.hosts, slow_seconds=slow)
    control = _control(receiver)
    print(json.dumps({"ports": receiver.ports, "control": control.server_address[1]}), flush=True)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
