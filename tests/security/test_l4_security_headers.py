"""L4: the web client answers with a Content-Security-Policy that forbids inline script, and
refuses framing (but the embed page, made to be framed); media answers carry nosniff and a
policy under which a stray SVG or HTML document cannot script. Locally through the real
gateway over HTTP; on AWS from CloudFront response headers policies on every behaviour."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra import edge_routes, security_headers
from tests.gateway_server import local_gateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gateway(aws: None, tmp_path: Path) -> Iterator[str]:
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings

    (tmp_path / "index.html").write_text("<!doctype html><title>Cirrus</title>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    settings = get_settings()
    s3 = aws_clients.s3()
    s3.put_object(
        Bucket=settings.media_bucket,
        Key="lazy-static/thumbnails/x.jpg",
        Body=b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ContentType="image/svg+xml",
    )
    with local_gateway(tmp_path) as url:
        yield url


def _headers(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers


def _directives(csp: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    return {name_value[0]: name_value[1] if len(name_value) > 1 else "" for name_value in parts}


def test_local_web_client_answers_forbid_inline_script_and_framing(gateway: str) -> None:
    for path in ("/", "/videos/watch/abc", "/assets/app.js"):
        headers = _headers(gateway + path)
        csp = _directives(headers["Content-Security-Policy"])
        assert csp["script-src"] == "'self'", path
        assert csp["default-src"] == "'none'"
        assert csp["object-src"] == "'none'"
        assert csp["frame-ancestors"] == "'none'"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == security_headers.REFERRER_POLICY


def test_local_embed_page_may_be_framed(gateway: str) -> None:
    headers = _headers(gateway + "/videos/embed/abc")
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == "*"
    assert csp["script-src"] == "'self'"
    assert "X-Frame-Options" not in headers


def test_local_media_answers_cannot_script(gateway: str) -> None:
    headers = _headers(gateway + "/lazy-static/thumbnails/x.jpg")
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == "'none'"
    assert "sandbox" in csp


# --- AWS: template.yaml (the CDK app is compared with it in tests/infra/test_cdk.py) ------------


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: _plain(loader, node)})


def _plain(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return dict(yaml.load((ROOT / "template.yaml").read_text(), Loader=_Loader)["Resources"])


def _policy(resources: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(resources[name]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"])


def test_template_policies_carry_the_shared_headers(resources: dict[str, Any]) -> None:
    web = _policy(resources, "WebSecurityPolicy")
    assert web == security_headers.security_headers_config(security_headers.web_csp(), deny_framing=True)
    embed = _policy(resources, "EmbedSecurityPolicy")
    assert embed == security_headers.security_headers_config(security_headers.web_csp(embed=True), deny_framing=False)
    media = _policy(resources, "MediaCorsPolicy")
    assert media == security_headers.security_headers_config(security_headers.MEDIA_CSP, deny_framing=True)


def test_every_web_and_media_behaviour_has_its_policy(resources: dict[str, Any]) -> None:
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityPolicy"}
    found = {b["PathPattern"]: b for b in config["CacheBehaviors"] if "PathPattern" in b}
    for prefix in edge_routes.MEDIA_PREFIXES:
        assert found[edge_routes.path_pattern(prefix)]["ResponseHeadersPolicyId"] == {"Ref": "MediaCorsPolicy"}
    assert found["/static/streaming-playlists/*.m3u8"]["ResponseHeadersPolicyId"] == {"Ref": "MediaCorsPolicy"}
    for pattern in edge_routes.negotiated_path_patterns():
        assert found[pattern]["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityPolicy"}, pattern
    embed = found[edge_routes.path_pattern(security_headers.EMBED_PREFIX)]
    assert embed["ResponseHeadersPolicyId"] == {"Ref": "EmbedSecurityPolicy"}
    patterns = [b.get("PathPattern") for b in config["CacheBehaviors"]]
    assert patterns.index("/videos/embed/*") < patterns.index(edge_routes.VIDEO_PAGES_PATTERN), "first match wins"
