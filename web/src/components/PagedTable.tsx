// What the administration pages share: a table of one page of rows with previous/next
// controls, its loader, and the line that reports an action's outcome.
import { useState, type ReactNode } from 'react';
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

export function PagedTable<T>(props: {
  paged: Paged<T>;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  empty: string;
}) {
  const { paged, caption, columns, rowKey, empty } = props;
  const { data, error, loading, reload } = paged;
  return (
    <>
      {loading && !data && <Loading what={`Loading ${caption.toLowerCase()}`} />}
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {data && data.data.length === 0 && <Empty title={empty} />}
      {data && data.data.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">{caption}</caption>
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
      <Pager paged={paged} label={`Pages of ${caption.toLowerCase()}`} />
    </>
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

/** Run an action and keep what came of it, for an OutcomeLine; `done` runs after a success. */
export function useOutcome() {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, success: string, done?: () => void) => {
    setBusy(true);
    setOutcome(null);
    try {
      await action();
      setOutcome({ ok: true, text: success });
      done?.();
    } catch (err) {
      setOutcome({ ok: false, text: errorMessage(err) });
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
