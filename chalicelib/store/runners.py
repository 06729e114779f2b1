"""Access patterns of remote runners and their jobs (RN1-RN9 in docs/data-model.md).

Every write that moves a job between states is conditional on the state it leaves (and,
for a runner's calls, on the job token it holds), so two runners never both accept one job
and a runner that was replaced cannot report for the job any more.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.store import keys
from chalicelib.store.models import Runner, RunnerJob, RunnerRegistrationToken, runner_job_states
from chalicelib.store.pages import count_list, query_slice

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

# Job states (PeerTube's RunnerJobState) for the store's callers; the moves between them are
# store/models/runner_job_states.py's table, which move_job enforces.
JOB_STATES = runner_job_states.JOB_STATES
PENDING, PROCESSING, COMPLETING = runner_job_states.PENDING, runner_job_states.PROCESSING, runner_job_states.COMPLETING
COMPLETED, ERRORED, CANCELLED = runner_job_states.COMPLETED, runner_job_states.ERRORED, runner_job_states.CANCELLED


def _conditional_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


# Registration tokens


def create_registration_token(token_hash: str, token_id: int, sealed: str, now: datetime) -> RunnerRegistrationToken:
    item = RunnerRegistrationToken(
        keys.runner_registration_pk(token_hash),
        keys.ENTITY_SK,
        id=token_id,
        sealed_token=sealed,
        created_at=now,
        updated_at=now,
        gsi2pk=keys.RUNNER_REGISTRATIONS_GSI2PK,
        gsi2sk=keys.numbered_sk(token_id),
    )
    item.save(condition=RunnerRegistrationToken.pk.does_not_exist())
    return item


def find_registration_token(token_hash: str) -> RunnerRegistrationToken | None:
    """RN1: one GetItem."""
    try:
        return RunnerRegistrationToken.get(keys.runner_registration_pk(token_hash), keys.ENTITY_SK)
    except RunnerRegistrationToken.DoesNotExist:
        return None


def list_registration_tokens(start: int, count: int, newest_first: bool) -> list[RunnerRegistrationToken]:
    """RN2."""
    return query_slice(
        RunnerRegistrationToken.by_gsi2,
        keys.RUNNER_REGISTRATIONS_GSI2PK,
        start=start,
        count=count,
        newest_first=newest_first,
    )


def count_registration_tokens() -> int:
    return count_list(RunnerRegistrationToken.by_gsi2, keys.RUNNER_REGISTRATIONS_GSI2PK)


def registration_token_by_id(token_id: int) -> RunnerRegistrationToken | None:
    found = RunnerRegistrationToken.by_gsi2.query(
        keys.RUNNER_REGISTRATIONS_GSI2PK, RunnerRegistrationToken.gsi2sk == keys.numbered_sk(token_id)
    )
    return next((item for item in found if isinstance(item, RunnerRegistrationToken)), None)


def delete_item(item: Any) -> None:
    with contextlib.suppress(DeleteError):
        item.delete()


# Runners


def create_runner(token_hash: str, runner_id: int, fields: dict[str, Any], now: datetime) -> Runner:
    runner = Runner(
        keys.runner_pk(token_hash),
        keys.RUNNER_SK,
        id=runner_id,
        created_at=now,
        updated_at=now,
        last_contact=now,
        gsi2pk=keys.RUNNERS_GSI2PK,
        gsi2sk=keys.numbered_sk(runner_id),
        **fields,
    )
    runner.save(condition=Runner.pk.does_not_exist())
    return runner


def find_runner(token_hash: str) -> Runner | None:
    """RN3: a runner by its token, one GetItem (every call a runner makes)."""
    try:
        return Runner.get(keys.runner_pk(token_hash), keys.RUNNER_SK)
    except Runner.DoesNotExist:
        return None


def runner_by_id(runner_id: int) -> Runner | None:
    found = Runner.by_gsi2.query(keys.RUNNERS_GSI2PK, Runner.gsi2sk == keys.numbered_sk(runner_id))
    return next((item for item in found if isinstance(item, Runner)), None)


def list_runners(start: int, count: int, newest_first: bool) -> list[Runner]:
    """RN4."""
    return query_slice(Runner.by_gsi2, keys.RUNNERS_GSI2PK, start=start, count=count, newest_first=newest_first)


def count_runners() -> int:
    return count_list(Runner.by_gsi2, keys.RUNNERS_GSI2PK)


def runners_of_registration(token_id: int) -> list[Runner]:
    """The runners a registration token let in (few; read when the token is deleted)."""
    found = Runner.by_gsi2.query(keys.RUNNERS_GSI2PK)
    return [r for r in found if isinstance(r, Runner) and int(r.registration_token_id) == token_id]


def touch_runner(runner: Runner, now: datetime, ip: str | None, version: str | None) -> None:
    actions: list[Action] = [Runner.last_contact.set(now)]
    if ip:
        actions.append(Runner.ip.set(ip))
    if version:
        actions.append(Runner.version.set(version[:100]))
    try:
        runner.update(actions=actions, condition=Runner.pk.exists())
    except UpdateError as error:
        if not _conditional_failed(error):
            raise


# Jobs


def create_job(job: RunnerJob) -> bool:
    """Store a new job; False when a job of that UUID exists (the same step sent again)."""
    job.pk, job.sk = keys.runner_job_pk(str(job.uuid)), keys.ENTITY_SK
    job.gsi2pk, job.gsi2sk = keys.RUNNER_JOBS_GSI2PK, f"{job.created_at.isoformat()}#{job.uuid}"
    _place(job)
    try:
        job.save(condition=RunnerJob.pk.does_not_exist())
    except PutError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def _place(job: RunnerJob) -> None:
    """The job's place on gsi1 for its state (none once it ended)."""
    if int(job.state) == PENDING:
        job.gsi1pk = keys.runner_jobs_pending_gsi1pk(str(job.type))
        job.gsi1sk = f"{int(job.priority):06d}#{job.created_at.isoformat()}"
    elif int(job.state) == PROCESSING:
        job.gsi1pk, job.gsi1sk = keys.RUNNER_JOBS_PROCESSING_GSI1PK, job.updated_at.isoformat()
    else:
        job.gsi1pk = job.gsi1sk = None


def get_job(job_uuid: str) -> RunnerJob | None:
    """RN5: one GetItem, strongly consistent (a runner reads what it just wrote)."""
    try:
        return RunnerJob.get(keys.runner_job_pk(job_uuid), keys.ENTITY_SK, consistent_read=True)
    except RunnerJob.DoesNotExist:
        return None


def pending_jobs(job_type: str, limit: int) -> list[RunnerJob]:
    """RN6: the oldest pending jobs of a type, by priority (one Query)."""
    found = RunnerJob.by_gsi1.query(keys.runner_jobs_pending_gsi1pk(job_type), limit=limit)
    return [job for job in found if isinstance(job, RunnerJob)]


def pending_since(job_type: str, before: datetime, limit: int) -> list[RunnerJob]:
    """RN6b: pending jobs of a type (of priority 0, the only one Cirrus gives) created
    before `before` (the Lambda fallback)."""
    found = RunnerJob.by_gsi1.query(
        keys.runner_jobs_pending_gsi1pk(job_type), RunnerJob.gsi1sk < f"{0:06d}#{before.isoformat()}", limit=limit
    )
    return [job for job in found if isinstance(job, RunnerJob)]


def processing_since(before: datetime, limit: int) -> list[RunnerJob]:
    """RN7: processing jobs without news since `before` (the stall sweep)."""
    found = RunnerJob.by_gsi1.query(
        keys.RUNNER_JOBS_PROCESSING_GSI1PK, RunnerJob.gsi1sk < before.isoformat(), limit=limit
    )
    return [job for job in found if isinstance(job, RunnerJob)]


def list_jobs(start: int, count: int, newest_first: bool) -> list[RunnerJob]:
    """RN8."""
    return query_slice(RunnerJob.by_gsi2, keys.RUNNER_JOBS_GSI2PK, start=start, count=count, newest_first=newest_first)


def count_jobs() -> int:
    return count_list(RunnerJob.by_gsi2, keys.RUNNER_JOBS_GSI2PK)


def move_job(
    job: RunnerJob,
    *,
    from_states: tuple[int, ...],
    to_state: int,
    now: datetime,
    token_hash: str | None = None,
    **fields: Any,
) -> bool:
    """RN9: move a job from one of `from_states` (and, when given, only while it holds the
    job token `token_hash`) to `to_state`, setting `fields`; False when it no longer may.
    A move the state table does not declare is a bug: UndeclaredMove, nothing written."""
    JOB_STATES.check_move(from_states, to_state)
    job.state, job.updated_at = to_state, now
    _place(job)
    actions: list[Action] = [
        RunnerJob.state.set(to_state),
        RunnerJob.updated_at.set(now),
        RunnerJob.gsi1pk.set(job.gsi1pk) if job.gsi1pk else RunnerJob.gsi1pk.remove(),
        RunnerJob.gsi1sk.set(job.gsi1sk) if job.gsi1sk else RunnerJob.gsi1sk.remove(),
    ]
    for name, value in fields.items():
        attribute = getattr(RunnerJob, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    condition = RunnerJob.state.is_in(*from_states)
    if token_hash is not None:
        condition &= RunnerJob.job_token_hash == token_hash
    try:
        job.update(actions=actions, condition=condition)
    except UpdateError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def delete_job(job: RunnerJob) -> None:
    delete_item(job)
