import type { PdfDocument } from './pdfkit-document.js';
import { BASELINE_ASCENDER, fontRuns, type TextStyle } from './pdf-fonts.js';

/** A span of text in one style; spans are laid out one after another, wrapping as needed. */
export interface Span {
  readonly text: string;
  readonly style?: TextStyle;
}

/** How a paragraph of spans is set. */
export interface ParagraphOptions {
  readonly size?: number;
  readonly color?: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly align?: 'left' | 'right' | 'center';
  /** Space after the paragraph, in points. (Default: 0) */
  readonly gap?: number;
  /** Extra space between lines, in points. (Default: 1) */
  readonly lineGap?: number;
}

/**
 * Writes spans as one wrapped paragraph, switching font wherever a character
 * needs the Unicode font, every run on the same baseline.
 */
export function paragraph(
  doc: PdfDocument,
  spans: readonly Span[],
  options: ParagraphOptions = {},
): void {
  const size = options.size ?? 10;
  const runs = spans.flatMap((s) => fontRuns(s.text, s.style ?? 'regular'));
  if (runs.length === 0) return;
  doc.fontSize(size).fillColor(options.color ?? '#1f2328');
  runs.forEach((run, i) => {
    const last = i === runs.length - 1;
    const common = {
      continued: !last,
      lineGap: options.lineGap ?? 1,
      baseline: -(BASELINE_ASCENDER / 1000) * size,
      ...(options.width === undefined ? {} : { width: options.width }),
      ...(options.align === undefined ? {} : { align: options.align }),
    };
    doc.font(run.font);
    if (i === 0 && options.x !== undefined)
      doc.text(run.text, options.x, options.y ?? doc.y, common);
    else doc.text(run.text, common);
  });
  if (options.gap) doc.y += options.gap;
}
