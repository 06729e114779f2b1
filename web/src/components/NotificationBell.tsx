import { useEffect, useSyncExternalStore } from 'react';
import { NavLink } from 'react-router';
import { live } from '../notifications';

/** The header's bell: the unread count, kept live over socket.io while signed in. */
export function NotificationBell() {
  const unread = useSyncExternalStore(live.subscribe, () => live.unread);
  useEffect(() => {
    void live.start();
    return () => live.stop();
  }, []);
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`;
  return (
    <NavLink to="/my-account/notifications" className="bell" aria-label={label} title={label}>
      <svg className="bell__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 && (
        <span className="bell__count" data-testid="unread-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
