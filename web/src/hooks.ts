import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { errorMessage, type ServerConfig } from './api';
import { session } from './auth';
import { addHeadLinks, type FeedLink } from './feeds';
import type { User } from './types';

export interface AppState {
  config: ServerConfig | null;
  me: User | null;
  /** Reload the signed-in user (after log in, channel changes...). */
  reloadMe: () => Promise<void>;
  /** Reload the server's configuration (after the administrator changes it). */
  reloadConfig: () => Promise<void>;
}

export const AppContext = createContext<AppState>({
  config: null,
  me: null,
  reloadMe: async () => undefined,
  reloadConfig: async () => undefined,
});

export const useApp = () => useContext(AppContext);

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  setData: (value: T) => void;
}

/** Run a loader when its dependencies change; stale answers are dropped. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/** Track whether someone is signed in (tokens change on log in, log out, refresh). */
export function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(session.signedIn);
  useEffect(() => session.subscribe((t) => setSignedIn(t !== null)), []);
  return signedIn;
}

export function useTitle(title: string): void {
  const { config } = useApp();
  useEffect(() => {
    const instance = config?.instance.name ?? 'Cirrus';
    document.title = title ? `${title} - ${instance}` : instance;
  }, [title, config]);
}

/** `<link rel="alternate">` tags in the document's head while the page shows (feeds, oEmbed). */
export function useHeadLinks(links: FeedLink[]): void {
  const key = JSON.stringify(links);
  // Keyed by content: a new array of the same links keeps the tags where they are.
  useEffect(() => addHeadLinks(JSON.parse(key) as FeedLink[]), [key]);
}

/**
 * An action a button starts: `busy` while it runs, its error kept for the page to show, and
 * what it achieved (`notice`, set by the action) cleared when the next one starts.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, notice, setNotice, run };
}
