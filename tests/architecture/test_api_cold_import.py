"""What the API function's cold import (`import app`, Lambda's init) does not spend its time on
(issue #24; the figures are bench/coldstart.py's, no test here times anything):

- the cyclic garbage collector: importing app makes about 100,000 objects the collector
  tracks, which live as long as the process, and the collector, counting allocations, ran
  about 140 times during the import, rescanning them each time (about 40 ms of CPU, 8 % of the import). It is held
  off until the import is done (chalicelib/import_gc.py), then finds everything made by then
  frozen out of its reach, and collects again for the requests;
- the regular expressions no request compiles before it needs them: automatic tags' link
  finders (a case-insensitive class over most of Unicode, 18 ms to compile, 4 % of the import)
  and the SQS body escape, compiled on first use.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

PROBE = textwrap.dedent(
    """
    import gc, os, py_compile, re
    os.environ.update(AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", CIRRUS_ENV="local")
    # Compiled as the package ships them: compiling the modules that run before the collector
    # is held off is not their import.
    for source in ("app.py", "chalicelib/__init__.py", "chalicelib/import_gc.py"):
        py_compile.compile(source)
    collections = []
    gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info["generation"]))
    compiled = []
    compile_pattern = re.compile
    re.compile = lambda pattern, flags=0: compiled.append(pattern) or compile_pattern(pattern, flags)
    gc.collect()  # starts the collector's count afresh, as in a new interpreter
    collections.clear()

    import app  # the import Lambda runs on a cold start

    assert not collections, f"{len(collections)} collections during the import"
    assert gc.isenabled() and gc.get_freeze_count() > 50_000, (gc.isenabled(), gc.get_freeze_count())
    at_import = set(compiled)
    from chalicelib.domain.automatic_tags import links_elsewhere
    from chalicelib.store.queues import encode
    assert links_elsewhere("see www.example.org or example.com", "video.example.org")
    assert encode({"a": "\\x01"}) == '{"a":"\\\\u0001"}'
    on_use = set(compiled) - at_import
    assert len(on_use) >= 4 and not on_use & at_import, (on_use, on_use & at_import)
    garbage = []
    garbage.append(garbage)  # a cycle made after the import is collected as before
    del garbage
    assert gc.collect() >= 1
    print("ok")
    """
)


def test_the_api_import_runs_no_collection_and_compiles_only_what_requests_need_first() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
