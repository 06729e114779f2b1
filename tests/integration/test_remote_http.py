"""Remote HTTP against real servers on 127.0.0.1, started in the test (no internet)."""

from __future__ import annotations

import datetime
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net import transport
from chalicelib.activitypub.net.discovery import resolve_handle
from chalicelib.activitypub.net.transport import ACTIVITYPUB_ACCEPT, JRD_ACCEPT, fetch_json, post_activity
from chalicelib.config import get_settings

ACTOR = {"id": "https://remote.example/accounts/alice", "type": "Person"}
Route = Callable[["Handler"], None]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Handler(BaseHTTPRequestHandler):
    server: StubServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET", b"")

    def do_POST(self) -> None:
        self._dispatch("POST", self.rfile.read(int(self.headers.get("content-length") or 0)))

    def _dispatch(self, method: str, body: bytes) -> None:
        stub = self.server.stub
        stub.seen.append(Seen(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        route = stub.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                reply(self, 404, "application/json", b"{}")
            else:
                route(self)
        except OSError:
            pass  # the client cut us off, as it should

    def send(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
        reply(self, status, content_type, body, **headers)


def reply(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


class StubServer(ThreadingHTTPServer):
    daemon_threads = True
    stub: Stub


@dataclass
class Stub:
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    tls: ssl.SSLContext | None = None
    _server: StubServer | None = None

    def start(self) -> Stub:
        self._server = StubServer(("127.0.0.1", 0), Handler)
        self._server.stub = self
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def json(self, path: str, document: object, content_type: str = "application/activity+json") -> None:
        self.routes[path] = lambda h: h.send(200, content_type, json.dumps(document).encode())


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    def allow(loopback: bool) -> None:
        monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1" if loopback else "0")
        get_settings.cache_clear()

    allow(True)
    yield allow
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def stub(settings_env: Callable[[bool], None]) -> Iterator[Stub]:
    server = Stub().start()
    yield server
    server.stop()


def refused(call: Callable[[], object]) -> RemoteFetchError:
    with pytest.raises(RemoteFetchError) as error:
        call()
    return error.value


# --- What is allowed, and what is sent ------------------------------------------------------


def test_loopback_is_reachable_with_the_flag_and_the_request_says_who_asks(stub: Stub) -> None:
    stub.json("/accounts/alice", ACTOR)
    assert fetch_json(stub.url("/accounts/alice")) == ACTOR
    (request,) = stub.seen
    assert request.headers["accept"] == ACTIVITYPUB_ACCEPT
    assert request.headers["user-agent"] == f"Cirrus/{transport.CIRRUS_VERSION} (+{get_settings().instance_url})"
    assert request.headers["host"] == f"127.0.0.1:{stub.port}"
    assert request.headers.get("accept-encoding", "identity") == "identity"


def test_without_the_flag_neither_http_nor_loopback_leaves(stub: Stub, settings_env: Callable[[bool], None]) -> None:
    stub.json("/accounts/alice", ACTOR)
    settings_env(False)
    assert "only https" in refused(lambda: fetch_json(stub.url("/accounts/alice"))).reason
    loopback = refused(lambda: fetch_json(stub.url("/accounts/alice", scheme="https")))
    assert loopback.reason.startswith("refused address 127.0.0.1 (loopback)") and not loopback.retryable
    assert "only https" in refused(lambda: post_activity(stub.url("/inbox"), b"{}", {})).reason
    assert stub.seen == []


def test_sign_headers_are_sent_and_each_redirect_hop_is_signed_again(stub: Stub) -> None:
    stub.routes["/old"] = lambda h: h.send(301, "text/plain", b"", Location="/new")
    stub.routes["/new"] = lambda h: h.send(302, "text/plain", b"", Location=stub.url("/accounts/alice"))
    stub.json("/accounts/alice", ACTOR, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
    signed: list[tuple[str, str, bytes | None]] = []

    def sign(method: str, url: str, body: bytes | None) -> dict[str, str]:
        signed.append((method, url, body))
        return {"Signature": f'keyId="k",signature="{len(signed)}"', "Date": "Sun, 22 Nov 2026 07:00:00 GMT"}

    assert fetch_json(stub.url("/old"), sign=sign) == ACTOR
    assert signed == [("GET", stub.url(path), None) for path in ("/old", "/new", "/accounts/alice")]
    assert [r.headers["signature"] for r in stub.seen] == [f'keyId="k",signature="{n}"' for n in (1, 2, 3)]
    assert all(r.headers["date"] == "Sun, 22 Nov 2026 07:00:00 GMT" for r in stub.seen)


def test_more_than_five_redirects_are_refused(stub: Stub) -> None:
    for hop in range(7):
        stub.routes[f"/r{hop}"] = lambda h, hop=hop: h.send(302, "text/plain", b"", Location=f"/r{hop + 1}")
    error = refused(lambda: fetch_json(stub.url("/r0")))
    assert "more than 5 redirects" in error.reason and not error.retryable
    assert len(stub.seen) == 6


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/actor",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/x",
        "http://[::ffff:127.0.0.1]:1/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(stub: Stub, location: str) -> None:
    stub.routes["/hop"] = lambda h: h.send(302, "text/plain", b"", Location=location)
    error = refused(lambda: fetch_json(stub.url("/hop")))
    assert error.reason.startswith("refused address") and not error.retryable
    assert len(stub.seen) == 1


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(
    stub: Stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["192.168.0.10"])
    stub.routes["/hop"] = lambda h: h.send(302, "text/plain", b"", Location="https://router.example/admin")
    assert refused(lambda: fetch_json(stub.url("/hop"))).reason.startswith("refused address 192.168.0.10 (private)")


# --- Answers that are refused ------------------------------------------------------------------


def test_an_oversized_body_is_refused_when_declared_and_when_streamed(stub: Stub) -> None:
    big = b'{"a": "' + b"x" * (transport.MAX_BYTES + 10) + b'"}'
    stub.routes["/declared"] = lambda h: h.send(200, "application/activity+json", big)

    def streamed(h: Handler) -> None:  # no Content-Length: the answer ends when the socket closes
        h.send_response(200)
        h.send_header("Content-Type", "application/activity+json")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"x" * 64 * 1024)

    stub.routes["/streamed"] = streamed
    for path in ("/declared", "/streamed"):
        error = refused(lambda path=path: fetch_json(stub.url(path)))
        assert error.reason == f"answer larger than {transport.MAX_BYTES} bytes" and not error.retryable
    stub.json("/small", {"a": "x" * 100})
    assert "larger than 50 bytes" in refused(lambda: fetch_json(stub.url("/small"), max_bytes=50)).reason


def test_a_dribbling_server_is_cut_at_the_deadline(stub: Stub) -> None:
    def dribble_body(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/activity+json")
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(1000):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)

    def dribble_headers(h: Handler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(1000):
            h.wfile.write(b"X-Slow: 1\r\n")
            h.wfile.flush()
            time.sleep(0.1)

    stub.routes["/body"] = dribble_body
    stub.routes["/headers"] = dribble_headers
    for path in ("/body", "/headers"):
        started = time.monotonic()
        error = refused(lambda path=path: fetch_json(stub.url(path), timeout=1.0))
        elapsed = time.monotonic() - started
        assert error.reason == "timed out" and error.retryable, error
        assert 0.9 < elapsed < 1.6, elapsed


def test_a_silent_server_times_out_and_a_closed_port_fails_retryably(stub: Stub) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/x"
        error = refused(lambda: fetch_json(url, timeout=0.5))
        assert error.reason == "timed out" and error.retryable
        error = refused(lambda: post_activity(url, b"{}", {}, timeout=0.5))
        assert error.reason == "timed out" and error.retryable
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    error = refused(lambda: fetch_json(f"http://127.0.0.1:{port}/x"))
    assert error.reason.startswith("connection failed") and error.retryable


@pytest.mark.parametrize(
    ("content_type", "accept"),
    [
        ("text/html; charset=utf-8", ACTIVITYPUB_ACCEPT),
        ("application/json", ACTIVITYPUB_ACCEPT),  # an ActivityPub fetch takes ActivityPub types only
        ("", ACTIVITYPUB_ACCEPT),
        ("application/activity+json", JRD_ACCEPT),
    ],
)
def test_a_content_type_the_request_did_not_ask_for_is_refused(stub: Stub, content_type: str, accept: str) -> None:
    stub.json("/doc", ACTOR, content_type)
    error = refused(lambda: fetch_json(stub.url("/doc"), accept=accept))
    assert error.reason.startswith("unexpected content type") and not error.retryable


def test_json_types_of_webfinger_and_nodeinfo_are_accepted_when_asked_for(stub: Stub) -> None:
    stub.json("/jrd", {"links": []}, "application/jrd+json; charset=utf-8")
    stub.json("/nodeinfo", {"links": []}, "application/json")
    assert fetch_json(stub.url("/jrd"), accept=JRD_ACCEPT) == {"links": []}
    assert fetch_json(stub.url("/nodeinfo"), accept="application/json") == {"links": []}
    assert stub.seen[0].headers["accept"] == JRD_ACCEPT


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"null", b"{not json", b"[" * 100_000])
def test_anything_but_a_json_object_is_refused(stub: Stub, body: bytes) -> None:
    stub.routes["/doc"] = lambda h: h.send(200, "application/activity+json", body)
    error = refused(lambda: fetch_json(stub.url("/doc")))
    assert error.reason in ("the answer is not JSON", "the answer is not a JSON object") and not error.retryable


def test_a_compressed_answer_is_refused(stub: Stub) -> None:
    stub.routes["/doc"] = lambda h: h.send(200, "application/activity+json", b"\x1f\x8b", Content_Encoding="gzip")
    assert refused(lambda: fetch_json(stub.url("/doc"))).reason == "unexpected content encoding gzip"


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (502, True), (503, True), (429, True), (404, False)])
def test_error_statuses_say_whether_to_retry(stub: Stub, status: int, retryable: bool) -> None:
    stub.routes["/doc"] = lambda h: h.send(status, "application/json", b"{}")
    error = refused(lambda: fetch_json(stub.url("/doc")))
    assert (error.reason, error.retryable) == (f"answered {status}", retryable)
    assert transport.retryable_status(status) is retryable


# --- Deliveries ----------------------------------------------------------------------------------


def test_post_activity_returns_the_status_and_sends_the_headers_given(stub: Stub) -> None:
    stub.routes["/inbox"] = lambda h: h.send(202, "text/plain", b"accepted")
    body = json.dumps({"type": "Follow"}).encode()
    status = post_activity(stub.url("/inbox"), body, {"Signature": "sig", "Digest": "SHA-256=x", "host": "spoofed"})
    assert status == 202
    (request,) = stub.seen
    assert (request.method, request.body) == ("POST", body)
    assert request.headers["content-type"] == "application/activity+json"
    assert (request.headers["signature"], request.headers["digest"]) == ("sig", "SHA-256=x")
    assert request.headers["host"] == f"127.0.0.1:{stub.port}"


def test_post_activity_does_not_follow_redirects_and_reports_failures_as_statuses(stub: Stub) -> None:
    stub.routes["/inbox"] = lambda h: h.send(307, "text/plain", b"", Location="/elsewhere")
    stub.routes["/elsewhere"] = lambda h: h.send(204, "text/plain", b"")
    stub.routes["/broken"] = lambda h: h.send(500, "text/plain", b"oops")
    assert post_activity(stub.url("/inbox"), b"{}", {}) == 307
    assert post_activity(stub.url("/broken"), b"{}", {}) == 500
    assert [r.path for r in stub.seen] == ["/inbox", "/broken"]


# --- WebFinger -------------------------------------------------------------------------------------


def test_webfinger_resolves_a_handle_against_a_local_server(stub: Stub) -> None:
    host = f"127.0.0.1:{stub.port}"
    actor = stub.url("/accounts/alice")
    stub.json(
        "/.well-known/webfinger",
        {
            "subject": f"acct:alice@{host}",
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": stub.url("/a/alice")},
                {"rel": "self", "type": "application/activity+json", "href": actor},
            ],
        },
        "application/jrd+json",
    )
    assert resolve_handle(f"@alice@{host}") == actor
    (request,) = stub.seen
    assert request.path == f"/.well-known/webfinger?resource=acct:alice@{host}"
    assert request.headers["accept"] == JRD_ACCEPT


def test_webfinger_without_an_activitypub_link_or_with_a_bad_handle_fails(stub: Stub) -> None:
    host = f"127.0.0.1:{stub.port}"
    stub.json("/.well-known/webfinger", {"links": [{"rel": "self", "type": "text/html", "href": "https://x.example/"}]})
    stub.routes["/.well-known/webfinger"] = lambda h: h.send(
        200, "application/jrd+json", b'{"links": [{"rel": "self", "type": "text/html", "href": "https://x.example/"}]}'
    )
    assert refused(lambda: resolve_handle(f"alice@{host}")).reason == "WebFinger names no ActivityPub actor"
    for handle in ("alice@10.0.0.1", "alice@exa mple.org", "alice"):
        refused(lambda handle=handle: resolve_handle(handle))
    assert len(stub.seen) == 1


# --- TLS: the checked address is dialled, the name is verified ---------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path


def certificate(tmp_path: Path, name: str) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files = Certificate(tmp_path / f"{name}.pem", tmp_path / f"{name}.key")
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


@pytest.fixture
def tls_stub(
    tmp_path: Path, settings_env: Callable[[bool], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Stub, list[str]]]:
    served = certificate(tmp_path, "fed.test")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(served.cert_file, served.key_file)
    names: list[str] = []
    server_context.sni_callback = lambda _sock, name, _context: names.append(str(name)) and None
    client_context = ssl.create_default_context(cafile=str(served.cert_file))
    monkeypatch.setattr(transport, "tls_context", lambda: client_context)
    # fed.test exists for this resolver only: a connection proves the checked address was dialled.
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["127.0.0.1"] if host == "fed.test" else [])
    server = Stub(tls=server_context).start()
    yield server, names
    server.stop()


def test_https_dials_the_checked_address_with_the_name_in_sni_host_and_verification(
    tls_stub: tuple[Stub, list[str]],
) -> None:
    stub, names = tls_stub
    stub.json("/accounts/alice", ACTOR)
    assert fetch_json(stub.url("/accounts/alice", host="fed.test", scheme="https")) == ACTOR
    assert names == ["fed.test"]
    assert stub.seen[0].headers["host"] == f"fed.test:{stub.port}"


def test_a_certificate_for_another_name_is_refused(
    tls_stub: tuple[Stub, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    stub, _ = tls_stub
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["127.0.0.1"])
    error = refused(lambda: fetch_json(stub.url("/accounts/alice", host="other.test", scheme="https")))
    assert error.reason.startswith("certificate refused") and not error.retryable
    assert stub.seen == []
