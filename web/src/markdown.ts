// Markdown (video and channel descriptions) to safe HTML: marked renders, DOMPurify
// removes anything that could run script; links open outside the app.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  const clean = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
  return clean.replace(/<a /g, '<a rel="noopener noreferrer nofollow" target="_blank" ');
}
