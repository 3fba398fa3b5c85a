/// <reference types="pdfkit" />
import { createRequire } from 'node:module';

/** A pdfkit document. */
export type PdfDocument = PDFKit.PDFDocument;

/** Options of a new pdfkit document. */
export type PdfDocumentOptions = PDFKit.PDFDocumentOptions;

/**
 * pdfkit's document class. Its types declare a CommonJS `export =`, which
 * this project's ESM settings (no `esModuleInterop`) cannot default-import.
 */
export const PDFDocument = createRequire(import.meta.url)('pdfkit') as new (
  options?: PdfDocumentOptions,
) => PdfDocument;
