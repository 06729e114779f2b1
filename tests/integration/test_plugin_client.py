"""Client plugins on the server: the scripts and stylesheets a plugin declares, listed in
GET /api/v1/config and served where PeerTube serves them, and nothing else served; and
/api/v1/plugins/available, which has no index to ask."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.plugins import client
from tests.api_client import ApiClient
from tests.conftest import PLUGINS, ROOT_PASSWORD
from tests.members import make_member

SCRIPTS = "/plugins/client-demo/0.2.0/client-scripts"


@pytest.fixture
def installed(install_plugins: Any) -> dict[str, Any]:
    return dict(install_plugins("client", "faulty"))


def test_the_config_lists_each_registered_plugin_with_its_client_scripts(api: ApiClient, installed: Any) -> None:
    registered = api.get("/api/v1/config").json()["plugin"]["registered"]
    # The faulty plugin registered (its hooks fail when run): listed, with no script.
    assert registered == [
        {
            "npmName": "peertube-plugin-client-demo",
            "name": "client-demo",
            "version": "0.2.0",
            "description": "Client scripts for Cirrus's tests",
            "clientScripts": {
                # The scope of a newer PeerTube is dropped; the script still loads in the others.
                "client/common.js": {"script": "client/common.js", "scopes": ["common", "video-watch"]},
                "client/nested/watch.mjs": {"script": "client/nested/watch.mjs", "scopes": ["video-watch"]},
            },
        },
        {
            "npmName": "peertube-plugin-faulty",
            "name": "faulty",
            "version": "0.1.0",
            "description": "A plugin that fails in every hook",
            "clientScripts": {},
        },
    ]


def test_a_declared_script_is_served_as_javascript_for_its_version(api: ApiClient, installed: Any) -> None:
    served = api.get(f"{SCRIPTS}/client/common.js")
    assert served.status == 200, served.body
    assert served.content_type == "text/javascript; charset=utf-8"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "max-age=2592000" in served.headers["cache-control"]
    source = PLUGINS / "client" / "cirrus_client_plugin" / "client" / "common.js"
    assert served.body == source.read_bytes()
    assert api.get(f"{SCRIPTS}/client/nested/watch.mjs").status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/plugins/client-demo/0.1.0/client-scripts/client/common.js",  # another version
        "/plugins/nobody/0.2.0/client-scripts/client/common.js",  # no such plugin
        f"{SCRIPTS}/client/secret.js",  # in the package, never declared
        f"{SCRIPTS}/client/style.css",  # declared as CSS, not as a script
        f"{SCRIPTS}/__init__.py",
        f"{SCRIPTS}/client/..%2F__init__.py",
        f"{SCRIPTS}/client/%2E%2E/__init__.py",
        f"{SCRIPTS}/..%2F..%2Fcirrus_client_plugin-0.2.0.dist-info%2FMETADATA",
        f"{SCRIPTS}/%2Fetc%2Fpasswd",
        "/plugins/faulty/0.1.0/client-scripts/client/common.js",
    ],
)
def test_nothing_else_is_served(api: ApiClient, installed: Any, path: str) -> None:
    answer = api.get(path)
    assert answer.status == 404, (path, answer.body)
    assert b"register" not in answer.body and b"root:" not in answer.body


def test_global_css_holds_every_plugins_stylesheets(api: ApiClient, installed: Any) -> None:
    sheet = api.get("/plugins/global.css")
    assert sheet.status == 200
    assert sheet.content_type == "text/css; charset=utf-8"
    assert sheet.body.decode() == (PLUGINS / "client" / "cirrus_client_plugin" / "client" / "style.css").read_text()
    assert sheet.headers["cache-control"] == "no-cache"
    assert "max-age" in api.get("/plugins/global.css?hash=abc").headers["cache-control"]


def test_global_css_is_empty_without_plugins(api: ApiClient, install_plugins: Any) -> None:
    install_plugins()
    assert api.get("/plugins/global.css").body == b""
    assert api.get("/api/v1/config").json()["plugin"]["registered"] == []


def test_the_plugin_index_is_unavailable_with_a_clear_message(api: ApiClient, installed: Any) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    answer = api.get_as("/api/v1/plugins/available?pluginType=1", root)
    assert answer.status == 503, answer.body
    assert answer.json()["detail"].startswith("Plugin index unavailable. Plugins are installed at deploy time")
    assert api.get("/api/v1/plugins/available").status == 401
    member = make_member(api, root, "una")
    assert api.get_as("/api/v1/plugins/available", member.token).status == 403


# --- Declarations ------------------------------------------------------------------------------


def _package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "client").mkdir(parents=True)
    (root / "client" / "ok.js").write_text("export function register() {}\n")
    (root / "client" / "look.css").write_text("a {}\n")
    (root / "client" / "latin1.js").write_bytes(b"\xff\xfe not utf-8")
    (root / "client" / "big.js").write_text("x" * (client.MAX_BYTES + 1))
    (tmp_path / "outside.js").write_text("secret")
    (root / "client" / "link.js").symlink_to(tmp_path / "outside.js")
    return root


def test_a_declared_file_is_checked_when_declared(tmp_path: Path) -> None:
    root = _package(tmp_path)
    assert client.script(root, "p", "client/ok.js", ["common"]).file == (root / "client" / "ok.js").resolve()
    assert client.css(root, "p", "client/look.css").path == "client/look.css"
    refused = [
        ("../outside.js", "plain relative path"),
        ("/etc/passwd.js", "plain relative path"),
        ("client/../client/ok.js", "plain relative path"),
        ("client\\ok.js", "plain relative path"),
        (".hidden.js", "plain relative path"),
        ("client/look.css", "ends with"),
        ("client/missing.js", "no such file"),
        ("client/link.js", "no such file"),  # a link out of the package
        ("client/big.js", "larger than"),
        ("client/latin1.js", "not UTF-8"),
        (42, "plain relative path"),
    ]
    for path, why in refused:
        with pytest.raises(ValueError, match=why):
            client.script(root, "p", path, ["common"])
    with pytest.raises(ValueError, match="scopes"):
        client.script(root, "p", "client/ok.js", "common")
    with pytest.raises(ValueError, match="scopes"):
        client.script(root, "p", "client/ok.js", [])
    with pytest.raises(ValueError, match="package"):
        client.script(None, "p", "client/ok.js", ["common"])
