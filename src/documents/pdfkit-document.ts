/// <reference types="pdfkit" />
import { createRequire } from 'node:module';

/** A pdfkit document. */
export type PdfDocument = PDFKit.PDFDocument;

/** Options of a new pdfkit document. */
export type PdfDocumentOptions = PDFKit.PDFDocumentOptions;

type PdfDocumentClass = new (options?: PdfDocumentOptions) => PdfDocument;

let PDFDocument: PdfDocumentClass | undefined;

/**
 * A new pdfkit document. pdfkit (and the font tables it unpacks as it loads)
 * is required at the first call, so a process that writes no PDF never loads
 * it. Its types declare a CommonJS `export =`, which this project's ESM
 * settings (no `esModuleInterop`) cannot default-import.
 */
export function newPdfDocument(options?: PdfDocumentOptions): PdfDocument {
  PDFDocument ??= createRequire(import.meta.url)('pdfkit') as PdfDocumentClass;
  return new PDFDocument(options);
}
