// Signing in as PeerTube's own web client does: the instance's local OAuth client
// (GET /api/v1/oauth-clients/local), then the password grant on /api/v1/users/token.
// Tokens live in localStorage so a reload keeps the session; an access token about to
// expire, or refused with 401, is renewed once with the refresh grant.

import { ApiError, readJson, send, type RequestOptions } from './api';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is no longer valid. */
  expiresAt: number;
}

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

interface OAuthClient {
  client_id: string;
  client_secret: string;
}

/** The storage the session lives in; tests pass a stand-in. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const TOKENS_KEY = 'cirrus.tokens';
const CLIENT_KEY = 'cirrus.oauthClient';
/** Renew this long before the access token expires, so a request never races it. */
const EARLY_REFRESH_MS = 30_000;

type Listener = (tokens: Tokens | null) => void;

export class Session {
  private refreshing: Promise<Tokens | null> | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  get tokens(): Tokens | null {
    const raw = this.store.getItem(TOKENS_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Tokens;
    } catch {
      return null;
    }
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(tokens: Tokens | null): void {
    if (tokens) this.store.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else this.store.removeItem(TOKENS_KEY);
    for (const listener of this.listeners) listener(tokens);
  }

  private async client(): Promise<OAuthClient> {
    const cached = this.store.getItem(CLIENT_KEY);
    if (cached) return JSON.parse(cached) as OAuthClient;
    const client = await readJson<OAuthClient>(await send('/api/v1/oauth-clients/local'));
    this.store.setItem(CLIENT_KEY, JSON.stringify(client));
    return client;
  }

  private async grant(fields: Record<string, string>, headers?: Record<string, string>): Promise<Tokens> {
    const client = await this.client();
    const res = await send('/api/v1/users/token', {
      method: 'POST',
      form: { client_id: client.client_id, client_secret: client.client_secret, ...fields },
      headers,
    });
    const answer = await readJson<TokenAnswer>(res);
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: this.now() + answer.expires_in * 1000,
    };
  }

  /**
   * Log in with the password grant. `otp` is a two-factor code: a user who turned it on is
   * refused without one with the ApiError code `missing_two_factor` (PeerTube's answer, with
   * its `x-peertube-otp: required; app` header), and the page then asks for it.
   */
  async logIn(username: string, password: string, otp?: string): Promise<void> {
    const headers = otp ? { 'x-peertube-otp': otp } : undefined;
    try {
      this.save(await this.grant({ grant_type: 'password', username, password }, headers));
    } catch (err) {
      // A client id the server no longer knows (a reset instance): forget it and try once more.
      if (err instanceof ApiError && err.code === 'invalid_client') {
        this.store.removeItem(CLIENT_KEY);
        this.save(await this.grant({ grant_type: 'password', username, password }, headers));
      } else throw err;
    }
  }

  async logOut(): Promise<void> {
    const tokens = this.tokens;
    this.save(null);
    if (tokens) {
      await send('/api/v1/users/revoke-token', {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
      }).catch(() => undefined); // the local session is gone either way
    }
  }

  /** Renew the tokens with the refresh grant; null (and signed out) when refused. */
  refresh(): Promise<Tokens | null> {
    if (this.refreshing) return this.refreshing;
    const tokens = this.tokens;
    if (!tokens) return Promise.resolve(null);
    this.refreshing = this.grant({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken })
      .then(
        (fresh) => {
          this.save(fresh);
          return fresh;
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
            this.save(null);
            return null;
          }
          throw err;
        },
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** A valid access token, renewed first when it is about to expire. */
  async accessToken(): Promise<string | null> {
    const tokens = this.tokens;
    if (!tokens) return null;
    if (tokens.expiresAt - EARLY_REFRESH_MS > this.now()) return tokens.accessToken;
    return (await this.refresh())?.accessToken ?? null;
  }

  /** Send an API request with the bearer token (when signed in), renewing it once on a 401. */
  async send(path: string, options: RequestOptions = {}): Promise<Response> {
    const token = await this.accessToken();
    const withToken = (t: string | null): RequestOptions =>
      t ? { ...options, headers: { ...options.headers, Authorization: `Bearer ${t}` } } : options;
    try {
      return await send(path, withToken(token));
    } catch (err) {
      if (!(token && err instanceof ApiError && err.status === 401)) throw err;
      const fresh = await this.refresh();
      if (!fresh) throw new ApiError({ status: 401, title: 'Signed out', detail: 'Your session has ended. Please log in again.' });
      return send(path, withToken(fresh.accessToken));
    }
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return readJson<T>(await this.send(path, options), options.signal);
  }
}

export const session = new Session(typeof localStorage === 'undefined' ? memoryStore() : localStorage);

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}
