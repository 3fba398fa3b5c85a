export {
  DEFAULT_MAX_CELL_CHARS,
  type IndexHtmlInput,
  type ManifestOverview,
  type RecordSamples,
  type SummaryPdfInput,
} from './document-input.js';
export { escapeHtml } from './html-text.js';
export { renderIndexHtml } from './index-html.js';
export { RecordSampler, type RecordSamplerOptions } from './record-sampler.js';
export { renderSummaryPdf, writeSummaryPdf } from './summary-pdf.js';
