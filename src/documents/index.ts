export {
  DEFAULT_MAX_CELL_CHARS,
  type IndexHtmlInput,
  type ManifestOverview,
  type RecordSamples,
  type SummaryPdfInput,
} from './document-input.js';
export { catalogMarkdownHtml, catalogMarkdownSpans, type PlainSpan } from './catalog-markdown.js';
export { formatDuration } from './document-wording.js';
export { categoryAnchor, escapeHtml, inlineCode } from './html-text.js';
export { referenceNote } from './reference-note.js';
export { renderIndexHtml } from './index-html.js';
export { RecordSampler, type RecordSamplerOptions } from './record-sampler.js';
export { renderSummaryPdf, writeSummaryPdf } from './summary-pdf.js';
