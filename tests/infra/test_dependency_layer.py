"""The dependency layers, built as for Lambda, run what the functions need: every function's
layer with the federation layer (JSON-LD), the work layer (yt-dlp, py-vapid) and the images
layer (Pillow) beside it, as the functions that carry them have them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import botocore
import dateutil
import jmespath
import s3transfer
import six
import urllib3

from infra.package import package_function
from layers.dependencies.build import build, strip_extensions
from tests.conftest import ROOT
from tests.infra.conftest import SIZE_BUDGETS, unzipped_size

# What the Lambda Python runtime itself provides (boto3 and its dependencies).
RUNTIME_PROVIDED = (boto3, botocore, jmespath, s3transfer, urllib3, dateutil, six)

PROBE = textwrap.dedent(
    """
    import io, sys
    from PIL import Image
    from chalicelib.domain.images import AVATAR_SIZES, render
    import pynamodb, chalice, aws_lambda_powertools
    from chalicelib.domain.actor_keys import generate_key_pair
    from chalicelib.domain.passwords import hash_password, verify_password
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    pair = generate_key_pair()
    key = serialization.load_pem_private_key(pair.private_pem.encode(), None)
    key.sign(b"(request-target): post /inbox", padding.PKCS1v15(), hashes.SHA256())
    assert verify_password("secret words", hash_password("secret words"))
    from chalicelib.activitypub.contexts import context_for
    from chalicelib.activitypub.signatures.ld import sign_document, verify_document
    signed = sign_document({"@context": context_for("Follow"), "type": "Follow"}, "k", pair.private_pem)
    assert verify_document(signed, pair.public_pem)
    import urllib3
    from chalicelib.activitypub.net.addresses import address_allowed, check_url
    assert urllib3.__file__.startswith(sys.argv[1]) and urllib3.__version__.startswith("2.")
    assert not address_allowed("169.254.169.254") and check_url("https://a.example/") == ("a.example", 443, "https")
    from chalicelib.domain.comment_text import render_html
    assert render_html("**a** www.example.org <b>") == (
        '<p><strong>a</strong> <a href="http://www.example.org" rel="noopener noreferrer nofollow">'
        'www.example.org</a> &lt;b&gt;</p>'
    )
    for image_format in ("PNG", "JPEG", "WEBP", "GIF"):
        buffer = io.BytesIO()
        Image.new("RGB", (300, 200), "blue").save(buffer, image_format)
        sizes = [(r.width, r.height) for r in render(buffer.getvalue(), AVATAR_SIZES, "avatarfile")]
        assert sizes == list(AVATAR_SIZES), sizes
    assert "PIL" in sys.modules and sys.modules["PIL"].__file__.startswith(sys.argv[4])
    from chalicelib.domain.notifications.push_crypto import b64url, encrypt, generate_vapid_keys, vapid_authorization
    vapid = generate_vapid_keys()
    signed = vapid_authorization("https://push.example/x", vapid.private_pem, "https://c.example", 0)
    assert signed.startswith("vapid t=")
    assert len(encrypt(b"{}", vapid.public_key, b64url(bytes(16)))) == 86 + 3 + 16
    assert sys.modules["py_vapid"].__file__.startswith(sys.argv[3])
    assert sys.modules["pyld"].__file__.startswith(sys.argv[2]) and sys.modules["lxml"].__file__.startswith(sys.argv[2])
    import yt_dlp
    assert yt_dlp.__file__.startswith(sys.argv[3])
    print("ok")
    """
)

# An HTTP function's cold import as Lambda runs it (argv[1]: its module, argv[2]: a module it
# must have loaded), from the package and its layers only, read-only (nothing written): no
# module of theirs is compiled from source, their bytecode is used.
COLD_IMPORT = textwrap.dedent(
    """
    import importlib, os, sys
    module, expected = sys.argv[1:3]
    shipped = tuple(sys.argv[3:])
    compiled = []
    sys.addaudithook(lambda event, args: event == "compile" and str(args[1]).startswith(shipped)
                     and compiled.append(args[1]))
    os.environ.update(AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1")
    importlib.import_module(module)
    assert expected in sys.modules and "pynamodb.models" in sys.modules
    assert not compiled, compiled[:10]
    print("ok")
    """
)


def test_the_trimmed_layer_still_renders_every_accepted_format(tmp_path: Path) -> None:
    layer = build(tmp_path / "layer")
    federation = build(tmp_path / "federation", "federation")
    work = build(tmp_path / "work", "work")
    images = build(tmp_path / "images", "images")
    assert not list(images.glob("PIL/_avif.*")) and not (layer / "PIL").exists()
    assert not (layer / "aws_lambda_powertools" / "event_handler").exists()
    assert not list(federation.glob("lxml/objectify.*"))
    assert not (layer / "pyld").exists() and not (layer / "yt_dlp").exists()
    # Symbols stripped from the extension modules (cryptography's Rust core had 2.9 MB): a
    # second pass finds nothing left to take, and the probe below runs what was stripped.
    assert [strip_extensions(built) for built in (layer, federation, work, images)] == [0, 0, 0, 0]
    assert unzipped_size(layer.parent) <= SIZE_BUDGETS["dependencies"]
    assert (layer / "chalice" / "app.py").exists() and not (layer / "chalice" / "cli").exists()
    # Only the layer, the runtime's own packages and the function code, as in Lambda.
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for module in RUNTIME_PROVIDED:
        source = Path(str(module.__file__))
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    path = os.pathsep.join([str(layer), str(federation), str(work), str(images), str(runtime), str(ROOT)])
    env = {"PYTHONPATH": path, "PATH": os.environ.get("PATH", "")}
    command = [sys.executable, "-S", "-c", PROBE, str(layer), str(federation), str(work), str(images)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr

    function = package_function(tmp_path / "function")
    env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
    # The API function carries the dependency layer alone; the inbox POST function JSON-LD's
    # and Pillow's too.
    for module, expected, shipped in (
        ("app", "chalicelib.api.videos", [function, layer]),
        ("functions.federation.inbox_post", "chalicelib.api.inbox", [function, layer, federation, images]),
    ):
        env["PYTHONPATH"] = os.pathsep.join([*map(str, shipped), str(runtime)])
        command = [sys.executable, "-S", "-c", COLD_IMPORT, module, expected, *map(str, shipped)]
        result = subprocess.run(command, env=env, cwd=function, capture_output=True, text=True, check=False)
        assert result.stdout.strip() == "ok", (module, result.stderr[-3000:])
