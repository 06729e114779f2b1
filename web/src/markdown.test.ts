// M11: links get rel/target from a DOMPurify hook on the sanitised DOM; the sanitised string is
// never edited. Engines before mid-2025 did not escape `<` inside attribute values when
// serialising, so DOMPurify's output for the payload below kept `alt="<a onerror=... "`: a
// string replace of `<a ` then inserted a `"` that closed the attribute and let `onerror` out.
// Today's engines escape it, and the tests run without a DOM, so the sanitiser stands in here
// with exactly what those engines returned; the hook is then run on a stand-in anchor.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Hook = (node: { tagName: string; setAttribute: (name: string, value: string) => void }) => void;
const hooks = new Map<string, Hook>();
let serialised = '';

vi.mock('dompurify', () => ({
  default: {
    sanitize: vi.fn(() => serialised),
    addHook: vi.fn((name: string, hook: Hook) => hooks.set(name, hook)),
  },
}));

const { renderMarkdown } = await import('./markdown');

const PAYLOAD = '<img src=x alt="<a onerror=alert(document.domain) ">';
// What DOMPurify returned for PAYLOAD in an engine that left `<` raw in attribute values.
const OLD_ENGINE_OUTPUT = '<p><img src="x" alt="<a onerror=alert(document.domain) "></p>';

describe('renderMarkdown', () => {
  beforeEach(() => {
    serialised = '';
  });

  it('returns the sanitised string untouched (no attribute break-out)', () => {
    serialised = OLD_ENGINE_OUTPUT;
    const html = renderMarkdown(PAYLOAD);
    expect(html).toBe(OLD_ENGINE_OUTPUT);
    expect(html).not.toMatch(/alt="<a [^"]*"\s+\w/);
  });

  it('sets rel and target on links in an afterSanitizeAttributes hook', () => {
    renderMarkdown('[a link](https://example.org)');
    const hook = hooks.get('afterSanitizeAttributes');
    expect(hook).toBeDefined();
    const set: Record<string, string> = {};
    hook?.({ tagName: 'A', setAttribute: (name, value) => (set[name] = value) });
    expect(set).toEqual({ rel: 'noopener noreferrer nofollow', target: '_blank' });

    const untouched: Record<string, string> = {};
    hook?.({ tagName: 'IMG', setAttribute: (name, value) => (untouched[name] = value) });
    expect(untouched).toEqual({});
  });
});
