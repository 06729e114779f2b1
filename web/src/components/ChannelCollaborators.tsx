import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { collaborators, inviteHandle, stateText, type Collaborator } from '../collaborators';
import { useAction, useApp } from '../hooks';
import { actorHandle, type Channel } from '../types';

/** The channel's collaborators (PeerTube 8): the owner invites local accounts by name and
 * removes them; an invited account answers from its notifications. */
export function ChannelCollaborators({ channel }: { channel: Channel }) {
  const { me } = useApp();
  const handle = actorHandle(channel);
  const [list, setList] = useState<Collaborator[] | null>(null);
  const [name, setName] = useState('');
  const { error, setError, notice, setNotice, run } = useAction();
  const isOwner = !channel.ownerAccount || channel.ownerAccount.id === me?.account?.id;
  const reload = useCallback(async () => {
    try {
      setList((await collaborators.list(handle)).data);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [handle, setError]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const act = async (action: () => Promise<unknown>, done: string) => {
    await run(async () => {
      await action();
      setNotice(done);
    });
    await reload();
  };
  const inputId = `collaborator-${channel.id}`;
  return (
    <fieldset className="channel-collaborators" aria-label="Collaborators">
      <legend>Collaborators</legend>
      <p className="hint">Collaborators upload to this channel and manage its videos. Only you invite them or delete the channel.</p>
      {list && list.length === 0 && <p className="muted">Nobody yet.</p>}
      {list?.map((c) => (
        <p key={c.id}>
          {c.account.displayName} (@{c.account.name}) · <span>{stateText(c)}</span>{' '}
          {(isOwner || c.account.id === me?.account?.id) && (
            <button
              type="button"
              className="link-button"
              onClick={() => void act(() => collaborators.remove(handle, c.id), `${c.account.displayName} is no longer a collaborator.`)}
            >
              Remove
            </button>
          )}
        </p>
      ))}
      {isOwner && (
        <>
          <label htmlFor={inputId}>Invite an account of this instance (its name)</label>
          <input id={inputId} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          <button
            type="button"
            className="button"
            disabled={!name.trim()}
            onClick={() =>
              void act(async () => {
                await collaborators.invite(handle, inviteHandle(name, window.location.host));
                setName('');
              }, 'The invitation is sent.')
            }
          >
            Invite
          </button>
        </>
      )}
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
