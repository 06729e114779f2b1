"""The API function's import boundary: app.py, and the ActivityPub documents it serves, need
nothing of the federation layer (JSON-LD: pyld, lxml, ...), the work layer (yt-dlp, py_vapid)
or the images layer (Pillow), which only the functions that use them carry
(layers/dependencies/build.py, template.yaml, infra/cdk_app.py). A fresh interpreter where
those packages cannot be imported, as in the API function, which carries none of these
layers, imports app and answers an actor's and a video channel's ActivityPub GETs and
WebFinger; none of the packages is loaded by then. The app has no route for the inbox POSTs,
which need JSON-LD: they are the inbox POST function's (infra/rest_api.py), which carries the
federation layer. Its image uploads are the image uploads function's, the same app with the
images layer (tests/unit/test_rest_api_routes.py).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from layers.dependencies.build import REQUIREMENTS
from tests.conftest import ROOT

# Import names of the packages in the layers the API function's import must not need.
LAYER_ONLY = ("pyld", "lxml", "cachetools", "frozendict", "yt_dlp", "py_vapid", "PIL")
# Distributions whose import name is not their own.
IMPORT_NAMES = {"pillow": "PIL"}

PROBE = textwrap.dedent(
    """
    import importlib.abc, os, sys
    ABSENT = set(sys.argv[1].split(","))

    class LayerAbsent(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ABSENT:
                raise ModuleNotFoundError(f"No module named {name!r} (its layer is not attached)")
            return None

    sys.meta_path.insert(0, LayerAbsent())
    os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
                      AWS_REGION="us-east-1", CIRRUS_ENV="local")
    os.environ.pop("CIRRUS_AWS_ENDPOINT_URL", None)
    import app  # the import Lambda runs on a cold start
    from infra.rest_api import INBOX_METHOD, INBOX_RESOURCES
    served = [path for path in INBOX_RESOURCES if INBOX_METHOD in app.app.routes.get(path, {})]
    assert not served, f"the API function serves inbox POSTs: {served}"
    from moto import mock_aws
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from local import resources
    from tests.api_client import ApiClient
    with mock_aws():
        settings = get_settings()
        resources.provision(settings, aws.s3(), aws.sqs())
        instance = ensure_instance(settings, utcnow())
        client = ApiClient(instance.client.client_id, instance.client.client_secret)
        ap = {"Accept": "application/activity+json"}
        actor = client.get("/accounts/peertube", headers=ap)
        assert actor.status == 200 and actor.json()["type"] == "Application", actor.status
        host = settings.instance_host
        finger = client.get(f"/.well-known/webfinger?resource=acct:peertube@{host}")
        assert finger.status == 200, finger.status
        outbox = client.get("/accounts/peertube/outbox", headers=ap)
        assert outbox.status == 200, outbox.status
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in ABSENT)
    assert not loaded, loaded
    print("ok")
    """
)


def test_the_api_imports_and_serves_activitypub_without_the_federation_and_work_layers() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(LAYER_ONLY)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]


def test_the_layer_only_packages_are_those_the_layers_install() -> None:
    """LAYER_ONLY follows the layers' requirements: a package moved back to requirements.txt
    (every function's layer) must leave this list, and a new layer package join it."""
    listed = set()
    for layer in ("federation", "work", "images"):
        for line in REQUIREMENTS[layer].read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name = line.split("==")[0].strip().lower()
                listed.add(IMPORT_NAMES.get(name, name.replace("-", "_")))
    assert listed == set(LAYER_ONLY)  # each distribution imports under its name, dashes as underscores
