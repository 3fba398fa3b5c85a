import type { Prng } from '../prng.js';

/** A random version-4 UUID from `rng`, in lowercase 8-4-4-4-12 text. */
export function uuidFrom(rng: Prng): string {
  const hex = rng.hex(32);
  const variant = '89ab'[rng.int(4)]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 2023-01-01T00:00:00Z: the earliest instant of the generated data, in ms. */
export const NORTHWIND_EPOCH_MS = Date.UTC(2023, 0, 1);
/** 2025-06-30T00:00:00Z: the latest. */
export const NORTHWIND_END_MS = Date.UTC(2025, 5, 30);

const OFFSETS = [0, 0, 0, 330, -180, 585, -600, 0, 60, -210];

/**
 * The instant `ms` plus `micros` (0–999) microseconds as RFC 3339 text with
 * six fractional digits, in one of several UTC offsets (`form` picks it), as
 * an application that keeps the writer's offset stores it.
 */
export function microStamp(ms: number, micros: number, form: number): string {
  const offset = OFFSETS[form % OFFSETS.length] ?? 0;
  const local = new Date(ms + offset * 60_000).toISOString();
  const fraction = `${local.slice(20, 23)}${String(micros).padStart(3, '0')}`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone =
    offset === 0 && form % 2 === 0
      ? 'Z'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, 19)}.${fraction}${zone}`;
}

/** An instant between `from` and `to` (ms), to the microsecond, as {@link microStamp} writes it. */
export function stampBetween(rng: Prng, from: number, to: number): string {
  return microStamp(from + rng.int(Math.max(1, to - from)), rng.int(1000), rng.int(100));
}

/** `YYYY-MM-DD` of the instant `ms` in UTC. */
export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `cents / 100` as exact decimal text with two digits after the point. */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `units / 10^digits` as exact decimal text with `digits` after the point. */
export function fixed(units: number, digits: number): string {
  const scale = 10 ** digits;
  return `${Math.floor(units / scale)}.${String(units % scale).padStart(digits, '0')}`;
}

/**
 * Text that breaks naive exporters: scripts and emoji, commas, quotes and
 * line breaks (CRLF too), cells a spreadsheet would run as a formula, a
 * combining accent beside a precomposed one, a backslash, surrounding spaces,
 * and the empty string (beside null, elsewhere).
 */
export const HARD_TEXT: readonly string[] = [
  'Ünïcödé — naïve café, 東京, Москва, مرحبا, שלום',
  'Comma, "double quotes" and \'single\' ones',
  'Line one\nLine two\r\nLine three',
  '=HYPERLINK("https://example.com","open")',
  '+47 22 00 00 00',
  '-15% if signed before Friday',
  '@channel please review',
  '\tstarts with a tab',
  '🚀 launch 👩‍👩‍👧 family 🇳🇴',
  'e\u0301 (combining) beside \u00e9 (precomposed)',
  '',
  '  surrounded by spaces  ',
  'C:\\Deals\\2025\\Q3 — back\\slashes',
];

/** A note long enough to test limits: about 20,000 characters over many lines. */
export const LONG_TEXT = Array.from(
  { length: 400 },
  (_, i) => `Line ${i + 1}: the customer asked again about volume pricing, «remise», 折扣.`,
).join('\n');
