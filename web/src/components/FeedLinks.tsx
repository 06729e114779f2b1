import type { FeedLink } from '../feeds';

/** The feeds of a page, as links a reader can copy (PeerTube's RSS icon menu). */
export function FeedLinks({ links, label }: { links: FeedLink[]; label: string }) {
  return (
    <nav className="feed-links muted" aria-label={label}>
      <span aria-hidden="true">◉</span> Feeds:{' '}
      {links.map((link, index) => (
        <span key={link.href}>
          {index > 0 && ' · '}
          <a href={link.href} type={link.type} rel="alternate">
            {link.title}
          </a>
        </span>
      ))}
    </nav>
  );
}
