// The administrator's view of the work: remote runners and their registration tokens, the
// runners' jobs, and the instance's own jobs over its queues (docs/runners.md,
// docs/jobs-and-logs.md).
import { useState } from 'react';
import { OutcomeLine, PagedTable, useOutcome } from '../components/PagedTable';
import { timeAgo } from '../format';
import { useLoad } from '../hooks';
import { api } from '../services';
import type { Job } from '../types';

export function RunnersSection() {
  const runners = useLoad((s) => api.runners(s), []);
  const tokens = useLoad((s) => api.registrationTokens(s), []);
  const { outcome, busy, run } = useOutcome();
  const reload = () => {
    runners.reload();
    tokens.reload();
  };
  // Each action reports itself, then the lists are read again (after a failure too: what
  // failed may be gone already).
  const act = (action: () => Promise<unknown>, done: string, failed: string) => void run(action, done, undefined, failed).then(reload);
  return (
    <>
      <h2 className="section-title" id="runners-title">
        Remote runners
      </h2>
      <OutcomeLine outcome={outcome} />
      <PagedTable
        paged={runners}
        caption="Remote runners"
        labelledBy="runners-title"
        loading="Loading the runners"
        empty="No runner is registered."
        emptyHint="Generate a registration token below and give it to the runner."
        rowKey={(r) => r.id}
        columns={[
          {
            header: 'Name',
            cell: (r) => (
              <>
                {r.name}
                {r.description && <span className="hint"> {r.description}</span>}
              </>
            ),
          },
          { header: 'Address', cell: (r) => r.ip },
          { header: 'Last contact', cell: (r) => timeAgo(r.lastContact) },
          {
            header: 'Actions',
            cell: (r) => (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => act(() => api.deleteRunner(r.id), `Runner ${r.name} removed.`, 'The runner was not removed')}
              >
                Remove {r.name}
              </button>
            ),
          },
        ]}
      />

      <h3 className="section-title" id="tokens-title">
        Registration tokens
      </h3>
      <button
        type="button"
        className="button button--primary"
        disabled={busy}
        onClick={() => act(() => api.generateRegistrationToken(), 'A registration token was generated.', 'No token was generated')}
      >
        Generate a registration token
      </button>
      <PagedTable
        paged={tokens}
        caption="Registration tokens"
        labelledBy="tokens-title"
        loading="Loading the registration tokens"
        rowKey={(t) => t.id}
        columns={[
          { header: 'Token', cell: (t) => <code>{t.registrationToken}</code> },
          { header: 'Runners', cell: (t) => t.registeredRunnersCount },
          { header: 'Created', cell: (t) => timeAgo(t.createdAt) },
          {
            header: 'Actions',
            cell: (t) => (
              <>
                <button
                  type="button"
                  className="button"
                  aria-label={`Copy token ${t.id}`}
                  onClick={() => void run(() => navigator.clipboard.writeText(t.registrationToken), 'Token copied.', undefined, 'The token was not copied')}
                >
                  Copy
                </button>{' '}
                <button
                  type="button"
                  className="button"
                  aria-label={`Delete token ${t.id}`}
                  disabled={busy}
                  onClick={() => act(() => api.deleteRegistrationToken(t.id), 'The token and its runners were removed.', 'The token was not deleted')}
                >
                  Delete
                </button>
              </>
            ),
          },
        ]}
      />
      <RunnerJobsSection />
    </>
  );
}

function RunnerJobsSection() {
  const jobs = useLoad((s) => api.runnerJobs(s), []);
  const { outcome, busy, run } = useOutcome();
  const act = (action: () => Promise<unknown>, done: string, failed: string) => void run(action, done, undefined, failed).then(jobs.reload);
  return (
    <>
      <h3 className="section-title" id="runner-jobs-title">
        Runner jobs
      </h3>
      <button type="button" className="button" onClick={jobs.reload}>
        Refresh the runner jobs
      </button>
      <OutcomeLine outcome={outcome} />
      <PagedTable
        paged={jobs}
        caption="Runner jobs"
        labelledBy="runner-jobs-title"
        loading="Loading the runner jobs"
        empty="No runner job yet."
        rowKey={(j) => j.uuid}
        columns={[
          {
            header: 'Job',
            cell: (j) => (
              <>
                <code title={j.uuid}>{j.uuid.slice(0, 8)}</code> {j.type}
              </>
            ),
          },
          {
            header: 'State',
            cell: (j) => (
              <>
                {j.state.label}
                {j.progress !== null && open(j) && ` (${j.progress} %)`}
                {j.error && <span className="hint"> {j.error}</span>}
              </>
            ),
          },
          { header: 'Runner', cell: (j) => j.runner?.name ?? '—' },
          { header: 'Updated', cell: (j) => timeAgo(j.updatedAt) },
          {
            header: 'Actions',
            cell: (j) => {
              const short = j.uuid.slice(0, 8);
              return (
                <>
                  {open(j) && (
                    <button
                      type="button"
                      className="button"
                      aria-label={`Cancel job ${short}`}
                      disabled={busy}
                      onClick={() => act(() => api.cancelRunnerJob(j.uuid), `Job ${short} cancelled.`, 'The job was not cancelled')}
                    >
                      Cancel
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    className="button"
                    aria-label={`Delete job ${short}`}
                    disabled={busy}
                    onClick={() => act(() => api.deleteRunnerJob(j.uuid), `Job ${short} deleted.`, 'The job was not deleted')}
                  >
                    Delete
                  </button>
                </>
              );
            },
          },
        ]}
      />
    </>
  );
}

/** A runner job still to do or being done (pending, processing): it can be cancelled. */
const open = (job: { state: { id: number } }) => job.state.id === 1 || job.state.id === 2;

const STATES: { value: Job['state']; label: string }[] = [
  { value: 'failed', label: 'Failed' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'active', label: 'Active' },
  { value: 'delayed', label: 'Delayed' },
  { value: 'completed', label: 'Completed' },
];

export function JobsSection() {
  const [state, setState] = useState<Job['state']>('failed');
  const jobs = useLoad((s) => api.jobs(state, s), [state]);
  const { outcome, busy, run } = useOutcome();
  return (
    <>
      <h2 className="section-title" id="jobs-title">
        Jobs
      </h2>
      <p className="hint">
        The instance's queues. Only failed jobs can be listed (each can be retried); the other states are counts.
      </p>
      <div className="toolbar">
        <label htmlFor="jobs-state">State</label>{' '}
        <select id="jobs-state" value={state} onChange={(e) => setState(e.target.value as Job['state'])}>
          {STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>{' '}
        <button type="button" className="button" onClick={jobs.reload}>
          Refresh the jobs
        </button>{' '}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(() => api.pauseJobs(), 'The job queues are paused.', undefined, 'The queues were not paused')}
        >
          Pause the job queues
        </button>{' '}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(() => api.resumeJobs(), 'The job queues are running.', undefined, 'The queues were not resumed')}
        >
          Resume the job queues
        </button>
      </div>
      <OutcomeLine outcome={outcome} />
      {jobs.data && (
        <p role="status">
          {jobs.data.total} {state} {jobs.data.total === 1 ? 'job' : 'jobs'}
        </p>
      )}
      <PagedTable
        paged={jobs}
        caption="Jobs"
        labelledBy="jobs-title"
        loading="Loading the jobs"
        rowKey={(j) => j.id}
        columns={[
          { header: 'Type', cell: (j) => j.type },
          { header: 'Data', cell: (j) => <code className="job-data">{JSON.stringify(j.data).slice(0, 200)}</code> },
          { header: 'Created', cell: (j) => (j.createdAt ? timeAgo(j.createdAt) : '—') },
          {
            header: 'Actions',
            cell: (j) => (
              <button
                type="button"
                className="button"
                aria-label={`Retry job ${j.id}`}
                disabled={busy}
                onClick={() => void run(() => api.retryJob(j.id), 'The job is back in its queue.', undefined, 'The job was not retried').then(jobs.reload)}
              >
                Retry
              </button>
            ),
          },
        ]}
      />
    </>
  );
}
