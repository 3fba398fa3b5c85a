import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';
import type { TextStyle } from './pdf-fonts.js';

/** The only link targets a catalog text may point to. */
const SAFE_LINK = /^(?:https?:|mailto:)/i;

let reader: MarkdownIt | undefined;

/**
 * The one Markdown reader of catalog texts (descriptions of categories and
 * fields, reasons for leaving something out). Catalog texts are one paragraph,
 * so only inline Markdown is read: `code`, *emphasis*, **strong**, links and
 * autolinks. Raw HTML is never passed through (`html: false` escapes it),
 * images are not read (a page must not load anything), and a link whose
 * target is not http(s) or mailto stays plain text. Built at its first use:
 * a process that renders no catalog text never loads markdown-it.
 */
function markdown(): MarkdownIt {
  if (reader !== undefined) return reader;
  const Reader = createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt;
  const built = new Reader('default', { html: false, linkify: false, typographer: false });
  built.disable(['image']);
  built.validateLink = (url) => SAFE_LINK.test(url.trim());
  const defaultLinkOpen =
    built.renderer.rules['link_open'] ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  built.renderer.rules['link_open'] = (tokens, idx, options, env, self) => {
    tokens[idx]?.attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  reader = built;
  return built;
}

/**
 * A catalog text as inline HTML, for `/docs/export`, `index.html` and the
 * customer's page alike. Everything that is not Markdown is escaped, so a
 * `<script>` or a `javascript:` link renders as inert text.
 */
export function catalogMarkdownHtml(text: string): string {
  return markdown().renderInline(text);
}

/** A run of plain text in one style, as a document without HTML (summary.pdf) sets it. */
export interface PlainSpan {
  readonly text: string;
  readonly style: TextStyle;
}

/**
 * A catalog text as plain runs, its Markdown read by the same parser as
 * {@link catalogMarkdownHtml}: `code` becomes a monospaced run, **strong** a
 * bold one, emphasis marks are dropped, and a link keeps its text followed by
 * its address in parentheses (printed paper has no links).
 */
export function catalogMarkdownSpans(text: string): PlainSpan[] {
  const spans: PlainSpan[] = [];
  let bold = 0;
  const hrefs: (string | null)[] = [];
  for (const block of markdown().parseInline(text, {})) {
    for (const token of block.children ?? []) {
      const style: TextStyle = bold > 0 ? 'bold' : 'regular';
      switch (token.type) {
        case 'text':
          spans.push({ text: token.content, style });
          break;
        case 'code_inline':
          spans.push({ text: token.content, style: 'mono' });
          break;
        case 'softbreak':
        case 'hardbreak':
          spans.push({ text: ' ', style });
          break;
        case 'strong_open':
          bold++;
          break;
        case 'strong_close':
          bold--;
          break;
        case 'link_open':
          hrefs.push(token.attrGet('href'));
          break;
        case 'link_close': {
          const href = hrefs.pop() ?? null;
          if (href !== null) spans.push({ text: ` (${href.replace(/^mailto:/i, '')})`, style });
          break;
        }
        default:
          if (token.content !== '' && !token.type.endsWith('_open')) {
            spans.push({ text: token.content, style });
          }
      }
    }
  }
  return mergeSpans(spans);
}

function mergeSpans(spans: readonly PlainSpan[]): PlainSpan[] {
  const out: PlainSpan[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (last !== undefined && last.style === span.style) {
      out[out.length - 1] = { text: last.text + span.text, style: span.style };
    } else if (span.text !== '') {
      out.push(span);
    }
  }
  return out;
}
