import './styles.css';
import { errorMessage, getConfig } from './api';
import { h } from './dom';
import { Router, type Route } from './router';
import { aboutView } from './views/about';
import { homeView, searchView, videoListView } from './views/home';
import type { Rendered, View, ViewContext } from './views/types';

const NAV_LINKS: [path: string, label: string][] = [
  ['/videos/overview', 'Discover'],
  ['/videos/trending', 'Trending'],
  ['/videos/recently-added', 'Recently added'],
  ['/videos/local', 'Local videos'],
];

const routes: Route<View>[] = [
  { path: '/', value: homeView },
  { path: '/about', value: aboutView },
  { path: '/search', value: searchView },
  ...NAV_LINKS.map(([path, label]) => ({ path, value: videoListView(label) })),
];

const notFoundView: View = async () => ({
  title: 'Page not found',
  content: h(
    'section',
    { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Page not found'),
    h('p', {}, 'There is nothing at this address. ', h('a', { href: '/' }, 'Go to the home page'), '.'),
  ),
});

// ---- App shell --------------------------------------------------------------

const brand = h('a', { class: 'brand', href: '/' }, 'Cirrus');
const searchInput = h('input', {
  id: 'search-input',
  type: 'search',
  name: 'search',
  placeholder: 'Search videos',
  autocomplete: 'off',
});
const searchForm = h(
  'form',
  { class: 'search', role: 'search', action: '/search', method: 'get' },
  h('label', { class: 'visually-hidden', for: 'search-input' }, 'Search videos'),
  searchInput,
);
const navLinks = NAV_LINKS.map(([path, label]) => h('a', { href: path }, label));
const nav = h(
  'nav',
  { class: 'site-nav', 'aria-label': 'Main' },
  h('ul', {}, ...navLinks.map((a) => h('li', {}, a))),
);
const bannerText = h('p', { class: 'banner__text' });
const bannerClose = h('button', { type: 'button', class: 'banner__close' }, 'Dismiss');
const banner = h('div', { class: 'banner', hidden: true }, bannerText, bannerClose);
// The live region stays in the DOM so screen readers announce new errors.
const alertRegion = h('div', { class: 'alerts', role: 'alert' }, banner);
const main = h('main', { id: 'main', class: 'site-main', tabindex: '-1' });

const app = document.getElementById('app')!;
app.replaceChildren(
  h('a', { class: 'skip-link', href: '#main' }, 'Skip to main content'),
  h('header', { class: 'site-header' }, h('div', { class: 'site-header__inner' }, brand, searchForm, nav)),
  alertRegion,
  main,
  h(
    'footer',
    { class: 'site-footer' },
    h('a', { href: '/about' }, 'About this instance'),
    h('span', {}, 'Powered by Cirrus'),
  ),
);

function showError(err: unknown): void {
  bannerText.textContent = errorMessage(err);
  banner.hidden = false;
}

function clearError(): void {
  banner.hidden = true;
  bannerText.textContent = '';
}

bannerClose.addEventListener('click', clearError);

// ---- Instance config --------------------------------------------------------

let instanceName = 'Cirrus';
let pageTitle = '';

function updateDocumentTitle(): void {
  document.title = pageTitle ? `${pageTitle} - ${instanceName}` : instanceName;
}

const config = getConfig();
config.then(
  (cfg) => {
    instanceName = cfg.instance.name || 'Cirrus';
    brand.textContent = instanceName;
    updateDocumentTitle();
  },
  showError,
);

// ---- Routing ----------------------------------------------------------------

let firstRender = true;

async function render(view: View, ctx: ViewContext): Promise<void> {
  main.setAttribute('aria-busy', 'true');
  let rendered: Rendered;
  try {
    rendered = await view(ctx);
  } catch (err) {
    if (ctx.signal.aborted) return;
    showError(err);
    main.replaceChildren();
    main.removeAttribute('aria-busy');
    return;
  }
  if (ctx.signal.aborted) return;
  main.replaceChildren(rendered.content);
  main.removeAttribute('aria-busy');
  pageTitle = rendered.title;
  updateDocumentTitle();
  if (!firstRender) {
    // Move focus to the new page's heading so keyboard and screen reader
    // users land on the new content, as they would on a full page load.
    window.scrollTo(0, 0);
    (main.querySelector<HTMLElement>('h1') ?? main).focus();
  }
  firstRender = false;
}

const router = new Router<View>(routes, (match, url, signal) => {
  clearError();
  for (const link of navLinks) {
    if (link.pathname === url.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (url.pathname === '/search') searchInput.value = url.searchParams.get('search') ?? '';
  const ctx: ViewContext = { params: match?.params ?? {}, url, signal, config, reportError: showError };
  return render(match?.route.value ?? notFoundView, ctx);
});

searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const query = searchInput.value.trim();
  void router.navigate(query ? `/search?${new URLSearchParams({ search: query })}` : '/search');
});

void router.start();
