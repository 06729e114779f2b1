"""What remote HTTP refuses before anything leaves: addresses, URLs, handles (no network)."""

from __future__ import annotations

import ast
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.net import addresses, transport
from chalicelib.activitypub.net.addresses import address_allowed, address_refusal, check_url
from chalicelib.activitypub.net.discovery import check_handle
from chalicelib.activitypub.net.transport import merge_headers
from chalicelib.config import get_settings
from tests.conftest import ROOT

REFUSED = {
    "0.0.0.0": "unspecified",
    "10.1.2.3": "private",
    "100.64.0.1": "shared",
    "100.127.255.254": "shared",
    "127.0.0.1": "loopback",
    "127.9.9.9": "loopback",
    "169.254.169.254": "link-local",
    "172.16.0.1": "private",
    "172.31.255.255": "private",
    "192.0.0.8": "reserved",
    "192.0.2.1": "documentation",
    "192.168.1.1": "private",
    "198.18.0.1": "benchmarking",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "::": "unspecified",
    "::1": "loopback",
    "fe80::1": "link-local",
    "fe80::1%eth0": "link-local",
    "fc00::1": "unique local",
    "fd00::1": "unique local",
    "fec0::1": "site-local",
    "ff02::1": "multicast",
    "::ffff:127.0.0.1": "loopback (inside IPv6)",
    "::ffff:10.0.0.1": "private (inside IPv6)",
    "::ffff:169.254.169.254": "link-local (inside IPv6)",
    "::ffff:100.64.0.1": "shared (carrier-grade NAT) (inside IPv6)",
    "64:ff9b::a00:1": "private (inside IPv6)",  # NAT64 of 10.0.0.1
    "2002:a00:1::1": "private (inside IPv6)",  # 6to4 of 10.0.0.1
    "::a00:1": "private (inside IPv6)",  # IPv4-compatible
    "64:ff9b:1::1": "reserved",
    "100::1": "reserved",
    "2001::1": "reserved",  # Teredo
    "2001:db8::1": "documentation",
    "4000::1": "reserved",  # outside global unicast 2000::/3
    "not-an-ip": "not an IP address",
}
ALLOWED = (
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "100.63.255.255",
    "100.128.0.1",
    "172.32.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4007:80f::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
)


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(("address", "label"), REFUSED.items())
def test_each_address_class_is_refused_with_its_reason(address: str, label: str) -> None:
    refusal = address_refusal(address)
    assert refusal is not None and label in refusal, refusal
    assert not address_allowed(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert address_refusal(address) is None


def test_the_loopback_exception_allows_loopback_itself_and_nothing_else() -> None:
    for address in ("127.0.0.1", "127.5.6.7", "::1"):
        assert address_allowed(address, allow_loopback=True)
    for address in ("::ffff:127.0.0.1", "10.0.0.1", "169.254.169.254", "fe80::1", "fd00::1", "0.0.0.0", "::"):
        assert not address_allowed(address, allow_loopback=True), address


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.org/actor", "only https"),
        ("ftp://example.org/actor", "only https"),
        ("file:///etc/passwd", "only https"),
        ("https://user:secret@example.org/", "credentials"),
        ("https://user@example.org/", "credentials"),
        ("https://exa_mple.org/", "plain host name"),
        ("https://ex%61mple.org/", "plain host name"),
        ("https://2130706433/", "plain host name"),  # 127.0.0.1 written as one number
        ("https://127.1/", "plain host name"),
        ("https://0x7f.0.0.1/", "plain host name"),
        ("https:///actor", "plain host name"),
        ("https://example.org:99999/", "malformed"),
    ],
)
def test_urls_are_refused_before_resolution(url: str, reason: str) -> None:
    with pytest.raises(RemoteFetchError) as refused:
        check_url(url)
    assert reason in refused.value.reason
    assert not refused.value.retryable


def test_ports_ip_literals_and_host_names_pass_the_url_check() -> None:
    assert check_url("https://Video.Example.org:8443/a?b=c") == ("video.example.org", 8443, "https")
    assert check_url("https://example.org/") == ("example.org", 443, "https")
    assert check_url("https://[2606:4700:4700::1111]/") == ("2606:4700:4700::1111", 443, "https")


@pytest.mark.usefixtures("loopback")
def test_the_loopback_flag_admits_plain_http_urls() -> None:
    assert check_url("http://127.0.0.1:9000/x") == ("127.0.0.1", 9000, "http")
    with pytest.raises(RemoteFetchError):
        check_url("ftp://127.0.0.1/x")


@pytest.mark.parametrize("answer", [["10.0.0.5"], ["169.254.169.254"], ["::1"], ["fd00::1"], ["::ffff:127.0.0.1"]])
def test_a_name_resolving_to_a_refused_address_is_refused_without_connecting(
    answer: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return answer

    monkeypatch.setattr(transport, "resolver", resolve)
    with pytest.raises(RemoteFetchError) as refused:
        transport.fetch_json("https://innocent.example/actor")
    assert refused.value.reason.startswith(f"refused address {answer[0]}")
    assert not refused.value.retryable
    assert asked == [("innocent.example", 443)]
    with pytest.raises(RemoteFetchError):
        transport.post_activity("https://innocent.example/inbox", b"{}", {})


def test_one_refused_address_among_public_ones_refuses_the_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["93.184.216.34", "10.0.0.1"])
    with pytest.raises(RemoteFetchError, match=r"refused address 10\.0\.0\.1"):
        transport.fetch_json("https://mixed.example/actor")


@pytest.mark.usefixtures("loopback")
def test_with_the_flag_plain_http_still_goes_to_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["93.184.216.34"])
    with pytest.raises(RemoteFetchError, match="plain http is only allowed to loopback"):
        transport.fetch_json("http://public.example/actor")
    monkeypatch.setattr(transport, "resolver", lambda host, port: ["10.0.0.1"])
    with pytest.raises(RemoteFetchError, match="private"):
        transport.fetch_json("https://private.example/actor")


def test_a_name_that_does_not_resolve_may_resolve_later(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(transport, "resolver", fail)
    with pytest.raises(RemoteFetchError) as failed:
        transport.fetch_json("https://flaky.example/actor")
    assert failed.value.retryable and "cannot resolve" in failed.value.reason


def test_a_resolver_slower_than_the_timeout_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(transport, "resolver", lambda host, port: time.sleep(2) or ["93.184.216.34"])
    started = time.monotonic()
    with pytest.raises(RemoteFetchError) as failed:
        transport.fetch_json("https://slow-dns.example/actor", timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert failed.value.retryable


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        ([], "the host has no address"),
        (["93.184.216.34", "169.254.169.254"], "refused address 169.254.169.254 (link-local)"),
        (["::ffff:10.0.0.1", "93.184.216.34"], "refused address ::ffff:10.0.0.1 (private (inside IPv6))"),
    ],
)
def test_the_policy_judges_every_resolved_address(found: list[str], reason: str) -> None:
    target = addresses.checked_target("https://policy.example/actor")
    with pytest.raises(RemoteFetchError) as refused:
        addresses.check_addresses(target, found)
    assert refused.value.reason == reason
    addresses.check_addresses(target, ["93.184.216.34", "2606:4700:4700::1111"])


def test_the_address_policy_opens_no_socket() -> None:
    # The split between policy and transport: the policy module cannot reach the network.
    tree = ast.parse(Path(addresses.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name.split(".")[0] for name in imported} & {"socket", "ssl", "urllib3", "http", "threading"}


def test_headers_merge_whatever_their_case() -> None:
    merged = merge_headers({"Content-Type": "a", "Host": "x"}, {"content-type": "b"}, {"HOST": "y"})
    assert merged == {"content-type": "b", "HOST": "y"}


def test_the_user_agent_names_cirrus_its_version_and_the_instance() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == transport.CIRRUS_VERSION
    assert transport.user_agent() == f"Cirrus/{project['version']} (+{get_settings().instance_url})"


@pytest.mark.parametrize(
    "handle",
    ["alice", "alice@", "@example.org", "alice@exa_mple.org", "alice@10.0.0.1", "alice@127.0.0.1:9000", "a@b@c"],
)
def test_handles_must_name_a_plain_host(handle: str) -> None:
    with pytest.raises(RemoteFetchError):
        check_handle(handle)


def test_handles_with_host_names_and_ports_pass() -> None:
    assert check_handle("alice@Video.Example.org") == "video.example.org"
    assert check_handle("alice_1@example.org:8443") == "example.org:8443"


@pytest.mark.usefixtures("loopback")
def test_with_the_flag_handles_may_name_loopback_addresses_only() -> None:
    assert check_handle("alice@127.0.0.1:9000") == "127.0.0.1:9000"
    with pytest.raises(RemoteFetchError):
        check_handle("alice@10.0.0.1")
