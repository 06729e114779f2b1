"""The instance's look over real HTTP, through the local gateway (the same routing as
CloudFront's): a banner uploaded as multipart and served from /lazy-static, the homepage,
the themes and the built client's theme files, and a channel's player settings; answers
checked against PeerTube's OpenAPI file."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack
from tests.e2e.openapi_paths import assert_answers
from tests.openapi import SERVER_CONFIG_DEVIATIONS, assert_conforms

pytestmark = [pytest.mark.e2e]


def test_banner_homepage_themes_and_player_settings_over_http(stack: RunningStack) -> None:
    stack.start()
    client = Client(stack)
    root = str(client.login("root", ROOT_PASSWORD)["access_token"])

    image = io.BytesIO()
    Image.new("RGB", (1200, 400), (10, 80, 160)).save(image, "JPEG")
    files = {"bannerfile": ("banner.jpg", image.getvalue(), "image/jpeg")}
    assert client.send("POST", "/api/v1/config/instance-banner/pick", None, files=files).status_code == 401
    picked = client.send("POST", "/api/v1/config/instance-banner/pick", root, files=files)
    assert picked.status_code == 204, picked.text
    config = stack.get("/api/v1/config").json()
    assert_conforms("ServerConfig", config, known_deviations=SERVER_CONFIG_DEVIATIONS)
    banner = config["instance"]["banners"][0]
    served = stack.get(banner["path"])
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.content)) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1920, 317))

    page = "# Hello\n\nClouds."
    assert client.send("PUT", "/api/v1/custom-pages/homepage/instance", root, json={"content": page}).status_code == 204
    homepage = stack.get("/api/v1/custom-pages/homepage/instance")
    assert homepage.status_code == 200
    assert_answers("GET", "/api/v1/custom-pages/homepage/instance", homepage.json())
    assert homepage.json() == {"content": page}
    assert stack.get("/api/v1/config").json()["homepage"] == {"enabled": True}

    # The registered theme's stylesheets are served where the config says (503: the web
    # client is not built in this checkout, so there is nothing of it to check).
    theme = config["theme"]["registered"][0]
    css = stack.get(f"/themes/{theme['name']}/{theme['version']}/css/{theme['css'][0]}")
    if css.status_code != 503:
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css"), "the build did not copy the theme's files"
        assert "--mainBackgroundColor" in css.text

    channel = client.send("GET", "/api/v1/player-settings/video-channels/root_channel")
    assert channel.status_code == 200
    assert_answers("GET", "/api/v1/player-settings/video-channels/{channelHandle}", channel.json())
    changed = client.send("PUT", "/api/v1/player-settings/video-channels/root_channel", root, json={"theme": "lucide"})
    assert changed.status_code == 200, changed.text
    assert_answers("PUT", "/api/v1/player-settings/video-channels/{channelHandle}", changed.json())
