"""Lambda entry point of the EventBridge rule on Amazon Transcribe's "Transcribe Job State
Change" events (deployed when the template's TranscriptionEngine is `transcribe`): a job of
Cirrus's that completed has its WebVTT stored as the video's automatically generated caption
(domain/amazon_transcribe.py); one that failed lets the video be transcribed again.
EventBridge may deliver an event twice: the second finds nothing to do."""

from __future__ import annotations

from typing import Any

from chalicelib import subscribers
from chalicelib.domain import amazon_transcribe
from chalicelib.observability import count
from functions.entry import lambda_entry


@lambda_entry(subscribers.register)
def handle_job_state_change(event: dict[str, Any], context: Any) -> dict[str, bool]:
    stored = amazon_transcribe.on_job_state_change(event)
    if stored:
        count("TranscriptionsStored", 1)
    return {"stored": stored}
