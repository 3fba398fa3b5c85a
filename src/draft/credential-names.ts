/** Words in a column's name that suggest a credential or a secret. */
const CREDENTIAL_WORDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'hash',
  'salt',
  'key',
  'otp',
  'totp',
  'mfa',
  'credential',
  'private',
  'signature',
];

/**
 * Whether a column's name looks like a credential (`password_hash`,
 * `api_key`, `webhook_secret`, `refresh_token`). A draft leaves such a column
 * out of exports until a person says otherwise; `key` alone as a name (a
 * setting's key) and `*_key_id` references do not count.
 */
export function looksLikeCredential(column: string): boolean {
  const words = column.toLowerCase().split(/[^a-z0-9]+/);
  if (words.length === 1 && words[0] === 'key') return false;
  if (words.at(-1) === 'id') return false;
  return words.some((w) => CREDENTIAL_WORDS.includes(w));
}
