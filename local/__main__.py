"""`python -m local`: run a whole Cirrus instance on 127.0.0.1 (what `make run` starts)."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

import uvicorn

from local.persistence import SnapshotError
from local.stack import LocalStack, StackOptions


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("botocore", "pynamodb", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    options = StackOptions.from_env()
    stack = LocalStack(options)
    stack.start()
    try:
        if stack.bootstrap and stack.bootstrap.generated_root_password:
            # Shown once, like PeerTube's first start; set PT_INITIAL_ROOT_PASSWORD to choose it.
            print(
                f"Administrator created: username root, password {stack.bootstrap.generated_root_password}", flush=True
            )
        print(
            f"Cirrus is serving on http://{options.host}:{options.port} "
            f"(AWS endpoint {stack.endpoint.url}, data in {options.data_dir})",
            flush=True,
        )
        server = uvicorn.Server(
            uvicorn.Config(stack.gateway_app, host=options.host, port=options.port, log_level="warning")
        )
        # uvicorn shuts down gracefully on SIGINT and SIGTERM, then raises the signal again
        # with the handler it found: ours turns SIGTERM into SystemExit (and Python turns
        # SIGINT into KeyboardInterrupt), so the final snapshot below is always taken.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        server.run()
    except KeyboardInterrupt:
        pass  # Ctrl-C is the usual way to stop: a clean exit, not a crash
    finally:
        try:
            stack.stop()
        except SnapshotError as exc:
            print(f"Cirrus stopped WITHOUT saving its last changes: {exc}", file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
