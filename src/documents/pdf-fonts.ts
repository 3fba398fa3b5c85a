import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { woffToSfnt } from './woff-to-sfnt.js';

/** The text styles the summary uses. */
export type TextStyle = 'regular' | 'bold' | 'mono';

/** Name under which the Unicode font is registered in each document. */
export const UNICODE_FONT = 'Unicode';

/** pdfkit's built-in fonts per style: not embedded, and limited to the WinAnsi characters. */
const BUILT_IN: Readonly<Record<TextStyle, string>> = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  mono: 'Courier',
};

/** Ascender of Helvetica in 1/1000 em: every run is set on Helvetica's baseline. */
export const BASELINE_ASCENDER = 718;

/** Characters of WinAnsiEncoding beyond Latin-1, which the built-in fonts can draw. */
const WIN_ANSI_EXTRA = new Set(
  [
    0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
    0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
    0x0153, 0x017e, 0x0178,
  ].map((c) => String.fromCodePoint(c)),
);

let unicodeFont: Promise<Buffer> | undefined;

/**
 * GNU Unifont (the UnifontEX build from `@fontsource/unifontex`, SIL OFL 1.1):
 * a glyph for nearly every Unicode character, CJK and emoji included. It is
 * embedded, subset to the characters used, for any text the built-in fonts
 * cannot draw. Read and unpacked once per process.
 */
export function loadUnicodeFont(): Promise<Buffer> {
  unicodeFont ??= readFile(
    createRequire(import.meta.url).resolve(
      '@fontsource/unifontex/files/unifontex-latin-400-normal.woff',
    ),
  ).then(woffToSfnt);
  return unicodeFont;
}

/** One piece of text drawn in one font. */
export interface FontRun {
  readonly text: string;
  readonly font: string;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Splits `text` into runs a PDF can draw: WinAnsi characters in the built-in
 * font of `style`, every other grapheme (with its combining marks) in the
 * Unicode font. Text is NFC-normalised first, so "e" + U+0301 becomes "é".
 */
export function fontRuns(text: string, style: TextStyle): FontRun[] {
  const runs: { text: string; font: string }[] = [];
  for (const { segment } of graphemes.segment(cleanText(text))) {
    const font = [...segment].every(isWinAnsi) ? BUILT_IN[style] : UNICODE_FONT;
    const last = runs[runs.length - 1];
    if (last?.font === font) last.text += segment;
    else runs.push({ text: segment, font });
  }
  return runs;
}

/** NFC text with line breaks as `\n` and other control characters as spaces. */
export function cleanText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' ? c : ' '));
}

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xff) ||
    code === 0x0a ||
    WIN_ANSI_EXTRA.has(char)
  );
}
