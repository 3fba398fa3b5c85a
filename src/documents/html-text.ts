const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Escaped text where each `backquoted` span becomes `<code>`, the way the
 * shared README texts (CSV dialect, verification steps) mark commands and names.
 */
export function inlineCode(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

/** A relative link to a file of the unzipped archive, each path segment percent-encoded. */
export function fileHref(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** An `id` attribute value for a category's section. */
export function categoryAnchor(name: string): string {
  return `category-${encodeURIComponent(name)}`;
}
