import type { ServerConfig } from '../api';
import type { Params } from '../router';

export interface ViewContext {
  params: Params;
  url: URL;
  /** Aborted when the user navigates away before the view has rendered. */
  signal: AbortSignal;
  /** The instance config, fetched once at start-up. */
  config: Promise<ServerConfig>;
  /** Show a non-fatal error in the banner while the view still renders. */
  reportError(err: unknown): void;
}

export interface Rendered {
  /** Page title, without the instance name. */
  title: string;
  content: Node;
}

/** A view builds its content; a rejection is shown in the error banner. */
export type View = (ctx: ViewContext) => Promise<Rendered>;
