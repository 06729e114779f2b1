import { useEffect, useState, useSyncExternalStore } from 'react';
import { Link, Route, Routes } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { AccountTabs } from '../components/AccountTabs';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { timeAgo } from '../format';
import { useApp, useLoad, useTitle } from '../hooks';
import { collaborators } from '../collaborators';
import { describe, EMAIL, live, NotificationType, notificationsApi, SETTING_ROWS, WEB, type NotificationSettings, type UserNotification } from '../notifications';
import { currentSubscription, disablePush, enablePush, pushSupported } from '../webPush';

const PAGE = 20;

export function Notifications() {
  useTitle('My notifications');
  if (!session.signedIn) {
    return (
      <p>
        <Link to="/login?next=/my-account/notifications">Log in</Link> to see your notifications.
      </p>
    );
  }
  return (
    <section>
      <h1>My notifications</h1>
      <AccountTabs />
      <Routes>
        <Route index element={<NotificationList />} />
        <Route path="settings" element={<NotificationSettingsGrid />} />
      </Routes>
    </section>
  );
}

function NotificationList() {
  const [count, setCount] = useState(PAGE);
  const pushed = useSyncExternalStore(live.subscribe, () => live.version);
  const { data, error, loading, reload, setData } = useLoad((signal) => notificationsApi.list(0, count, undefined, signal), [count, pushed]);
  const [failure, setFailure] = useState<string | null>(null);

  const markRead = async (notification: UserNotification) => {
    setFailure(null);
    try {
      await notificationsApi.markRead([notification.id]);
      if (data) setData({ ...data, data: data.data.map((n) => (n.id === notification.id ? { ...n, read: true } : n)) });
      live.read(1);
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };
  const markAllRead = async () => {
    setFailure(null);
    try {
      await notificationsApi.markAllRead();
      if (data) setData({ ...data, data: data.data.map((n) => ({ ...n, read: true })) });
      live.set(0);
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };

  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  if (!data) return <Loading what="Loading your notifications" />;
  if (data.total === 0) return <Empty title="No notifications yet" hint="New videos of your subscriptions, comments on your videos and new followers show here." />;
  const unread = data.data.some((n) => !n.read);
  return (
    <>
      <div className="form__actions">
        <button type="button" className="button" disabled={!unread} onClick={markAllRead}>
          Mark all as read
        </button>
      </div>
      {failure && <ErrorMessage error={failure} />}
      <ul className="notifications" aria-label="Notifications">
        {data.data.map((notification) => {
          const { text, link } = describe(notification);
          return (
            <li key={notification.id} className={`notification${notification.read ? '' : ' notification--unread'}`}>
              <p className="notification__text">
                {!notification.read && <span className="visually-hidden">Unread: </span>}
                {link ? (
                  <Link to={link} onClick={() => (notification.read ? undefined : void markRead(notification))}>
                    {text}
                  </Link>
                ) : (
                  text
                )}
              </p>
              {notification.type === NotificationType.INVITED_TO_COLLABORATE_TO_CHANNEL && (
                <InvitationAnswer notification={notification} onAnswered={() => markRead(notification)} />
              )}
              <p className="muted notification__meta">
                <time dateTime={notification.createdAt}>{timeAgo(notification.createdAt)}</time>
                {!notification.read && (
                  <>
                    {' · '}
                    <button type="button" className="link-button" onClick={() => markRead(notification)} aria-label={`Mark as read: ${text}`}>
                      Mark as read
                    </button>
                  </>
                )}
              </p>
            </li>
          );
        })}
      </ul>
      {data.total > data.data.length && (
        <p className="more">
          <button type="button" className="button" disabled={loading} onClick={() => setCount((c) => c + PAGE)}>
            Show more
          </button>
        </p>
      )}
    </>
  );
}

function NotificationSettingsGrid() {
  const { me, reloadMe } = useApp();
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (me?.notificationSettings && settings === null) setSettings({ ...me.notificationSettings });
  }, [me, settings]);
  if (!me || !settings) return <Loading what="Loading your settings" />;
  const role = me.role.id;
  const rows = SETTING_ROWS.filter((row) => (!row.staff || role <= 1) && (!row.admin || role === 0));

  const toggle = async (key: string, bit: number, on: boolean) => {
    const next = { ...settings, [key]: on ? (settings[key] ?? 0) | bit : (settings[key] ?? 0) & ~bit };
    setSettings(next);
    setStatus(null);
    try {
      await notificationsApi.saveSettings(next);
      setStatus({ ok: true, text: 'Saved.' });
      void reloadMe();
    } catch (err) {
      setSettings(settings);
      setStatus({ ok: false, text: errorMessage(err) });
    }
  };

  return (
    <>
      <p className="lead">Choose what you hear about, on this site and by email.</p>
      <div className="table-scroll">
        <table className="table notification-settings">
          <caption className="visually-hidden">Notification settings</caption>
          <thead>
            <tr>
              <th scope="col">Activity</th>
              <th scope="col">Web</th>
              <th scope="col">Email</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                {[
                  [WEB, 'on this site'],
                  [EMAIL, 'by email'],
                ].map(([bit, how]) => (
                  <td key={bit}>
                    <input
                      type="checkbox"
                      aria-label={`${row.label}, ${how}`}
                      checked={((settings[row.key] ?? 0) & (bit as number)) !== 0}
                      onChange={(e) => void toggle(row.key, bit as number, e.target.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {status && (
        <p className={status.ok ? 'notice notice--ok' : 'error-box'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      <PushToggle />
    </>
  );
}

/** Web Push to this browser: what the Web column lets through also reaches it while the site is closed. */
function PushToggle() {
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    currentSubscription()
      .then((found) => alive && setOn(found !== null))
      .catch(() => alive && setOn(false));
    return () => {
      alive = false;
    };
  }, []);
  if (!pushSupported()) {
    return <p className="muted">This browser cannot receive push notifications.</p>;
  }
  const change = async (wanted: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      if (wanted) await enablePush();
      else await disablePush();
      setOn(wanted);
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="push-toggle">
      <legend>Push notifications</legend>
      <label>
        <input
          type="checkbox"
          checked={on === true}
          disabled={on === null || busy}
          onChange={(e) => void change(e.target.checked)}
        />{' '}
        Show what the Web column lets through on this browser, even when Cirrus is closed
      </label>
      {problem && (
        <p className="error-box" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

/** The buttons of a channel invitation (PeerTube 8's collaborators): the answer goes to the
 * channel's owner, and the buttons go away once it is given. */
function InvitationAnswer({ notification, onAnswered }: { notification: UserNotification; onAnswered: () => void }) {
  const invitation = notification.videoChannelCollaborator;
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (answer) return <p role="status">{answer}</p>;
  // The payload is the invitation as it was sent: once read (answered here, or elsewhere), no buttons.
  if (!invitation || invitation.state.id !== 1 || notification.read) return null;
  const channel = invitation.channel.host ? `${invitation.channel.name}@${invitation.channel.host}` : invitation.channel.name;
  const give = async (accepted: boolean) => {
    setError(null);
    try {
      await (accepted ? collaborators.accept(channel, invitation.id) : collaborators.reject(channel, invitation.id));
      setAnswer(accepted ? `You now collaborate on ${invitation.channel.displayName}.` : 'The invitation is declined.');
      onAnswered();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <p className="notification__actions">
      <button type="button" className="button" onClick={() => void give(true)}>
        Accept
      </button>{' '}
      <button type="button" className="button" onClick={() => void give(false)}>
        Decline
      </button>
      {error && (
        <span className="inline-error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}
