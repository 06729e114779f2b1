import { describe, expect, it } from 'vitest';
import { addHeadLinks, oembedLink, subscriptionFeeds, videoFeeds } from './feeds';

describe('feed links', () => {
  it('names a channel feed in each format, and its podcast', () => {
    const links = videoFeeds({ videoChannelId: 7 }, 'https://tube.example');
    expect(links.map((l) => l.href)).toEqual([
      'https://tube.example/feeds/videos.xml?videoChannelId=7',
      'https://tube.example/feeds/videos.atom?videoChannelId=7',
      'https://tube.example/feeds/videos.json?videoChannelId=7',
      'https://tube.example/feeds/podcast/videos.xml?videoChannelId=7',
    ]);
    expect(videoFeeds({ accountId: 3 }, 'https://tube.example')).toHaveLength(3);
  });

  it('carries the feed token of the subscriptions feed, escaped', () => {
    const [rss] = subscriptionFeeds(4, 'a b&c', 'https://tube.example');
    expect(rss?.href).toBe('https://tube.example/feeds/subscriptions.xml?accountId=4&token=a%20b%26c');
  });

  it('points oEmbed at the watch page', () => {
    const link = oembedLink('https://tube.example/w/abc?start=3', 'A video', 'https://tube.example');
    expect(link.type).toBe('application/json+oembed');
    expect(link.href).toBe('https://tube.example/services/oembed?url=https%3A%2F%2Ftube.example%2Fw%2Fabc%3Fstart%3D3');
  });

  it('adds alternate links to the head and takes them out', () => {
    // A head of plain objects: the tests run without a DOM.
    const children: Record<string, unknown>[] = [];
    const doc = {
      head: { appendChild: (child: Record<string, unknown>) => children.push(child) },
      createElement: () => {
        const element: Record<string, unknown> = {};
        element.remove = () => children.splice(children.indexOf(element), 1);
        return element;
      },
    } as unknown as Pick<Document, 'createElement' | 'head'>;
    const remove = addHeadLinks(videoFeeds({ accountId: 3 }, 'https://tube.example'), doc);
    expect(children.map((c) => [c.rel, c.type])).toEqual([
      ['alternate', 'application/rss+xml'],
      ['alternate', 'application/atom+xml'],
      ['alternate', 'application/json'],
    ]);
    remove();
    expect(children).toHaveLength(0);
  });
});
