import { h } from '../dom';
import type { Rendered, View } from './types';

function emptyState(text = 'Videos will appear here'): HTMLElement {
  return h(
    'div',
    { class: 'empty-state' },
    h('p', { class: 'empty-state__title' }, text),
    h('p', { class: 'empty-state__hint' }, 'Nothing has been published on this instance yet.'),
  );
}

function page(title: string, ...children: (Node | null)[]): Rendered {
  const content = h(
    'section',
    { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, title),
    ...children,
  );
  return { title, content };
}

/** "/": the instance's short description and (for now) an empty video list. */
export const homeView: View = async (ctx) => {
  const { instance } = await ctx.config;
  const rendered = page(
    instance.name,
    instance.shortDescription ? h('p', { class: 'lead' }, instance.shortDescription) : null,
    h('h2', { class: 'section-title' }, 'Videos'),
    emptyState(),
  );
  return { ...rendered, title: 'Home' };
};

/** A video list page (Discover, Trending, ...) that has no videos to show yet. */
export function videoListView(heading: string): View {
  return async () => page(heading, emptyState());
}

/** "/search?search=...": placeholder until search is implemented. */
export const searchView: View = async (ctx) => {
  const query = ctx.url.searchParams.get('search')?.trim() ?? '';
  return page(query ? `Search results for “${query}”` : 'Search', emptyState());
};
