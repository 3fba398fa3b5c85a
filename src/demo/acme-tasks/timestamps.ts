/** Offsets, in minutes, that demo timestamps are written in (whole, half and quarter hours). */
const OFFSETS = [0, 120, -300, 330, 540, -210, 345, 60, -570, 780];

/** 2022-01-03T00:00:00Z, the first instant of the demo platform's history. */
export const DEMO_EPOCH_MS = Date.UTC(2022, 0, 3);

/** 2025-06-30T00:00:00Z, the last instant of the demo platform's history. */
export const DEMO_END_MS = Date.UTC(2025, 5, 30);

const DAY = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian, H. Hinnant's algorithm). */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Date, time and milliseconds of `ms` (UTC), without zone. */
function parts(ms: number): [date: string, time: string, millis: string] {
  const days = Math.floor(ms / DAY);
  const inDay = ms - days * DAY;
  const seconds = Math.floor(inDay / 1000);
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return [civilDate(days), time, pad3(inDay % 1000)];
}

/**
 * Writes the instant `ms` as valid RFC 3339 text in one of several forms, picked
 * by `variant` (0–49 covers every form with every offset): with or without
 * milliseconds, `T` or space separator, `Z`, `+00:00` or a local offset such as
 * `+05:45` or `-09:30`.
 */
export function formatTimestamp(ms: number, variant: number): string {
  const offset = OFFSETS[Math.floor(variant / 5) % OFFSETS.length] ?? 0;
  switch (variant % 5) {
    case 0: {
      const [date, time, millis] = parts(ms + offset * 60_000);
      return `${date}T${time}.${millis}${offsetText(offset)}`;
    }
    case 1: {
      const [date, time] = parts(ms);
      return `${date} ${time}Z`;
    }
    case 2: {
      const [date, time] = parts(ms + offset * 60_000);
      return `${date}T${time}${offsetText(offset)}`;
    }
    case 3: {
      const [date, time, millis] = parts(ms);
      return `${date}T${time}.${millis}Z`;
    }
    default: {
      const [date, time, millis] = parts(ms);
      return `${date}T${time}.${millis}+00:00`;
    }
  }
}

/** The UTC calendar date of `ms`, as `YYYY-MM-DD`. */
export function formatDate(ms: number): string {
  return civilDate(Math.floor(ms / DAY));
}
