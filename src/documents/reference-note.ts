import type { CategoryReference } from '../catalog/index.js';
import { categoryAnchor, escapeHtml } from './html-text.js';

/**
 * The note under a field that holds another category's key: "References
 * Users." with a link to that category's section (`#category-<name>`, the same
 * anchor on `/docs/export` and in `index.html`); a field of a composite key
 * names the fields it goes with. Empty for a field that references nothing.
 */
export function referenceNote(
  field: string,
  references: readonly Pick<CategoryReference, 'fields' | 'category'>[],
  titles: ReadonlyMap<string, string>,
): string {
  const links = references
    .filter((r) => r.fields.includes(field))
    .map((r) => {
      const others = r.fields.filter((f) => f !== field);
      const together =
        others.length === 0
          ? ''
          : ` (with ${others.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')})`;
      return (
        `<a href="#${escapeHtml(categoryAnchor(r.category))}">` +
        `${escapeHtml(titles.get(r.category) ?? r.category)}</a>${together}`
      );
    });
  return links.length === 0 ? '' : `<br><span class="ref">References ${links.join(', ')}.</span>`;
}
