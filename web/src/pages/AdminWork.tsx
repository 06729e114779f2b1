// The administrator's view of the work: remote runners and their registration tokens, the
// runners' jobs, and the instance's own jobs over its queues (docs/runners.md,
// docs/jobs-and-logs.md).
import { useState } from 'react';
import { errorMessage } from '../api';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { timeAgo } from '../format';
import { useLoad } from '../hooks';
import { api } from '../services';
import type { Job } from '../types';

type Outcome = { ok: boolean; text: string } | null;

/** Run an action, then report it (a status line, or an alert with the server's reason). */
function useAction(): [Outcome, boolean, (action: () => Promise<unknown>, done: string, failed: string) => Promise<void>] {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, done: string, failed: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await action();
      setOutcome({ ok: true, text: done });
    } catch (err) {
      setOutcome({ ok: false, text: `${failed}: ${errorMessage(err)}` });
    } finally {
      setBusy(false);
    }
  };
  return [outcome, busy, run];
}

function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p className={outcome.ok ? 'notice notice--ok' : 'error-box'} role={outcome.ok ? 'status' : 'alert'}>
      {outcome.text}
    </p>
  );
}

export function RunnersSection() {
  const runners = useLoad((s) => api.runners(s), []);
  const tokens = useLoad((s) => api.registrationTokens(s), []);
  const [outcome, busy, run] = useAction();
  const reload = () => {
    runners.reload();
    tokens.reload();
  };
  return (
    <>
      <h2 className="section-title" id="runners-title">
        Remote runners
      </h2>
      <OutcomeLine outcome={outcome} />
      {runners.loading && <Loading what="Loading the runners" />}
      {runners.error && <ErrorMessage error={runners.error} onRetry={runners.reload} />}
      {runners.data && runners.data.data.length === 0 && (
        <Empty title="No runner is registered." hint="Generate a registration token below and give it to the runner." />
      )}
      {runners.data && runners.data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-labelledby="runners-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col">Last contact</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {runners.data.data.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.name}
                    {r.description && <span className="hint"> {r.description}</span>}
                  </td>
                  <td>{r.ip}</td>
                  <td>{timeAgo(r.lastContact)}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => void run(() => api.deleteRunner(r.id), `Runner ${r.name} removed.`, 'The runner was not removed').then(reload)}
                    >
                      Remove {r.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 className="section-title" id="tokens-title">
        Registration tokens
      </h3>
      <button
        type="button"
        className="button button--primary"
        disabled={busy}
        onClick={() => void run(() => api.generateRegistrationToken(), 'A registration token was generated.', 'No token was generated').then(reload)}
      >
        Generate a registration token
      </button>
      {tokens.loading && <Loading what="Loading the registration tokens" />}
      {tokens.error && <ErrorMessage error={tokens.error} onRetry={tokens.reload} />}
      {tokens.data && tokens.data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-labelledby="tokens-title">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Runners</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <code>{t.registrationToken}</code>
                  </td>
                  <td>{t.registeredRunnersCount}</td>
                  <td>{timeAgo(t.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      aria-label={`Copy token ${t.id}`}
                      onClick={() => void run(() => navigator.clipboard.writeText(t.registrationToken), 'Token copied.', 'The token was not copied')}
                    >
                      Copy
                    </button>{' '}
                    <button
                      type="button"
                      className="button"
                      aria-label={`Delete token ${t.id}`}
                      disabled={busy}
                      onClick={() =>
                        void run(
                          () => api.deleteRegistrationToken(t.id),
                          'The token and its runners were removed.',
                          'The token was not deleted',
                        ).then(reload)
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RunnerJobsSection />
    </>
  );
}

function RunnerJobsSection() {
  const jobs = useLoad((s) => api.runnerJobs(s), []);
  const [outcome, busy, run] = useAction();
  return (
    <>
      <h3 className="section-title" id="runner-jobs-title">
        Runner jobs
      </h3>
      <button type="button" className="button" onClick={jobs.reload}>
        Refresh the runner jobs
      </button>
      <OutcomeLine outcome={outcome} />
      {jobs.loading && <Loading what="Loading the runner jobs" />}
      {jobs.error && <ErrorMessage error={jobs.error} onRetry={jobs.reload} />}
      {jobs.data && jobs.data.data.length === 0 && <Empty title="No runner job yet." />}
      {jobs.data && jobs.data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-labelledby="runner-jobs-title">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Runner</th>
                <th scope="col">Updated</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.data.map((j) => {
                const short = j.uuid.slice(0, 8);
                const open = j.state.id === 1 || j.state.id === 2;
                return (
                  <tr key={j.uuid}>
                    <td>
                      <code title={j.uuid}>{short}</code> {j.type}
                    </td>
                    <td>
                      {j.state.label}
                      {j.progress !== null && open && ` (${j.progress} %)`}
                      {j.error && <span className="hint"> {j.error}</span>}
                    </td>
                    <td>{j.runner?.name ?? '—'}</td>
                    <td>{timeAgo(j.updatedAt)}</td>
                    <td>
                      {open && (
                        <button
                          type="button"
                          className="button"
                          aria-label={`Cancel job ${short}`}
                          disabled={busy}
                          onClick={() => void run(() => api.cancelRunnerJob(j.uuid), `Job ${short} cancelled.`, 'The job was not cancelled').then(jobs.reload)}
                        >
                          Cancel
                        </button>
                      )}{' '}
                      <button
                        type="button"
                        className="button"
                        aria-label={`Delete job ${short}`}
                        disabled={busy}
                        onClick={() => void run(() => api.deleteRunnerJob(j.uuid), `Job ${short} deleted.`, 'The job was not deleted').then(jobs.reload)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

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
  const [outcome, busy, run] = useAction();
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
          onClick={() => void run(() => api.pauseJobs(), 'The job queues are paused.', 'The queues were not paused')}
        >
          Pause the job queues
        </button>{' '}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void run(() => api.resumeJobs(), 'The job queues are running.', 'The queues were not resumed')}
        >
          Resume the job queues
        </button>
      </div>
      <OutcomeLine outcome={outcome} />
      {jobs.loading && <Loading what="Loading the jobs" />}
      {jobs.error && <ErrorMessage error={jobs.error} onRetry={jobs.reload} />}
      {jobs.data && (
        <p role="status">
          {jobs.data.total} {state} {jobs.data.total === 1 ? 'job' : 'jobs'}
        </p>
      )}
      {jobs.data && jobs.data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-labelledby="jobs-title">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Data</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.data.map((j) => (
                <tr key={j.id}>
                  <td>{j.type}</td>
                  <td>
                    <code className="job-data">{JSON.stringify(j.data).slice(0, 200)}</code>
                  </td>
                  <td>{j.createdAt ? timeAgo(j.createdAt) : '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="button"
                      aria-label={`Retry job ${j.id}`}
                      disabled={busy}
                      onClick={() => void run(() => api.retryJob(j.id), 'The job is back in its queue.', 'The job was not retried').then(jobs.reload)}
                    >
                      Retry
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
