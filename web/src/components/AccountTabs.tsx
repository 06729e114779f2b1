import { NavLink } from 'react-router';

/** The tabs of the signed-in user's account pages. */
export function AccountTabs() {
  return (
    <nav className="tabs" aria-label="My account">
      <NavLink to="/my-account/notifications" end>
        Notifications
      </NavLink>
      <NavLink to="/my-account/notifications/settings">Notification settings</NavLink>
      <NavLink to="/my-account/security">Security</NavLink>
      <NavLink to="/my-account/import-export">Export / import</NavLink>
      <NavLink to="/my-account/moderation">Moderation</NavLink>
    </nav>
  );
}
