"""`python -m tools.runner --url URL --registration-token ptrrt-... --name NAME`: register
(once; the runner token is kept in --state) and take jobs until stopped; with
`--whisper-model DIR` (and whisper-ctranslate2 installed), transcription jobs too."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
from pathlib import Path

from tools.runner import whisper
from tools.runner.client import load_or_register


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.runner", description=__doc__)
    parser.add_argument("--url", required=True, help="the instance, such as https://videos.example.org")
    parser.add_argument("--registration-token", help="from the instance's administration (first run)")
    parser.add_argument("--name", default="cirrus-runner")
    parser.add_argument("--state", type=Path, default=Path("runner.json"), help="where the runner token is kept")
    parser.add_argument("--poll-every", type=float, default=2.0, help="seconds between requests when idle")
    parser.add_argument("--update-every", type=float, default=10.0, help="seconds between progress reports")
    parser.add_argument(
        "--whisper-model",
        type=Path,
        help="a CTranslate2 Whisper model's folder (with model.bin): with whisper-ctranslate2 on PATH, "
        "the runner also takes transcription jobs",
    )
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runner = load_or_register(arguments.state, arguments.url, arguments.registration_token, arguments.name)
    runner.update_every = arguments.update_every
    runner.whisper = whisper.find(arguments.whisper_model)
    if arguments.whisper_model is not None and runner.whisper is None:
        logging.warning(
            "no transcription: %s not on PATH or no model.bin in %s", whisper.COMMAND, arguments.whisper_model
        )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        runner.run_forever(arguments.poll_every, stopping.is_set)


if __name__ == "__main__":
    main()
