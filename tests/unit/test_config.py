from __future__ import annotations

import pytest

from chalicelib.config import load_settings


def test_local_defaults() -> None:
    settings = load_settings({})
    assert settings.instance_url == "http://localhost:9000"
    assert settings.table_name == "cirrus-main"
    assert settings.queues.deliver == "cirrus-deliver"
    assert settings.aws_endpoint_url is None
    assert not settings.production


def test_everything_comes_from_the_environment() -> None:
    settings = load_settings(
        {
            "CIRRUS_ENV": "production",
            "CIRRUS_HOST": "video.example.org",
            "CIRRUS_TABLE": "t",
            "CIRRUS_MEDIA_BUCKET": "m",
            "CIRRUS_INBOX_QUEUE": "q",
            "CIRRUS_AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
            "AWS_REGION": "eu-west-3",
        }
    )
    assert settings.production
    assert settings.instance_url == "https://video.example.org"
    assert settings.ws_scheme == "wss"
    assert (settings.table_name, settings.media_bucket, settings.queues.inbox) == ("t", "m", "q")
    assert settings.aws_endpoint_url == "http://127.0.0.1:4566"
    assert settings.aws_region == "eu-west-3"


def test_port_and_prefix_shape_the_local_names() -> None:
    settings = load_settings({"CIRRUS_PORT": "9100", "CIRRUS_RESOURCE_PREFIX": "dev"})
    assert settings.instance_host == "localhost:9100"
    assert settings.uploads_bucket == "dev-uploads"


@pytest.mark.parametrize(("name", "value"), [("CIRRUS_ENV", "staging"), ("CIRRUS_SCHEME", "ftp")])
def test_bad_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        load_settings({name: value})


def test_the_tracker_url_defaults_to_the_instance_host_and_can_be_set() -> None:
    assert load_settings({}).tracker_url == "ws://localhost:9000/tracker/socket"
    production = {"CIRRUS_ENV": "production", "CIRRUS_HOST": "video.example.org"}
    assert load_settings(production).tracker_url == "wss://video.example.org:443/tracker/socket"
    shard = "wss://tracker-2.example.org/tracker/socket"
    assert load_settings({**production, "CIRRUS_TRACKER_URL": shard}).tracker_url == shard
    with pytest.raises(ValueError, match="CIRRUS_TRACKER_URL"):
        load_settings({"CIRRUS_TRACKER_URL": "https://tracker.example.org/"})


def test_the_live_ingest_urls_default_to_the_local_ingest_and_can_be_cleared() -> None:
    local = load_settings({})
    assert (local.live_rtmp_url, local.live_rtmps_url) == ("rtmp://127.0.0.1:1935/live", None)
    deployed = load_settings(
        {
            "CIRRUS_LIVE_RTMP_URL": "rtmp://live.example.org:1935/live",
            "CIRRUS_LIVE_RTMPS_URL": "rtmps://live.example.org:443/live/",
        }
    )
    assert deployed.live_rtmp_url == "rtmp://live.example.org:1935/live"
    assert deployed.live_rtmps_url == "rtmps://live.example.org:443/live"
    # The stack sets them empty when no ingest (or no certificate) is deployed.
    none = load_settings({"CIRRUS_LIVE_RTMP_URL": "", "CIRRUS_LIVE_RTMPS_URL": ""})
    assert (none.live_rtmp_url, none.live_rtmps_url) == (None, None)
    for name, value in (("CIRRUS_LIVE_RTMP_URL", "rtmps://x/live"), ("CIRRUS_LIVE_RTMPS_URL", "rtmp://x/live")):
        with pytest.raises(ValueError, match=name):
            load_settings({name: value})


def test_the_operators_import_proxies_are_http_urls_with_a_port() -> None:
    assert load_settings({}).import_proxies == ()
    listed = load_settings({"CIRRUS_IMPORT_PROXIES": "http://a:b@proxy.example:3128, http://10.0.0.5:8080"})
    assert listed.import_proxies == ("http://a:b@proxy.example:3128", "http://10.0.0.5:8080")
    for bad in ("socks5://proxy.example:1080", "http://proxy.example", "proxy.example:3128", "http://p:1/x"):
        with pytest.raises(ValueError, match="CIRRUS_IMPORT_PROXIES") as refused:
            load_settings({"CIRRUS_IMPORT_PROXIES": bad})
        assert "proxy.example" not in str(refused.value)  # credentials never echoed
