// What the administration pages share: a table (or list) of rows with its loading, error
// and empty lines and, a page at a time, previous/next controls; their filter form; and the
// line that reports an action's outcome.
import { Fragment, useState, type ReactNode } from 'react';
import { errorMessage } from '../api';
import { useLoad, type Loaded } from '../hooks';
import type { Page } from '../types';
import { Empty, ErrorMessage, Loading } from './Status';

export interface Paging {
  start: number;
  count: number;
}

export interface Paged<T> extends Loaded<Page<T>> {
  start: number;
  count: number;
  setStart: (start: number) => void;
}

/** Load one page of rows; back to the first page when the dependencies (filters) change. */
export function usePaged<T>(load: (paging: Paging, signal: AbortSignal) => Promise<Page<T>>, deps: unknown[], count = 20): Paged<T> {
  const [start, setStart] = useState(0);
  const [key, setKey] = useState(JSON.stringify(deps));
  const depsKey = JSON.stringify(deps);
  if (depsKey !== key) {
    setKey(depsKey);
    setStart(0);
  }
  const loaded = useLoad((signal) => load({ start, count }, signal), [start, count, depsKey]);
  return { ...loaded, start, count, setStart };
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** Rows loaded whole (`useLoad`) or a page at a time (`usePaged`: then with a pager). */
type Rows<T> = Loaded<Page<T>> | Paged<T>;

const isPaged = <T,>(rows: Rows<T>): rows is Paged<T> => 'setStart' in rows;

/** What a list of rows shows instead of rows: loading (the first time), the error with a
 * retry, and "empty" (when `empty` is given). */
export function RowsStatus<T>({ rows, loading, empty, emptyHint }: { rows: Rows<T>; loading: string; empty?: string; emptyHint?: string }) {
  const { data, error, reload } = rows;
  return (
    <>
      {rows.loading && !data && <Loading what={loading} />}
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {empty && data && data.data.length === 0 && <Empty title={empty} hint={emptyHint} />}
    </>
  );
}

export function PagedTable<T>(props: {
  paged: Rows<T>;
  /** What the rows are: the table's caption, unless `labelledBy` names the heading that is. */
  caption: string;
  labelledBy?: string;
  /** Said while loading; "Loading <caption>" by default. */
  loading?: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  /** Said when there is no row (nothing said when absent). */
  empty?: string;
  emptyHint?: string;
}) {
  const { paged, caption, labelledBy, columns, rowKey } = props;
  const { data } = paged;
  return (
    <>
      <RowsStatus rows={paged} loading={props.loading ?? `Loading ${caption.toLowerCase()}`} empty={props.empty} emptyHint={props.emptyHint} />
      {data && data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table" aria-labelledby={labelledBy}>
            {!labelledBy && <caption className="visually-hidden">{caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.header} scope="col">
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.data.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td key={c.header}>{c.cell(row)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isPaged(paged) && <Pager paged={paged} label={`Pages of ${caption.toLowerCase()}`} />}
    </>
  );
}

/** One page of rows as a list (the moderation pages' items), with its status lines and pager. */
export function PagedList<T>(props: {
  paged: Paged<T>;
  /** The list's accessible name ("Reports"). */
  label: string;
  loading: string;
  empty: string;
  rowKey: (row: T) => string | number;
  /** The row's `<li>`. */
  item: (row: T) => ReactNode;
}) {
  const { paged, label, rowKey, item } = props;
  const { data } = paged;
  return (
    <>
      <RowsStatus rows={paged} loading={props.loading} empty={props.empty} />
      {data && data.data.length > 0 && (
        <ul className="moderation-list" aria-label={label}>
          {data.data.map((row) => (
            <Fragment key={rowKey(row)}>{item(row)}</Fragment>
          ))}
        </ul>
      )}
      <Pager paged={paged} label={`Pages of ${label.toLowerCase()}`} />
    </>
  );
}

/** Filters and a search field: the search applies when submitted, the filters (`children`,
 * each changing its own state) at once. */
export function FilterForm({ label, onSearch, children }: { label: string; onSearch: (search: string) => void; children?: ReactNode }) {
  const [typed, setTyped] = useState('');
  return (
    <form
      className="filters"
      role="search"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(typed.trim());
      }}
    >
      {children}
      <label>
        Search <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </label>
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

/** Previous and next, when the rows are more than a page. */
export function Pager<T>({ paged, label }: { paged: Paged<T>; label: string }) {
  const { data, start, count, setStart } = paged;
  if (!data || data.total <= count) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button" disabled={start === 0} onClick={() => setStart(Math.max(0, start - count))}>
        Previous
      </button>
      <span>
        {start + 1}–{Math.min(start + count, data.total)} of {data.total}
      </span>
      <button type="button" className="button" disabled={start + count >= data.total} onClick={() => setStart(start + count)}>
        Next
      </button>
    </nav>
  );
}

export type Outcome = { ok: boolean; text: string } | null;

/** Run an action and keep what came of it, for an OutcomeLine; `done` runs after a success;
 * a failure says the server's reason, after `failed` when given ("The job was not retried"). */
export function useOutcome() {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, success: string, done?: () => void, failed?: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await action();
      setOutcome({ ok: true, text: success });
      done?.();
    } catch (err) {
      setOutcome({ ok: false, text: failed ? `${failed}: ${errorMessage(err)}` : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return { outcome, busy, run, setOutcome };
}

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p className={outcome.ok ? 'notice notice--ok' : 'error-box'} role={outcome.ok ? 'status' : 'alert'}>
      {outcome.text}
    </p>
  );
}
