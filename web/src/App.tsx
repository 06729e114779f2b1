import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from 'react-router';
import { getConfig, type ServerConfig } from './api';
import { seesAdministration } from './admin/rights';
import { session } from './auth';
import { ClientPlugins } from './components/ClientPlugins';
import { NotificationBell } from './components/NotificationBell';
import { Loading } from './components/Status';
import { AppContext, useApp, useSignedIn } from './hooks';
import { Home, VideoList } from './pages/Home';
import { api } from './services';
import { appearanceOf, applyFavicon, applyTheme, chosenTheme, homeIsCustomPage } from './theme';
import type { User } from './types';

// Pages other than the home page load on first visit: hls.js comes only with Watch and
// Embed, marked and DOMPurify with the pages that render Markdown.
const named = <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  lazy(() => load().then((module) => ({ default: module[name] })));
const AdminLayout = named(() => import('./pages/admin/AdminLayout'), 'AdminLayout');
const AdminUsers = named(() => import('./pages/admin/Users'), 'Users');
const AdminUserEdit = named(() => import('./pages/admin/UserEdit'), 'UserEdit');
const AdminUserCreate = named(() => import('./pages/admin/UserEdit'), 'UserCreate');
const AdminRegistrations = named(() => import('./pages/admin/Registrations'), 'Registrations');
const AdminComments = named(() => import('./pages/admin/Comments'), 'Comments');
const AdminAbuses = named(() => import('./pages/admin/Abuses'), 'Abuses');
const AdminVideoBlocks = named(() => import('./pages/admin/VideoBlocks'), 'VideoBlocks');
const AdminBlocklist = named(() => import('./pages/admin/Blocklist'), 'Blocklist');
const AdminWatchedWords = named(() => import('./pages/admin/WatchedWords'), 'WatchedWords');
const AdminFollows = named(() => import('./pages/admin/Follows'), 'Follows');
const AdminRedundancy = named(() => import('./pages/admin/Redundancy'), 'Redundancy');
const AdminSettings = named(() => import('./pages/admin/Settings'), 'Settings');
const AdminPlugins = named(() => import('./pages/AdminPlugins'), 'AdminPlugins');
const AdminWork = named(() => import('./pages/admin/Work'), 'Work');
const About = named(() => import('./pages/About'), 'About');
const ChannelPage = named(() => import('./pages/Channel'), 'ChannelPage');
const AccountPage = named(() => import('./pages/Channel'), 'AccountPage');
const Embed = named(() => import('./pages/Embed'), 'Embed');
const Library = named(() => import('./pages/Library'), 'Library');
const Login = named(() => import('./pages/Login'), 'Login');
const Notifications = named(() => import('./pages/Notifications'), 'Notifications');
const Security = named(() => import('./pages/Security'), 'Security');
const Archives = named(() => import('./pages/Archives'), 'Archives');
const Moderation = named(() => import('./pages/Moderation'), 'Moderation');
const Signup = named(() => import('./pages/Login'), 'Signup');
const ForgotPassword = named(() => import('./pages/Login'), 'ForgotPassword');
const ResetPassword = named(() => import('./pages/Login'), 'ResetPassword');
const VerifyEmail = named(() => import('./pages/Login'), 'VerifyEmail');
const Search = named(() => import('./pages/Search'), 'Search');
const Upload = named(() => import('./pages/Upload'), 'Upload');
const GoLive = named(() => import('./pages/GoLive'), 'GoLive');
const Import = named(() => import('./pages/Import'), 'Import');
const Studio = named(() => import('./pages/Studio'), 'Studio');
const Watch = named(() => import('./pages/Watch'), 'Watch');
const VideoStats = named(() => import('./pages/VideoStats'), 'VideoStats');
const Homepage = named(() => import('./pages/Homepage'), 'Homepage');
const AdminAppearance = named(() => import('./pages/AdminAppearance'), 'AdminAppearance');
const AccountSettings = named(() => import('./pages/AccountSettings'), 'AccountSettings');

export function App() {
  const [config, setConfig] = useState<ServerConfig | null>(null);
  const [me, setMe] = useState<User | null>(null);
  const signedIn = useSignedIn();

  const reloadConfig = useCallback(() => getConfig().then(setConfig, () => undefined), []);
  useEffect(() => {
    void reloadConfig();
  }, [reloadConfig]);

  // Only the latest load counts: an answer for a session since ended must not sign the user back in.
  const generation = useRef(0);
  const reloadMe = useCallback(async () => {
    const mine = ++generation.current;
    let user: User | null = null;
    if (session.signedIn) user = await api.me().catch(() => null);
    if (mine === generation.current) setMe(session.signedIn ? user : null);
  }, []);

  useEffect(() => {
    void reloadMe();
  }, [signedIn, reloadMe]);

  // The theme in force (docs/appearance.md): the user's own, else the instance's.
  useEffect(() => {
    const appearance = appearanceOf(config);
    applyTheme(appearance, chosenTheme(appearance, (me as { theme?: string } | null)?.theme));
    applyFavicon(appearance);
  }, [config, me]);

  return (
    <AppContext.Provider value={{ config, me, reloadMe, reloadConfig }}>
      <Routes>
        <Route
          path="/videos/embed/:id"
          element={
            <Suspense fallback={<Loading />}>
              <Embed />
            </Suspense>
          }
        />
        <Route element={<Layout />}>
          <Route index element={homeIsCustomPage(appearanceOf(config)) ? <Homepage /> : <Home />} />
          <Route path="/home" element={<Homepage />} />
          <Route path="/my-account/settings" element={<AccountSettings />} />
          <Route path="/videos/:list" element={<VideoList />} />
          <Route path="/w/:id" element={<Watch />} />
          <Route path="/videos/watch/:id" element={<Watch />} />
          <Route path="/stats/videos/:id" element={<VideoStats />} />
          <Route path="/search" element={<Search />} />
          <Route path="/login" element={<Login />} />
          <Route path="/signup" element={<Signup />} />
          <Route path="/login/forgot-password" element={<ForgotPassword />} />
          <Route path="/reset-password" element={<ResetPassword />} />
          <Route path="/verify-account/email" element={<VerifyEmail />} />
          <Route path="/upload" element={<Upload />} />
          <Route path="/go-live" element={<GoLive />} />
          <Route path="/import" element={<Import />} />
          <Route path="/studio/edit/:id" element={<Studio />} />
          <Route path="/my-library/*" element={<Library />} />
          <Route path="/my-account/notifications/*" element={<Notifications />} />
          <Route path="/my-account/security" element={<Security />} />
          <Route path="/my-account/import-export" element={<Archives />} />
          <Route path="/my-account/moderation" element={<Moderation />} />
          <Route path="/c/:handle" element={<ChannelPage />} />
          <Route path="/a/:name" element={<AccountPage />} />
          <Route path="/admin" element={<AdminLayout />}>
            <Route index element={null} />
            <Route path="users" element={<AdminUsers />} />
            <Route path="users/new" element={<AdminUserCreate />} />
            <Route path="users/:id" element={<AdminUserEdit />} />
            <Route path="registrations" element={<AdminRegistrations />} />
            <Route path="comments" element={<AdminComments />} />
            <Route path="abuses" element={<AdminAbuses />} />
            <Route path="video-blocks" element={<AdminVideoBlocks />} />
            <Route path="blocklist" element={<AdminBlocklist />} />
            <Route path="watched-words" element={<AdminWatchedWords />} />
            <Route path="follows" element={<AdminFollows />} />
            <Route path="redundancy" element={<AdminRedundancy />} />
            <Route path="settings" element={<AdminSettings />} />
            <Route path="appearance" element={<AdminAppearance />} />
            <Route path="plugins" element={<AdminPlugins />} />
            <Route path="jobs" element={<AdminWork />} />
            <Route path="*" element={<NotFound />} />
          </Route>
          <Route path="/about" element={<About />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </AppContext.Provider>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the home page</Link>.
      </p>
    </section>
  );
}

function Layout() {
  const { config, me } = useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [search, setSearch] = useState('');

  // Move focus to the new page for keyboard and screen reader users.
  useEffect(() => {
    setMenuOpen(false);
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);

  const logOut = async () => {
    // Leave first: the token's revocation must not pull the user back here afterwards.
    navigate('/');
    await session.logOut();
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link className="brand" to="/">
            {config?.instance.name ?? 'Cirrus'}
          </Link>
          <form
            className="search"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              if (search.trim()) navigate(`/search?search=${encodeURIComponent(search.trim())}`);
            }}
          >
            <label className="visually-hidden" htmlFor="search-input">
              Search videos and channels
            </label>
            <input
              id="search-input"
              type="search"
              placeholder="Search videos and channels"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </form>
          <button
            type="button"
            className="menu-toggle button"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </button>
          <nav id="site-nav" className={`site-nav${menuOpen ? ' site-nav--open' : ''}`} aria-label="Main">
            <ul>
              <li>
                <NavLink to="/" end>
                  Home
                </NavLink>
              </li>
              <li>
                <NavLink to="/videos/trending">Trending</NavLink>
              </li>
              <li>
                <NavLink to="/videos/recently-added">Recently added</NavLink>
              </li>
              <li>
                <NavLink to="/videos/local">Local videos</NavLink>
              </li>
              {me ? (
                <>
                  <li>
                    <NavLink to="/upload">Upload</NavLink>
                  </li>
                  <li>
                    <NavLink to="/my-library">My library</NavLink>
                  </li>
                  <li>
                    <NavLink to="/my-account/settings">Settings</NavLink>
                  </li>
                  {seesAdministration(me.role.id) && (

                    <li>
                      <NavLink to="/admin">Administration</NavLink>
                    </li>
                  )}
                  <li className="site-nav__user">
                    <NotificationBell />{' '}
                    <span className="muted">{me.account.displayName || me.username}</span>{' '}
                    <button type="button" className="link-button" onClick={logOut}>
                      Log out
                    </button>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/login">Log in</NavLink>
                  </li>
                  <li>
                    <NavLink to="/signup">Sign up</NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} className="site-main" tabIndex={-1}>
        <Suspense fallback={<Loading what="Loading the page" />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <Link to="/about">About this instance</Link>
        <span>Powered by Cirrus, PeerTube-compatible</span>
      </footer>
      <ClientPlugins config={config} />
    </>
  );
}
