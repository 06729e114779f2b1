/**
 * PeerTube's feeds and oEmbed, as links: the feed URLs of a channel, an account or the user's
 * subscriptions, and the `<link rel="alternate">` tags that let readers and sites discover
 * them. The web client is static (index.html from the bucket), so these tags are added to
 * document.head by the page that shows the channel, account or video: crawlers that run
 * scripts see them, plain HTML fetchers do not.
 */

export interface FeedLink {
  /** The link's MIME type, as in `<link type>`. */
  type: string;
  title: string;
  href: string;
}

const FORMATS: { suffix: string; type: string; title: string }[] = [
  { suffix: 'xml', type: 'application/rss+xml', title: 'RSS 2.0' },
  { suffix: 'atom', type: 'application/atom+xml', title: 'Atom 1.0' },
  { suffix: 'json', type: 'application/json', title: 'JSON' },
];

function origin(): string {
  return window.location.origin;
}

/** The video feeds of a channel or an account, in each format (and the channel's podcast). */
export function videoFeeds(filter: { videoChannelId: number } | { accountId: number }, base = origin()): FeedLink[] {
  const [name, id] = 'videoChannelId' in filter ? ['videoChannelId', filter.videoChannelId] : ['accountId', filter.accountId];
  const links = FORMATS.map((f) => ({ type: f.type, title: f.title, href: `${base}/feeds/videos.${f.suffix}?${name}=${id}` }));
  if ('videoChannelId' in filter) {
    links.push({ type: 'application/rss+xml', title: 'Podcast', href: `${base}/feeds/podcast/videos.xml?videoChannelId=${id}` });
  }
  return links;
}

/** The user's subscriptions feed, readable with their feed token (GET /users/scoped-tokens). */
export function subscriptionFeeds(accountId: number, feedToken: string, base = origin()): FeedLink[] {
  const token = encodeURIComponent(feedToken);
  return FORMATS.map((f) => ({
    type: f.type,
    title: f.title,
    href: `${base}/feeds/subscriptions.${f.suffix}?accountId=${accountId}&token=${token}`,
  }));
}

/** The oEmbed discovery link of a watch page. */
export function oembedLink(watchUrl: string, title: string, base = origin()): FeedLink {
  return {
    type: 'application/json+oembed',
    title,
    href: `${base}/services/oembed?url=${encodeURIComponent(watchUrl)}`,
  };
}

/** Put `links` in document.head as `<link rel="alternate">`; the returned function takes them out. */
export function addHeadLinks(links: FeedLink[], doc: Pick<Document, 'createElement' | 'head'> = document): () => void {
  const added = links.map((link) => {
    const element = doc.createElement('link');
    element.rel = 'alternate';
    element.type = link.type;
    element.title = link.title;
    element.href = link.href;
    doc.head.appendChild(element);
    return element;
  });
  return () => added.forEach((element) => element.remove());
}
