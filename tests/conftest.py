"""Shared fixtures: settings for a test instance, and moto's in-process AWS."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Never let a test reach a real AWS account, whatever the developer's shell holds.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "CIRRUS_ENV": "local",
        "POWERTOOLS_METRICS_NAMESPACE": "CirrusTests",
    }
)
os.environ.pop("CIRRUS_AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

# The process keeps one boto3 session (chalicelib/aws.py), and a botocore session takes the
# handlers registered when it is made: moto's stub must be among them, whichever test makes it.
import moto.core.models  # noqa: E402, F401


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's in-process AWS, with the instance's table, buckets and queues created."""
    from moto import mock_aws

    from chalicelib import aws as aws_clients
    from chalicelib import caches
    from chalicelib.config import get_settings
    from local import moto_speedups, resources

    caches.reset_all()
    moto_speedups.apply()
    with mock_aws():
        settings = get_settings()
        resources.provision(settings, aws_clients.s3(), aws_clients.sqs())
        yield
    caches.reset_all()


def shared_file(name: str) -> Path:
    """A file of ../shared, or a skip that says why the test cannot run without it."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the shared PeerTube reference files (CI has them)")
    return path


ROOT_PASSWORD = "root-password-for-tests"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests hash many passwords: a low scrypt cost keeps them fast (hashes carry their cost)."""
    from chalicelib.domain import passwords

    monkeypatch.setattr(passwords, "COST", passwords.ScryptCost(log2_n=10, r=8, p=1))


_ACTOR_KEYS: list[Any] = []


@pytest.fixture(autouse=True)
def actor_keys_made_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each local actor gets a 2048-bit RSA key (about 100 ms to generate, the bulk of making a
    user): the n-th key a test asks for is the n-th of a pool this process fills once. Keys
    stay distinct within a test, and each test starts from empty tables."""
    from chalicelib.domain import actor_keys

    generate = actor_keys.generate_key_pair
    handed_out = 0

    def pooled_key_pair(key_size: int = actor_keys.KEY_SIZE) -> actor_keys.KeyPair:
        nonlocal handed_out
        if key_size != actor_keys.KEY_SIZE:
            return generate(key_size)
        if handed_out == len(_ACTOR_KEYS):
            _ACTOR_KEYS.append(generate())
        handed_out += 1
        return _ACTOR_KEYS[handed_out - 1]  # type: ignore[no-any-return]

    monkeypatch.setattr(actor_keys, "generate_key_pair", pooled_key_pair)


@pytest.fixture
def instance(aws: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A bootstrapped instance: OAuth client, server actor, and root."""
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow

    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
    get_settings.cache_clear()
    return ensure_instance(get_settings(), utcnow())


@pytest.fixture
def api(instance: Any) -> Any:
    """An in-process client of the API function, over moto, on a bootstrapped instance."""
    from tests.api_client import ApiClient

    return ApiClient(instance.client.client_id, instance.client.client_secret)


@pytest.fixture
def people(api: Any) -> Any:
    """Three members with a channel each: alice and bob (users), mod (a moderator)."""
    from tests.members import standard_people

    return standard_people(api)


@pytest.fixture
def peer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Another ActivityPub server on loopback (tests/federation_peer.py). This instance may reach
    it over plain http and retries failed deliveries at once; list it before `api`, so that
    the settings are read with these variables."""
    from tests.federation_peer import Peer

    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CIRRUS_DELIVERY_RETRY_SECONDS", "0")
    remote = Peer().start()
    yield remote
    remote.stop()


@pytest.fixture
def dynamodb_calls(api: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """The DynamoDB operations made while the test runs, by name (hot paths pin them). The
    catalogue's timed reads of changes are held off: on a loaded machine one fell between two
    measured requests now and then (its reads after this process's own writes still happen)."""
    from chalicelib.store import catalog
    from chalicelib.store.models import TableItem

    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 3600.0)

    calls: Counter[str] = Counter()
    client = TableItem._get_connection().connection.client

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.dynamodb", count)
    yield calls
    client.meta.events.unregister("before-call.dynamodb", count)


PLUGINS = ROOT / "tests" / "plugins"


@pytest.fixture
def install_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`install_plugins("sample", "faulty")`: those directories of tests/plugins on
    CIRRUS_PLUGIN_PATH, found through their dist-info's entry points as in production; the
    process forgets them afterwards."""
    import sys

    from chalicelib import plugins

    added: list[str] = []

    def install(*names: str) -> dict[str, Any]:
        directories = [str(PLUGINS / name) for name in names]
        added.extend(directories)
        monkeypatch.setenv(plugins.PATH_VARIABLE, os.pathsep.join(directories))
        plugins.reset()
        return plugins.loaded()

    yield install
    for directory in added:
        while directory in sys.path:
            sys.path.remove(directory)
    plugins.reset()
