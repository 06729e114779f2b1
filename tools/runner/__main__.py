"""`python -m tools.runner --url URL --registration-token ptrrt-... --name NAME`: register
(once; the runner token is kept in --state) and take jobs until stopped."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
from pathlib import Path

from tools.runner.client import load_or_register


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.runner", description=__doc__)
    parser.add_argument("--url", required=True, help="the instance, such as https://videos.example.org")
    parser.add_argument("--registration-token", help="from the instance's administration (first run)")
    parser.add_argument("--name", default="cirrus-runner")
    parser.add_argument("--state", type=Path, default=Path("runner.json"), help="where the runner token is kept")
    parser.add_argument("--poll-every", type=float, default=2.0, help="seconds between requests when idle")
    parser.add_argument("--update-every", type=float, default=10.0, help="seconds between progress reports")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runner = load_or_register(arguments.state, arguments.url, arguments.registration_token, arguments.name)
    runner.update_every = arguments.update_every
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        runner.run_forever(arguments.poll_every, stopping.is_set)


if __name__ == "__main__":
    main()
