const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The longest lifetime a key may be given: ten years. */
const MAX_MS = 3650 * UNITS.d;

/**
 * A key's lifetime written as a whole number and a unit: `45s`, `90m`, `12h`,
 * `30d`, `2w` (seconds, minutes, hours, days, weeks), from one second to ten
 * years.
 * @returns milliseconds, or null for anything else.
 */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,9})([smhdw])$/.exec(text.trim());
  if (match === null) return null;
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
  return ms >= UNITS.s && ms <= MAX_MS ? ms : null;
}
