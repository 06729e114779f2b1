import { getAbout, getServerStats, type ServerStats } from '../api';
import { h } from '../dom';
import type { View } from './types';

const STAT_LABELS: [keyof ServerStats, string][] = [
  ['totalUsers', 'Users'],
  ['totalLocalVideos', 'Local videos'],
  ['totalVideos', 'Videos (including federated)'],
  ['totalLocalVideoViews', 'Local video views'],
];

function statsList(stats: ServerStats): HTMLElement {
  const fmt = new Intl.NumberFormat();
  const dl = h('dl', { class: 'stats' });
  for (const [key, label] of STAT_LABELS) {
    const value = stats[key];
    dl.append(
      h(
        'div',
        { class: 'stats__item' },
        h('dt', {}, label),
        h('dd', {}, typeof value === 'number' ? fmt.format(value) : '–'),
      ),
    );
  }
  return dl;
}

/** "/about": instance name, description and server statistics. */
export const aboutView: View = async (ctx) => {
  const statsRequest = getServerStats(ctx.signal);
  // Don't let a stats failure go unhandled while the about request is pending.
  statsRequest.catch(() => undefined);
  const about = await getAbout(ctx.signal);

  let stats: ServerStats | null = null;
  try {
    stats = await statsRequest;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.reportError(err);
  }

  const { instance } = about;
  const content = h(
    'section',
    { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, `About ${instance.name}`),
    instance.shortDescription ? h('p', { class: 'lead' }, instance.shortDescription) : null,
    h(
      'div',
      { class: 'prose' },
      instance.description || h('p', { class: 'muted' }, 'This instance has no description yet.'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'stats-title' },
      h('h2', { id: 'stats-title', class: 'section-title' }, 'Statistics'),
      stats ? statsList(stats) : h('p', { class: 'muted' }, 'Statistics are unavailable.'),
    ),
  );
  return { title: 'About', content };
};
