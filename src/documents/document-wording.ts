/** What the customer is doing with each purpose of export (SPEC §2), in plain words. */
const PURPOSES: Readonly<Record<string, string>> = {
  migration: 'moving the data to another service',
  duplication: 'copying the account (a sandbox, a second account or a backup)',
  closure: 'closing the account and keeping a complete record of it',
  audit: 'proving what the platform holds, reproducibly and signed',
};

/** The purpose with its meaning, such as "closure (closing the account and keeping …)". */
export function describePurpose(purpose: string): string {
  const meaning = PURPOSES[purpose];
  return meaning === undefined ? purpose : `${purpose} (${meaning})`;
}

/** "1 record", "12,345 records". */
export function countRecords(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'record' : 'records'}`;
}

/** An integer with thousands separators, the same on every machine whatever its locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A byte size for people: "812 bytes", "1.4 MB" (powers of 1024, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A lifetime in words, exact, in the largest unit that divides it: "7 days",
 * "24 hours" (a single day reads better in hours), "90 minutes", "45 seconds".
 */
export function formatDuration(seconds: number): string {
  const unit = (size: number, name: string) => {
    const count = seconds / size;
    return `${formatCount(count)} ${count === 1 ? name : `${name}s`}`;
  };
  if (seconds >= 2 * 86_400 && seconds % 86_400 === 0) return unit(86_400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return unit(60, 'minute');
  return unit(1, 'second');
}
