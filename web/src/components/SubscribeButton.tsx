import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { useLoad, useSignedIn } from '../hooks';
import { api } from '../services';

export function SubscribeButton({ handle }: { handle: string }) {
  const signedIn = useSignedIn();
  const state = useLoad((s) => (signedIn ? api.subscribed(handle, s) : Promise.resolve(false)), [handle, signedIn]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!signedIn) {
    return (
      <Link className="button" to={`/login?next=${encodeURIComponent(location.pathname)}`}>
        Log in to subscribe
      </Link>
    );
  }
  const subscribed = state.data ?? false;
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (subscribed) await api.unsubscribe(handle);
      else await api.subscribe(handle);
      state.setData(!subscribed);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="subscribe">
      <button
        type="button"
        className={`button${subscribed ? '' : ' button--primary'}`}
        aria-pressed={subscribed}
        disabled={busy || state.loading}
        onClick={toggle}
      >
        {subscribed ? 'Subscribed' : 'Subscribe'}
      </button>
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
