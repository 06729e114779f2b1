"""PeerTube's remote runners: registration tokens, registered runners and runner jobs.

Every secret (registration, runner and job tokens) is kept as its SHA-256 only and found by
it; a registration token's value is also kept sealed, because PeerTube's administration
lists it for the administrator to copy.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class RunnerRegistrationToken(TableItem, discriminator="RunnerRegistrationToken"):
    """pk `RUNNERREG#<sha256>`; listed on gsi2 (`RUNNERREGS`, its id)."""

    id = NumberAttribute()
    sealed_token = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class Runner(TableItem, discriminator="Runner"):
    """pk `RUNNER#<sha256 of its token>`; listed and found by id on gsi2 (`RUNNERS`, id)."""

    id = NumberAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    ip = UnicodeAttribute(null=True)
    version = UnicodeAttribute(null=True)
    registration_token_id = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    last_contact = UTCDateTimeAttribute()


class RunnerJob(TableItem, discriminator="RunnerJob"):
    """pk `RUNNERJOB#<uuid>`. While pending it is on gsi1 under its type's pending list
    (ordered by priority, then age); while processing, on gsi1's processing list ordered by
    its last update (the stall sweep); listed for administrators on gsi2 (`RUNNERJOBS`)."""

    uuid = UnicodeAttribute()
    type = UnicodeAttribute()
    state = NumberAttribute()
    priority = NumberAttribute(default=0)
    payload = JSONAttribute()
    # What Cirrus alone knows: the video and the transcoding step the job stands for.
    private_payload = JSONAttribute()
    failures = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)
    progress = NumberAttribute(null=True)
    runner_id = NumberAttribute(null=True)
    runner_name = UnicodeAttribute(null=True)
    runner_description = UnicodeAttribute(null=True)
    job_token_hash = UnicodeAttribute(null=True)
    # Counts acceptances: each one's uploads go under a name of their own, so a runner
    # that stalled and came back late cannot overwrite the result of the next one.
    attempt = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
