// The administration pages' shared rows (components/PagedTable), rendered as the server would:
// what a table or list says while loading, on error, empty and with rows, and its names.
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FilterForm, PagedList, PagedTable, type Paged } from './components/PagedTable';
import type { Loaded } from './hooks';
import type { Page } from './types';

interface Row {
  id: number;
  name: string;
}

const nothing = () => undefined;
const loaded = (over: Partial<Loaded<Page<Row>>>): Loaded<Page<Row>> => ({
  data: undefined,
  error: null,
  loading: false,
  reload: nothing,
  setData: nothing,
  ...over,
});
const page = (total: number, ids: number[]) => ({ total, data: ids.map((id) => ({ id, name: `row ${id}` })) });
const paged = (over: Partial<Loaded<Page<Row>>>, start = 0): Paged<Row> => ({ ...loaded(over), start, count: 2, setStart: nothing });

const columns = [
  { header: 'Name', cell: (r: Row) => r.name },
  { header: 'Actions', cell: (r: Row) => createElement('button', { type: 'button', 'aria-label': `Remove ${r.name}` }, 'Remove') },
];
const table = (rows: Loaded<Page<Row>> | Paged<Row>, more: Record<string, unknown> = {}) =>
  renderToStaticMarkup(createElement(PagedTable<Row>, { paged: rows, caption: 'Remote runners', columns, rowKey: (r) => r.id, ...more }));

describe('PagedTable', () => {
  it('says it is loading the first time, in its own words or from its caption', () => {
    expect(table(loaded({ loading: true }))).toContain('Loading remote runners…');
    expect(table(loaded({ loading: true }), { loading: 'Loading the runners' })).toContain('Loading the runners…');
    // Read again: the rows stay, with no loading line.
    expect(table(loaded({ loading: true, data: page(1, [1]) }))).not.toContain('Loading');
  });

  it('shows the error with a retry', () => {
    const html = table(loaded({ error: 'The server is away' }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('The server is away');
    expect(html).toContain('Try again');
  });

  it('says "empty" (with its hint) only when told what to say', () => {
    const empty = loaded({ data: page(0, []) });
    expect(table(empty, { empty: 'No runner is registered.', emptyHint: 'Generate a token.' })).toBe(
      '<div class="empty-state"><p class="empty-state__title">No runner is registered.</p><p class="empty-state__hint">Generate a token.</p></div>',
    );
    expect(table(empty)).toBe('');
  });

  it('is named by its caption, or by the heading it is given instead', () => {
    const rows = loaded({ data: page(2, [1, 2]) });
    const captioned = table(rows);
    expect(captioned).toContain('<caption class="visually-hidden">Remote runners</caption>');
    expect(captioned).not.toContain('aria-labelledby');
    const labelled = table(rows, { labelledBy: 'runners-title' });
    expect(labelled).toContain('<table class="table" aria-labelledby="runners-title">');
    expect(labelled).not.toContain('<caption');
  });

  it('has a header per column and a row per row, each cell as its column says', () => {
    const html = table(loaded({ data: page(2, [1, 2]) }));
    expect(html.match(/<th scope="col">/g)).toHaveLength(2);
    expect(html).toContain('<th scope="col">Name</th><th scope="col">Actions</th>');
    expect(html).toContain('<tr><td>row 2</td><td><button type="button" aria-label="Remove row 2">Remove</button></td></tr>');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });

  it('has a pager only for rows read a page at a time, when they are more than a page', () => {
    expect(table(loaded({ data: page(5, [1, 2]) }))).not.toContain('pager');
    expect(table(paged({ data: page(2, [1, 2]) }))).not.toContain('pager');
    const html = table(paged({ data: page(5, [3, 4]) }, 2));
    expect(html).toContain('<nav class="pager" aria-label="Pages of remote runners">');
    expect(html).toContain('3–4 of 5');
  });
});

describe('PagedList', () => {
  const list = (rows: Paged<Row>) =>
    renderToStaticMarkup(
      createElement(PagedList<Row>, {
        paged: rows,
        label: 'Reports',
        loading: 'Loading the reports',
        empty: 'No report.',
        rowKey: (r) => r.id,
        item: (r): ReactNode => createElement('li', null, r.name),
      }),
    );

  it('says loading, error and empty as a table does', () => {
    expect(list(paged({ loading: true }))).toContain('Loading the reports…');
    expect(list(paged({ error: 'Nope' }))).toContain('Nope');
    expect(list(paged({ data: page(0, []) }))).toContain('No report.');
  });

  it('lists the rows under its name, with a pager named after it', () => {
    const html = list(paged({ data: page(3, [1, 2]) }));
    expect(html).toContain('<ul class="moderation-list" aria-label="Reports"><li>row 1</li><li>row 2</li></ul>');
    expect(html).toContain('aria-label="Pages of reports"');
  });
});

describe('FilterForm', () => {
  it('is a named search form: the filters, then the search field and its button', () => {
    const html = renderToStaticMarkup(createElement(FilterForm, { label: 'Filter the reports', onSearch: nothing }, createElement('label', null, 'State')));
    expect(html).toBe(
      '<form class="filters" role="search" aria-label="Filter the reports"><label>State</label><label>Search <input type="search" value=""/></label><button type="submit" class="button">Search</button></form>',
    );
  });
});
