// Markdown (video and channel descriptions) to safe HTML: marked renders, DOMPurify
// removes anything that could run script; links open outside the app.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

let linksHooked = false;

// rel and target are set on the sanitised DOM, never by editing the string DOMPurify returns:
// an engine that leaves `<` raw in attribute values serialises `alt="<a ..."`, and any edit of
// `<a ` there closes the attribute and lets the rest out as new attributes (onerror...).
function hookLinks(): void {
  if (linksHooked) return;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  linksHooked = true;
}

export function renderMarkdown(text: string): string {
  hookLinks();
  const html = marked.parse(text, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
