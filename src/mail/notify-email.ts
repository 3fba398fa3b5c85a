/** Longest address accepted (RFC 5321's path limit, less the brackets). */
export const MAX_ADDRESS_LENGTH = 254;

/**
 * A bare address `local@domain`: printable ASCII only, no space, no angle
 * bracket, comma or quote — so nothing in it can start a new header line,
 * add a recipient or a display name.
 */
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * Why `address` cannot be `notify_email`, or null when it can: one bare
 * address with a dotted domain, at most {@link MAX_ADDRESS_LENGTH} characters.
 */
export function notifyEmailProblem(address: string): string | null {
  if (address.length > MAX_ADDRESS_LENGTH)
    return `must be at most ${MAX_ADDRESS_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (/[\x00-\x1f\x7f]/.test(address))
    return 'must be one address on one line (no control characters)';
  if (!ADDRESS.test(address) || address.includes('..') || /^\.|\.@/.test(address))
    return 'must be one plain address such as "name@example.com" (no display name, no list)';
  return null;
}
