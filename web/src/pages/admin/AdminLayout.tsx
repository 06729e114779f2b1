// The Administration area (PeerTube's /admin): a side navigation of the pages the signed-in
// user's role may open, grouped as PeerTube groups them, and the page itself. A page the role
// may not open says so instead of showing what the server would refuse.
import { Suspense } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { hasRight, pageAt, pagesFor, type AdminPage } from '../../admin/rights';
import { session } from '../../auth';
import { ErrorMessage, Loading } from '../../components/Status';
import { useApp, useTitle } from '../../hooks';

const GROUPS: AdminPage['group'][] = ['Overview', 'Moderation', 'Federation', 'Settings', 'System'];

export function AdminLayout() {
  const { me } = useApp();
  const location = useLocation();
  if (!session.signedIn) {
    return (
      <p>
        <Link to={`/login?next=${encodeURIComponent(location.pathname)}`}>Log in</Link> to open the administration.
      </p>
    );
  }
  if (!me) return <Loading />;
  const role = me.role.id;
  const pages = pagesFor(role);
  if (pages.length === 0) return <NotAllowed title="Administration" reason="Only administrators and moderators may open the administration." />;
  if (/^\/admin\/?$/.test(location.pathname)) return <Navigate to={`/admin/${pages[0]!.path}`} replace />;
  const page = pageAt(location.pathname);
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Administration">
        {GROUPS.map((group) => {
          const links = pages.filter((p) => p.group === group);
          if (links.length === 0) return null;
          return (
            <div key={group} className="admin-nav__group">
              <p className="admin-nav__title" id={`admin-nav-${group}`}>
                {group}
              </p>
              <ul aria-labelledby={`admin-nav-${group}`}>
                {links.map((p) => (
                  <li key={p.path}>
                    <NavLink to={`/admin/${p.path}`}>{p.label}</NavLink>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <div className="admin-content">
        {page && !hasRight(role, page.right) ? (
          <NotAllowed title={page.label} reason="You are not allowed to see this page: it is for administrators only." />
        ) : (
          <Suspense fallback={<Loading what="Loading the page" />}>
            <Outlet />
          </Suspense>
        )}
      </div>
    </div>
  );
}

function NotAllowed({ title, reason }: { title: string; reason: string }) {
  useTitle(title);
  return (
    <section>
      <h1>{title}</h1>
      <ErrorMessage error={reason} />
    </section>
  );
}
