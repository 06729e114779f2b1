// Registration requests (PeerTube 5.1+ /users/registrations): accept or reject each, with a
// message to the person.
import { useState } from 'react';
import { adminApi, type Registration } from '../../admin/adminApi';
import { OutcomeLine, PagedTable, useOutcome, usePaged } from '../../components/PagedTable';
import { timeAgo } from '../../format';
import { useTitle } from '../../hooks';

const PENDING = 1;

export function Registrations() {
  useTitle('Registrations');
  const registrations = usePaged((paging, signal) => adminApi.registrations(paging, signal), []);
  const [deciding, setDeciding] = useState<{ registration: Registration; accept: boolean } | null>(null);
  const [response, setResponse] = useState('');
  const { outcome, busy, run } = useOutcome();
  const decide = (e: React.FormEvent) => {
    e.preventDefault();
    if (!deciding) return;
    const { registration, accept } = deciding;
    const call = accept ? adminApi.acceptRegistration : adminApi.rejectRegistration;
    void run(() => call(registration.id, response.trim()), `${registration.username}’s request is ${accept ? 'accepted' : 'rejected'}.`, () => {
      setDeciding(null);
      setResponse('');
      registrations.reload();
    });
  };
  return (
    <section>
      <h1>Registrations</h1>
      <p className="hint">When sign-up needs approval, each request waits here.</p>
      <OutcomeLine outcome={outcome} />
      {deciding && (
        <form className="form notice" onSubmit={decide} aria-label={`${deciding.accept ? 'Accept' : 'Reject'} ${deciding.registration.username}`}>
          <label htmlFor="registration-response">Message to {deciding.registration.username} (required)</label>
          <textarea
            id="registration-response"
            rows={3}
            value={response}
            required
            minLength={2}
            maxLength={3000}
            onChange={(e) => setResponse(e.target.value)}
          />
          <div className="form__actions">
            <button type="submit" className={`button ${deciding.accept ? 'button--primary' : 'button--danger'}`} disabled={busy}>
              {deciding.accept ? 'Accept the request' : 'Reject the request'}
            </button>
            <button type="button" className="button" onClick={() => setDeciding(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <PagedTable
        paged={registrations}
        caption="Registration requests"
        empty="No registration request."
        rowKey={(r) => r.id}
        columns={[
          { header: 'Username', cell: (r) => `${r.username}${r.accountDisplayName ? ` (${r.accountDisplayName})` : ''}` },
          { header: 'Email', cell: (r) => `${r.email}${r.emailVerified ? ' (verified)' : ''}` },
          { header: 'Channel', cell: (r) => r.channelHandle ?? '' },
          { header: 'Reason', cell: (r) => r.registrationReason },
          { header: 'State', cell: (r) => `${r.state.label}${r.moderationResponse ? `: ${r.moderationResponse}` : ''}` },
          { header: 'Requested', cell: (r) => timeAgo(r.createdAt) },
          {
            header: 'Actions',
            cell: (r) => (
              <div className="row-actions">
                {r.state.id === PENDING ? (
                  <>
                    <button type="button" className="button" aria-label={`Accept ${r.username}`} onClick={() => setDeciding({ registration: r, accept: true })}>
                      Accept
                    </button>
                    <button type="button" className="button" aria-label={`Reject ${r.username}`} onClick={() => setDeciding({ registration: r, accept: false })}>
                      Reject
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={`Remove the request of ${r.username}`}
                    onClick={() => void run(() => adminApi.deleteRegistration(r.id), 'The request is removed.', registrations.reload)}
                  >
                    Remove
                  </button>
                )}
              </div>
            ),
          },
        ]}
      />
    </section>
  );
}
